/* The SQLite engine's users (store/users.h): rows, lifecycle, profile, password, lists. */
#include <sqlite3.h>
#include <string.h>

#include "store/sqlite/internal.h"
#include "util/buf.h"
#include "util/err.h"

int sq__user_read(struct arena *a, sqlite3_stmt *st, void *row)
{
    struct store_user *u = row;
    memset(u, 0, sizeof(*u));
    u->id = sqlite3_column_int64(st, 0);
    u->team_id = sqlite3_column_int64(st, 1);
    sq__col_copy(u->uuid, sizeof(u->uuid), st, 2);
    sq__col_copy(u->okta_id, sizeof(u->okta_id), st, 3);
    u->name = sq__col_text(a, st, 4);
    u->login = sq__col_text(a, st, 5);
    u->user_type = sqlite3_column_int(st, 6);
    u->status = sqlite3_column_int(st, 7);
    u->email = sq__col_text(a, st, 8);
    u->first_name = sq__col_text(a, st, 9);
    u->last_name = sq__col_text(a, st, 10);
    u->display_name = sq__col_text(a, st, 11);
    u->profile_json = sq__col_text(a, st, 12);
    u->created = sqlite3_column_int64(st, 13);
    u->last_updated = sqlite3_column_int64(st, 14);
    u->status_changed = sqlite3_column_int64(st, 15);
    u->deleted_at = sqlite3_column_int64(st, 16);
    return u->name ? 0 : R_ENOMEM;
}

static int sq_user_insert(struct store_conn *sc, struct store_user *u)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(
        c, "INSERT INTO users(team_id, uuid, okta_id, name, login, login_lc, user_type, status, "
           "email, first_name, last_name, display_name, profile_json, created, last_updated, "
           "status_changed, name_fold, login_fold, email_fold, first_name_fold, "
           "last_name_fold, display_name_fold) VALUES (?1,?2,?3,?4,?5,lower(?5),?6,?7,?8,?9,"
           "?10,?11,?12,?13,?14,?15,roster_fold(?4),roster_fold(?5),roster_fold(?8),"
           "roster_fold(?9),roster_fold(?10),roster_fold(?11))");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, u->team_id);
    sq__bind_text(st, 2, u->uuid);
    sq__bind_text(st, 3, u->okta_id);
    sq__bind_text(st, 4, u->name);
    sq__bind_text(st, 5, u->login);
    sqlite3_bind_int(st, 6, u->user_type);
    sqlite3_bind_int(st, 7, u->status);
    sq__bind_text(st, 8, u->email);
    sq__bind_text(st, 9, u->first_name);
    sq__bind_text(st, 10, u->last_name);
    sq__bind_text(st, 11, u->display_name);
    sq__bind_text(st, 12, u->profile_json);
    sqlite3_bind_int64(st, 13, u->created);
    sqlite3_bind_int64(st, 14, u->last_updated);
    sqlite3_bind_int64(st, 15, u->status_changed);
    int rc = sq__exec_done(c, st);
    if (!rc)
        u->id = sqlite3_last_insert_rowid(c->db);
    return rc;
}

static int sq_user_get_by_name(struct store_conn *sc, struct arena *a, int64_t team_id,
                               const char *name, struct store_user *out)
{
    struct sq_conn *c = SQ(sc);
    return sq__one_by(c, a,
                      "SELECT " USER_COLS " FROM users u WHERE u.team_id = ?2 AND u.name = ?1",
                      name, team_id, sq__user_read, out);
}

static int sq_user_get_by_uuid(struct store_conn *sc, struct arena *a, int64_t team_id,
                               const char *uuid, struct store_user *out)
{
    struct sq_conn *c = SQ(sc);
    return sq__one_by(c, a, "SELECT " USER_COLS " FROM users u WHERE u.uuid = ? AND u.team_id = ?",
                      uuid, team_id, sq__user_read, out);
}

static int sq_user_update_status(struct store_conn *sc, int64_t user_id, int status,
                                 int64_t deleted_at, int64_t now)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "UPDATE users SET status = ?, deleted_at = ?, "
                                   "status_changed = ?3, last_updated = ?3 WHERE id = ?4");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int(st, 1, status);
    sqlite3_bind_int64(st, 2, deleted_at);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_int64(st, 4, user_id);
    return sq__exec_done(c, st);
}

