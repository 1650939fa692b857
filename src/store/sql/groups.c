/* The store's groups (store/groups.h): rows, roles, profile, soft deletion, lists. */
#include <string.h>

#include "store/sql/internal.h"
#include "util/buf.h"
#include "util/err.h"

int sql__group_read(struct arena *a, struct sql_stmt *st, void *row)
{
    struct store_group *g = row;
    memset(g, 0, sizeof(*g));
    g->id = sql_col_int(st, 0);
    g->team_id = sql_col_int(st, 1);
    sql__col_copy(g->uuid, sizeof(g->uuid), st, 2);
    sql__col_copy(g->okta_id, sizeof(g->okta_id), st, 3);
    g->name = sql__col_text(a, st, 4);
    g->description = sql__col_text(a, st, 5);
    g->profile_json = sql__col_text(a, st, 6);
    g->roles = (unsigned)(int)sql_col_int(st, 7);
    g->type = (int)sql_col_int(st, 8);
    g->flags = (unsigned)(int)sql_col_int(st, 9);
    g->federated_from_team = sql__col_text(a, st, 10);
    g->federation_approved_at = sql_col_int(st, 11);
    g->created = sql_col_int(st, 12);
    g->last_updated = sql_col_int(st, 13);
    g->last_membership_updated = sql_col_int(st, 14);
    g->deleted_at = sql_col_int(st, 15);
    g->users_count = sql_col_int(st, 16);
    g->human_count = sql_col_int(st, 17);
    return g->name ? 0 : R_ENOMEM;
}

static int sql_group_insert(struct store_conn *sc, struct store_group *g)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(
        c, "INSERT INTO groups(team_id, uuid, okta_id, name, description, profile_json, roles, "
           "type, flags, federated_from_team, federation_approved_at, created, last_updated, "
           "last_membership_updated, users_count, human_count, name_fold, description_fold) "
           "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18) RETURNING id");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, g->team_id);
    sql_bind_str(st, 2, g->uuid);
    sql_bind_str(st, 3, g->okta_id);
    sql_bind_str(st, 4, g->name);
    sql_bind_str(st, 5, g->description);
    sql_bind_str(st, 6, g->profile_json);
    sql_bind_int(st, 7, (int)g->roles);
    sql_bind_int(st, 8, g->type);
    sql_bind_int(st, 9, (int)g->flags);
    sql_bind_str(st, 10, g->federated_from_team);
    sql_bind_int(st, 11, g->federation_approved_at);
    sql_bind_int(st, 12, g->created);
    sql_bind_int(st, 13, g->last_updated);
    sql_bind_int(st, 14, g->last_membership_updated);
    sql_bind_int(st, 15, g->users_count);
    sql_bind_int(st, 16, g->human_count);
    int rc = sql__bind_folded(st, 17, g->name);
    if (!rc)
        rc = sql__bind_folded(st, 18, g->description);
    return rc ? rc : sql__insert_id(c, st, &g->id);
}

static int sql_group_get_by_name(struct store_conn *sc, struct arena *a, int64_t team_id,
                                 const char *name, bool include_deleted, struct store_group *out)
{
    struct sql_conn *c = SQLC(sc);
    return sql__one_by(c, a,
                       include_deleted ? "SELECT " GROUP_COLS
                                         " FROM groups g WHERE g.team_id = ?2 AND g.name = ?1 "
                                         "ORDER BY g.deleted_at = 0 DESC, g.deleted_at DESC LIMIT 1"
                                       : "SELECT " GROUP_COLS
                                         " FROM groups g WHERE g.team_id = ?2 AND g.name = ?1 "
                                         "AND g.deleted_at = 0",
                       name, team_id, sql__group_read, out);
}

static int sql_group_get_by_uuid(struct store_conn *sc, struct arena *a, int64_t team_id,
                                 const char *uuid, struct store_group *out)
{
    struct sql_conn *c = SQLC(sc);
    return sql__one_by(c, a,
                       "SELECT " GROUP_COLS " FROM groups g WHERE g.uuid = ? AND g.team_id = ?",
                       uuid, team_id, sql__group_read, out);
}

static int sql_group_get_builtin(struct store_conn *sc, struct arena *a, int64_t team_id,
                                 struct store_group *out)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st =
        sql__stmt(c, "SELECT " GROUP_COLS " FROM groups g INDEXED BY groups_builtin "
                     "WHERE g.team_id = ? AND g.type = 1 AND g.deleted_at = 0");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, team_id);
    return sql__one(c, a, st, sql__group_read, out);
}

static int sql_group_update_roles(struct store_conn *sc, int64_t group_id, unsigned roles,
                                  int64_t now)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st =
        sql__stmt(c, "UPDATE groups SET roles = ?, last_updated = ? WHERE id = ?");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, (int)roles);
    sql_bind_int(st, 2, now);
    sql_bind_int(st, 3, group_id);
    return sql__exec_done(c, st);
}

static int sql_group_delete(struct store_conn *sc, int64_t group_id, int64_t now)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(c, "DELETE FROM memberships WHERE group_id = ?");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, group_id);
    int rc = sql__exec_done(c, st);
    if (rc)
        return rc;
    st = sql__stmt(c, "UPDATE groups SET deleted_at = ?, users_count = 0, human_count = 0, "
                      "last_membership_updated = ?1 WHERE id = ?");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, now);
    sql_bind_int(st, 2, group_id);
    return sql__exec_done(c, st);
}

