/* The store's projects and project groups (store/projects.h). */
#include <string.h>

#include "store/sql/internal.h"
#include "util/buf.h"
#include "util/err.h"

/* The keyset condition and ORDER BY of a page over (k1, k2), parameters ?p and ?p+1 for
 * the cursor (when given) and the next one for LIMIT; returns the LIMIT parameter. */
static int sql_page_sql(struct buf *b, const struct store_page *pg, const char *k1, const char *k2,
                        int p)
{
    bool asc = pg->descending == pg->backward;
    if (pg->after_name) {
        buf_appendf(b, " AND (%s, %s) %s (?%d, ?%d)", k1, k2, asc ? ">" : "<", p, p + 1);
        p += 2;
    }
    buf_appendf(b, " ORDER BY %s %s, %s %s LIMIT ?%d", k1, asc ? "ASC" : "DESC", k2,
                asc ? "ASC" : "DESC", p);
    return p;
}

#define PROJECT_COLS                                                                               \
    "p.id, p.team_id, p.uuid, p.name, p.create_server_users, p.force_shared_ssh_users, "           \
    "p.forward_traffic, p.rdp_session_recording, p.require_preauth_for_creds, "                    \
    "p.ssh_session_recording, p.gateway_selector, p.shared_admin_user_name, "                      \
    "p.shared_standard_user_name, p.ssh_certificate_type, p.next_unix_uid, p.next_unix_gid, "      \
    "p.user_on_demand_period, p.created, p.deleted_at"

static int sql_project_read(struct arena *a, struct sql_stmt *st, void *row)
{
    struct store_project *p = row;
    memset(p, 0, sizeof(*p));
    p->id = sql_col_int(st, 0);
    p->team_id = sql_col_int(st, 1);
    sql__col_copy(p->uuid, sizeof(p->uuid), st, 2);
    p->name = sql__col_text(a, st, 3);
    p->create_server_users = (int)sql_col_int(st, 4);
    p->force_shared_ssh_users = (int)sql_col_int(st, 5);
    p->forward_traffic = (int)sql_col_int(st, 6);
    p->rdp_session_recording = (int)sql_col_int(st, 7);
    p->require_preauth_for_creds = (int)sql_col_int(st, 8);
    p->ssh_session_recording = (int)sql_col_int(st, 9);
    p->gateway_selector = sql__col_text(a, st, 10);
    p->shared_admin_user_name = sql__col_text(a, st, 11);
    p->shared_standard_user_name = sql__col_text(a, st, 12);
    p->ssh_certificate_type = sql__col_text(a, st, 13);
    p->next_unix_uid = sql_col_int(st, 14);
    p->next_unix_gid = sql_col_int(st, 15);
    p->user_on_demand_period = sql_col_int(st, 16);
    p->created = sql_col_int(st, 17);
    p->deleted_at = sql_col_int(st, 18);
    return p->name && p->ssh_certificate_type ? 0 : R_ENOMEM;
}

/* Binds the settable fields of p to ?2..?15 (shared by insert and update). */
static void sql_project_bind(struct sql_stmt *st, const struct store_project *p)
{
    sql_bind_str(st, 2, p->name);
    sql_bind_int(st, 3, p->create_server_users);
    sql_bind_int(st, 4, p->force_shared_ssh_users);
    sql_bind_int(st, 5, p->forward_traffic);
    sql_bind_int(st, 6, p->rdp_session_recording);
    sql_bind_int(st, 7, p->require_preauth_for_creds);
    sql_bind_int(st, 8, p->ssh_session_recording);
    sql_bind_str(st, 9, p->gateway_selector);
    sql_bind_str(st, 10, p->shared_admin_user_name);
    sql_bind_str(st, 11, p->shared_standard_user_name);
    sql_bind_str(st, 12, p->ssh_certificate_type);
    sql_bind_int(st, 13, p->next_unix_uid);
    sql_bind_int(st, 14, p->next_unix_gid);
    sql_bind_int(st, 15, p->user_on_demand_period);
}

static int sql_project_insert(struct store_conn *sc, struct store_project *p)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(
        c, "INSERT INTO projects(team_id, name, create_server_users, force_shared_ssh_users, "
           "forward_traffic, rdp_session_recording, require_preauth_for_creds, "
           "ssh_session_recording, gateway_selector, shared_admin_user_name, "
           "shared_standard_user_name, ssh_certificate_type, next_unix_uid, next_unix_gid, "
           "user_on_demand_period, uuid, created, name_fold) "
           "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18) RETURNING id");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, p->team_id);
    sql_project_bind(st, p);
    sql_bind_str(st, 16, p->uuid);
    sql_bind_int(st, 17, p->created);
    int rc = sql__bind_folded(st, 18, p->name);
    return rc ? rc : sql__insert_id(c, st, &p->id);
}

