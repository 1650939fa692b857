/* The SQLite engine's project area: projects, project groups, enrollment tokens,
 * attributes, team settings and stats (store/project.h). */
#include <sqlite3.h>
#include <string.h>

#include "store/project.h"
#include "store/sqlite/internal.h"
#include "util/buf.h"
#include "util/err.h"

/* The keyset condition and ORDER BY of a page over (k1, k2), parameters ?p and ?p+1 for
 * the cursor (when given) and the next one for LIMIT; returns the LIMIT parameter. */
static int sq_page_sql(struct buf *b, const struct store_page *pg, const char *k1, const char *k2,
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

/* ---- projects ---- */

#define PROJECT_COLS                                                                               \
    "p.id, p.team_id, p.uuid, p.name, p.create_server_users, p.force_shared_ssh_users, "           \
    "p.forward_traffic, p.rdp_session_recording, p.require_preauth_for_creds, "                    \
    "p.ssh_session_recording, p.gateway_selector, p.shared_admin_user_name, "                      \
    "p.shared_standard_user_name, p.ssh_certificate_type, p.next_unix_uid, p.next_unix_gid, "      \
    "p.user_on_demand_period, p.created, p.deleted_at"

static int sq_project_read(struct arena *a, sqlite3_stmt *st, void *row)
{
    struct store_project *p = row;
    memset(p, 0, sizeof(*p));
    p->id = sqlite3_column_int64(st, 0);
    p->team_id = sqlite3_column_int64(st, 1);
    sq__col_copy(p->uuid, sizeof(p->uuid), st, 2);
    p->name = sq__col_text(a, st, 3);
    p->create_server_users = sqlite3_column_int(st, 4);
    p->force_shared_ssh_users = sqlite3_column_int(st, 5);
    p->forward_traffic = sqlite3_column_int(st, 6);
    p->rdp_session_recording = sqlite3_column_int(st, 7);
    p->require_preauth_for_creds = sqlite3_column_int(st, 8);
    p->ssh_session_recording = sqlite3_column_int(st, 9);
    p->gateway_selector = sq__col_text(a, st, 10);
    p->shared_admin_user_name = sq__col_text(a, st, 11);
    p->shared_standard_user_name = sq__col_text(a, st, 12);
    p->ssh_certificate_type = sq__col_text(a, st, 13);
    p->next_unix_uid = sqlite3_column_int64(st, 14);
    p->next_unix_gid = sqlite3_column_int64(st, 15);
    p->user_on_demand_period = sqlite3_column_int64(st, 16);
    p->created = sqlite3_column_int64(st, 17);
    p->deleted_at = sqlite3_column_int64(st, 18);
    return p->name && p->ssh_certificate_type ? 0 : R_ENOMEM;
}

/* Binds the settable fields of p to ?2..?15 (shared by insert and update). */
static void sq_project_bind(sqlite3_stmt *st, const struct store_project *p)
{
    sq__bind_text(st, 2, p->name);
    sqlite3_bind_int(st, 3, p->create_server_users);
    sqlite3_bind_int(st, 4, p->force_shared_ssh_users);
    sqlite3_bind_int(st, 5, p->forward_traffic);
    sqlite3_bind_int(st, 6, p->rdp_session_recording);
    sqlite3_bind_int(st, 7, p->require_preauth_for_creds);
    sqlite3_bind_int(st, 8, p->ssh_session_recording);
    sq__bind_text(st, 9, p->gateway_selector);
    sq__bind_text(st, 10, p->shared_admin_user_name);
    sq__bind_text(st, 11, p->shared_standard_user_name);
    sq__bind_text(st, 12, p->ssh_certificate_type);
    sqlite3_bind_int64(st, 13, p->next_unix_uid);
    sqlite3_bind_int64(st, 14, p->next_unix_gid);
    sqlite3_bind_int64(st, 15, p->user_on_demand_period);
}

static int sq_project_insert(struct store_conn *sc, struct store_project *p)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(
        c, "INSERT INTO projects(team_id, name, create_server_users, force_shared_ssh_users, "
           "forward_traffic, rdp_session_recording, require_preauth_for_creds, "
           "ssh_session_recording, gateway_selector, shared_admin_user_name, "
           "shared_standard_user_name, ssh_certificate_type, next_unix_uid, next_unix_gid, "
           "user_on_demand_period, uuid, created, name_fold) "
           "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,"
           "roster_fold(?2))");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, p->team_id);
    sq_project_bind(st, p);
    sq__bind_text(st, 16, p->uuid);
    sqlite3_bind_int64(st, 17, p->created);
    int rc = sq__exec_done(c, st);
    if (!rc)
        p->id = sqlite3_last_insert_rowid(c->db);
    return rc;
}

