/* The store's users (store/users.h): rows, lifecycle, profile, password, lists. */
#include <string.h>

#include "store/sql/internal.h"
#include "util/buf.h"
#include "util/err.h"

int sql__user_read(struct arena *a, struct sql_stmt *st, void *row)
{
    struct store_user *u = row;
    memset(u, 0, sizeof(*u));
    u->id = sql_col_int(st, 0);
    u->team_id = sql_col_int(st, 1);
    sql__col_copy(u->uuid, sizeof(u->uuid), st, 2);
    sql__col_copy(u->okta_id, sizeof(u->okta_id), st, 3);
    u->name = sql__col_text(a, st, 4);
    u->login = sql__col_text(a, st, 5);
    u->user_type = (int)sql_col_int(st, 6);
    u->status = (int)sql_col_int(st, 7);
    u->email = sql__col_text(a, st, 8);
    u->first_name = sql__col_text(a, st, 9);
    u->last_name = sql__col_text(a, st, 10);
    u->display_name = sql__col_text(a, st, 11);
    u->profile_json = sql__col_text(a, st, 12);
    u->created = sql_col_int(st, 13);
    u->last_updated = sql_col_int(st, 14);
    u->status_changed = sql_col_int(st, 15);
    u->deleted_at = sql_col_int(st, 16);
    return u->name ? 0 : R_ENOMEM;
}

static int sql_user_insert(struct store_conn *sc, struct store_user *u)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(
        c, "INSERT INTO users(team_id, uuid, okta_id, name, login, login_lc, user_type, status, "
           "email, first_name, last_name, display_name, profile_json, created, last_updated, "
           "status_changed, name_fold, login_fold, email_fold, first_name_fold, "
           "last_name_fold, display_name_fold) VALUES (?1,?2,?3,?4,?5,lower(?5),?6,?7,?8,?9,"
           "?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21) RETURNING id");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, u->team_id);
    sql_bind_str(st, 2, u->uuid);
    sql_bind_str(st, 3, u->okta_id);
    sql_bind_str(st, 4, u->name);
    sql_bind_str(st, 5, u->login);
    sql_bind_int(st, 6, u->user_type);
    sql_bind_int(st, 7, u->status);
    sql_bind_str(st, 8, u->email);
    sql_bind_str(st, 9, u->first_name);
    sql_bind_str(st, 10, u->last_name);
    sql_bind_str(st, 11, u->display_name);
    sql_bind_str(st, 12, u->profile_json);
    sql_bind_int(st, 13, u->created);
    sql_bind_int(st, 14, u->last_updated);
    sql_bind_int(st, 15, u->status_changed);
    /* the folded copies (util/fold.h) of name, login, email, first, last and display name */
    const char *folded[] = {u->name,       u->login,     u->email,
                            u->first_name, u->last_name, u->display_name};
    int rc = 0;
    for (int i = 0; i < 6 && !rc; i++)
        rc = sql__bind_folded(st, 16 + i, folded[i]);
    return rc ? rc : sql__insert_id(c, st, &u->id);
}

static int sql_user_get_by_name(struct store_conn *sc, struct arena *a, int64_t team_id,
                                const char *name, struct store_user *out)
{
    struct sql_conn *c = SQLC(sc);
    return sql__one_by(c, a,
                       "SELECT " USER_COLS " FROM users u WHERE u.team_id = ?2 AND u.name = ?1",
                       name, team_id, sql__user_read, out);
}

static int sql_user_get_by_uuid(struct store_conn *sc, struct arena *a, int64_t team_id,
                                const char *uuid, struct store_user *out)
{
    struct sql_conn *c = SQLC(sc);
    return sql__one_by(c, a, "SELECT " USER_COLS " FROM users u WHERE u.uuid = ? AND u.team_id = ?",
                       uuid, team_id, sql__user_read, out);
}

static int sql_user_update_status(struct store_conn *sc, int64_t user_id, int status,
                                  int64_t deleted_at, int64_t now)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(c, "UPDATE users SET status = ?, deleted_at = ?, "
                                       "status_changed = ?3, last_updated = ?3 WHERE id = ?4");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, status);
    sql_bind_int(st, 2, deleted_at);
    sql_bind_int(st, 3, now);
    sql_bind_int(st, 4, user_id);
    return sql__exec_done(c, st);
}

/* The users' lifecycle filter: live ones (of the statuses in the set), deleted ones. */
static int sql_status_sql(struct buf *b, unsigned statuses, int deleted)
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

static int sql_user_list(struct store_conn *sc, struct arena *a, const struct store_user_filter *f,
                         const struct store_page *pg, struct store_user **out, size_t *n)
{
    struct sql_conn *c = SQLC(sc);
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
    sql_status_sql(&b, f->statuses, f->deleted);
    if (pg->after_name)
        buf_appendf(&b, " AND %s %s ?6", key, (pg->descending == pg->backward) ? ">" : "<");
    bool asc = pg->descending == pg->backward;
    buf_appendf(&b, " ORDER BY %s %s LIMIT ?7", key, asc ? "ASC" : "DESC");
    if (b.oom) {
        rc = R_ENOMEM;
        goto out;
    }
    struct sql_stmt *st = sql__stmt(c, buf_cstr(&b));
    if (!st) {
        rc = R_ESTORE;
        goto out;
    }
    if (f->in_group_id > 0)
        sql_bind_int(st, 1, f->in_group_id);
    sql_bind_int(st, 2, f->team_id);
    if (f->not_in_group_id > 0)
        sql_bind_int(st, 3, f->not_in_group_id);
    if ((f->contains && (rc = sql__bind_fold(a, st, 4, 0, f->contains))) ||
        (f->starts_with && (rc = sql__bind_fold(a, st, 5, 8, f->starts_with))))
        goto out;
    if (pg->after_name)
        sql_bind_str(st, 6, pg->after_name);
    sql_bind_int(st, 7, (int64_t)pg->limit + 1);
    rc = sql__rows(c, a, st, pg->limit, pg->backward, sizeof(**out), sql__user_read, (void **)out,
                   n);
out:
    buf_free(&b);
    return rc;
}

