/* Unit tests for the folded search columns of the SQLite engine (migration 4): a store made
 * by an older build is migrated with its rows folded (trigram indexes included), and every
 * write path keeps the folded copies current. */
#include "helpers.h"

#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

#include "store/store.h"
#include "store/store.h"
#include "store/sqlite/schema.h"

/* Rows as a version-3 build wrote them (no folded columns); one name is not UTF-8. */
static const char v3_rows[] =
    "INSERT INTO teams(id, name, created) VALUES (1, 'acme', 0);"
    "INSERT INTO users(team_id, uuid, okta_id, name, login, login_lc, user_type, status, email, "
    "  first_name, last_name, display_name, created, last_updated) VALUES "
    "  (1, 'u1', '00u000000000000000a1', 'emile', 'Emile@Example.com', 'emile@example.com', 0, "
    "  2, 'emile@example.com', 'Émile', 'Straße', 'ΟΔΟΣ', 0, 0);"
    "INSERT INTO groups(team_id, uuid, okta_id, name, description, type, created, last_updated, "
    "  last_membership_updated) VALUES "
    "  (1, 'g1', '00g000000000000000a1', 'Ingénierie', 'Équipe Française', 0, 0, 0, 0),"
    "  (1, 'g2', '00g000000000000000a2', 'everyone', NULL, 1, 0, 0, 0),"
    "  (1, 'g3', '00g000000000000000a3', CAST(X'41FF42' AS TEXT), NULL, 0, 0, 0, 0);"
    "INSERT INTO projects(team_id, uuid, name, ssh_certificate_type, next_unix_uid, "
    "  next_unix_gid, created) VALUES (1, 'p1', 'Kilo', 'CERT_TYPE_ED25519_01', 60000, 63000, "
    "  0);"
    "PRAGMA user_version = 3;";

/* The fixture's store remade by a version-3 build, then opened (migrated) by this one. */
static int setup_v3(void **state)
{
    if (fx_setup_empty(state))
        return -1;
    struct fx *f = *state;
    store_close(f->st);
    f->st = NULL;
    fx_rmdir(f->dir);
    sqlite3 *db;
    int ok = mkdir(f->dir, 0700) == 0 && sqlite3_open(f->path, &db) == SQLITE_OK;
    for (int i = 0; ok && i < 3; i++)
        ok = sqlite3_exec(db, store_sqlite_migrations[i], NULL, NULL, NULL) == SQLITE_OK;
    ok = ok && sqlite3_exec(db, v3_rows, NULL, NULL, NULL) == SQLITE_OK;
    sqlite3_close(db);
    if (!ok || store_sqlite_open(f->path, &f->st) != 0)
        return -1;
    f->cx.st = f->st;
    f->team.id = 1;
    return 0;
}

/* Okta ids of the groups whose q / expression matches, in list order, joined by ' '. */
static const char *okta_groups(struct fx *f, const char *q, const struct expr *e)
{
    struct store_query oq = {.team_id = 1, .q = q, .expr = e, .limit = 10};
    struct store_group *rows;
    size_t n;
    assert_int_equal(f->st->groups->query(f->st, &f->a, &oq, &rows, NULL, &n), 0);
    char *out = arena_strdup(&f->a, "");
    for (size_t i = 0; i < n; i++)
        out = arena_printf(&f->a, "%s%s%s", out, i ? " " : "", rows[i].name);
    return out;
}

static size_t okta_users(struct fx *f, const char *q, const struct expr *e)
{
    struct store_query oq = {.team_id = 1, .q = q, .expr = e, .limit = 10};
    struct store_user_detail *rows;
    size_t n;
    assert_int_equal(f->st->users->query(f->st, &f->a, &oq, &rows, &n), 0);
    return n;
}