static int sq_project_get_by_name(struct store_conn *sc, struct arena *a, int64_t team_id,
                                  const char *name, struct store_project *out)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "SELECT " PROJECT_COLS " FROM projects p WHERE "
                                   "p.team_id = ? AND p.name = ? AND p.deleted_at = 0");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, team_id);
    sq__bind_text(st, 2, name);
    return sq__one(c, a, st, sq_project_read, out);
}

static int sq_project_get_by_uuid(struct store_conn *sc, struct arena *a, int64_t team_id,
                                  const char *uuid, struct store_project *out)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st =
        sq__stmt(c, "SELECT " PROJECT_COLS " FROM projects p WHERE p.uuid = ? AND p.team_id = ?");
    if (!st)
        return R_ESTORE;
    sq__bind_text(st, 1, uuid);
    sqlite3_bind_int64(st, 2, team_id);
    return sq__one(c, a, st, sq_project_read, out);
}

static int sq_project_update(struct store_conn *sc, const struct store_project *p)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(
        c, "UPDATE projects SET name = ?2, create_server_users = ?3, force_shared_ssh_users = "
           "?4, forward_traffic = ?5, rdp_session_recording = ?6, require_preauth_for_creds = "
           "?7, ssh_session_recording = ?8, gateway_selector = ?9, shared_admin_user_name = "
           "?10, shared_standard_user_name = ?11, ssh_certificate_type = ?12, next_unix_uid = "
           "?13, next_unix_gid = ?14, user_on_demand_period = ?15, name_fold = roster_fold(?2) "
           "WHERE id = ?1");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, p->id);
    sq_project_bind(st, p);
    return sq__exec_done(c, st);
}

/* Runs sql with ?1 = a1 and ?2 = a2. */
static int sq_exec2(struct sq_conn *c, const char *sql, int64_t a1, int64_t a2)
{
    sqlite3_stmt *st = sq__stmt(c, sql);
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, a1);
    sqlite3_bind_int64(st, 2, a2);
    return sq__exec_done(c, st);
}

static int sq_project_delete(struct store_conn *sc, int64_t project_id, int64_t now)
{
    struct sq_conn *c = SQ(sc);
    int rc = sq_exec2(c, "UPDATE projects SET deleted_at = ?2 WHERE id = ?1", project_id, now);
    if (!rc)
        rc = sq_exec2(c,
                      "UPDATE project_groups SET removed_at = ?2 WHERE project_id = ?1 "
                      "AND removed_at = 0",
                      project_id, now);
    /* A deleted project enrols no more servers. */
    if (!rc)
        rc = sq_exec2(c, "DELETE FROM enrollment_tokens WHERE project_id = ?1 AND ?2 = ?2",
                      project_id, now);
    return rc;
}

