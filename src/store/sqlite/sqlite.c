/* The SQLite engine of the store: WAL, synchronous=FULL, foreign keys, one connection per
 * thread, statements prepared once per connection and cached by their SQL text. */
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/internal.h"
#include "store/sqlite/schema.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/fold.h"

static const struct store_ops sq_ops;

int sq__err(struct sq_conn *c, int rc)
{
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        return R_EBUSY;
    if (rc == SQLITE_CONSTRAINT)
        return R_EEXIST;
    if (rc == SQLITE_NOMEM)
        return R_ENOMEM;
    fprintf(stderr, "roster: sqlite error %d: %s\n", rc, sqlite3_errmsg(c->db));
    return R_ESTORE;
}

static unsigned long sq_hash(const char *s)
{
    unsigned long h = 1469598103934665603UL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211UL;
    return h;
}

/* Returns the cached prepared statement for sql (reset, bindings cleared), or NULL. */
sqlite3_stmt *sq__stmt(struct sq_conn *c, const char *sql)
{
    unsigned long h = sq_hash(sql);
    for (unsigned i = 0; i < STMT_CACHE; i++) {
        struct stmt_entry *e = &c->cache[(h + i) % STMT_CACHE];
        if (e->sql && strcmp(e->sql, sql) == 0) {
            sqlite3_reset(e->stmt);
            sqlite3_clear_bindings(e->stmt);
            return e->stmt;
        }
        if (!e->sql) {
            sqlite3_stmt *st = NULL;
            if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
                SQLITE_OK) {
                fprintf(stderr, "roster: prepare failed: %s\n  %s\n", sqlite3_errmsg(c->db), sql);
                return NULL;
            }
            e->sql = strdup(sql);
            if (!e->sql) {
                sqlite3_finalize(st);
                return NULL;
            }
            e->stmt = st;
            return st;
        }
    }
    /* Cache full (only with unusually many filter shapes): prepare uncached is not worth
     * the complexity; evict the home slot. */
    struct stmt_entry *e = &c->cache[h % STMT_CACHE];
    sqlite3_finalize(e->stmt);
    free(e->sql);
    e->sql = NULL;
    e->stmt = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
        return NULL;
    e->sql = strdup(sql);
    if (!e->sql) {
        sqlite3_finalize(st);
        return NULL;
    }
    e->stmt = st;
    return st;
}

void sq__bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

int sq__bind_fold(struct arena *a, sqlite3_stmt *st, int i, int hi, const char *s)
{
    struct slice f;
    int rc = fold_arena(a, slice_from_cstr(s), &f);
    if (rc)
        return rc;
    sqlite3_bind_text(st, i, f.p, (int)f.n, SQLITE_TRANSIENT);
    return hi > 0 ? sq__bind_prefix_hi(a, st, hi, f.p, f.n) : 0;
}

int sq__bind_prefix_hi(struct arena *a, sqlite3_stmt *st, int i, const char *s, size_t n)
{
    /* 0xFF never occurs in UTF-8: above every text that starts with s, below every other
     * text above s (bytewise, the BINARY collation) */
    char *hi = arena_alloc(a, n + 2);
    if (!hi)
        return R_ENOMEM;
    memcpy(hi, s, n);
    hi[n] = (char)0xff;
    sqlite3_bind_text(st, i, hi, (int)n + 1, SQLITE_TRANSIENT);
    return 0;
}

const char *sq__col_text(struct arena *a, sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        return NULL;
    const unsigned char *t = sqlite3_column_text(st, i);
    return arena_strndup(a, (const char *)t, (size_t)sqlite3_column_bytes(st, i));
}

void sq__col_copy(char *dst, size_t cap, sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    size_t n = (size_t)sqlite3_column_bytes(st, i);
    if (!t || n >= cap)
        n = 0;
    if (n)
        memcpy(dst, t, n);
    dst[n] = 0;
}

/* Runs a statement expected to produce no rows. */
int sq__one(struct sq_conn *c, struct arena *a, sqlite3_stmt *st, sq_row_reader read, void *out)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        rc = read(a, st, out);
    else
        rc = rc == SQLITE_DONE ? R_ENOTFOUND : sq__err(c, rc);
    sqlite3_reset(st);
    return rc;
}

int sq__one_by(struct sq_conn *c, struct arena *a, const char *sql, const char *key, int64_t owner,
               sq_row_reader read, void *out)
{
    sqlite3_stmt *st = sq__stmt(c, sql);
    if (!st)
        return R_ESTORE;
    sq__bind_text(st, 1, key);
    sqlite3_bind_int64(st, 2, owner);
    return sq__one(c, a, st, read, out);
}