static int sql_group_list(struct store_conn *sc, struct arena *a,
                          const struct store_group_filter *f, const struct store_page *pg,
                          struct store_group **out, size_t *n)
{
    struct sql_conn *c = SQLC(sc);
    struct buf b;
    buf_init(&b, 16384);
    int rc = 0;
    int param = 3;
    if (f->member_user_id > 0) {
        /* A user's groups are few: fetch them by id through the membership index, then
         * sort; the built-in group joins when asked. */
        /* (+team_id keeps SQLite from walking the team's whole name index instead) */
        buf_append_str(&b,
                       "SELECT " GROUP_COLS " FROM groups g WHERE +g.team_id = ?1 AND g.id IN ");
        sql__user_group_ids(&b, 2, 1, f->member_builtin);
    } else {
        buf_append_str(&b, "SELECT " GROUP_COLS " FROM groups g WHERE g.team_id = ?1");
    }
    if (f->deleted == 0)
        buf_append_str(&b, " AND g.deleted_at = 0");
    else if (f->deleted == 2)
        buf_append_str(&b, " AND g.deleted_at <> 0");
    if (f->contains)
        buf_appendf(&b, " AND instr(g.name_fold, ?%d) > 0", param++);
    if (f->nids) {
        buf_append_str(&b, " AND g.uuid IN (");
        for (size_t i = 0; i < f->nids; i++)
            buf_appendf(&b, "%s?%d", i ? "," : "", param++);
        buf_append_str(&b, ")");
    }
    if (f->nignore) {
        buf_append_str(&b, " AND g.name NOT IN (");
        for (size_t i = 0; i < f->nignore; i++)
            buf_appendf(&b, "%s?%d", i ? "," : "", param++);
        buf_append_str(&b, ")");
    }
    int cursor_param = param;
    bool asc = pg->descending == pg->backward;
    if (pg->after_name) {
        buf_appendf(&b, " AND (g.name, g.uuid) %s (?%d, ?%d)", asc ? ">" : "<", param, param + 1);
        param += 2;
    }
    buf_appendf(&b, " ORDER BY g.name %s, g.uuid %s LIMIT ?%d", asc ? "ASC" : "DESC",
                asc ? "ASC" : "DESC", param);
    if (b.oom) {
        rc = R_ENOMEM;
        goto out;
    }
    struct sql_stmt *st = sql__stmt(c, buf_cstr(&b));
    if (!st) {
        rc = R_ESTORE;
        goto out;
    }
    int p = 3;
    sql_bind_int(st, 1, f->team_id);
    if (f->member_user_id > 0)
        sql_bind_int(st, 2, f->member_user_id);
    if (f->contains && (rc = sql__bind_fold(a, st, p++, 0, f->contains)))
        goto out;
    for (size_t i = 0; i < f->nids; i++)
        sql_bind_str(st, p++, f->ids[i]);
    for (size_t i = 0; i < f->nignore; i++)
        sql_bind_str(st, p++, f->ignore[i]);
    if (pg->after_name) {
        sql_bind_str(st, cursor_param, pg->after_name);
        sql_bind_str(st, cursor_param + 1, pg->after_uuid);
    }
    sql_bind_int(st, param, (int64_t)pg->limit + 1);
    rc = sql__rows(c, a, st, pg->limit, pg->backward, sizeof(**out), sql__group_read, (void **)out,
                   n);
out:
    buf_free(&b);
    return rc;
}

static int sql_group_get(struct store_conn *sc, struct arena *a, int64_t team_id,
                         const char *okta_id, struct store_group *out)
{
    struct sql_conn *c = SQLC(sc);
    return sql__one_by(c, a,
                       "SELECT " GROUP_COLS " FROM groups g WHERE g.okta_id = ? "
                       "AND g.team_id = ? AND g.deleted_at = 0",
                       okta_id, team_id, sql__group_read, out);
}

static int sql_group_update_profile(struct store_conn *sc, int64_t group_id, const char *name,
                                    const char *description, const char *profile_json, int64_t now)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(c, "UPDATE groups SET name = ?1, description = ?2, "
                                       "profile_json = ?3, last_updated = ?4, name_fold = ?6, "
                                       "description_fold = ?7 WHERE id = ?5");
    if (!st)
        return R_ESTORE;
    sql_bind_str(st, 1, name);
    sql_bind_str(st, 2, description);
    sql_bind_str(st, 3, profile_json);
    sql_bind_int(st, 4, now);
    sql_bind_int(st, 5, group_id);
    int rc = sql__bind_folded(st, 6, name);
    if (!rc)
        rc = sql__bind_folded(st, 7, description);
    return rc ? rc : sql__exec_done(c, st);
}

const struct store_group_ops store_sql_groups = {
    .insert = sql_group_insert,
    .get_by_name = sql_group_get_by_name,
    .get_by_uuid = sql_group_get_by_uuid,
    .get_builtin = sql_group_get_builtin,
    .get = sql_group_get,
    .update_roles = sql_group_update_roles,
    .update_profile = sql_group_update_profile,
    .delete = sql_group_delete,
    .list = sql_group_list,
    .query = sql__group_query,
};