static int sq_project_list(struct store_conn *sc, struct arena *a,
                           const struct store_project_filter *f, const struct store_page *pg,
                           struct store_project **out, size_t *n)
{
    struct sq_conn *c = SQ(sc);
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
    int lim = sq_page_sql(&b, pg, "p.name", "p.uuid", 4);
    if (b.oom) {
        rc = R_ENOMEM;
        goto out;
    }
    sqlite3_stmt *st = sq__stmt(c, buf_cstr(&b));
    if (!st) {
        rc = R_ESTORE;
        goto out;
    }
    sqlite3_bind_int64(st, 1, f->team_id);
    if (f->contains && (rc = sq__bind_fold(a, st, 2, 0, f->contains)))
        goto out;
    if (f->self_user_id > 0)
        sqlite3_bind_int64(st, 3, f->self_user_id);
    if (pg->after_name) {
        sq__bind_text(st, 4, pg->after_name);
        sq__bind_text(st, 5, pg->after_uuid);
    }
    sqlite3_bind_int64(st, lim, (sqlite3_int64)pg->limit + 1);
    rc = sq__rows(c, a, st, pg->limit, pg->backward, sizeof(**out), sq_project_read, (void **)out,
                  n);
out:
    buf_free(&b);
    return rc;
}

/* ---- project groups ---- */

#define PG_COLS                                                                                    \
    "x.project_id, x.group_id, x.group_uuid, x.group_name, x.server_access, x.server_admin, "      \
    "x.create_server_group, x.servers_selector, x.created, x.removed_at, x.deleted_at, "           \
    "ga.unix_group_name, ga.windows_group_name, ga.unix_gid"
#define PG_FROM " FROM project_groups x LEFT JOIN group_attributes ga ON ga.group_id = x.group_id"

static int sq_pg_read(struct arena *a, sqlite3_stmt *st, void *row)
{
    struct store_project_group *pg = row;
    memset(pg, 0, sizeof(*pg));
    pg->project_id = sqlite3_column_int64(st, 0);
    pg->group_id = sqlite3_column_int64(st, 1);
    sq__col_copy(pg->group_uuid, sizeof(pg->group_uuid), st, 2);
    pg->group_name = sq__col_text(a, st, 3);
    pg->server_access = sqlite3_column_int(st, 4);
    pg->server_admin = sqlite3_column_int(st, 5);
    pg->create_server_group = sqlite3_column_int(st, 6);
    pg->servers_selector = sq__col_text(a, st, 7);
    pg->created = sqlite3_column_int64(st, 8);
    pg->removed_at = sqlite3_column_int64(st, 9);
    pg->deleted_at = sqlite3_column_int64(st, 10);
    pg->attrs.unix_group_name = sq__col_text(a, st, 11);
    pg->attrs.windows_group_name = sq__col_text(a, st, 12);
    pg->attrs.unix_gid = sqlite3_column_int64(st, 13);
    return pg->group_name ? 0 : R_ENOMEM;
}

static int sq_pg_get(struct store_conn *sc, struct arena *a, int64_t project_id, int64_t group_id,
                     struct store_project_group *out)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "SELECT " PG_COLS PG_FROM " WHERE x.project_id = ? AND "
                                   "x.group_id = ?");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, project_id);
    sqlite3_bind_int64(st, 2, group_id);
    return sq__one(c, a, st, sq_pg_read, out);
}

static int sq_pg_upsert(struct store_conn *sc, const struct store_project_group *pg)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st =
        sq__stmt(c, "INSERT INTO project_groups(project_id, group_id, group_name, group_uuid, "
                    "server_access, server_admin, create_server_group, servers_selector, created) "
                    "VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(project_id, group_id) DO UPDATE SET "
                    "group_name = excluded.group_name, server_access = excluded.server_access, "
                    "server_admin = excluded.server_admin, create_server_group = "
                    "excluded.create_server_group, servers_selector = excluded.servers_selector, "
                    "created = CASE WHEN removed_at <> 0 THEN excluded.created ELSE created END, "
                    "removed_at = 0, deleted_at = 0");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, pg->project_id);
    sqlite3_bind_int64(st, 2, pg->group_id);
    sq__bind_text(st, 3, pg->group_name);
    sq__bind_text(st, 4, pg->group_uuid);
    sqlite3_bind_int(st, 5, pg->server_access);
    sqlite3_bind_int(st, 6, pg->server_admin);
    sqlite3_bind_int(st, 7, pg->create_server_group);
    sq__bind_text(st, 8, pg->servers_selector);
    sqlite3_bind_int64(st, 9, pg->created);
    return sq__exec_done(c, st);
}