/* The users' lifecycle filter: live ones (of the statuses in the set), deleted ones. */
static int sq_status_sql(struct buf *b, unsigned statuses, int deleted)
{
    if (deleted == 2)
        return buf_append_str(b, " AND u.deleted_at <> 0");
    if (!statuses)
        return deleted ? 0 : buf_append_str(b, " AND u.deleted_at = 0");
    buf_append_str(b, deleted ? " AND (u.deleted_at <> 0 OR u.status IN ("
                              : " AND u.deleted_at = 0 AND u.status IN (");
    const char *sep = "";
    for (int s = 0; s < STORE_USER_STATUSES; s++) {
        if (statuses & (1u << s)) {
            buf_appendf(b, "%s%d", sep, s);
            sep = ",";
        }
    }
    return buf_append_str(b, deleted ? "))" : ")");
}

static int sq_user_list(struct store_conn *sc, struct arena *a, const struct store_user_filter *f,
                        const struct store_page *pg, struct store_user **out, size_t *n)
{
    struct sq_conn *c = SQ(sc);
    struct buf b;
    buf_init(&b, 4096);
    int rc = 0;
    const char *key = "u.name"; /* user names are unique per team: the whole sort key */
    if (f->in_group_id > 0) {
        /* Members in name order straight from the membership key. */
        buf_append_str(&b, "SELECT " USER_COLS " FROM memberships m JOIN users u ON "
                           "u.id = m.user_id WHERE m.group_id = ?1");
        key = "m.user_name";
    } else {
        buf_append_str(&b, "SELECT " USER_COLS " FROM users u WHERE u.team_id = ?2");
    }
    if (f->in_group_id > 0)
        buf_append_str(&b, " AND u.team_id = ?2");
    if (f->not_in_group_id > 0)
        buf_append_str(&b, " AND NOT EXISTS (SELECT 1 FROM memberships x WHERE "
                           "x.group_id = ?3 AND x.user_name = u.name)");
    if (f->contains)
        buf_append_str(&b, " AND instr(u.name_fold, ?4) > 0");
    if (f->starts_with)
        buf_append_str(&b, " AND u.name_fold >= ?5 AND u.name_fold < ?8");
    if (f->type_mask == (1u << STORE_USER_HUMAN))
        buf_append_str(&b, " AND u.user_type = 0");
    else if (f->type_mask == (1u << STORE_USER_SERVICE))
        buf_append_str(&b, " AND u.user_type = 1");
    sq_status_sql(&b, f->statuses, f->deleted);
    if (pg->after_name)
        buf_appendf(&b, " AND %s %s ?6", key, (pg->descending == pg->backward) ? ">" : "<");
    bool asc = pg->descending == pg->backward;
    buf_appendf(&b, " ORDER BY %s %s LIMIT ?7", key, asc ? "ASC" : "DESC");
    if (b.oom) {
        rc = R_ENOMEM;
        goto out;
    }
    sqlite3_stmt *st = sq__stmt(c, buf_cstr(&b));
    if (!st) {
        rc = R_ESTORE;
        goto out;
    }
    if (f->in_group_id > 0)
        sqlite3_bind_int64(st, 1, f->in_group_id);
    sqlite3_bind_int64(st, 2, f->team_id);
    if (f->not_in_group_id > 0)
        sqlite3_bind_int64(st, 3, f->not_in_group_id);
    if ((f->contains && (rc = sq__bind_fold(a, st, 4, 0, f->contains))) ||
        (f->starts_with && (rc = sq__bind_fold(a, st, 5, 8, f->starts_with))))
        goto out;
    if (pg->after_name)
        sq__bind_text(st, 6, pg->after_name);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)pg->limit + 1);
    rc = sq__rows(c, a, st, pg->limit, pg->backward, sizeof(**out), sq__user_read, (void **)out, n);
out:
    buf_free(&b);
    return rc;
}

int sq__user_detail_read(struct arena *a, sqlite3_stmt *st, void *row)
{
    struct store_user_detail *out = row;
    int rc = sq__user_read(a, st, &out->u);
    out->activated = sqlite3_column_int64(st, 17);
    out->password_changed = sqlite3_column_int64(st, 18);
    out->has_password = sqlite3_column_int(st, 19) != 0;
    return rc;
}

static bool looks_like_okta_id(const char *s)
{
    if (strlen(s) != 20)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
            return false;
    return true;
}