/* Search attributes on the query model (what the Okta dialect maps them to). */
static enum store_attr field_of(const char *attr)
{
    static const struct {
        const char *name;
        enum store_attr field;
    } names[] = {
        {"profile.name", STORE_ATTR_NAME},
        {"profile.description", STORE_ATTR_DESCRIPTION},
        {"profile.login", STORE_ATTR_LOGIN},
        {"profile.firstName", STORE_ATTR_FIRST_NAME},
        {"profile.lastName", STORE_ATTR_LAST_NAME},
        {"profile.displayName", STORE_ATTR_DISPLAY_NAME},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(attr, names[i].name) == 0)
            return names[i].field;
    return STORE_ATTR_NONE;
}

static struct expr search(const char *attr, enum expr_op op, const char *value)
{
    return (struct expr){.kind = EXPR_CMP,
                         .attr = slice_from_cstr(attr),
                         .field = field_of(attr),
                         .op = op,
                         .vtype = EXPR_VAL_STRING,
                         .str = slice_from_cstr(value),
                         .nocase = true};
}

static size_t asa_groups(struct fx *f, const char *contains)
{
    struct store_group_filter gf = {.team_id = 1, .contains = contains};
    struct store_page pg = {.limit = 10};
    struct store_group *rows;
    size_t n;
    assert_int_equal(f->st->groups->list(f->st, &f->a, &gf, &pg, &rows, &n), 0);
    return n;
}

static size_t asa_projects(struct fx *f, const char *contains)
{
    struct store_project_filter pf = {.team_id = 1, .contains = contains};
    struct store_page pg = {.limit = 10};
    struct store_project *rows;
    size_t n;
    assert_int_equal(f->st->projects->list(f->st, &f->a, &pf, &pg, &rows, &n), 0);
    return n;
}