static int sq_pg_remove(struct store_conn *sc, int64_t project_id, int64_t group_id, int64_t now)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "UPDATE project_groups SET removed_at = ? WHERE "
                                   "project_id = ? AND group_id = ? AND removed_at = 0");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int64(st, 2, project_id);
    sqlite3_bind_int64(st, 3, group_id);
    return sq__exec_done(c, st);
}

static int sq_pg_list(struct store_conn *sc, struct arena *a,
                      const struct store_project_group_filter *f, const struct store_page *pg,
                      struct store_project_group **out, size_t *n)
{
    struct sq_conn *c = SQ(sc);
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
    int lim = sq_page_sql(&b, pg, "x.group_name", "x.group_uuid", 2);
    if (b.oom) {
        rc = R_ENOMEM;
        goto out;
    }
    sqlite3_stmt *st = sq__stmt(c, buf_cstr(&b));
    if (!st) {
        rc = R_ESTORE;
        goto out;
    }
    sqlite3_bind_int64(st, 1, f->project_id);
    if (pg->after_name) {
        sq__bind_text(st, 2, pg->after_name);
        sq__bind_text(st, 3, pg->after_uuid);
    }
    sqlite3_bind_int64(st, lim, (sqlite3_int64)pg->limit + 1);
    rc = sq__rows(c, a, st, pg->limit, pg->backward, sizeof(**out), sq_pg_read, (void **)out, n);
out:
    buf_free(&b);
    return rc;
}

/* ---- server enrollment tokens ---- */

#define TOKEN_COLS                                                                                 \
    "t.id, t.project_id, t.uuid, t.description, t.created_by, t.server_url, t.issued_at, "         \
    "roster_unseal(t.uuid, t.secret_box)"

static int sq_token_read(struct arena *a, sqlite3_stmt *st, void *row)
{
    struct store_enroll_token *t = row;
    memset(t, 0, sizeof(*t));
    t->id = sqlite3_column_int64(st, 0);
    t->project_id = sqlite3_column_int64(st, 1);
    sq__col_copy(t->uuid, sizeof(t->uuid), st, 2);
    t->description = sq__col_text(a, st, 3);
    t->created_by = sq__col_text(a, st, 4);
    t->server_url = sq__col_text(a, st, 5);
    t->issued_at = sqlite3_column_int64(st, 6);
    t->secret = sq__col_text(a, st, 7);
    return t->server_url && (t->secret || sqlite3_column_type(st, 7) == SQLITE_NULL) ? 0 : R_ENOMEM;
}

static int sq_token_insert(struct store_conn *sc, struct store_enroll_token *t)
{
    struct sq_conn *c = SQ(sc);
    unsigned char box[SQ_SECRET_MAX + STORE_SEAL_OVERHEAD];
    size_t boxn = 0;
    if (t->secret &&
        store_seal(c->seal_key, t->uuid, t->secret, strlen(t->secret), box, sizeof(box), &boxn))
        return R_EINVAL;
    sqlite3_stmt *st = sq__stmt(c, "INSERT INTO enrollment_tokens(project_id, uuid, "
                                   "description, created_by, server_url, issued_at, secret_box) "
                                   "VALUES (?,?,?,?,?,?,?)");
    if (!st)
        return R_ESTORE;
    if (t->secret)
        sqlite3_bind_blob(st, 7, box, (int)boxn, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 1, t->project_id);
    sq__bind_text(st, 2, t->uuid);
    sq__bind_text(st, 3, t->description);
    sq__bind_text(st, 4, t->created_by);
    sq__bind_text(st, 5, t->server_url);
    sqlite3_bind_int64(st, 6, t->issued_at);
    int rc = sq__exec_done(c, st);
    if (!rc)
        t->id = sqlite3_last_insert_rowid(c->db);
    return rc;
}