static int sql_project_get_by_name(struct store_conn *sc, struct arena *a, int64_t team_id,
                                   const char *name, struct store_project *out)
{
    struct sql_conn *c = SQLC(sc);
    return sql__one_by(c, a,
                       "SELECT " PROJECT_COLS " FROM projects p WHERE "
                       "p.team_id = ?2 AND p.name = ?1 AND p.deleted_at = 0",
                       name, team_id, sql_project_read, out);
}

static int sql_project_get_by_uuid(struct store_conn *sc, struct arena *a, int64_t team_id,
                                   const char *uuid, struct store_project *out)
{
    struct sql_conn *c = SQLC(sc);
    return sql__one_by(c, a,
                       "SELECT " PROJECT_COLS " FROM projects p WHERE p.uuid = ? AND p.team_id = ?",
                       uuid, team_id, sql_project_read, out);
}

static int sql_project_update(struct store_conn *sc, const struct store_project *p)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(
        c, "UPDATE projects SET name = ?2, create_server_users = ?3, force_shared_ssh_users = "
           "?4, forward_traffic = ?5, rdp_session_recording = ?6, require_preauth_for_creds = "
           "?7, ssh_session_recording = ?8, gateway_selector = ?9, shared_admin_user_name = "
           "?10, shared_standard_user_name = ?11, ssh_certificate_type = ?12, next_unix_uid = "
           "?13, next_unix_gid = ?14, user_on_demand_period = ?15, name_fold = ?16 "
           "WHERE id = ?1");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, p->id);
    sql_project_bind(st, p);
    int rc = sql__bind_folded(st, 16, p->name);
    return rc ? rc : sql__exec_done(c, st);
}

static int sql_project_delete(struct store_conn *sc, int64_t project_id, int64_t now)
{
    struct sql_conn *c = SQLC(sc);
    int rc = sql__exec2(c, "UPDATE projects SET deleted_at = ?2 WHERE id = ?1", project_id, now);
    if (!rc)
        rc = sql__exec2(c,
                        "UPDATE project_groups SET removed_at = ?2 WHERE project_id = ?1 "
                        "AND removed_at = 0",
                        project_id, now);
    /* A deleted project enrols no more servers. */
    if (!rc)
        rc = sql__exec2(c, "DELETE FROM enrollment_tokens WHERE project_id = ?1", project_id, now);
    return rc;
}

static int sql_project_list(struct store_conn *sc, struct arena *a,
                            const struct store_project_filter *f, const struct store_page *pg,
                            struct store_project **out, size_t *n)
{
    struct sql_conn *c = SQLC(sc);
    struct buf b;
    buf_init(&b, 8192);
    int rc = 0;
    buf_append_str(&b, "SELECT " PROJECT_COLS " FROM projects p WHERE p.team_id = ?1 AND "
                       "p.deleted_at = 0");
    if (f->contains)
        buf_append_str(&b, " AND instr(p.name_fold, ?2) > 0");
    if (f->self_user_id > 0)
        /* The caller's projects: a live assignment of one of its groups (explicit ones
         * and the built-in group, of which every live user is a member). */
        buf_append_str(&b, " AND EXISTS (SELECT 1 FROM project_groups x WHERE x.project_id = "
                           "p.id AND x.removed_at = 0 AND (x.group_id IN (SELECT group_id "
                           "FROM memberships WHERE user_id = ?3) OR x.group_id = (SELECT id "
                           "FROM groups INDEXED BY groups_builtin WHERE team_id = ?1 AND type = 1 "
                           "AND deleted_at = 0)))");
    int lim = sql_page_sql(&b, pg, "p.name", "p.uuid", 4);
    if (b.oom) {
        rc = R_ENOMEM;
        goto out;
    }
    struct sql_stmt *st = sql__stmt(c, buf_cstr(&b));
    if (!st) {
        rc = R_ESTORE;
        goto out;
    }
    sql_bind_int(st, 1, f->team_id);
    if (f->contains && (rc = sql__bind_fold(a, st, 2, 0, f->contains)))
        goto out;
    if (f->self_user_id > 0)
        sql_bind_int(st, 3, f->self_user_id);
    if (pg->after_name) {
        sql_bind_str(st, 4, pg->after_name);
        sql_bind_str(st, 5, pg->after_uuid);
    }
    sql_bind_int(st, lim, (int64_t)pg->limit + 1);
    rc = sql__rows(c, a, st, pg->limit, pg->backward, sizeof(**out), sql_project_read, (void **)out,
                   n);
out:
    buf_free(&b);
    return rc;
}

#define PG_COLS                                                                                    \
    "x.project_id, x.group_id, x.group_uuid, x.group_name, x.server_access, x.server_admin, "      \
    "x.create_server_group, x.servers_selector, x.created, x.removed_at, x.deleted_at, "           \
    "ga.unix_group_name, ga.windows_group_name, ga.unix_gid"
#define PG_FROM " FROM project_groups x LEFT JOIN group_attributes ga ON ga.group_id = x.group_id"

