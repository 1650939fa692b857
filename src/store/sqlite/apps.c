/* The SQLite engine's apps and app↔group assignments (store/apps.h). */
#include <sqlite3.h>
#include <string.h>

#include "store/sqlite/internal.h"
#include "util/err.h"

static int sq_group_apps_count(struct store_conn *sc, int64_t group_id, int64_t *out)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "SELECT count(*) FROM okta_app_groups WHERE group_id = ?");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, group_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(st, 0);
        rc = 0;
    } else {
        rc = sq__err(c, rc);
    }
    sqlite3_reset(st);
    return rc;
}

int sq__app_read(struct arena *a, sqlite3_stmt *st, void *row)
{
    struct store_app *out = row;
    memset(out, 0, sizeof(*out));
    out->id = sqlite3_column_int64(st, 0);
    out->team_id = sqlite3_column_int64(st, 1);
    sq__col_copy(out->okta_id, sizeof(out->okta_id), st, 2);
    out->name = sq__col_text(a, st, 3);
    out->label = sq__col_text(a, st, 4);
    out->sign_on_mode = sq__col_text(a, st, 5);
    out->active = sqlite3_column_int(st, 6) != 0;
    out->body_json = sq__col_text(a, st, 7);
    out->created = sqlite3_column_int64(st, 8);
    out->last_updated = sqlite3_column_int64(st, 9);
    return out->name && out->label && out->sign_on_mode ? 0 : R_ENOMEM;
}

static int sq_app_insert(struct store_conn *sc, struct store_app *app)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "INSERT INTO okta_apps(team_id, okta_id, name, label, "
                                   "sign_on_mode, active, body_json, created, last_updated) "
                                   "VALUES (?,?,?,?,?,?,?,?,?)");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, app->team_id);
    sq__bind_text(st, 2, app->okta_id);
    sq__bind_text(st, 3, app->name);
    sq__bind_text(st, 4, app->label);
    sq__bind_text(st, 5, app->sign_on_mode);
    sqlite3_bind_int(st, 6, app->active ? 1 : 0);
    sq__bind_text(st, 7, app->body_json);
    sqlite3_bind_int64(st, 8, app->created);
    sqlite3_bind_int64(st, 9, app->last_updated);
    int rc = sq__exec_done(c, st);
    if (!rc)
        app->id = sqlite3_last_insert_rowid(c->db);
    return rc;
}

static int sq_app_get(struct store_conn *sc, struct arena *a, int64_t team_id, const char *okta_id,
                      struct store_app *out)
{
    struct sq_conn *c = SQ(sc);
    return sq__one_by(c, a,
                      "SELECT " APP_COLS " FROM okta_apps a WHERE a.okta_id = ? AND a.team_id = ?",
                      okta_id, team_id, sq__app_read, out);
}

static int sq_app_update(struct store_conn *sc, const struct store_app *app)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "UPDATE okta_apps SET name = ?, label = ?, sign_on_mode = ?, "
                                   "active = ?, body_json = ?, last_updated = ? WHERE id = ?");
    if (!st)
        return R_ESTORE;
    sq__bind_text(st, 1, app->name);
    sq__bind_text(st, 2, app->label);
    sq__bind_text(st, 3, app->sign_on_mode);
    sqlite3_bind_int(st, 4, app->active ? 1 : 0);
    sq__bind_text(st, 5, app->body_json);
    sqlite3_bind_int64(st, 6, app->last_updated);
    sqlite3_bind_int64(st, 7, app->id);
    return sq__exec_done(c, st);
}

static int sq_app_delete(struct store_conn *sc, int64_t app_id)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "DELETE FROM okta_app_groups WHERE app_id = ?");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, app_id);
    int rc = sq__exec_done(c, st);
    if (rc)
        return rc;
    st = sq__stmt(c, "DELETE FROM okta_apps WHERE id = ?");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, app_id);
    return sq__exec_done(c, st);
}

static int sq_app_group_put(struct store_conn *sc, const struct store_app_group *ag)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "INSERT INTO okta_app_groups(app_id, group_id, priority, "
                                   "profile_json, last_updated) VALUES (?,?,?,?,?) ON CONFLICT "
                                   "DO UPDATE SET priority = excluded.priority, profile_json = "
                                   "excluded.profile_json, last_updated = excluded.last_updated");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, ag->app_id);
    sqlite3_bind_int64(st, 2, ag->group_id);
    sqlite3_bind_int64(st, 3, ag->priority);
    sq__bind_text(st, 4, ag->profile_json);
    sqlite3_bind_int64(st, 5, ag->last_updated);
    return sq__exec_done(c, st);
}

int sq__app_group_read(struct arena *a, sqlite3_stmt *st, void *row)
{
    struct store_app_group *out = row;
    memset(out, 0, sizeof(*out));
    int rc = sq__group_read(a, st, &out->group);
    out->app_id = sqlite3_column_int64(st, 18);
    out->group_id = sqlite3_column_int64(st, 19);
    sq__col_copy(out->app_okta_id, sizeof(out->app_okta_id), st, 20);
    memcpy(out->group_okta_id, out->group.okta_id, sizeof(out->group_okta_id));
    out->priority = sqlite3_column_int64(st, 21);
    out->profile_json = sq__col_text(a, st, 22);
    out->last_updated = sqlite3_column_int64(st, 23);
    return rc;
}

static int sq_app_group_get(struct store_conn *sc, struct arena *a, int64_t app_id,
                            int64_t group_id, struct store_app_group *out)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st =
        sq__stmt(c, "SELECT " AG_COLS AG_FROM " WHERE ag.app_id = ? AND ag.group_id = ?");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, app_id);
    sqlite3_bind_int64(st, 2, group_id);
    return sq__one(c, a, st, sq__app_group_read, out);
}

static int sq_app_group_delete(struct store_conn *sc, int64_t app_id, int64_t group_id,
                               bool *changed)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "DELETE FROM okta_app_groups WHERE app_id = ? AND group_id = ?");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, app_id);
    sqlite3_bind_int64(st, 2, group_id);
    int rc = sq__exec_done(c, st);
    *changed = !rc && sqlite3_changes(c->db) > 0;
    return rc;
}

const struct store_app_ops store_sqlite_apps = {
    .insert = sq_app_insert,
    .get = sq_app_get,
    .update = sq_app_update,
    .delete = sq_app_delete,
    .list = sq__app_query,
    .group_put = sq_app_group_put,
    .group_get = sq_app_group_get,
    .group_delete = sq_app_group_delete,
    .group_list = sq__app_group_query,
    .group_apps_count = sq_group_apps_count,
};