static int sq_token_get(struct store_conn *sc, struct arena *a, int64_t project_id,
                        const char *uuid, struct store_enroll_token *out)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "SELECT " TOKEN_COLS " FROM enrollment_tokens t WHERE "
                                   "t.uuid = ? AND t.project_id = ?");
    if (!st)
        return R_ESTORE;
    sq__bind_text(st, 1, uuid);
    sqlite3_bind_int64(st, 2, project_id);
    return sq__one(c, a, st, sq_token_read, out);
}

static int sq_token_delete(struct store_conn *sc, int64_t token_id)
{
    return sq_exec2(SQ(sc), "DELETE FROM enrollment_tokens WHERE id = ?1 AND ?2 = ?2", token_id, 0);
}

static int sq_token_list(struct store_conn *sc, struct arena *a, int64_t project_id,
                         const struct store_page *pg, int64_t after_id,
                         struct store_enroll_token **out, size_t *n)
{
    struct sq_conn *c = SQ(sc);
    bool asc = pg->descending == pg->backward;
    /* Row ids grow with creation: the keyset is the row id alone. */
    static const char *const sql[2][2] = {
        {"SELECT " TOKEN_COLS " FROM enrollment_tokens t WHERE t.project_id = ?1 "
         "ORDER BY t.id DESC LIMIT ?3",
         "SELECT " TOKEN_COLS " FROM enrollment_tokens t WHERE t.project_id = ?1 "
         "ORDER BY t.id ASC LIMIT ?3"},
        {"SELECT " TOKEN_COLS " FROM enrollment_tokens t WHERE t.project_id = ?1 AND "
         "t.id < ?2 ORDER BY t.id DESC LIMIT ?3",
         "SELECT " TOKEN_COLS " FROM enrollment_tokens t WHERE t.project_id = ?1 AND "
         "t.id > ?2 ORDER BY t.id ASC LIMIT ?3"},
    };
    sqlite3_stmt *st = sq__stmt(c, sql[pg->after_name != NULL][asc]);
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, project_id);
    if (pg->after_name)
        sqlite3_bind_int64(st, 2, after_id);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)pg->limit + 1);
    return sq__rows(c, a, st, pg->limit, pg->backward, sizeof(**out), sq_token_read, (void **)out,
                    n);
}

/* ---- attributes ---- */

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

static int sq_group_attrs_read(struct arena *a, sqlite3_stmt *st, void *row)
{
    struct store_group_attrs *g = row;
    g->unix_group_name = sq__col_text(a, st, 0);
    g->windows_group_name = sq__col_text(a, st, 1);
    g->unix_gid = sqlite3_column_int64(st, 2);
    return 0;
}

static int sq_group_attrs_get(struct store_conn *sc, struct arena *a, int64_t group_id,
                              struct store_group_attrs *out)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "SELECT unix_group_name, windows_group_name, unix_gid FROM "
                                   "group_attributes WHERE group_id = ?");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, group_id);
    memset(out, 0, sizeof(*out));
    int rc = sq__one(c, a, st, sq_group_attrs_read, out);
    return rc == R_ENOTFOUND ? 0 : rc;
}

static int sq_group_attrs_put(struct store_conn *sc, int64_t group_id,
                              const struct store_group_attrs *in)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(
        c, "INSERT INTO group_attributes(group_id, unix_group_name, windows_group_name, "
           "unix_gid) VALUES (?,?,?,?) ON CONFLICT(group_id) DO UPDATE SET unix_group_name = "
           "excluded.unix_group_name, windows_group_name = excluded.windows_group_name, "
           "unix_gid = excluded.unix_gid");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, group_id);
    sq__bind_text(st, 2, in->unix_group_name);
    sq__bind_text(st, 3, in->windows_group_name);
    sqlite3_bind_int64(st, 4, in->unix_gid);
    return sq__exec_done(c, st);
}