int sq__rows(struct sq_conn *c, struct arena *a, sqlite3_stmt *st, unsigned limit, bool backward,
             size_t each, sq_row_reader read, void **out, size_t *n)
{
    size_t max = (size_t)limit + 1, cap = max < 16 ? max : 16, k = 0;
    unsigned char *rows = arena_alloc(a, each * cap);
    int rc = rows ? 0 : R_ENOMEM, s = SQLITE_DONE;
    while (!rc && k < max && (s = sqlite3_step(st)) == SQLITE_ROW) {
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
    if (!rc && s != SQLITE_ROW && s != SQLITE_DONE)
        rc = sq__err(c, s);
    sqlite3_reset(st);
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

int sq__exec_done(struct sq_conn *c, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return sq__err(c, rc);
    return 0;
}

static int sq_exec_sql(struct sq_conn *c, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        fprintf(stderr, "roster: sqlite: %s\n", msg ? msg : "?");
        sqlite3_free(msg);
        return sq__err(c, rc);
    }
    return 0;
}

static int sq_begin(struct store_conn *sc, bool write)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, write ? "BEGIN IMMEDIATE" : "BEGIN");
    if (!st)
        return R_ESTORE;
    int rc = sq__exec_done(c, st);
    if (!rc)
        c->in_tx = 1;
    return rc;
}

static int sq_commit(struct store_conn *sc)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "COMMIT");
    if (!st)
        return R_ESTORE;
    int rc = sq__exec_done(c, st);
    if (!rc)
        c->in_tx = 0;
    return rc;
}

static void sq_rollback(struct store_conn *sc)
{
    struct sq_conn *c = SQ(sc);
    if (!sqlite3_get_autocommit(c->db)) {
        sqlite3_stmt *st = sq__stmt(c, "ROLLBACK");
        if (st)
            sq__exec_done(c, st);
    }
    c->in_tx = 0;
}

int sq__exec2(struct sq_conn *c, const char *sql, int64_t a1, int64_t a2)
{
    sqlite3_stmt *st = sq__stmt(c, sql);
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, a1);
    sqlite3_bind_int64(st, 2, a2);
    return sq__exec_done(c, st);
}

static void sq_close(struct store_conn *sc)
{
    struct sq_conn *c = SQ(sc);
    if (!c)
        return;
    for (unsigned i = 0; i < STMT_CACHE; i++) {
        if (c->cache[i].stmt)
            sqlite3_finalize(c->cache[i].stmt);
        free(c->cache[i].sql);
    }
    sqlite3_close(c->db);
    sodium_memzero(c->seal_key, sizeof(c->seal_key));
    free(c);
}

int store_sqlite_schema_version(void)
{
    return (int)(sizeof(store_sqlite_migrations) / sizeof(store_sqlite_migrations[0]));
}

