/* The store's teams (store/teams.h): rows, counters, settings and stats. */
#include <string.h>

#include "store/sql/internal.h"
#include "util/err.h"

static int sql_team_row(struct sql_conn *c, struct arena *a, struct sql_stmt *st,
                        struct store_team *out)
{
    int rc = sql_step(c, st);
    if (rc == SQL_DONE) {
        sql_reset(st);
        return R_ENOTFOUND;
    }
    if (rc != SQL_ROW)
        return sql__fail(rc);
    out->id = sql_col_int(st, 0);
    out->name = sql__col_text(a, st, 1);
    out->created = sql_col_int(st, 2);
    sql_reset(st);
    return out->name ? 0 : R_ENOMEM;
}

static int sql_team_get(struct store_conn *sc, struct arena *a, const char *name,
                        struct store_team *out)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(c, "SELECT id, name, created FROM teams WHERE name = ?");
    if (!st)
        return R_ESTORE;
    sql_bind_str(st, 1, name);
    return sql_team_row(c, a, st, out);
}

static int sql_team_get_by_id(struct store_conn *sc, struct arena *a, int64_t id,
                              struct store_team *out)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(c, "SELECT id, name, created FROM teams WHERE id = ?");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, id);
    return sql_team_row(c, a, st, out);
}

static int sql_team_insert(struct store_conn *sc, struct store_team *t)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st =
        sql__stmt(c, "INSERT INTO teams(name, created) VALUES (?, ?) RETURNING id");
    if (!st)
        return R_ESTORE;
    sql_bind_str(st, 1, t->name);
    sql_bind_int(st, 2, t->created);
    return sql__insert_id(c, st, &t->id);
}

static int sql_team_counter_next(struct store_conn *sc, int64_t team_id, const char *counter,
                                 int64_t start, int64_t *out)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st =
        sql__stmt(c, "INSERT INTO team_counters(team_id, name, next) "
                     "VALUES (?1, ?2, ?3 + 1) ON CONFLICT(team_id, name) "
                     "DO UPDATE SET next = team_counters.next + 1 RETURNING next - 1");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, team_id);
    sql_bind_str(st, 2, counter);
    sql_bind_int(st, 3, start);
    int rc = sql_step(c, st);
    if (rc != SQL_ROW) {
        sql_reset(st);
        return sql__fail(rc);
    }
    *out = sql_col_int(st, 0);
    sql_reset(st);
    return 0;
}

/* One COUNT(*) with ?1 = team_id and ?2 = arg. */
static int sql_count(struct sql_conn *c, const char *sql, int64_t team_id, int64_t arg,
                     int64_t *out)
{
    struct sql_stmt *st = sql__stmt(c, sql);
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, team_id);
    sql_bind_int(st, 2, arg);
    int rc = sql_step(c, st);
    if (rc == SQL_ROW)
        *out = sql_col_int(st, 0);
    sql_reset(st);
    return rc == SQL_ROW ? 0 : sql__fail(rc);
}

static int sql_settings_read(struct arena *a, struct sql_stmt *st, void *row)
{
    struct store_team_settings *s = row;
    memset(s, 0, sizeof(*s));
    s->approve_device_without_interaction = (int)sql_col_int(st, 0);
    s->reactivate_users_via_idp = (int)sql_col_int(st, 1);
    s->user_provisioning_exact_username = sql_col_null(st, 2) ? -1 : (int)sql_col_int(st, 2) != 0;
    s->client_session_duration = sql_col_int(st, 3);
    s->web_session_duration = sql_col_int(st, 4);
    s->post_device_enrollment_url = sql__col_text(a, st, 5);
    s->post_login_url = sql__col_text(a, st, 6);
    s->post_logout_url = sql__col_text(a, st, 7);
    s->include_user_sid = sql__col_text(a, st, 8);
    return 0;
}

static int sql_settings_get(struct store_conn *sc, struct arena *a, int64_t team_id,
                            struct store_team_settings *out)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(
        c, "SELECT approve_device_without_interaction, reactivate_users_via_idp, "
           "user_provisioning_exact_username, client_session_duration, web_session_duration, "
           "post_device_enrollment_url, post_login_url, post_logout_url, include_user_sid "
           "FROM team_settings WHERE team_id = ?");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, team_id);
    return sql__one(c, a, st, sql_settings_read, out);
}

static int sql_settings_put(struct store_conn *sc, int64_t team_id,
                            const struct store_team_settings *in)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(
        c, "INSERT INTO team_settings(team_id, approve_device_without_interaction, "
           "reactivate_users_via_idp, user_provisioning_exact_username, "
           "client_session_duration, web_session_duration, post_device_enrollment_url, "
           "post_login_url, post_logout_url, include_user_sid) VALUES (?,?,?,?,?,?,?,?,?,?) "
           "ON CONFLICT(team_id) DO UPDATE SET approve_device_without_interaction = "
           "excluded.approve_device_without_interaction, reactivate_users_via_idp = "
           "excluded.reactivate_users_via_idp, user_provisioning_exact_username = "
           "excluded.user_provisioning_exact_username, client_session_duration = "
           "excluded.client_session_duration, web_session_duration = "
           "excluded.web_session_duration, post_device_enrollment_url = "
           "excluded.post_device_enrollment_url, post_login_url = excluded.post_login_url, "
           "post_logout_url = excluded.post_logout_url, include_user_sid = "
           "excluded.include_user_sid");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, team_id);
    sql_bind_int(st, 2, in->approve_device_without_interaction);
    sql_bind_int(st, 3, in->reactivate_users_via_idp);
    if (in->user_provisioning_exact_username < 0)
        sql_bind_str(st, 4, NULL);
    else
        sql_bind_int(st, 4, in->user_provisioning_exact_username);
    sql_bind_int(st, 5, in->client_session_duration);
    sql_bind_int(st, 6, in->web_session_duration);
    sql_bind_str(st, 7, in->post_device_enrollment_url);
    sql_bind_str(st, 8, in->post_login_url);
    sql_bind_str(st, 9, in->post_logout_url);
    sql_bind_str(st, 10, in->include_user_sid);
    return sql__exec_done(c, st);
}

/* Counted through the team's indexes (team_stats is an occasional admin call), not kept. */
static int sql_team_stats(struct store_conn *sc, int64_t team_id, struct store_team_stats *out)
{
    struct sql_conn *c = SQLC(sc);
    static const char users_sql[] = "SELECT COUNT(*) FROM users WHERE team_id = ?1 AND "
                                    "user_type = ?2 AND deleted_at = 0";
    int rc = sql_count(c,
                       "SELECT COUNT(*) FROM groups WHERE team_id = ?1 AND deleted_at = 0 "
                       "",
                       team_id, 0, &out->groups);
    if (!rc)
        rc = sql_count(c, users_sql, team_id, STORE_USER_HUMAN, &out->human_users);
    if (!rc)
        rc = sql_count(c, users_sql, team_id, STORE_USER_SERVICE, &out->service_users);
    if (!rc)
        rc = sql_count(c,
                       "SELECT COUNT(*) FROM projects WHERE team_id = ?1 AND "
                       "deleted_at = 0",
                       team_id, 0, &out->projects);
    return rc;
}

const struct store_team_ops store_sql_teams = {
    .get = sql_team_get,
    .get_by_id = sql_team_get_by_id,
    .insert = sql_team_insert,
    .counter_next = sql_team_counter_next,
    .settings_get = sql_settings_get,
    .settings_put = sql_settings_put,
    .stats = sql_team_stats,
};
