/* The SQLite engine's teams (store/teams.h): rows, counters, settings and stats. */
#include <sqlite3.h>
#include <string.h>

#include "store/sqlite/internal.h"
#include "util/err.h"

static int sq_team_row(struct sq_conn *c, struct arena *a, sqlite3_stmt *st, struct store_team *out)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return R_ENOTFOUND;
    }
    if (rc != SQLITE_ROW)
        return sq__err(c, rc);
    out->id = sqlite3_column_int64(st, 0);
    out->name = sq__col_text(a, st, 1);
    out->created = sqlite3_column_int64(st, 2);
    sqlite3_reset(st);
    return out->name ? 0 : R_ENOMEM;
}

static int sq_team_get(struct store_conn *sc, struct arena *a, const char *name,
                       struct store_team *out)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "SELECT id, name, created FROM teams WHERE name = ?");
    if (!st)
        return R_ESTORE;
    sq__bind_text(st, 1, name);
    return sq_team_row(c, a, st, out);
}

static int sq_team_get_by_id(struct store_conn *sc, struct arena *a, int64_t id,
                             struct store_team *out)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "SELECT id, name, created FROM teams WHERE id = ?");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, id);
    return sq_team_row(c, a, st, out);
}

static int sq_team_insert(struct store_conn *sc, struct store_team *t)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "INSERT INTO teams(name, created) VALUES (?, ?)");
    if (!st)
        return R_ESTORE;
    sq__bind_text(st, 1, t->name);
    sqlite3_bind_int64(st, 2, t->created);
    int rc = sq__exec_done(c, st);
    if (!rc)
        t->id = sqlite3_last_insert_rowid(c->db);
    return rc;
}

static int sq_team_counter_next(struct store_conn *sc, int64_t team_id, const char *counter,
                                int64_t start, int64_t *out)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "INSERT INTO team_counters(team_id, name, next) "
                                   "VALUES (?1, ?2, ?3 + 1) ON CONFLICT(team_id, name) "
                                   "DO UPDATE SET next = next + 1 RETURNING next - 1");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, team_id);
    sq__bind_text(st, 2, counter);
    sqlite3_bind_int64(st, 3, start);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return sq__err(c, rc);
    }
    *out = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return 0;
}

/* One COUNT(*) with ?1 = team_id and ?2 = arg. */
static int sq_count(struct sq_conn *c, const char *sql, int64_t team_id, int64_t arg, int64_t *out)
{
    sqlite3_stmt *st = sq__stmt(c, sql);
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, team_id);
    sqlite3_bind_int64(st, 2, arg);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : sq__err(c, rc);
}

static int sq_settings_read(struct arena *a, sqlite3_stmt *st, void *row)
{
    struct store_team_settings *s = row;
    memset(s, 0, sizeof(*s));
    s->approve_device_without_interaction = sqlite3_column_int(st, 0);
    s->reactivate_users_via_idp = sqlite3_column_int(st, 1);
    s->user_provisioning_exact_username =
        sqlite3_column_type(st, 2) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 2) != 0;
    s->client_session_duration = sqlite3_column_int64(st, 3);
    s->web_session_duration = sqlite3_column_int64(st, 4);
    s->post_device_enrollment_url = sq__col_text(a, st, 5);
    s->post_login_url = sq__col_text(a, st, 6);
    s->post_logout_url = sq__col_text(a, st, 7);
    s->include_user_sid = sq__col_text(a, st, 8);
    return 0;
}

static int sq_settings_get(struct store_conn *sc, struct arena *a, int64_t team_id,
                           struct store_team_settings *out)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(
        c, "SELECT approve_device_without_interaction, reactivate_users_via_idp, "
           "user_provisioning_exact_username, client_session_duration, web_session_duration, "
           "post_device_enrollment_url, post_login_url, post_logout_url, include_user_sid "
           "FROM team_settings WHERE team_id = ?");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, team_id);
    return sq__one(c, a, st, sq_settings_read, out);
}

static int sq_settings_put(struct store_conn *sc, int64_t team_id,
                           const struct store_team_settings *in)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(
        c, "INSERT OR REPLACE INTO team_settings(team_id, approve_device_without_interaction, "
           "reactivate_users_via_idp, user_provisioning_exact_username, "
           "client_session_duration, web_session_duration, post_device_enrollment_url, "
           "post_login_url, post_logout_url, include_user_sid) VALUES (?,?,?,?,?,?,?,?,?,?)");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, team_id);
    sqlite3_bind_int(st, 2, in->approve_device_without_interaction);
    sqlite3_bind_int(st, 3, in->reactivate_users_via_idp);
    if (in->user_provisioning_exact_username < 0)
        sqlite3_bind_null(st, 4);
    else
        sqlite3_bind_int(st, 4, in->user_provisioning_exact_username);
    sqlite3_bind_int64(st, 5, in->client_session_duration);
    sqlite3_bind_int64(st, 6, in->web_session_duration);
    sq__bind_text(st, 7, in->post_device_enrollment_url);
    sq__bind_text(st, 8, in->post_login_url);
    sq__bind_text(st, 9, in->post_logout_url);
    sq__bind_text(st, 10, in->include_user_sid);
    return sq__exec_done(c, st);
}

/* Counted through the team's indexes (team_stats is an occasional admin call), not kept. */
static int sq_team_stats(struct store_conn *sc, int64_t team_id, struct store_team_stats *out)
{
    struct sq_conn *c = SQ(sc);
    static const char users_sql[] = "SELECT COUNT(*) FROM users WHERE team_id = ?1 AND "
                                    "user_type = ?2 AND deleted_at = 0";
    int rc = sq_count(c,
                      "SELECT COUNT(*) FROM groups WHERE team_id = ?1 AND deleted_at = 0 "
                      "AND ?2 = ?2",
                      team_id, 0, &out->groups);
    if (!rc)
        rc = sq_count(c, users_sql, team_id, STORE_USER_HUMAN, &out->human_users);
    if (!rc)
        rc = sq_count(c, users_sql, team_id, STORE_USER_SERVICE, &out->service_users);
    if (!rc)
        rc = sq_count(c,
                      "SELECT COUNT(*) FROM projects WHERE team_id = ?1 AND "
                      "deleted_at = 0 AND ?2 = ?2",
                      team_id, 0, &out->projects);
    return rc;
}

const struct store_team_ops store_sqlite_teams = {
    .get = sq_team_get,
    .get_by_id = sq_team_get_by_id,
    .insert = sq_team_insert,
    .counter_next = sq_team_counter_next,
    .settings_get = sq_settings_get,
    .settings_put = sq_settings_put,
    .stats = sq_team_stats,
};
