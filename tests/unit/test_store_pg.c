/* Unit tests for the PostgreSQL engine's libpq layer (store/pg): store URLs validated and
 * redacted, placeholders translated, errors mapped; and against a real server (ROSTER_TEST_PG,
 * a libpq URL; skipped without it): UTF8 refusal, migrations exactly once from two connections
 * at once, the entity schema (SQLite's names, NOCASE, instr, triggers), a newer schema refused,
 * unique violations, serialization failures retried, and a terminated connection reopened.
 * Each server test works in a database of its own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/pg/pg.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"

/* ---- without a server ---- */

static void assert_one_line_without(const char *msg, const char *secret)
{
    assert_non_null(msg);
    assert_true(msg[0] != 0);
    assert_null(strchr(msg, '\n'));
    if (secret)
        assert_null(strstr(msg, secret));
}

static void test_url_valid(void **state)
{
    (void)state;
    static const char *const good[] = {
        "postgres://db.example/roster",
        "postgresql://roster@127.0.0.1:5432/roster?sslmode=require&connect_timeout=3",
        "postgresql://a:5432,b:5433/roster?target_session_attrs=read-write",
        "postgresql:///roster?host=/run/postgresql",
        "host=127.0.0.1 port=5432 dbname=roster user=roster",
    };
    char err[STORE_PG_ERR_MAX];
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        struct store_pg_url u;
        assert_int_equal(store_pg_url_parse(good[i], &u, err, sizeof(err)), 0);
        assert_false(u.has_password);
        assert_string_equal(u.redacted, good[i]);
        store_pg_url_free(&u);
    }
    static const char *const bad[] = {
        "postgres://u:pw-secret@h:notaport/db", "postgresql://u:pw-secret@h/db?nosuchoption=1",
        "postgresql://u:pw-secret%zz@h/db",     "postgresql://u:pw-secret@[::1/db",
        "host=h password=pw-secret port",       "host=h password='pw-secret",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct store_pg_url u;
        assert_int_equal(store_pg_url_parse(bad[i], &u, err, sizeof(err)), R_EINVAL);
        assert_one_line_without(err, "pw-secret");
        assert_non_null(strstr(err, "invalid store URL"));
        assert_null(strstr(u.redacted, "pw-secret"));
        store_pg_url_free(&u);
    }
    assert_true(store_pg_is_url("postgres://h/d"));
    assert_true(store_pg_is_url("postgresql://h/d"));
    assert_false(store_pg_is_url("sqlite:var/roster.db"));
    assert_false(store_pg_is_url("postgres:h"));
}

static void test_url_redact(void **state)
{
    (void)state;
    char err[STORE_PG_ERR_MAX], out[256];
    struct store_pg_url u;
    assert_int_equal(store_pg_url_parse("postgres://alice:s3cr%40t@db.example:5432/roster"
                                        "?sslmode=require",
                                        &u, err, sizeof(err)),
                     0);
    assert_true(u.has_password);
    assert_string_equal(u.redacted, "postgres://alice:***@db.example:5432/roster?sslmode=require");
    /* both spellings are scrubbed: as written and decoded */
    store_pg_scrub(&u, "FATAL: password s3cr@t and s3cr%40t\nrejected\n", out, sizeof(out));
    assert_string_equal(out, "FATAL: password *** and *** rejected");
    store_pg_url_free(&u);

    assert_int_equal(store_pg_url_parse("postgresql://db/r?user=bob&password=qq-9&sslmode=disable",
                                        &u, err, sizeof(err)),
                     0);
    assert_true(u.has_password);
    assert_string_equal(u.redacted, "postgresql://db/r?user=bob&password=***&sslmode=disable");
    store_pg_url_free(&u);

    assert_int_equal(
        store_pg_url_parse("host=db password = 'it\\'s x y' dbname=r", &u, err, sizeof(err)), 0);
    assert_true(u.has_password);
    assert_null(strstr(u.redacted, "x y"));
    assert_non_null(strstr(u.redacted, "dbname=r"));
    store_pg_url_free(&u);

    /* a cut message still ends in a NUL */
    assert_int_equal(store_pg_url_parse("postgres://a:bcdef@h/d", &u, err, sizeof(err)), 0);
    store_pg_scrub(&u, "0123456789", out, 5);
    assert_string_equal(out, "0123");
    store_pg_url_free(&u);
}

/* A server that is not there: a one-line R_EBUSY that names the host, not the password. */
static void test_unreachable(void **state)
{
    (void)state;
    char err[STORE_PG_ERR_MAX];
    struct store_pg *pg = (struct store_pg *)1;
    assert_int_equal(store_pg_open("postgresql://roster:hunter2-secret@127.0.0.1:1/roster", &pg,
                                   err, sizeof(err)),
                     R_EBUSY);
    assert_null(pg);
    assert_one_line_without(err, "hunter2-secret");
    assert_non_null(strstr(err, "postgresql://roster:***@127.0.0.1:1/roster"));
}