static void test_migration_folds_existing_rows(void **state)
{
    struct fx *f = *state;
    assert_string_equal(okta_groups(f, "INGÉ", NULL), "Ingénierie");
    assert_string_equal(okta_groups(f, "EVERY", NULL), "everyone");
    struct expr co = search("profile.name", EXPR_CO, "GÉNI");
    assert_string_equal(okta_groups(f, NULL, &co), "Ingénierie"); /* trigram index rebuilt */
    struct expr desc = search("profile.description", EXPR_SW, "ÉQUIPE FR");
    assert_string_equal(okta_groups(f, NULL, &desc), "Ingénierie");
    assert_int_equal(okta_users(f, "ÉMI", NULL), 1);
    assert_int_equal(okta_users(f, "STRASSE", NULL), 1);
    struct expr login = search("profile.login", EXPR_EQ, "ÉMILE@EXAMPLE.COM");
    assert_int_equal(okta_users(f, NULL, &login), 0); /* diacritics count */
    login.str = slice_from_cstr("EMILE@EXAMPLE.COM");
    assert_int_equal(okta_users(f, NULL, &login), 1);
    struct expr display = search("profile.displayName", EXPR_EQ, "οδος");
    assert_int_equal(okta_users(f, NULL, &display), 1);
    struct expr first = search("profile.firstName", EXPR_CO, "ÉMIL");
    assert_int_equal(okta_users(f, NULL, &first), 1);
    assert_int_equal(asa_groups(f, "INGÉ"), 1);
    assert_int_equal(asa_projects(f, "\xe2\x84\xaaIL"), 1); /* KELVIN SIGN folds to k */
    /* the name that is not UTF-8 kept its bytes as its key: the migration did not fail */
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT hex(name_fold), typeof(name_fold) FROM groups "
                                        "WHERE uuid = 'g3'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "41FF42");
    assert_string_equal((const char *)sqlite3_column_text(st, 1), "text");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void test_writes_keep_folds_current(void **state)
{
    struct fx *f = *state;
    /* rename: the old name's keys (indexes and trigrams) go, the new one's come */
    assert_int_equal(f->st->groups->update_profile(f->st, 1, "Équipe Nord", "Straße", NULL, 1), 0);
    assert_string_equal(okta_groups(f, "INGÉ", NULL), "");
    assert_string_equal(okta_groups(f, "ÉQUIPE", NULL), "Équipe Nord");
    struct expr co = search("profile.name", EXPR_CO, "GÉNI");
    assert_string_equal(okta_groups(f, NULL, &co), "");
    co.str = slice_from_cstr("UIPE N");
    assert_string_equal(okta_groups(f, NULL, &co), "Équipe Nord");
    struct expr desc = search("profile.description", EXPR_EQ, "STRASSE");
    assert_string_equal(okta_groups(f, NULL, &desc), "Équipe Nord");
    assert_int_equal(asa_groups(f, "ÉQUIPE"), 1);

    /* a new group and a new user */
    struct store_group g = {
        .team_id = 1, .uuid = "g4", .okta_id = "00g000000000000000a4", .name = "ÅSA Ops"};
    assert_int_equal(f->st->groups->insert(f->st, &g), 0);
    assert_string_equal(okta_groups(f, "åsa", NULL), "ÅSA Ops");
    struct store_user u = {.team_id = 1,
                           .uuid = "u2",
                           .okta_id = "00u000000000000000a2",
                           .name = "Zoe",
                           .login = "zoe@example.com",
                           .email = "zoe@example.com",
                           .first_name = "ZOË",
                           .last_name = "Ωmega"};
    assert_int_equal(f->st->users->insert(f->st, &u), 0);
    assert_int_equal(okta_users(f, "zoë", NULL), 1);
    struct store_user_filter uf = {.team_id = 1, .starts_with = "ZO"};
    struct store_page pg = {.limit = 10};
    struct store_user *rows;
    size_t n;
    assert_int_equal(f->st->users->list(f->st, &f->a, &uf, &pg, &rows, &n), 0);
    assert_int_equal(n, 1);

    /* a profile update moves every key of the user */
    u.first_name = "Émile";
    u.last_name = NULL;
    u.display_name = "Ὀδυσσεύς";
    assert_int_equal(f->st->users->update_profile(f->st, &u, 2), 0);
    assert_int_equal(okta_users(f, "zoë", NULL), 0);
    assert_int_equal(okta_users(f, "ÉMILE", NULL), 2);
    struct expr last = search("profile.lastName", EXPR_CO, "ΩME");
    assert_int_equal(okta_users(f, NULL, &last), 0);
    struct expr display = search("profile.displayName", EXPR_SW, "ὈΔΥΣ");
    assert_int_equal(okta_users(f, NULL, &display), 1);

    /* a project rename */
    struct store_project *p;
    struct store_project_filter pf = {.team_id = 1};
    assert_int_equal(f->st->projects->list(f->st, &f->a, &pf, &pg, &p, &n), 0);
    assert_int_equal(n, 1);
    p[0].name = "Lima";
    assert_int_equal(f->st->projects->update(f->st, &p[0]), 0);
    assert_int_equal(asa_projects(f, "KIL"), 0);
    assert_int_equal(asa_projects(f, "LIM"), 1);
}

static void test_unfoldable_value_refused(void **state)
{
    struct fx *f = *state;
    struct store_group_filter gf = {.team_id = 1, .contains = "\xff"};
    struct store_page pg = {.limit = 10};
    struct store_group *rows;
    size_t n;
    assert_int_equal(f->st->groups->list(f->st, &f->a, &gf, &pg, &rows, &n), R_EINVAL);
    struct store_query oq = {.team_id = 1, .q = "\xc3", .limit = 10};
    assert_int_equal(f->st->groups->query(f->st, &f->a, &oq, &rows, NULL, &n), R_EINVAL);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_v3, fx_teardown)
    const struct CMUnitTest tests[] = {
        T(test_migration_folds_existing_rows),
        T(test_writes_keep_folds_current),
        T(test_unfoldable_value_refused),
    };
#undef T
    return cmocka_run_group_tests(tests, fx_group_setup, NULL);
}
