/* Helpers on the engine-neutral statement API (store/sql/internal.h): binding folded texts
 * and prefix ranges, reading columns and rows, and the connection's shared tables. */
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "store/sql/internal.h"
#include "util/err.h"
#include "util/fold.h"

struct sql_stmt *sql__stmt(struct sql_conn *c, const char *sql)
{
    return c->drv->stmt(c, sql);
}

void sql_bind_str(struct sql_stmt *st, int i, const char *s)
{
    st->conn->drv->bind_text(st, i, s, s ? strlen(s) : 0);
}

int sql__bind_fold(struct arena *a, struct sql_stmt *st, int i, int hi, const char *s)
{
    struct slice f;
    int rc = fold_arena(a, slice_from_cstr(s), &f);
    if (rc)
        return rc;
    sql_bind_text(st, i, f.p, f.n);
    return hi > 0 ? sql__bind_prefix_hi(a, st, hi, f.p, f.n, SQL_RANGE_BYTES) : 0;
}

int sql__bind_folded(struct sql_stmt *st, int i, const char *s)
{
    if (!s) {
        sql_bind_str(st, i, NULL);
        return 0;
    }
    char *f;
    size_t n;
    int rc = fold_alloc(slice_from_cstr(s), &f, &n);
    if (rc == R_EINVAL) {
        sql_bind_str(st, i, s);
        return 0;
    }
    if (rc)
        return rc;
    sql_bind_text(st, i, f, n); /* drivers copy what they bind */
    free(f);
    return 0;
}

int sql__bind_prefix_hi(struct arena *a, struct sql_stmt *st, int i, const char *s, size_t n,
                        enum sql_range r)
{
    size_t sn;
    const char *suffix = st->conn->drv->prefix_hi(r, &sn);
    char *hi = arena_alloc(a, n + sn + 1);
    if (!hi)
        return R_ENOMEM;
    memcpy(hi, s, n);
    memcpy(hi + n, suffix, sn);
    hi[n + sn] = 0;
    sql_bind_text(st, i, hi, n + sn);
    return 0;
}

const char *sql__col_text(struct arena *a, struct sql_stmt *st, int i)
{
    size_t n;
    const char *t = st->conn->drv->col_text(st, i, &n);
    return t ? arena_strndup(a, t, n) : NULL;
}

void sql__col_copy(char *dst, size_t cap, struct sql_stmt *st, int i)
{
    size_t n = 0;
    const char *t = st->conn->drv->col_text(st, i, &n);
    if (!t || n >= cap)
        n = 0;
    if (n)
        memcpy(dst, t, n);
    dst[n] = 0;
}

int sql__one(struct sql_conn *c, struct arena *a, struct sql_stmt *st, sql_row_reader read,
             void *out)
{
    int rc = sql_step(c, st);
    if (rc == SQL_ROW)
        rc = read(a, st, out);
    else if (rc == SQL_DONE)
        rc = R_ENOTFOUND;
    sql_reset(st);
    return rc;
}

int sql__one_by(struct sql_conn *c, struct arena *a, const char *sql, const char *key,
                int64_t owner, sql_row_reader read, void *out)
{
    /* a key that is not UTF-8 names no row (no write lets one in): both engines say so, where
     * PostgreSQL would refuse the value itself */
    if (key && u8_check((const uint8_t *)key, strlen(key)))
        return R_ENOTFOUND;
    struct sql_stmt *st = sql__stmt(c, sql);
    if (!st)
        return R_ESTORE;
    sql_bind_str(st, 1, key);
    sql_bind_int(st, 2, owner);
    return sql__one(c, a, st, read, out);
}