static int sq_user_attrs_read(struct arena *a, sqlite3_stmt *st, void *row)
{
    struct store_user_attrs *u = row;
    u->unix_user_name = sq__col_text(a, st, 0);
    u->windows_user_name = sq__col_text(a, st, 1);
    u->unix_uid = sqlite3_column_int64(st, 2);
    u->unix_gid = sqlite3_column_int64(st, 3);
    return 0;
}

static int sq_user_attrs_get(struct store_conn *sc, struct arena *a, int64_t user_id,
                             struct store_user_attrs *out)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "SELECT unix_user_name, windows_user_name, unix_uid, "
                                   "unix_gid FROM user_attributes WHERE user_id = ?");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, user_id);
    memset(out, 0, sizeof(*out));
    int rc = sq__one(c, a, st, sq_user_attrs_read, out);
    return rc == R_ENOTFOUND ? 0 : rc;
}

static int sq_user_attrs_put(struct store_conn *sc, int64_t user_id,
                             const struct store_user_attrs *in)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(
        c, "INSERT INTO user_attributes(user_id, unix_user_name, windows_user_name, unix_uid, "
           "unix_gid) VALUES (?,?,?,?,?) ON CONFLICT(user_id) DO UPDATE SET unix_user_name = "
           "excluded.unix_user_name, windows_user_name = excluded.windows_user_name, "
           "unix_uid = excluded.unix_uid, unix_gid = excluded.unix_gid");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, user_id);
    sq__bind_text(st, 2, in->unix_user_name);
    sq__bind_text(st, 3, in->windows_user_name);
    sqlite3_bind_int64(st, 4, in->unix_uid);
    sqlite3_bind_int64(st, 5, in->unix_gid);
    return sq__exec_done(c, st);
}

static int sq_unix_id_holders(struct store_conn *sc, int64_t team_id, const char *kind, int64_t id,
                              int *holders)
{
    struct sq_conn *c = SQ(sc);
    /* "<> 0" repeats the partial indexes' condition so that SQLite may use them. */
    const char *sql =
        strcmp(kind, "unix_uid") == 0
            ? "SELECT 1 FROM user_attributes a JOIN users u ON u.id = a.user_id WHERE "
              "a.unix_uid = ?2 AND a.unix_uid <> 0 AND u.team_id = ?1 LIMIT 2"
            : "SELECT 1 FROM group_attributes a JOIN groups g ON g.id = a.group_id WHERE "
              "a.unix_gid = ?2 AND a.unix_gid <> 0 AND g.team_id = ?1 UNION ALL SELECT 1 FROM "
              "user_attributes a JOIN users u ON u.id = a.user_id WHERE a.unix_gid = ?2 AND "
              "a.unix_gid <> 0 AND u.team_id = ?1 LIMIT 2";
    sqlite3_stmt *st = sq__stmt(c, sql);
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, team_id);
    sqlite3_bind_int64(st, 2, id);
    int n = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        n++;
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return sq__err(c, rc);
    *holders = n;
    return 0;
}

/* ---- team settings and stats ---- */

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

const struct store_project_ops store_sqlite_project_ops = {
    .project_insert = sq_project_insert,
    .project_get_by_name = sq_project_get_by_name,
    .project_get_by_uuid = sq_project_get_by_uuid,
    .project_update = sq_project_update,
    .project_delete = sq_project_delete,
    .project_list = sq_project_list,
    .pg_get = sq_pg_get,
    .pg_upsert = sq_pg_upsert,
    .pg_remove = sq_pg_remove,
    .pg_list = sq_pg_list,
    .token_insert = sq_token_insert,
    .token_get = sq_token_get,
    .token_delete = sq_token_delete,
    .token_list = sq_token_list,
    .group_attrs_get = sq_group_attrs_get,
    .group_attrs_put = sq_group_attrs_put,
    .user_attrs_get = sq_user_attrs_get,
    .user_attrs_put = sq_user_attrs_put,
    .unix_id_holders = sq_unix_id_holders,
    .settings_get = sq_settings_get,
    .settings_put = sq_settings_put,
    .team_stats = sq_team_stats,
};