int sql__user_detail_read(struct arena *a, struct sql_stmt *st, void *row)
{
    struct store_user_detail *out = row;
    int rc = sql__user_read(a, st, &out->u);
    out->activated = sql_col_int(st, 17);
    out->password_changed = sql_col_int(st, 18);
    out->has_password = (int)sql_col_int(st, 19) != 0;
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

static int sql_user_get(struct store_conn *sc, struct arena *a, int64_t team_id,
                        const char *id_or_login, struct store_user_detail *out)
{
    struct sql_conn *c = SQLC(sc);
    return sql__one_by(c, a,
                       looks_like_okta_id(id_or_login)
                           ? "SELECT " USER_DETAIL_COLS " FROM users u WHERE u.okta_id = ?1 AND "
                             "u.team_id = ?2 AND u.user_type = 0 AND u.deleted_at = 0"
                           : "SELECT " USER_DETAIL_COLS " FROM users u WHERE u.team_id = ?2 AND "
                             "u.login_lc = lower(?1) AND u.deleted_at = 0 AND u.user_type = 0",
                       id_or_login, team_id, sql__user_detail_read, out);
}

static int sql_user_login_taken(struct store_conn *sc, int64_t team_id, const char *login,
                                int64_t except_user_id, bool *taken)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(c, "SELECT 1 FROM users WHERE team_id = ? AND login_lc = "
                                       "lower(?) AND deleted_at = 0 AND id <> ?");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, team_id);
    sql_bind_str(st, 2, login);
    sql_bind_int(st, 3, except_user_id);
    int rc = sql_step(c, st);
    *taken = rc == SQL_ROW;
    sql_reset(st);
    return rc < 0 ? rc : 0;
}

static int sql_user_update_profile(struct store_conn *sc, const struct store_user *u, int64_t now)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(c, "UPDATE users SET login = ?1, login_lc = lower(?1), "
                                       "email = ?2, first_name = ?3, last_name = ?4, "
                                       "display_name = ?5, profile_json = ?6, last_updated = ?7, "
                                       "login_fold = ?9, email_fold = ?10, first_name_fold = ?11, "
                                       "last_name_fold = ?12, display_name_fold = ?13 "
                                       "WHERE id = ?8");
    if (!st)
        return R_ESTORE;
    sql_bind_str(st, 1, u->login);
    sql_bind_str(st, 2, u->email);
    sql_bind_str(st, 3, u->first_name);
    sql_bind_str(st, 4, u->last_name);
    sql_bind_str(st, 5, u->display_name);
    sql_bind_str(st, 6, u->profile_json);
    sql_bind_int(st, 7, now);
    sql_bind_int(st, 8, u->id);
    const char *folded[] = {u->login, u->email, u->first_name, u->last_name, u->display_name};
    int rc = 0;
    for (int i = 0; i < 5 && !rc; i++)
        rc = sql__bind_folded(st, 9 + i, folded[i]);
    return rc ? rc : sql__exec_done(c, st);
}

static int sql_user_set_password(struct store_conn *sc, int64_t user_id, const char *hash,
                                 int64_t now)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(c, "UPDATE users SET password_hash = ?, password_changed = ? "
                                       "WHERE id = ?");
    if (!st)
        return R_ESTORE;
    sql_bind_str(st, 1, hash);
    sql_bind_int(st, 2, hash ? now : 0);
    sql_bind_int(st, 3, user_id);
    return sql__exec_done(c, st);
}

static int sql_user_get_password(struct store_conn *sc, struct arena *a, int64_t user_id,
                                 const char **hash)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(c, "SELECT password_hash FROM users WHERE id = ?");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, user_id);
    int rc = sql_step(c, st);
    *hash = NULL;
    if (rc == SQL_ROW) {
        *hash = sql__col_text(a, st, 0);
        rc = 0;
    } else {
        rc = rc == SQL_DONE ? R_ENOTFOUND : rc;
    }
    sql_reset(st);
    return rc;
}

static int sql_user_set_status(struct store_conn *sc, int64_t user_id, int status, bool activated,
                               int64_t now)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(c, "UPDATE users SET status = ?1, status_changed = ?2, "
                                       "last_updated = ?2, activated = CASE WHEN ?3 THEN ?2 ELSE "
                                       "activated END WHERE id = ?4");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, status);
    sql_bind_int(st, 2, now);
    sql_bind_int(st, 3, activated ? 1 : 0);
    sql_bind_int(st, 4, user_id);
    return sql__exec_done(c, st);
}

const struct store_user_ops store_sql_users = {
    .insert = sql_user_insert,
    .get_by_name = sql_user_get_by_name,
    .get_by_uuid = sql_user_get_by_uuid,
    .update_status = sql_user_update_status,
    .list = sql_user_list,
    .get = sql_user_get,
    .login_taken = sql_user_login_taken,
    .update_profile = sql_user_update_profile,
    .set_password = sql_user_set_password,
    .get_password = sql_user_get_password,
    .set_lifecycle = sql_user_set_status,
    .query = sql__user_query,
};
