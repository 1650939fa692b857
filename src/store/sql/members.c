/* The store's memberships (store/members.h): pairs, exact counts, roles. */
#include <string.h>

#include "store/sql/internal.h"
#include "util/buf.h"
#include "util/err.h"

static int sql_count_add(struct sql_conn *c, int64_t group_id, int64_t users, int64_t humans,
                         int64_t now)
{
    struct sql_stmt *st = sql__stmt(c, "UPDATE groups SET users_count = users_count + ?, "
                                       "human_count = human_count + ?, last_membership_updated = ? "
                                       "WHERE id = ?");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, users);
    sql_bind_int(st, 2, humans);
    sql_bind_int(st, 3, now);
    sql_bind_int(st, 4, group_id);
    return sql__exec_done(c, st);
}

static int sql_member_add(struct store_conn *sc, const struct store_group *g,
                          const struct store_user *u, int64_t now, bool *changed)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(c, "INSERT INTO memberships(group_id, user_name, user_id, "
                                       "created) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, g->id);
    sql_bind_str(st, 2, u->name);
    sql_bind_int(st, 3, u->id);
    sql_bind_int(st, 4, now);
    int64_t n;
    int rc = sql__exec_count(c, st, &n);
    if (rc)
        return rc;
    *changed = n > 0;
    if (!*changed)
        return 0;
    return sql_count_add(c, g->id, 1, u->user_type == STORE_USER_HUMAN ? 1 : 0, now);
}

static int sql_member_remove(struct store_conn *sc, const struct store_group *g,
                             const struct store_user *u, int64_t now, bool *changed)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st =
        sql__stmt(c, "DELETE FROM memberships WHERE group_id = ? AND user_name = ?");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, g->id);
    sql_bind_str(st, 2, u->name);
    int64_t n;
    int rc = sql__exec_count(c, st, &n);
    if (rc)
        return rc;
    *changed = n > 0;
    if (!*changed)
        return 0;
    return sql_count_add(c, g->id, -1, u->user_type == STORE_USER_HUMAN ? -1 : 0, now);
}

static int sql_member_remove_user(struct store_conn *sc, const struct store_user *u, int64_t now)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(c, "UPDATE groups SET users_count = users_count - 1, "
                                       "human_count = human_count - ?, last_membership_updated = ? "
                                       "WHERE id IN (SELECT group_id FROM memberships WHERE "
                                       "user_id = ?)");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, u->user_type == STORE_USER_HUMAN ? 1 : 0);
    sql_bind_int(st, 2, now);
    sql_bind_int(st, 3, u->id);
    int rc = sql__exec_done(c, st);
    if (rc)
        return rc;
    st = sql__stmt(c, "DELETE FROM memberships WHERE user_id = ?");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, u->id);
    return sql__exec_done(c, st);
}

static int sql_builtin_count_add(struct store_conn *sc, int64_t team_id, int64_t users,
                                 int64_t humans)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(c, "UPDATE groups INDEXED BY groups_builtin SET "
                                       "users_count = users_count + ?, human_count = human_count + "
                                       "? WHERE team_id = ? AND type = 1 AND deleted_at = 0");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, users);
    sql_bind_int(st, 2, humans);
    sql_bind_int(st, 3, team_id);
    return sql__exec_done(c, st);
}

static int sql_principal_roles(struct store_conn *sc, int64_t team_id, int64_t user_id,
                               unsigned *roles)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(
        c, "SELECT g.roles FROM memberships m JOIN groups g ON g.id = m.group_id "
           "WHERE m.user_id = ?2 AND g.deleted_at = 0 AND g.roles <> 0 "
           "UNION ALL SELECT roles FROM groups INDEXED BY groups_builtin WHERE team_id = ?1 "
           "AND type = 1 AND deleted_at = 0");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, team_id);
    sql_bind_int(st, 2, user_id);
    unsigned r = 0;
    int s;
    while ((s = sql_step(c, st)) == SQL_ROW)
        r |= (unsigned)(int)sql_col_int(st, 0);
    sql_reset(st);
    if (s != SQL_DONE)
        return sql__fail(s);
    *roles = r;
    return 0;
}

void sql__user_group_ids(struct buf *b, int user_param, int team_param, bool builtin)
{
    buf_appendf(b, "(SELECT group_id FROM memberships WHERE user_id = ?%d", user_param);
    if (builtin)
        buf_appendf(b,
                    " UNION ALL SELECT id FROM groups INDEXED BY groups_builtin WHERE "
                    "team_id = ?%d AND type = 1 AND deleted_at = 0",
                    team_param);
    buf_append_str(b, ")");
}

const struct store_member_ops store_sql_members = {
    .add = sql_member_add,
    .remove = sql_member_remove,
    .remove_user = sql_member_remove_user,
    .builtin_count_add = sql_builtin_count_add,
    .roles = sql_principal_roles,
};