static int sq_migrate(struct sq_conn *c)
{
    int rc = sq_exec_sql(c, "BEGIN IMMEDIATE");
    if (rc)
        return rc;
    sqlite3_stmt *st = NULL;
    int version = 0;
    if (sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    int n = store_sqlite_schema_version();
    if (version > n) {
        fprintf(stderr, "roster: store schema version %d is newer than this build (%d)\n", version,
                n);
        sq_exec_sql(c, "ROLLBACK");
        return R_ESTORE;
    }
    for (int i = version; i < n; i++) {
        if ((rc = sq_exec_sql(c, store_sqlite_migrations[i])))
            goto fail;
        char pragma[64];
        snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", i + 1);
        if ((rc = sq_exec_sql(c, pragma)))
            goto fail;
    }
    return sq_exec_sql(c, "COMMIT");
fail:
    sq_exec_sql(c, "ROLLBACK");
    return rc;
}

/* roster_unseal(public id, blob): the secret sealed for that row, NULL for a NULL blob, an
 * error when it does not open (sq_seal_setup checked the key against the store). */
static void sq_fn_unseal(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    struct sq_conn *c = sqlite3_user_data(ctx);
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    unsigned char plain[SQ_SECRET_MAX];
    size_t n;
    const char *ad = (const char *)sqlite3_value_text(argv[0]);
    const unsigned char *blob = sqlite3_value_blob(argv[1]);
    size_t bn = (size_t)sqlite3_value_bytes(argv[1]);
    if (!ad || !blob || store_unseal(c->seal_key, ad, blob, bn, plain, sizeof(plain), &n) != 0) {
        sqlite3_result_error(ctx, "a sealed secret does not open with this store's key", -1);
        return;
    }
    sqlite3_result_text(ctx, (const char *)plain, (int)n, SQLITE_TRANSIENT);
    sodium_memzero(plain, sizeof(plain));
}

/* The key that seals enrollment token secrets: PATH.key beside the database, made by the first
 * open (roster init or serve, whichever comes first). A store that holds sealed secrets never
 * gets a new key: a missing or foreign key stops the open instead of leaving tokens that no
 * longer open. */
static int sq_seal_setup(struct sq_conn *c, const char *path)
{
    if (!*path || strcmp(path, ":memory:") == 0) {
        randombytes_buf(c->seal_key, sizeof(c->seal_key)); /* lives and dies with the database */
        return 0;
    }
    char kpath[4096];
    int n = snprintf(kpath, sizeof(kpath), "%s.key", path);
    if (n < 0 || (size_t)n >= sizeof(kpath))
        return R_EINVAL;
    /* the newest sealed secret, to try the key on */
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(c->db,
                                "SELECT uuid, secret_box FROM enrollment_tokens WHERE secret_box "
                                "IS NOT NULL ORDER BY id DESC LIMIT 1",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return sq__err(c, rc);
    bool sealed = sqlite3_step(st) == SQLITE_ROW, created;
    rc = store_seal_key_load(kpath, !sealed, c->seal_key, &created);
    if (rc == R_ENOTFOUND)
        fprintf(stderr,
                "roster: key file %s is missing and this store's enrollment tokens are sealed "
                "with it: put it back beside the database\n",
                kpath);
    if (!rc && sealed) {
        unsigned char plain[SQ_SECRET_MAX];
        size_t pn;
        const char *ad = (const char *)sqlite3_column_text(st, 0);
        const unsigned char *blob = sqlite3_column_blob(st, 1);
        size_t bn = (size_t)sqlite3_column_bytes(st, 1);
        if (!ad || !blob || store_unseal(c->seal_key, ad, blob, bn, plain, sizeof(plain), &pn)) {
            fprintf(stderr,
                    "roster: key file %s does not open this store's enrollment tokens (the key "
                    "of another store?)\n",
                    kpath);
            rc = R_EINVAL;
        }
        sodium_memzero(plain, sizeof(plain));
    }
    sqlite3_finalize(st);
    if (!rc && sqlite3_create_function(c->db, "roster_unseal", 2, SQLITE_UTF8, c, sq_fn_unseal,
                                       NULL, NULL) != SQLITE_OK)
        rc = R_ESTORE;
    return rc ? R_ESTORE : 0;
}

/* roster_fold(x): util/fold.h as an SQL function, so the statements that write a text also
 * write its folded copy, and migration 4 fills them. NULL stays NULL; a text that cannot be
 * folded (not UTF-8: no write path lets one in) is kept as it is rather than failing a write
 * or the migration. */
static void sq_fold_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    int n = sqlite3_value_bytes(argv[0]);
    if (!s) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    char *f;
    size_t fn;
    int rc = fold_alloc((struct slice){s, (size_t)n}, &f, &fn);
    if (rc == R_EINVAL)
        sqlite3_result_value(ctx, argv[0]);
    else if (rc)
        sqlite3_result_error_nomem(ctx);
    else
        sqlite3_result_text(ctx, f, (int)fn, free);
}

int store_sqlite_open(const char *path, struct store_conn **out)
{
    struct sq_conn *c = calloc(1, sizeof(*c));
    if (!c)
        return R_ENOMEM;
    c->base = (struct store_conn){
        .ops = &sq_ops,
        .teams = &store_sqlite_teams,
        .users = &store_sqlite_users,
        .groups = &store_sqlite_groups,
        .members = &store_sqlite_members,
        .credentials = &store_sqlite_credentials,
        .projects = &store_sqlite_projects,
        .apps = &store_sqlite_apps,
        .attributes = &store_sqlite_attributes,
    };
    int rc = sqlite3_open_v2(
        path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        fprintf(stderr, "roster: cannot open %s: %s\n", path, c->db ? sqlite3_errmsg(c->db) : "?");
        rc = R_ESTORE;
        goto fail;
    }
    sqlite3_busy_timeout(c->db, 10000);
    if (sqlite3_create_function(c->db, "roster_fold", 1,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                sq_fold_fn, NULL, NULL) != SQLITE_OK) {
        rc = R_ESTORE;
        goto fail;
    }
    if ((rc = sq_exec_sql(c, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                             "PRAGMA foreign_keys=ON; PRAGMA secure_delete=OFF")))
        goto fail;
    if ((rc = sq_migrate(c)) || (rc = sq_seal_setup(c, path)))
        goto fail;
    *out = &c->base;
    return 0;
fail:
    sq_close(&c->base);
    return rc;
}

/* True when an EXPLAIN QUERY PLAN detail line means work that grows with the table rather
 * than with the page: a full scan, or sorting a whole result for ORDER BY. */
static bool plan_line_unbounded(const char *d)
{
    if (strncmp(d, "SCAN ", 5) == 0 && !strstr(d, " USING "))
        return true;
    return strstr(d, "USE TEMP B-TREE FOR ORDER BY") != NULL ||
           strstr(d, "USE TEMP B-TREE FOR RIGHT PART OF ORDER BY") != NULL;
}

/* The EXPLAIN QUERY PLAN statement of sql (finalized by the caller), or NULL. */
static sqlite3_stmt *plan_prepare(struct sq_conn *c, const char *sql)
{
    char *q = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
    sqlite3_stmt *st = NULL;
    if (q && sqlite3_prepare_v2(c->db, q, -1, &st, NULL) != SQLITE_OK)
        st = NULL;
    sqlite3_free(q);
    return st;
}

/* How many plan lines of sql read through index; with report, appends the lines to it at
 * *used. -1 on error. */
static int plan_lines_naming(struct sq_conn *c, const char *sql, const char *index, char *report,
                             size_t cap, size_t *used)
{
    sqlite3_stmt *st = plan_prepare(c, sql);
    if (!st)
        return -1;
    int naming = 0;
    size_t n = strlen(index);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *d = (const char *)sqlite3_column_text(st, 3);
        if (!d)
            continue;
        /* "… USING INDEX name (…)" or "… USING COVERING INDEX name (…)" */
        const char *at = strstr(d, " INDEX ");
        if (at && strncmp(at + 7, index, n) == 0 && (at[7 + n] == ' ' || at[7 + n] == 0))
            naming++;
        if (report && *used < cap) {
            int k = snprintf(report + *used, cap - *used, "  plan: %s\n", d);
            *used += k > 0 ? (size_t)k : 0;
        }
    }
    sqlite3_finalize(st);
    return naming;
}