int sql__rows(struct sql_conn *c, struct arena *a, struct sql_stmt *st, unsigned limit,
              bool backward, size_t each, sql_row_reader read, void **out, size_t *n)
{
    size_t max = (size_t)limit + 1, cap = max < 16 ? max : 16, k = 0;
    unsigned char *rows = arena_alloc(a, each * cap);
    int rc = rows ? 0 : R_ENOMEM, s = SQL_DONE;
    while (!rc && k < max && (s = sql_step(c, st)) == SQL_ROW) {
        if (k == cap) {
            /* grow by doubling: a page is usually far shorter than its limit */
            size_t more = cap * 2 < max ? cap * 2 : max;
            unsigned char *bigger = arena_alloc(a, each * more);
            if (!bigger) {
                rc = R_ENOMEM;
                break;
            }
            memcpy(bigger, rows, each * k);
            rows = bigger;
            cap = more;
        }
        if ((rc = read(a, st, rows + k * each)))
            break;
        k++;
    }
    if (!rc && s < 0)
        rc = s;
    sql_reset(st);
    if (rc)
        return rc;
    if (backward) {
        /* fetched nearest-first: the page itself is reversed into display order; the extra
         * row (n > limit means more remain) stays last */
        size_t page = k > limit ? limit : k;
        unsigned char *tmp = arena_alloc(a, each);
        if (!tmp && page > 1)
            return R_ENOMEM;
        for (size_t i = 0; i < page / 2; i++) {
            memcpy(tmp, rows + i * each, each);
            memcpy(rows + i * each, rows + (page - 1 - i) * each, each);
            memcpy(rows + (page - 1 - i) * each, tmp, each);
        }
    }
    *out = rows;
    *n = k;
    return 0;
}

int sql__exec_done(struct sql_conn *c, struct sql_stmt *st)
{
    int rc = sql_step(c, st);
    sql_reset(st);
    return rc < 0 ? rc : 0;
}

int sql__exec_count(struct sql_conn *c, struct sql_stmt *st, int64_t *changed)
{
    int rc = sql_step(c, st);
    *changed = rc < 0 ? 0 : sql_changes(c, st);
    sql_reset(st);
    return rc < 0 ? rc : 0;
}

int sql__insert_id(struct sql_conn *c, struct sql_stmt *st, int64_t *id)
{
    int rc = sql_step(c, st);
    if (rc == SQL_ROW) {
        *id = sql_col_int(st, 0);
        rc = sql_step(c, st); /* runs the statement to its end */
    } else if (rc == SQL_DONE) {
        rc = R_ESTORE; /* RETURNING gave no row */
    }
    sql_reset(st);
    return rc < 0 ? rc : 0;
}

int sql__exec2(struct sql_conn *c, const char *sql, int64_t a1, int64_t a2)
{
    struct sql_stmt *st = sql__stmt(c, sql);
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, a1);
    sql_bind_int(st, 2, a2);
    return sql__exec_done(c, st);
}

int sql__id_known(struct store_conn *sc, enum store_kind kind, int64_t team_id, const char *okta_id,
                  bool *known)
{
    struct sql_conn *c = SQLC(sc);
    const char *sql = kind == STORE_KIND_GROUP  ? "SELECT 1 FROM groups WHERE okta_id = ? AND "
                                                  "team_id = ?"
                      : kind == STORE_KIND_USER ? "SELECT 1 FROM users WHERE okta_id = ? AND "
                                                  "team_id = ?"
                                                : "SELECT 1 FROM okta_apps WHERE okta_id = ? AND "
                                                  "team_id = ?";
    *known = false;
    if (u8_check((const uint8_t *)okta_id, strlen(okta_id)))
        return 0; /* as sql__one_by */
    struct sql_stmt *st = sql__stmt(c, sql);
    if (!st)
        return R_ESTORE;
    sql_bind_str(st, 1, okta_id);
    sql_bind_int(st, 2, team_id);
    int rc = sql_step(c, st);
    *known = rc == SQL_ROW;
    sql_reset(st);
    return rc < 0 ? rc : 0;
}

void sql__init(struct sql_conn *c, const struct store_ops *ops, const struct sql_driver *drv)
{
    c->drv = drv;
    c->base = (struct store_conn){
        .ops = ops,
        .teams = &store_sql_teams,
        .users = &store_sql_users,
        .groups = &store_sql_groups,
        .members = &store_sql_members,
        .credentials = &store_sql_credentials,
        .projects = &store_sql_projects,
        .apps = &store_sql_apps,
        .attributes = &store_sql_attributes,
    };
}
