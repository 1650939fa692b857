/* The store's apps and app↔group assignments (store/apps.h). */
#include <string.h>

#include "store/sql/internal.h"
#include "util/err.h"

static int sql_group_apps_count(struct store_conn *sc, int64_t group_id, int64_t *out)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(c, "SELECT count(*) FROM okta_app_groups WHERE group_id = ?");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, group_id);
    int rc = sql_step(c, st);
    if (rc == SQL_ROW) {
        *out = sql_col_int(st, 0);
        rc = 0;
    } else {
        rc = sql__fail(rc);
    }
    sql_reset(st);
    return rc;
}

int sql__app_read(struct arena *a, struct sql_stmt *st, void *row)
{
    struct store_app *out = row;
    memset(out, 0, sizeof(*out));
    out->id = sql_col_int(st, 0);
    out->team_id = sql_col_int(st, 1);
    sql__col_copy(out->okta_id, sizeof(out->okta_id), st, 2);
    out->name = sql__col_text(a, st, 3);
    out->label = sql__col_text(a, st, 4);
    out->sign_on_mode = sql__col_text(a, st, 5);
    out->active = (int)sql_col_int(st, 6) != 0;
    out->body_json = sql__col_text(a, st, 7);
    out->created = sql_col_int(st, 8);
    out->last_updated = sql_col_int(st, 9);
    return out->name && out->label && out->sign_on_mode ? 0 : R_ENOMEM;
}

static int sql_app_insert(struct store_conn *sc, struct store_app *app)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(c, "INSERT INTO okta_apps(team_id, okta_id, name, label, "
                                       "sign_on_mode, active, body_json, created, last_updated) "
                                       "VALUES (?,?,?,?,?,?,?,?,?) RETURNING id");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, app->team_id);
    sql_bind_str(st, 2, app->okta_id);
    sql_bind_str(st, 3, app->name);
    sql_bind_str(st, 4, app->label);
    sql_bind_str(st, 5, app->sign_on_mode);
    sql_bind_int(st, 6, app->active ? 1 : 0);
    sql_bind_str(st, 7, app->body_json);
    sql_bind_int(st, 8, app->created);
    sql_bind_int(st, 9, app->last_updated);
    return sql__insert_id(c, st, &app->id);
}

static int sql_app_get(struct store_conn *sc, struct arena *a, int64_t team_id, const char *okta_id,
                       struct store_app *out)
{
    struct sql_conn *c = SQLC(sc);
    return sql__one_by(c, a,
                       "SELECT " APP_COLS " FROM okta_apps a WHERE a.okta_id = ? AND a.team_id = ?",
                       okta_id, team_id, sql__app_read, out);
}

static int sql_app_update(struct store_conn *sc, const struct store_app *app)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st =
        sql__stmt(c, "UPDATE okta_apps SET name = ?, label = ?, sign_on_mode = ?, "
                     "active = ?, body_json = ?, last_updated = ? WHERE id = ?");
    if (!st)
        return R_ESTORE;
    sql_bind_str(st, 1, app->name);
    sql_bind_str(st, 2, app->label);
    sql_bind_str(st, 3, app->sign_on_mode);
    sql_bind_int(st, 4, app->active ? 1 : 0);
    sql_bind_str(st, 5, app->body_json);
    sql_bind_int(st, 6, app->last_updated);
    sql_bind_int(st, 7, app->id);
    return sql__exec_done(c, st);
}

static int sql_app_delete(struct store_conn *sc, int64_t app_id)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(c, "DELETE FROM okta_app_groups WHERE app_id = ?");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, app_id);
    int rc = sql__exec_done(c, st);
    if (rc)
        return rc;
    st = sql__stmt(c, "DELETE FROM okta_apps WHERE id = ?");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, app_id);
    return sql__exec_done(c, st);
}

static int sql_app_group_put(struct store_conn *sc, const struct store_app_group *ag)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st =
        sql__stmt(c, "INSERT INTO okta_app_groups(app_id, group_id, priority, "
                     "profile_json, last_updated) VALUES (?,?,?,?,?) ON CONFLICT(app_id, group_id) "
                     "DO UPDATE SET priority = excluded.priority, profile_json = "
                     "excluded.profile_json, last_updated = excluded.last_updated");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, ag->app_id);
    sql_bind_int(st, 2, ag->group_id);
    sql_bind_int(st, 3, ag->priority);
    sql_bind_str(st, 4, ag->profile_json);
    sql_bind_int(st, 5, ag->last_updated);
    return sql__exec_done(c, st);
}

int sql__app_group_read(struct arena *a, struct sql_stmt *st, void *row)
{
    struct store_app_group *out = row;
    memset(out, 0, sizeof(*out));
    int rc = sql__group_read(a, st, &out->group);
    out->app_id = sql_col_int(st, 18);
    out->group_id = sql_col_int(st, 19);
    sql__col_copy(out->app_okta_id, sizeof(out->app_okta_id), st, 20);
    memcpy(out->group_okta_id, out->group.okta_id, sizeof(out->group_okta_id));
    out->priority = sql_col_int(st, 21);
    out->profile_json = sql__col_text(a, st, 22);
    out->last_updated = sql_col_int(st, 23);
    return rc;
}

static int sql_app_group_get(struct store_conn *sc, struct arena *a, int64_t app_id,
                             int64_t group_id, struct store_app_group *out)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st =
        sql__stmt(c, "SELECT " AG_COLS AG_FROM " WHERE ag.app_id = ? AND ag.group_id = ?");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, app_id);
    sql_bind_int(st, 2, group_id);
    return sql__one(c, a, st, sql__app_group_read, out);
}

static int sql_app_group_delete(struct store_conn *sc, int64_t app_id, int64_t group_id,
                                bool *changed)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st =
        sql__stmt(c, "DELETE FROM okta_app_groups WHERE app_id = ? AND group_id = ?");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, app_id);
    sql_bind_int(st, 2, group_id);
    int64_t n;
    int rc = sql__exec_count(c, st, &n);
    *changed = n > 0;
    return rc;
}

const struct store_app_ops store_sql_apps = {
    .insert = sql_app_insert,
    .get = sql_app_get,
    .update = sql_app_update,
    .delete = sql_app_delete,
    .list = sql__app_query,
    .group_put = sql_app_group_put,
    .group_get = sql_app_group_get,
    .group_delete = sql_app_group_delete,
    .group_list = sql__app_group_query,
    .group_apps_count = sql_group_apps_count,
};