static int sq_user_get(struct store_conn *sc, struct arena *a, int64_t team_id,
                       const char *id_or_login, struct store_user_detail *out)
{
    struct sq_conn *c = SQ(sc);
    return sq__one_by(c, a,
                      looks_like_okta_id(id_or_login)
                          ? "SELECT " USER_DETAIL_COLS " FROM users u WHERE u.okta_id = ?1 AND "
                            "u.team_id = ?2 AND u.user_type = 0 AND u.deleted_at = 0"
                          : "SELECT " USER_DETAIL_COLS " FROM users u WHERE u.team_id = ?2 AND "
                            "u.login_lc = lower(?1) AND u.deleted_at = 0 AND u.user_type = 0",
                      id_or_login, team_id, sq__user_detail_read, out);
}

static int sq_user_login_taken(struct store_conn *sc, int64_t team_id, const char *login,
                               int64_t except_user_id, bool *taken)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "SELECT 1 FROM users WHERE team_id = ? AND login_lc = "
                                   "lower(?) AND deleted_at = 0 AND id <> ?");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, team_id);
    sq__bind_text(st, 2, login);
    sqlite3_bind_int64(st, 3, except_user_id);
    int rc = sqlite3_step(st);
    *taken = rc == SQLITE_ROW;
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sq__err(c, rc);
}

static int sq_user_update_profile(struct store_conn *sc, const struct store_user *u, int64_t now)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "UPDATE users SET login = ?1, login_lc = lower(?1), "
                                   "email = ?2, first_name = ?3, last_name = ?4, "
                                   "display_name = ?5, profile_json = ?6, last_updated = ?7, "
                                   "login_fold = roster_fold(?1), email_fold = roster_fold(?2), "
                                   "first_name_fold = roster_fold(?3), last_name_fold = "
                                   "roster_fold(?4), display_name_fold = roster_fold(?5) "
                                   "WHERE id = ?8");
    if (!st)
        return R_ESTORE;
    sq__bind_text(st, 1, u->login);
    sq__bind_text(st, 2, u->email);
    sq__bind_text(st, 3, u->first_name);
    sq__bind_text(st, 4, u->last_name);
    sq__bind_text(st, 5, u->display_name);
    sq__bind_text(st, 6, u->profile_json);
    sqlite3_bind_int64(st, 7, now);
    sqlite3_bind_int64(st, 8, u->id);
    return sq__exec_done(c, st);
}

static int sq_user_set_password(struct store_conn *sc, int64_t user_id, const char *hash,
                                int64_t now)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "UPDATE users SET password_hash = ?, password_changed = ? "
                                   "WHERE id = ?");
    if (!st)
        return R_ESTORE;
    sq__bind_text(st, 1, hash);
    sqlite3_bind_int64(st, 2, hash ? now : 0);
    sqlite3_bind_int64(st, 3, user_id);
    return sq__exec_done(c, st);
}

static int sq_user_get_password(struct store_conn *sc, struct arena *a, int64_t user_id,
                                const char **hash)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "SELECT password_hash FROM users WHERE id = ?");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, user_id);
    int rc = sqlite3_step(st);
    *hash = NULL;
    if (rc == SQLITE_ROW) {
        *hash = sq__col_text(a, st, 0);
        rc = 0;
    } else {
        rc = rc == SQLITE_DONE ? R_ENOTFOUND : sq__err(c, rc);
    }
    sqlite3_reset(st);
    return rc;
}

static int sq_user_set_status(struct store_conn *sc, int64_t user_id, int status, bool activated,
                              int64_t now)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "UPDATE users SET status = ?1, status_changed = ?2, "
                                   "last_updated = ?2, activated = CASE WHEN ?3 THEN ?2 ELSE "
                                   "activated END WHERE id = ?4");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int(st, 1, status);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_int(st, 3, activated ? 1 : 0);
    sqlite3_bind_int64(st, 4, user_id);
    return sq__exec_done(c, st);
}

const struct store_user_ops store_sqlite_users = {
    .insert = sq_user_insert,
    .get_by_name = sq_user_get_by_name,
    .get_by_uuid = sq_user_get_by_uuid,
    .update_status = sq_user_update_status,
    .list = sq_user_list,
    .get = sq_user_get,
    .login_taken = sq_user_login_taken,
    .update_profile = sq_user_update_profile,
    .set_password = sq_user_set_password,
    .get_password = sq_user_get_password,
    .set_lifecycle = sq_user_set_status,
    .query = sq__user_query,
};
