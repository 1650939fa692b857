/* The SQLite engine's memberships (store/members.h): pairs, exact counts, roles. */
#include <sqlite3.h>
#include <string.h>

#include "store/sqlite/internal.h"
#include "util/buf.h"
#include "util/err.h"

static int sq_count_add(struct sq_conn *c, int64_t group_id, int64_t users, int64_t humans,
                        int64_t now)
{
    sqlite3_stmt *st = sq__stmt(c, "UPDATE groups SET users_count = users_count + ?, "
                                   "human_count = human_count + ?, last_membership_updated = ? "
                                   "WHERE id = ?");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, users);
    sqlite3_bind_int64(st, 2, humans);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_int64(st, 4, group_id);
    return sq__exec_done(c, st);
}

static int sq_member_add(struct store_conn *sc, const struct store_group *g,
                         const struct store_user *u, int64_t now, bool *changed)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "INSERT INTO memberships(group_id, user_name, user_id, "
                                   "created) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, g->id);
    sq__bind_text(st, 2, u->name);
    sqlite3_bind_int64(st, 3, u->id);
    sqlite3_bind_int64(st, 4, now);
    int rc = sq__exec_done(c, st);
    if (rc)
        return rc;
    *changed = sqlite3_changes(c->db) > 0;
    if (!*changed)
        return 0;
    return sq_count_add(c, g->id, 1, u->user_type == STORE_USER_HUMAN ? 1 : 0, now);
}

static int sq_member_remove(struct store_conn *sc, const struct store_group *g,
                            const struct store_user *u, int64_t now, bool *changed)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "DELETE FROM memberships WHERE group_id = ? AND user_name = ?");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, g->id);
    sq__bind_text(st, 2, u->name);
    int rc = sq__exec_done(c, st);
    if (rc)
        return rc;
    *changed = sqlite3_changes(c->db) > 0;
    if (!*changed)
        return 0;
    return sq_count_add(c, g->id, -1, u->user_type == STORE_USER_HUMAN ? -1 : 0, now);
}

static int sq_member_remove_user(struct store_conn *sc, const struct store_user *u, int64_t now)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "UPDATE groups SET users_count = users_count - 1, "
                                   "human_count = human_count - ?, last_membership_updated = ? "
                                   "WHERE id IN (SELECT group_id FROM memberships WHERE "
                                   "user_id = ?)");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, u->user_type == STORE_USER_HUMAN ? 1 : 0);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_int64(st, 3, u->id);
    int rc = sq__exec_done(c, st);
    if (rc)
        return rc;
    st = sq__stmt(c, "DELETE FROM memberships WHERE user_id = ?");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, u->id);
    return sq__exec_done(c, st);
}

static int sq_builtin_count_add(struct store_conn *sc, int64_t team_id, int64_t users,
                                int64_t humans)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "UPDATE groups INDEXED BY groups_builtin SET "
                                   "users_count = users_count + ?, human_count = human_count + "
                                   "? WHERE team_id = ? AND type = 1 AND deleted_at = 0");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, users);
    sqlite3_bind_int64(st, 2, humans);
    sqlite3_bind_int64(st, 3, team_id);
    return sq__exec_done(c, st);
}

static int sq_principal_roles(struct store_conn *sc, int64_t team_id, int64_t user_id,
                              unsigned *roles)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(
        c, "SELECT g.roles FROM memberships m JOIN groups g ON g.id = m.group_id "
           "WHERE m.user_id = ?2 AND g.deleted_at = 0 AND g.roles <> 0 "
           "UNION ALL SELECT roles FROM groups INDEXED BY groups_builtin WHERE team_id = ?1 "
           "AND type = 1 AND deleted_at = 0");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, team_id);
    sqlite3_bind_int64(st, 2, user_id);
    unsigned r = 0;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW)
        r |= (unsigned)sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    if (s != SQLITE_DONE)
        return sq__err(c, s);
    *roles = r;
    return 0;
}

void sq__user_group_ids(struct buf *b, int user_param, int team_param, bool builtin)
{
    buf_appendf(b, "(SELECT group_id FROM memberships WHERE user_id = ?%d", user_param);
    if (builtin)
        buf_appendf(b,
                    " UNION ALL SELECT id FROM groups INDEXED BY groups_builtin WHERE "
                    "team_id = ?%d AND type = 1 AND deleted_at = 0",
                    team_param);
    buf_append_str(b, ")");
}

const struct store_member_ops store_sqlite_members = {
    .add = sq_member_add,
    .remove = sq_member_remove,
    .remove_user = sq_member_remove_user,
    .builtin_count_add = sq_builtin_count_add,
    .roles = sq_principal_roles,
};