static int sql_pg_read(struct arena *a, struct sql_stmt *st, void *row)
{
    struct store_project_group *pg = row;
    memset(pg, 0, sizeof(*pg));
    pg->project_id = sql_col_int(st, 0);
    pg->group_id = sql_col_int(st, 1);
    sql__col_copy(pg->group_uuid, sizeof(pg->group_uuid), st, 2);
    pg->group_name = sql__col_text(a, st, 3);
    pg->server_access = (int)sql_col_int(st, 4);
    pg->server_admin = (int)sql_col_int(st, 5);
    pg->create_server_group = (int)sql_col_int(st, 6);
    pg->servers_selector = sql__col_text(a, st, 7);
    pg->created = sql_col_int(st, 8);
    pg->removed_at = sql_col_int(st, 9);
    pg->deleted_at = sql_col_int(st, 10);
    pg->attrs.unix_group_name = sql__col_text(a, st, 11);
    pg->attrs.windows_group_name = sql__col_text(a, st, 12);
    pg->attrs.unix_gid = sql_col_int(st, 13);
    return pg->group_name ? 0 : R_ENOMEM;
}

static int sql_pg_get(struct store_conn *sc, struct arena *a, int64_t project_id, int64_t group_id,
                      struct store_project_group *out)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(c, "SELECT " PG_COLS PG_FROM " WHERE x.project_id = ? AND "
                                       "x.group_id = ?");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, project_id);
    sql_bind_int(st, 2, group_id);
    return sql__one(c, a, st, sql_pg_read, out);
}

static int sql_pg_upsert(struct store_conn *sc, const struct store_project_group *pg)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(
        c, "INSERT INTO project_groups(project_id, group_id, group_name, group_uuid, "
           "server_access, server_admin, create_server_group, servers_selector, created) "
           "VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(project_id, group_id) DO UPDATE SET "
           "group_name = excluded.group_name, server_access = excluded.server_access, "
           "server_admin = excluded.server_admin, create_server_group = "
           "excluded.create_server_group, servers_selector = excluded.servers_selector, "
           "created = CASE WHEN project_groups.removed_at <> 0 THEN excluded.created ELSE "
           "project_groups.created END, "
           "removed_at = 0, deleted_at = 0");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, pg->project_id);
    sql_bind_int(st, 2, pg->group_id);
    sql_bind_str(st, 3, pg->group_name);
    sql_bind_str(st, 4, pg->group_uuid);
    sql_bind_int(st, 5, pg->server_access);
    sql_bind_int(st, 6, pg->server_admin);
    sql_bind_int(st, 7, pg->create_server_group);
    sql_bind_str(st, 8, pg->servers_selector);
    sql_bind_int(st, 9, pg->created);
    return sql__exec_done(c, st);
}

static int sql_pg_remove(struct store_conn *sc, int64_t project_id, int64_t group_id, int64_t now)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(c, "UPDATE project_groups SET removed_at = ? WHERE "
                                       "project_id = ? AND group_id = ? AND removed_at = 0");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, now);
    sql_bind_int(st, 2, project_id);
    sql_bind_int(st, 3, group_id);
    return sql__exec_done(c, st);
}

static int sql_pg_list(struct store_conn *sc, struct arena *a,
                       const struct store_project_group_filter *f, const struct store_page *pg,
                       struct store_project_group **out, size_t *n)
{
    struct sql_conn *c = SQLC(sc);
    struct buf b;
    buf_init(&b, 8192);
    int rc = 0;
    buf_append_str(&b, "SELECT " PG_COLS PG_FROM " WHERE x.project_id = ?1");
    if (!f->include_removed)
        buf_append_str(&b, " AND x.removed_at = 0");
    if (f->create_server_group_only)
        buf_append_str(&b, " AND x.create_server_group = 1");
    if (f->selectors == 1)
        buf_append_str(&b, " AND x.servers_selector IS NOT NULL");
    else if (f->selectors == 2)
        buf_append_str(&b, " AND x.servers_selector IS NULL");
    int lim = sql_page_sql(&b, pg, "x.group_name", "x.group_uuid", 2);
    if (b.oom) {
        rc = R_ENOMEM;
        goto out;
    }
    struct sql_stmt *st = sql__stmt(c, buf_cstr(&b));
    if (!st) {
        rc = R_ESTORE;
        goto out;
    }
    sql_bind_int(st, 1, f->project_id);
    if (pg->after_name) {
        sql_bind_str(st, 2, pg->after_name);
        sql_bind_str(st, 3, pg->after_uuid);
    }
    sql_bind_int(st, lim, (int64_t)pg->limit + 1);
    rc = sql__rows(c, a, st, pg->limit, pg->backward, sizeof(**out), sql_pg_read, (void **)out, n);
out:
    buf_free(&b);
    return rc;
}

const struct store_project_ops store_sql_projects = {
    .insert = sql_project_insert,
    .get_by_name = sql_project_get_by_name,
    .get_by_uuid = sql_project_get_by_uuid,
    .update = sql_project_update,
    .delete = sql_project_delete,
    .list = sql_project_list,
    .group_get = sql_pg_get,
    .group_upsert = sql_pg_upsert,
    .group_remove = sql_pg_remove,
    .group_list = sql_pg_list,
};