static void test_translate(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
        int n;
    } cases[] = {
        {"SELECT ?1, ?2, ?1", "SELECT $1, $2, $1", 2},
        {"VALUES (?, ?)", "VALUES ($1, $2)", 2},
        {"WHERE a = ?3 AND b = ?", "WHERE a = $3 AND b = $4", 4},
        {"SELECT 'what?1', \"col?\", 'it''s ?' || ?1", "SELECT 'what?1', \"col?\", 'it''s ?' || $1",
         1},
        {"SELECT 1 -- ?1\n, ?2 /* ? */", "SELECT 1 -- ?1\n, $2 /* ? */", 2},
        {"SELECT 1", "SELECT 1", 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *out;
        int n;
        assert_int_equal(pg__translate(cases[i].in, &out, &n), 0);
        assert_string_equal(out, cases[i].out);
        assert_int_equal(n, cases[i].n);
        free(out);
    }
    char *out;
    int n;
    assert_int_equal(pg__translate("SELECT ?0", &out, &n), R_EINVAL);
    assert_int_equal(pg__translate("SELECT ?70000", &out, &n), R_EINVAL);
}

static void test_map_error(void **state)
{
    (void)state;
    assert_int_equal(pg__map_error("23505", false), R_EEXIST);
    assert_int_equal(pg__map_error("40001", false), R_EBUSY);
    assert_int_equal(pg__map_error("40P01", false), R_EBUSY);
    assert_int_equal(pg__map_error("08006", false), R_EBUSY);
    assert_int_equal(pg__map_error("57P01", false), R_EBUSY);
    assert_int_equal(pg__map_error("", true), R_EBUSY);
    assert_int_equal(pg__map_error("22P02", false), R_EINVAL);
    assert_int_equal(pg__map_error("42P01", false), R_ESTORE);
}

/* ---- against ROSTER_TEST_PG ---- */

static const char *server(void)
{
    const char *u = getenv("ROSTER_TEST_PG");
    return u && *u ? u : NULL;
}

#define NEED_SERVER()                                                                              \
    do {                                                                                           \
        if (!server()) {                                                                           \
            print_message("skipped: ROSTER_TEST_PG (a libpq URL) is not set\n");                   \
            skip();                                                                                \
        }                                                                                          \
    } while (0)

/* The server's URL with another database, as a keyword string (which the store also takes). */
static void url_for(const char *dbname, char *out, size_t n)
{
    PQconninfoOption *opts = PQconninfoParse(server(), NULL);
    assert_non_null(opts);
    struct buf b;
    buf_init(&b, 0);
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        const char *v = strcmp(o->keyword, "dbname") == 0 ? dbname : o->val;
        if (!v)
            continue;
        buf_appendf(&b, "%s='", o->keyword);
        for (const char *p = v; *p; p++) {
            if (*p == '\'' || *p == '\\')
                buf_append(&b, "\\", 1);
            buf_append(&b, p, 1);
        }
        buf_append_str(&b, "' ");
    }
    PQconninfoFree(opts);
    snprintf(out, n, "%s", buf_cstr(&b));
    buf_free(&b);
}

static PGconn *connect_to(const char *url)
{
    PGconn *c = PQconnectdb(url);
    if (PQstatus(c) != CONNECTION_OK)
        fail_msg("cannot connect to the test server: %s", PQerrorMessage(c));
    return c;
}

static void sql_ok(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
}