int store_sqlite_plan_uses(struct store_conn *sc, const char *fragment, const char *index,
                           char *report, size_t cap)
{
    struct sq_conn *c = SQ(sc);
    int seen = 0, missing = 0;
    size_t used = 0;
    if (cap)
        report[0] = 0;
    for (unsigned i = 0; i < STMT_CACHE; i++) {
        const char *sql = c->cache[i].sql;
        if (!sql || strncmp(sql, "SELECT", 6) != 0 || !strstr(sql, fragment))
            continue;
        seen++;
        int naming = plan_lines_naming(c, sql, index, NULL, 0, NULL);
        if (naming < 0)
            return -1;
        if (naming > 0)
            continue;
        missing++;
        if (used < cap) {
            int k = snprintf(report + used, cap - used, "%s\n", sql);
            used += k > 0 ? (size_t)k : 0;
        }
        plan_lines_naming(c, sql, index, report, cap, &used);
    }
    return seen ? missing : -1;
}

int store_sqlite_plan_check(struct store_conn *sc, const char *const *allowed, size_t nallowed,
                            char *report, size_t cap)
{
    struct sq_conn *c = SQ(sc);
    int flagged = 0;
    size_t used = 0;
    if (cap)
        report[0] = 0;
    for (unsigned i = 0; i < STMT_CACHE; i++) {
        const char *sql = c->cache[i].sql;
        if (!sql || strncmp(sql, "SELECT", 6) != 0)
            continue;
        bool ok_listed = false;
        for (size_t k = 0; k < nallowed; k++)
            if (strstr(sql, allowed[k]))
                ok_listed = true;
        sqlite3_stmt *st = plan_prepare(c, sql);
        if (!st)
            return -1;
        bool dump = getenv("ROSTER_PLAN_DUMP") != NULL;
        if (dump)
            fprintf(stderr, "%s\n", sql);
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *d = (const char *)sqlite3_column_text(st, 3);
            if (dump && d)
                fprintf(stderr, "    %s\n", d);
            if (!d || !plan_line_unbounded(d) || ok_listed)
                continue;
            flagged++;
            if (used < cap) {
                int n = snprintf(report + used, cap - used, "%s\n  plan: %s\n", sql, d);
                used += n > 0 ? (size_t)n : 0;
            }
        }
        sqlite3_finalize(st);
    }
    return flagged;
}

static int sq_id_known(struct store_conn *sc, enum store_kind kind, int64_t team_id,
                       const char *okta_id, bool *known)
{
    struct sq_conn *c = SQ(sc);
    const char *sql = kind == STORE_KIND_GROUP  ? "SELECT 1 FROM groups WHERE okta_id = ? AND "
                                                  "team_id = ?"
                      : kind == STORE_KIND_USER ? "SELECT 1 FROM users WHERE okta_id = ? AND "
                                                  "team_id = ?"
                                                : "SELECT 1 FROM okta_apps WHERE okta_id = ? AND "
                                                  "team_id = ?";
    sqlite3_stmt *st = sq__stmt(c, sql);
    if (!st)
        return R_ESTORE;
    sq__bind_text(st, 1, okta_id);
    sqlite3_bind_int64(st, 2, team_id);
    int rc = sqlite3_step(st);
    *known = rc == SQLITE_ROW;
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sq__err(c, rc);
}

static const struct store_ops sq_ops = {
    .name = "sqlite",
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .id_known = sq_id_known,
};
