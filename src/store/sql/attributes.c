/* The store's attributes (store/attributes.h) of groups and users. */
#include <string.h>

#include "store/sql/internal.h"
#include "util/err.h"

static int sql_group_attrs_read(struct arena *a, struct sql_stmt *st, void *row)
{
    struct store_group_attrs *g = row;
    g->unix_group_name = sql__col_text(a, st, 0);
    g->windows_group_name = sql__col_text(a, st, 1);
    g->unix_gid = sql_col_int(st, 2);
    return 0;
}

static int sql_group_attrs_get(struct store_conn *sc, struct arena *a, int64_t group_id,
                               struct store_group_attrs *out)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(c, "SELECT unix_group_name, windows_group_name, unix_gid FROM "
                                       "group_attributes WHERE group_id = ?");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, group_id);
    memset(out, 0, sizeof(*out));
    int rc = sql__one(c, a, st, sql_group_attrs_read, out);
    return rc == R_ENOTFOUND ? 0 : rc;
}

static int sql_group_attrs_put(struct store_conn *sc, int64_t group_id,
                               const struct store_group_attrs *in)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(
        c, "INSERT INTO group_attributes(group_id, unix_group_name, windows_group_name, "
           "unix_gid) VALUES (?,?,?,?) ON CONFLICT(group_id) DO UPDATE SET unix_group_name = "
           "excluded.unix_group_name, windows_group_name = excluded.windows_group_name, "
           "unix_gid = excluded.unix_gid");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, group_id);
    sql_bind_str(st, 2, in->unix_group_name);
    sql_bind_str(st, 3, in->windows_group_name);
    sql_bind_int(st, 4, in->unix_gid);
    return sql__exec_done(c, st);
}

static int sql_user_attrs_read(struct arena *a, struct sql_stmt *st, void *row)
{
    struct store_user_attrs *u = row;
    u->unix_user_name = sql__col_text(a, st, 0);
    u->windows_user_name = sql__col_text(a, st, 1);
    u->unix_uid = sql_col_int(st, 2);
    u->unix_gid = sql_col_int(st, 3);
    return 0;
}

static int sql_user_attrs_get(struct store_conn *sc, struct arena *a, int64_t user_id,
                              struct store_user_attrs *out)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(c, "SELECT unix_user_name, windows_user_name, unix_uid, "
                                       "unix_gid FROM user_attributes WHERE user_id = ?");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, user_id);
    memset(out, 0, sizeof(*out));
    int rc = sql__one(c, a, st, sql_user_attrs_read, out);
    return rc == R_ENOTFOUND ? 0 : rc;
}

static int sql_user_attrs_put(struct store_conn *sc, int64_t user_id,
                              const struct store_user_attrs *in)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(
        c, "INSERT INTO user_attributes(user_id, unix_user_name, windows_user_name, unix_uid, "
           "unix_gid) VALUES (?,?,?,?,?) ON CONFLICT(user_id) DO UPDATE SET unix_user_name = "
           "excluded.unix_user_name, windows_user_name = excluded.windows_user_name, "
           "unix_uid = excluded.unix_uid, unix_gid = excluded.unix_gid");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, user_id);
    sql_bind_str(st, 2, in->unix_user_name);
    sql_bind_str(st, 3, in->windows_user_name);
    sql_bind_int(st, 4, in->unix_uid);
    sql_bind_int(st, 5, in->unix_gid);
    return sql__exec_done(c, st);
}

static int sql_unix_id_holders(struct store_conn *sc, int64_t team_id, const char *kind, int64_t id,
                               int *holders)
{
    struct sql_conn *c = SQLC(sc);
    /* "<> 0" repeats the partial indexes' condition so that SQLite may use them. */
    const char *sql =
        strcmp(kind, "unix_uid") == 0
            ? "SELECT 1 FROM user_attributes a JOIN users u ON u.id = a.user_id WHERE "
              "a.unix_uid = ?2 AND a.unix_uid <> 0 AND u.team_id = ?1 LIMIT 2"
            : "SELECT 1 FROM group_attributes a JOIN groups g ON g.id = a.group_id WHERE "
              "a.unix_gid = ?2 AND a.unix_gid <> 0 AND g.team_id = ?1 UNION ALL SELECT 1 FROM "
              "user_attributes a JOIN users u ON u.id = a.user_id WHERE a.unix_gid = ?2 AND "
              "a.unix_gid <> 0 AND u.team_id = ?1 LIMIT 2";
    struct sql_stmt *st = sql__stmt(c, sql);
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, team_id);
    sql_bind_int(st, 2, id);
    int n = 0, rc;
    while ((rc = sql_step(c, st)) == SQL_ROW)
        n++;
    sql_reset(st);
    if (rc != SQL_DONE)
        return sql__fail(rc);
    *holders = n;
    return 0;
}

const struct store_attribute_ops store_sql_attributes = {
    .group_get = sql_group_attrs_get,
    .group_put = sql_group_attrs_put,
    .user_get = sql_user_attrs_get,
    .user_put = sql_user_attrs_put,
    .unix_id_holders = sql_unix_id_holders,
};