static long sql_int(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
        fail_msg("%s: %s", sql, PQerrorMessage(c));
    long v = strtol(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return v;
}

/* A fresh database for one test: its name and URL. */
struct db {
    char name[64];
    char url[1024];
};

static void db_create(struct db *d, const char *tag, const char *options)
{
    static int seq;
    snprintf(d->name, sizeof(d->name), "roster_t_%s_%d_%d", tag, (int)getpid(), ++seq);
    url_for(d->name, d->url, sizeof(d->url));
    PGconn *c = connect_to(server());
    char sql[512];
    snprintf(sql, sizeof(sql), "CREATE DATABASE %s %s", d->name, options ? options : "");
    sql_ok(c, sql);
    PQfinish(c);
}

static void db_drop(struct db *d)
{
    PGconn *c = connect_to(server());
    char sql[128];
    snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", d->name);
    /* an autovacuum worker (the bootstrap superuser's) in the new database cannot be
     * terminated by the test role: it leaves within moments */
    for (int i = 0; i < 50; i++) {
        PGresult *r = PQexec(c, sql);
        bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (ok)
            break;
        struct timespec ts = {0, 100000000};
        nanosleep(&ts, NULL);
        if (i == 49)
            fail_msg("%s: %s", sql, PQerrorMessage(c));
    }
    PQfinish(c);
}

static void test_open_migrates(void **state)
{
    (void)state;
    NEED_SERVER();
    struct db d;
    db_create(&d, "open", NULL);
    char err[STORE_PG_ERR_MAX];
    struct store_pg *pg;
    assert_int_equal(store_pg_open(d.url, &pg, err, sizeof(err)), 0);
    int v;
    assert_int_equal(store_pg_schema_version(pg, &v), 0);
    assert_int_equal(v, store_pg_schema_latest());
    /* the session settings */
    PGresult *r;
    assert_int_equal(pg__query(pg,
                               "SELECT current_setting('synchronous_commit'), "
                               "current_setting('statement_timeout'), "
                               "current_setting('client_encoding')",
                               0, NULL, &r),
                     0);
    assert_string_equal(PQgetvalue(r, 0, 0), "on");
    assert_string_equal(PQgetvalue(r, 0, 1), "30s");
    assert_string_equal(PQgetvalue(r, 0, 2), "UTF8");
    PQclear(r);
    store_pg_close(pg);
    /* opening again migrates nothing */
    assert_int_equal(store_pg_open(d.url, &pg, err, sizeof(err)), 0);
    store_pg_close(pg);
    PGconn *c = connect_to(d.url);
    assert_int_equal(sql_int(c, "SELECT count(*) FROM roster_schema_version"),
                     store_pg_schema_latest());
    PQfinish(c);
    db_drop(&d);
}

/* One text value of a one-row, one-column statement, into out. */
static void sql_text(PGconn *c, const char *sql, char *out, size_t n)
{
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
        fail_msg("%s: %s", sql, PQerrorMessage(c));
    snprintf(out, n, "%s", PQgetisnull(r, 0, 0) ? "(null)" : PQgetvalue(r, 0, 0));
    PQclear(r);
}

/* SQLite's final schema (sqlite3 .schema after its migration 5), which the shared SQL names:
 * every table with its columns in order. SQLite's FTS5 tables have no counterpart. */
static const struct {
    const char *table, *columns;
} sqlite_tables[] = {
    {"teams", "id,name,created"},
    {"team_counters", "team_id,name,next"},
    {"users", "id,team_id,uuid,okta_id,name,login,login_lc,user_type,status,email,first_name,"
              "last_name,display_name,profile_json,password_hash,created,last_updated,"
              "status_changed,deleted_at,activated,password_changed,name_fold,login_fold,"
              "email_fold,first_name_fold,last_name_fold,display_name_fold"},
    {"groups", "id,team_id,uuid,okta_id,name,description,profile_json,roles,type,flags,"
               "federated_from_team,federation_approved_at,created,last_updated,"
               "last_membership_updated,deleted_at,users_count,human_count,okta_name,name_fold,"
               "description_fold"},
    {"memberships", "group_id,user_name,user_id,created"},
    {"api_keys", "id,team_id,user_id,uuid,secret_hash,issued_at,expires_at,last_used,deleted_at"},
    {"bearer_tokens", "hash,team_id,key_id,expires_at"},
    {"api_tokens", "hash,team_id,user_id,created"},
    {"projects", "id,team_id,uuid,name,create_server_users,force_shared_ssh_users,"
                 "forward_traffic,rdp_session_recording,require_preauth_for_creds,"
                 "ssh_session_recording,gateway_selector,shared_admin_user_name,"
                 "shared_standard_user_name,ssh_certificate_type,next_unix_uid,next_unix_gid,"
                 "user_on_demand_period,created,deleted_at,name_fold"},
    {"project_groups", "project_id,group_id,group_name,group_uuid,server_access,server_admin,"
                       "create_server_group,servers_selector,created,removed_at,deleted_at"},
    {"enrollment_tokens", "id,project_id,uuid,description,created_by,server_url,issued_at,"
                          "secret_box"},
    {"group_attributes", "group_id,unix_group_name,windows_group_name,unix_gid"},
    {"user_attributes", "user_id,unix_user_name,windows_user_name,unix_uid,unix_gid"},
    {"team_settings", "team_id,approve_device_without_interaction,reactivate_users_via_idp,"
                      "user_provisioning_exact_username,client_session_duration,"
                      "web_session_duration,post_device_enrollment_url,post_login_url,"
                      "post_logout_url,include_user_sid"},
    {"okta_apps", "id,team_id,okta_id,name,label,sign_on_mode,active,body_json,created,"
                  "last_updated"},
    {"okta_app_groups", "app_id,group_id,priority,profile_json,last_updated"},
};

/* SQLite's named indexes, then the trigram indexes that stand for its FTS5 tables. */
static const char *const sqlite_indexes[] = {
    "users_login",
    "groups_live_name",
    "groups_name",
    "groups_builtin",
    "memberships_user",
    "api_keys_user",
    "bearer_tokens_expiry",
    "users_team_name",
    "projects_live_name",
    "projects_name",
    "project_groups_order",
    "project_groups_group",
    "enrollment_tokens_project",
    "group_attributes_gid",
    "user_attributes_uid",
    "user_attributes_gid",
    "okta_groups_team",
    "okta_groups_updated",
    "okta_groups_members_updated",
    "okta_groups_created",
    "okta_users_team",
    "okta_users_status",
    "okta_users_updated",
    "okta_users_created",
    "okta_memberships_group",
    "okta_apps_team",
    "okta_app_groups_group",
    "users_name_fold",
    "okta_users_login_fold",
    "okta_users_email_fold",
    "okta_users_first_fold",
    "okta_users_last_fold",
    "okta_users_display_fold",
    "okta_groups_name_fold",
    "okta_groups_description_fold",
    /* trigram */
    "okta_groups_trgm_name",
    "okta_groups_trgm_description",
    "okta_users_trgm_login",
    "okta_users_trgm_email",
    "okta_users_trgm_first_name",
    "okta_users_trgm_last_name",
};

/* The entity schema (migration 2): SQLite's names and column order, the dialect helpers the
 * shared SQL relies on, and the triggers doing what SQLite's do. */
static void test_schema(void **state)
{
    (void)state;
    NEED_SERVER();
    struct db d;
    db_create(&d, "schema", NULL);
    char err[STORE_PG_ERR_MAX], sql[512], got[1024];
    struct store_pg *pg;
    assert_int_equal(store_pg_open(d.url, &pg, err, sizeof(err)), 0);
    store_pg_close(pg);
    PGconn *c = connect_to(d.url);

    for (size_t i = 0; i < sizeof(sqlite_tables) / sizeof(sqlite_tables[0]); i++) {
        snprintf(sql, sizeof(sql),
                 "SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute "
                 "WHERE attrelid = (SELECT oid FROM pg_class WHERE relname = '%s' AND "
                 "relkind = 'r') AND attnum > 0 AND NOT attisdropped",
                 sqlite_tables[i].table);
        sql_text(c, sql, got, sizeof(got));
        if (strcmp(got, sqlite_tables[i].columns) != 0)
            fail_msg("table %s: columns %s, want %s", sqlite_tables[i].table, got,
                     sqlite_tables[i].columns);
    }
    for (size_t i = 0; i < sizeof(sqlite_indexes) / sizeof(sqlite_indexes[0]); i++) {
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM pg_class WHERE relname = '%s' AND relkind = 'i'",
                 sqlite_indexes[i]);
        if (sql_int(c, sql) != 1)
            fail_msg("index %s is missing", sqlite_indexes[i]);
    }
    /* nothing beyond them but the version table, the sealing key's table (PostgreSQL only:
     * SQLite keeps its key in a file) and the constraints' own indexes */
    assert_int_equal(sql_int(c, "SELECT count(*) FROM pg_class WHERE relnamespace = "
                                "'public'::regnamespace AND relkind = 'r'"),
                     (long)(sizeof(sqlite_tables) / sizeof(sqlite_tables[0])) + 2);
    assert_int_equal(sql_int(c, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' "
                                "AND indexname NOT LIKE '%\\_pkey' AND indexname NOT LIKE "
                                "'%\\_key'"),
                     (long)(sizeof(sqlite_indexes) / sizeof(sqlite_indexes[0])));
    /* text is bytewise and NOCASE is case-insensitive; instr is 1-based, 0 when absent */
    assert_int_equal(sql_int(c, "SELECT ('ABC' = 'abc' COLLATE NOCASE)::int"), 1);
    assert_int_equal(sql_int(c, "SELECT ('ABC' = 'abd' COLLATE NOCASE)::int"), 0);
    assert_int_equal(sql_int(c, "SELECT count(*) FROM information_schema.columns WHERE "
                                "table_schema = 'public' AND data_type = 'text' AND "
                                "coalesce(collation_name, '') <> 'C'"),
                     0);
    assert_int_equal(sql_int(c, "SELECT instr('roster', 'st')"), 3);
    assert_int_equal(sql_int(c, "SELECT instr('roster', 'x')"), 0);
    sql_text(c, "SELECT pg_typeof(instr('a', 'a'))::text", got, sizeof(got));
    assert_string_equal(got, "bigint");

    /* a team, two groups in a project, one of them assigned to an app */
    sql_ok(c, "INSERT INTO teams (name, created) VALUES ('t', 1)");
    sql_ok(c, "INSERT INTO groups (team_id, uuid, okta_id, name, type, created, last_updated, "
              "last_membership_updated) VALUES (1, 'u-ev', 'o-ev', 'everyone', 1, 1, 1, 1), "
              "(1, 'u-ops', 'o-ops', 'ops', 0, 1, 1, 1), (1, 'u-dev', 'o-dev', 'dev', 0, 1, 1, 1)");
    sql_text(c, "SELECT string_agg(okta_name, ',' ORDER BY id) FROM groups", got, sizeof(got));
    assert_string_equal(got, "Everyone,ops,dev");
    sql_ok(c, "INSERT INTO projects (team_id, uuid, name, ssh_certificate_type, next_unix_uid, "
              "next_unix_gid, created) VALUES (1, 'u-p', 'p', 'ed25519', 60001, 63001, 1)");
    sql_ok(c, "INSERT INTO project_groups (project_id, group_id, group_name, group_uuid, "
              "created) VALUES (1, 2, 'ops', 'u-ops', 1), (1, 3, 'dev', 'u-dev', 1)");
    sql_ok(c, "INSERT INTO okta_apps (team_id, okta_id, name, label, sign_on_mode, active, "
              "created, last_updated) VALUES (1, 'o-app', 'app', 'App', 'SAML_2_0', 1, 1, 1)");
    sql_ok(c, "INSERT INTO okta_app_groups (app_id, group_id, last_updated) VALUES (1, 2, 1), "
              "(1, 3, 1)");
    sql_ok(c, "INSERT INTO group_attributes (group_id, unix_gid) VALUES (3, 63002)");

    /* a rename follows into the project; a write of the same name changes nothing */
    sql_ok(c, "UPDATE groups SET name = 'operations' WHERE id = 2");
    sql_text(c, "SELECT group_name FROM project_groups WHERE group_id = 2", got, sizeof(got));
    assert_string_equal(got, "operations");
    sql_ok(c, "UPDATE project_groups SET group_name = 'stale' WHERE group_id = 3");
    sql_ok(c, "UPDATE groups SET name = 'dev' WHERE id = 3");
    sql_text(c, "SELECT group_name FROM project_groups WHERE group_id = 3", got, sizeof(got));
    assert_string_equal(got, "stale");
    sql_ok(c, "UPDATE project_groups SET group_name = 'dev' WHERE group_id = 3");

    /* a soft delete removes it from the project and from the app, once */
    sql_ok(c, "UPDATE groups SET deleted_at = 5 WHERE id = 2");
    assert_int_equal(sql_int(c, "SELECT removed_at * 10 + deleted_at FROM project_groups "
                                "WHERE group_id = 2"),
                     55);
    assert_int_equal(sql_int(c, "SELECT count(*) FROM okta_app_groups WHERE group_id = 2"), 0);
    sql_ok(c, "UPDATE groups SET deleted_at = 9 WHERE id = 2");
    assert_int_equal(sql_int(c, "SELECT removed_at FROM project_groups WHERE group_id = 2"), 5);
    /* the other group kept both */
    assert_int_equal(sql_int(c, "SELECT removed_at FROM project_groups WHERE group_id = 3"), 0);
    assert_int_equal(sql_int(c, "SELECT count(*) FROM okta_app_groups WHERE group_id = 3"), 1);

    /* a live name is unique per team, a deleted one is not */
    PGresult *r = PQexec(c, "INSERT INTO groups (team_id, uuid, okta_id, name, created, "
                            "last_updated, last_membership_updated) "
                            "VALUES (1, 'u-x', 'o-x', 'dev', 1, 1, 1)");
    assert_string_equal(PQresultErrorField(r, PG_DIAG_SQLSTATE), "23505");
    PQclear(r);
    sql_ok(c, "INSERT INTO groups (team_id, uuid, okta_id, name, created, last_updated, "
              "last_membership_updated) VALUES (1, 'u-y', 'o-y', 'operations', 1, 1, 1)");

    /* deleting an app takes its assignments (ON DELETE CASCADE) */
    sql_ok(c, "DELETE FROM okta_apps WHERE id = 1");
    assert_int_equal(sql_int(c, "SELECT count(*) FROM okta_app_groups"), 0);
    /* a hard delete of a group takes its project rows and attributes; the foreign keys hold */
    sql_ok(c, "DELETE FROM groups WHERE id = 3");
    assert_int_equal(sql_int(c, "SELECT count(*) FROM project_groups WHERE group_id = 3"), 0);
    assert_int_equal(sql_int(c, "SELECT count(*) FROM group_attributes"), 0);
    r = PQexec(c, "INSERT INTO group_attributes (group_id) VALUES (3)");
    assert_string_equal(PQresultErrorField(r, PG_DIAG_SQLSTATE), "23503");
    PQclear(r);
    /* and of a user, its attributes */
    sql_ok(c, "INSERT INTO users (team_id, uuid, okta_id, name, user_type, status, created, "
              "last_updated) VALUES (1, 'u-al', 'o-al', 'alice', 0, 0, 1, 1)");
    sql_ok(c, "INSERT INTO user_attributes (user_id, unix_uid) SELECT id, 60001 FROM users");
    sql_ok(c, "DELETE FROM users");
    assert_int_equal(sql_int(c, "SELECT count(*) FROM user_attributes"), 0);

    /* `co` on a folded column can use its trigram index */
    sql_ok(c, "SET enable_seqscan = off");
    r = PQexec(c, "EXPLAIN SELECT id FROM groups WHERE name_fold LIKE '%per%'");
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    bool trgm = false;
    for (int i = 0; i < PQntuples(r); i++)
        trgm = trgm || strstr(PQgetvalue(r, i, 0), "okta_groups_trgm_name") != NULL;
    PQclear(r);
    assert_true(trgm);
    PQfinish(c);
    db_drop(&d);
}

static void test_refuses_sql_ascii(void **state)
{
    (void)state;
    NEED_SERVER();
    struct db d;
    db_create(&d, "ascii", "ENCODING 'SQL_ASCII' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'");
    char err[STORE_PG_ERR_MAX];
    struct store_pg *pg;
    assert_int_equal(store_pg_open(d.url, &pg, err, sizeof(err)), R_ESTORE);
    assert_one_line_without(err, NULL);
    assert_non_null(strstr(err, "SQL_ASCII"));
    assert_non_null(strstr(err, "UTF8"));
    /* nothing was written into it */
    PGconn *c = connect_to(d.url);
    assert_int_equal(sql_int(c, "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'roster%'"),
                     0);
    PQfinish(c);
    db_drop(&d);
}

/* Migration 2 counts its runs and sleeps, so that the other node arrives while it runs. */
static const struct pg__migration counted[] = {
    {1, "CREATE TABLE roster_schema_version (version integer PRIMARY KEY, "
        "applied_at timestamptz NOT NULL DEFAULT now())"},
    {2, "CREATE TABLE migration_runs (at timestamptz DEFAULT clock_timestamp()); "
        "INSERT INTO migration_runs DEFAULT VALUES; "
        "DO $$BEGIN PERFORM pg_sleep(0.3); END$$"},
};

struct node {
    const char *url;
    pthread_barrier_t *ready;
    int rc;
    char err[STORE_PG_ERR_MAX];
};

static void *node_start(void *arg)
{
    struct node *n = arg;
    struct store_pg *pg = NULL;
    n->rc = pg__connect(n->url, &pg, n->err, sizeof(n->err));
    pthread_barrier_wait(n->ready);
    if (!n->rc)
        n->rc = pg__migrate(pg, counted, 2, n->err, sizeof(n->err));
    store_pg_close(pg);
    return NULL;
}

static void test_migrate_once_concurrently(void **state)
{
    (void)state;
    NEED_SERVER();
    struct db d;
    db_create(&d, "race", NULL);
    pthread_barrier_t ready;
    pthread_barrier_init(&ready, NULL, 2);
    struct node nodes[2] = {{.url = d.url, .ready = &ready}, {.url = d.url, .ready = &ready}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, node_start, &nodes[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&ready);
    for (int i = 0; i < 2; i++)
        if (nodes[i].rc)
            fail_msg("node %d: %d %s", i, nodes[i].rc, nodes[i].err);
    PGconn *c = connect_to(d.url);
    assert_int_equal(sql_int(c, "SELECT count(*) FROM migration_runs"), 1);
    assert_int_equal(sql_int(c, "SELECT max(version) FROM roster_schema_version"), 2);
    assert_int_equal(sql_int(c, "SELECT count(*) FROM roster_schema_version"), 2);
    PQfinish(c);
    db_drop(&d);
}

static void test_refuses_newer_schema(void **state)
{
    (void)state;
    NEED_SERVER();
    struct db d;
    db_create(&d, "newer", NULL);
    char err[STORE_PG_ERR_MAX];
    struct store_pg *pg;
    assert_int_equal(store_pg_open(d.url, &pg, err, sizeof(err)), 0);
    store_pg_close(pg);
    PGconn *c = connect_to(d.url);
    sql_ok(c, "INSERT INTO roster_schema_version (version) VALUES (999)");
    assert_int_equal(store_pg_open(d.url, &pg, err, sizeof(err)), R_ESTORE);
    assert_one_line_without(err, NULL);
    assert_non_null(strstr(err, "version 999, newer than this roster's"));
    /* and left it as it was */
    assert_int_equal(sql_int(c, "SELECT max(version) FROM roster_schema_version"), 999);
    PQfinish(c);
    db_drop(&d);
}

static void test_unique_violation_and_cache(void **state)
{
    (void)state;
    NEED_SERVER();
    struct db d;
    db_create(&d, "uniq", NULL);
    char err[STORE_PG_ERR_MAX];
    struct store_pg *pg;
    assert_int_equal(store_pg_open(d.url, &pg, err, sizeof(err)), 0);
    assert_int_equal(pg__run(pg, "CREATE TABLE names (name text PRIMARY KEY, n int)"), 0);
    const char *ins = "INSERT INTO names (name, n) VALUES (?1, ?2) RETURNING n";
    const char *a[] = {"a", "1"};
    PGresult *r;
    unsigned before = pg__prepared_count(pg);
    assert_int_equal(pg__query(pg, ins, 2, a, &r), 0);
    assert_string_equal(PQgetvalue(r, 0, 0), "1");
    PQclear(r);
    assert_int_equal(pg__prepared_count(pg), before + 1);
    assert_int_equal(pg__query(pg, ins, 2, a, &r), R_EEXIST);
    assert_null(r);
    assert_string_equal(pg__sqlstate(pg), "23505");
    /* the same text reuses its statement */
    assert_int_equal(pg__prepared_count(pg), before + 1);
    const char *b[] = {"b", NULL};
    assert_int_equal(pg__query(pg, ins, 2, b, &r), 0);
    assert_true(PQgetisnull(r, 0, 0));
    PQclear(r);
    assert_string_equal(pg__sqlstate(pg), "");
    /* parameters in another order, a bare ?, and a wrong count */
    assert_int_equal(pg__query(pg, "SELECT ?2::text || ?1::text || ?::text", 3,
                               (const char *const[]){"x", "y", "z"}, &r),
                     0);
    assert_string_equal(PQgetvalue(r, 0, 0), "yxz");
    PQclear(r);
    assert_int_equal(pg__query(pg, ins, 1, a, &r), R_EINTERNAL);
    /* bad data is bad input */
    assert_int_equal(pg__query(pg, ins, 2, (const char *const[]){"c", "x"}, &r), R_EINVAL);
    store_pg_close(pg);
    db_drop(&d);
}

/* A transaction that reads a row, lets another connection change it, then writes it. */
struct conflict {
    struct store_pg *other;
    int runs;
    int interfere; /* the first this many runs meet a concurrent write */
};

static int bump(struct store_pg *pg, void *arg)
{
    struct conflict *c = arg;
    PGresult *r;
    c->runs++;
    int rc = pg__query(pg, "SELECT v FROM acct WHERE id = 1", 0, NULL, &r);
    if (rc)
        return rc;
    PQclear(r);
    if (c->runs <= c->interfere && pg__run(c->other, "UPDATE acct SET v = v + 100 WHERE id = 1"))
        return R_EINTERNAL;
    rc = pg__query(pg, "UPDATE acct SET v = v + 1 WHERE id = 1", 0, NULL, &r);
    PQclear(r);
    return rc;
}

static void test_serialization_retry(void **state)
{
    (void)state;
    NEED_SERVER();
    struct db d;
    db_create(&d, "serial", NULL);
    char err[STORE_PG_ERR_MAX];
    struct store_pg *a, *b;
    assert_int_equal(store_pg_open(d.url, &a, err, sizeof(err)), 0);
    assert_int_equal(store_pg_open(d.url, &b, err, sizeof(err)), 0);
    assert_int_equal(pg__run(a, "CREATE TABLE acct (id int PRIMARY KEY, v int NOT NULL); "
                                "INSERT INTO acct VALUES (1, 0)"),
                     0);
    struct conflict c = {.other = b, .interfere = 1};
    int attempts = 0;
    assert_int_equal(store_pg_txn(a, PG__SERIALIZABLE, bump, &c, &attempts), 0);
    assert_int_equal(attempts, 2);
    assert_int_equal(c.runs, 2);
    PGconn *pc = connect_to(d.url);
    assert_int_equal(sql_int(pc, "SELECT v FROM acct"), 101);
    /* a conflict every time: given up after the bound, as busy */
    c = (struct conflict){.other = b, .interfere = 1000};
    assert_int_equal(store_pg_txn(a, PG__SERIALIZABLE, bump, &c, &attempts), R_EBUSY);
    assert_int_equal(attempts, PG__TXN_ATTEMPTS);
    assert_string_equal(pg__sqlstate(a), "40001");
    assert_int_equal(sql_int(pc, "SELECT v FROM acct"), 101 + 100 * PG__TXN_ATTEMPTS);
    /* the connection is usable afterwards */
    assert_int_equal(pg__run(a, "SELECT 1"), 0);
    PQfinish(pc);
    store_pg_close(a);
    store_pg_close(b);
    db_drop(&d);
}

static void terminate(PGconn *admin, int pid)
{
    char sql[96];
    snprintf(sql, sizeof(sql), "SELECT pg_terminate_backend(%d, 5000)::int", pid);
    assert_int_equal(sql_int(admin, sql), 1);
}

static int select_one(struct store_pg *pg, void *arg)
{
    (void)arg;
    return pg__run(pg, "SELECT 1");
}

static void test_reconnect(void **state)
{
    (void)state;
    NEED_SERVER();
    struct db d;
    db_create(&d, "reconn", NULL);
    char err[STORE_PG_ERR_MAX];
    struct store_pg *pg;
    assert_int_equal(store_pg_open(d.url, &pg, err, sizeof(err)), 0);
    PGconn *admin = connect_to(d.url);
    PGresult *r;
    assert_int_equal(pg__query(pg, "SELECT ?1::int + 1", 1, (const char *const[]){"41"}, &r), 0);
    PQclear(r);
    int pid = pg__backend_pid(pg);
    terminate(admin, pid);
    /* the call that finds the connection dead is busy (503), the next one reconnects */
    assert_int_equal(pg__query(pg, "SELECT ?1::int + 1", 1, (const char *const[]){"41"}, &r),
                     R_EBUSY);
    assert_one_line_without(pg__error(pg), NULL);
    assert_int_equal(pg__query(pg, "SELECT ?1::int + 1, current_setting('statement_timeout')", 1,
                               (const char *const[]){"41"}, &r),
                     0);
    assert_string_equal(PQgetvalue(r, 0, 0), "42");
    assert_string_equal(PQgetvalue(r, 0, 1), "30s");
    PQclear(r);
    assert_int_equal(pg__reconnects(pg), 1);
    assert_int_not_equal(pg__backend_pid(pg), pid);
    /* the statement cache was rebuilt on the new session */
    assert_int_equal(pg__query(pg, "SELECT ?1::int + 1", 1, (const char *const[]){"1"}, &r), 0);
    PQclear(r);
    /* a transaction that finds it dead at BEGIN reconnects and runs, nothing lost */
    terminate(admin, pg__backend_pid(pg));
    int attempts;
    assert_int_equal(store_pg_txn(pg, PG__READ_COMMITTED, select_one, NULL, &attempts), 0);
    assert_int_equal(attempts, 1);
    assert_int_equal(pg__reconnects(pg), 2);
    /* inside a transaction a lost connection is not reopened behind the caller's back */
    assert_int_equal(pg__begin(pg, PG__READ_COMMITTED), 0);
    terminate(admin, pg__backend_pid(pg));
    assert_int_equal(pg__run(pg, "SELECT 1"), R_EBUSY);
    assert_int_equal(pg__run(pg, "SELECT 1"), R_EBUSY);
    pg__rollback(pg);
    assert_int_equal(pg__run(pg, "SELECT 1"), 0);
    PQfinish(admin);
    store_pg_close(pg);
    db_drop(&d);
}

/* ---- the engine behind the store interface ---- */

static void test_engine_two_connections(void **state)
{
    (void)state;
    NEED_SERVER();
    struct db d;
    db_create(&d, "engine", NULL);
    struct store_conn *a = NULL, *b = NULL;
    assert_int_equal(store_open(d.url, &a), R_EINVAL); /* a keyword string is no store URL */
    char url[1200];
    /* the URL form: the server's URL with this database */
    snprintf(url, sizeof(url), "%s", server());
    char *slash = strrchr(url, '/'), *q = strchr(url, '?');
    assert_non_null(slash);
    char tail[256] = "";
    if (q)
        snprintf(tail, sizeof(tail), "%s", q);
    snprintf(slash + 1, sizeof(url) - (size_t)(slash + 1 - url), "%s%s", d.name, tail);
    assert_int_equal(store_open(url, &a), 0);
    assert_int_equal(store_open(url, &b), 0);
    struct arena ar;
    arena_init(&ar, 0);
    /* a write through one connection is read through the other at once */
    struct store_team t = {.name = "acme", .created = 1};
    assert_int_equal(a->ops->begin(a, true), 0);
    assert_int_equal(a->teams->insert(a, &t), 0);
    assert_int_equal(a->ops->commit(a), 0);
    struct store_team got;
    assert_int_equal(b->teams->get(b, &ar, "acme", &got), 0);
    assert_int_equal(got.id, t.id);
    /* a taken name is R_EEXIST, and the connection goes on */
    struct store_team dup = {.name = "acme", .created = 2};
    assert_int_equal(b->ops->begin(b, true), 0);
    assert_int_equal(b->teams->insert(b, &dup), R_EEXIST);
    b->ops->rollback(b);
    /* an enrollment token sealed through one connection opens through the other: every node
     * reads the one sealing key the database keeps */
    struct store_project p = {.team_id = t.id,
                              .uuid = "6a1c0c2e-0000-4000-8000-000000000001",
                              .name = "prod",
                              .ssh_certificate_type = "CERT_TYPE_ED25519_01",
                              .next_unix_uid = 60001,
                              .next_unix_gid = 63001,
                              .created = 3};
    assert_int_equal(a->projects->insert(a, &p), 0);
    struct store_enroll_token tok = {.project_id = p.id,
                                     .uuid = "6a1c0c2e-0000-4000-8000-000000000002",
                                     .server_url = "https://roster.example",
                                     .secret = "s3cret-value",
                                     .issued_at = 4};
    assert_int_equal(a->credentials->enroll_insert(a, &tok), 0);
    struct store_enroll_token back;
    assert_int_equal(b->credentials->enroll_get(b, &ar, p.id, tok.uuid, &back), 0);
    assert_non_null(back.secret);
    assert_string_equal(back.secret, "s3cret-value");
    /* the secret is not in the table in the clear */
    PGconn *c = connect_to(d.url);
    assert_int_equal(sql_int(c, "SELECT count(*) FROM enrollment_tokens WHERE "
                                "position('s3cret' in encode(secret_box, 'escape')) > 0"),
                     0);
    /* a newer schema (another node upgraded the database): this node refuses, store-busy,
     * once it rereads the version (within a second) */
    sql_ok(c, "INSERT INTO roster_schema_version (version) VALUES (99)");
    struct timespec ts = {1, 200000000};
    nanosleep(&ts, NULL);
    assert_int_equal(b->teams->get(b, &ar, "acme", &got), R_EBUSY);
    assert_int_equal(b->ops->begin(b, true), R_EBUSY);
    PQfinish(c);
    store_close(a);
    store_close(b);
    /* and a new node does not start on it */
    assert_int_equal(store_open(url, &a), R_ESTORE);
    arena_free(&ar);
    db_drop(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url_valid),
        cmocka_unit_test(test_url_redact),
        cmocka_unit_test(test_unreachable),
        cmocka_unit_test(test_translate),
        cmocka_unit_test(test_map_error),
        cmocka_unit_test(test_open_migrates),
        cmocka_unit_test(test_schema),
        cmocka_unit_test(test_refuses_sql_ascii),
        cmocka_unit_test(test_migrate_once_concurrently),
        cmocka_unit_test(test_refuses_newer_schema),
        cmocka_unit_test(test_unique_violation_and_cache),
        cmocka_unit_test(test_serialization_retry),
        cmocka_unit_test(test_reconnect),
        cmocka_unit_test(test_engine_two_connections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
