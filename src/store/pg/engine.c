/* The PostgreSQL engine of the store: a driver of the shared statement API (store/sql) on
 * the libpq layer (conn.c), so the entity SQL is the same text SQLite runs. What it adds:
 * the few SQLite spellings rewritten at prepare time (index hints dropped, CROSS JOIN … ON as
 * JOIN), text-format values (bytea as hex), the dialect hooks (prefix bounds, JSON members,
 * pg_trgm `co`), writes under one transaction-scoped advisory lock, the sealing key kept in
 * the database, and a node that refuses requests once the schema is newer than itself. */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/pg/pg.h"
#include "store/sql/internal.h"
#include "util/buf.h"
#include "util/err.h"

/* Every write transaction takes it: one writer at a time across every node, as SQLite's
 * BEGIN IMMEDIATE on one machine; the key is "rstwrite" in ASCII. Reads never wait for it. */
#define WRITE_LOCK_SQL "SELECT pg_advisory_xact_lock(8247343441045664869)"
/* How often (ms) a connection rereads the schema version outside write transactions. */
#define SCHEMA_RECHECK_MS 1000
#define PG_MAX_PARAMS 512
#define AUTOCOMMIT_TRIES 3

struct pgd_stmt {
    struct sql_stmt base;
    char *key;  /* the shared SQL text (the cache key) */
    char *text; /* rewritten for PostgreSQL (still ?N placeholders: conn.c translates) */
    int nparams;
    char **params; /* text values, NULL for SQL NULL */
    PGresult *res;
    int row; /* current row; -1 before the first step */
    unsigned char *blob;
    size_t blob_cap;
};

struct pgd_conn {
    struct sql_conn base;
    struct store_pg *pg;
    struct pgd_stmt **stmts; /* open addressing on the key's hash */
    size_t nstmts, cap;
    bool stale; /* the database's schema is newer than this binary */
    int64_t next_check;
};

#define PGD(c) ((struct pgd_conn *)(c))
#define PST(s) ((struct pgd_stmt *)(s))

static const struct store_ops pgd_ops;
static const struct sql_driver pgd_driver;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t hash_text(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* Appends s to b with SQLite's index hints ("INDEXED BY name") dropped and "CROSS JOIN" (which
 * SQLite reads as "keep this join order" and PostgreSQL forbids with ON) written "JOIN";
 * quoted text is copied as it is. */
static void rewrite(struct buf *b, const char *s)
{
    while (*s) {
        if (*s == '\'' || *s == '"') {
            char q = *s;
            const char *e = s + 1;
            while (*e && !(*e == q && e[1] != q))
                e += *e == q ? 2 : 1;
            if (*e)
                e++;
            buf_append(b, s, (size_t)(e - s));
            s = e;
        } else if (strncmp(s, " INDEXED BY ", 12) == 0) {
            s += 12;
            while (*s && *s != ' ' && *s != ')')
                s++;
        } else if (strncmp(s, " CROSS JOIN ", 12) == 0) {
            buf_append_str(b, " JOIN ");
            s += 12;
        } else {
            buf_append(b, s, 1);
            s++;
        }
    }
}

static void stmt_clear_params(struct pgd_stmt *st)
{
    for (int i = 0; i < st->nparams; i++) {
        free(st->params[i]);
        st->params[i] = NULL;
    }
}

static void stmt_free(struct pgd_stmt *st)
{
    if (!st)
        return;
    PQclear(st->res);
    stmt_clear_params(st);
    free(st->params);
    free(st->key);
    free(st->text);
    free(st->blob);
    free(st);
}

static struct pgd_stmt *stmt_new(struct pgd_conn *c, const char *sql)
{
    struct pgd_stmt *st = calloc(1, sizeof(*st));
    if (!st)
        return NULL;
    st->base.conn = &c->base;
    st->row = -1;
    struct buf b;
    buf_init(&b, 0);
    rewrite(&b, sql);
    buf_cstr(&b);
    char *translated = NULL;
    if (b.oom || !(st->key = strdup(sql)) || pg__translate(b.p, &translated, &st->nparams) != 0 ||
        st->nparams > PG_MAX_PARAMS) {
        buf_free(&b);
        free(translated);
        stmt_free(st);
        return NULL;
    }
    free(translated); /* only its parameter count: conn.c translates again when preparing */
    st->text = buf_steal(&b, NULL);
    st->params = calloc((size_t)(st->nparams ? st->nparams : 1), sizeof(char *));
    if (!st->text || !st->params) {
        stmt_free(st);
        return NULL;
    }
    return st;
}

static int cache_grow(struct pgd_conn *c)
{
    size_t cap = c->cap ? c->cap * 2 : 128;
    struct pgd_stmt **t = calloc(cap, sizeof(*t));
    if (!t)
        return R_ENOMEM;
    for (size_t i = 0; i < c->cap; i++) {
        if (!c->stmts[i])
            continue;
        size_t j = (size_t)hash_text(c->stmts[i]->key) & (cap - 1);
        while (t[j])
            j = (j + 1) & (cap - 1);
        t[j] = c->stmts[i];
    }
    free(c->stmts);
    c->stmts = t;
    c->cap = cap;
    return 0;
}

/* The connection's statement for sql, with no values bound and no result. */
static struct sql_stmt *pgd_stmt(struct sql_conn *sc, const char *sql)
{
    struct pgd_conn *c = PGD(sc);
    if ((c->nstmts + 1) * 2 > c->cap && cache_grow(c))
        return NULL;
    size_t j = (size_t)hash_text(sql) & (c->cap - 1);
    while (c->stmts[j] && strcmp(c->stmts[j]->key, sql) != 0)
        j = (j + 1) & (c->cap - 1);
    struct pgd_stmt *st = c->stmts[j];
    if (!st) {
        if (!(st = stmt_new(c, sql))) {
            fprintf(stderr, "roster: postgres: cannot take statement: %s\n", sql);
            return NULL;
        }
        c->stmts[j] = st;
        c->nstmts++;
    }
    PQclear(st->res);
    st->res = NULL;
    st->row = -1;
    stmt_clear_params(st);
    return &st->base;
}

/* Keeps the text value of parameter i (1-based); a number the statement does not use is
 * ignored, as SQLite ignores it. */
static void set_param(struct sql_stmt *s, int i, char *v)
{
    struct pgd_stmt *st = PST(s);
    if (i < 1 || i > st->nparams) {
        free(v);
        return;
    }
    free(st->params[i - 1]);
    st->params[i - 1] = v;
}

static void pgd_bind_int(struct sql_stmt *st, int i, int64_t v)
{
    char t[24];
    snprintf(t, sizeof(t), "%" PRId64, v);
    set_param(st, i, strdup(t));
}

static void pgd_bind_double(struct sql_stmt *st, int i, double v)
{
    char t[40];
    snprintf(t, sizeof(t), "%.17g", v);
    set_param(st, i, strdup(t));
}

static void pgd_bind_text(struct sql_stmt *st, int i, const char *s, size_t n)
{
    set_param(st, i, s ? strndup(s, n) : NULL);
}

/* bytea in its hex input form, \x… */
static void pgd_bind_blob(struct sql_stmt *st, int i, const void *p, size_t n)
{
    char *t = malloc(2 * n + 3);
    if (t) {
        t[0] = '\\';
        t[1] = 'x';
        sodium_bin2hex(t + 2, 2 * n + 1, p, n);
    }
    set_param(st, i, t);
}

/* Rereads the schema version now and then: a node older than the database stops serving
 * (503) rather than misreading rows written by a newer one. */
static int schema_guard(struct pgd_conn *c)
{
    if (c->stale)
        return R_EBUSY;
    int64_t now = now_ms();
    if (now < c->next_check)
        return 0;
    c->next_check = now + SCHEMA_RECHECK_MS;
    int v = 0;
    if (store_pg_schema_version(c->pg, &v) == 0 && v > store_pg_schema_latest()) {
        c->stale = true;
        fprintf(stderr,
                "roster: postgres: the database schema is at version %d, newer than this "
                "binary's %d: this node refuses requests until it is upgraded\n",
                v, store_pg_schema_latest());
        return R_EBUSY;
    }
    return 0;
}

static void log_failure(struct pgd_conn *c, int rc)
{
    if (rc == R_EEXIST)
        return; /* a constraint doing its work (a taken name): the caller answers it */
    fprintf(stderr, "roster: postgres: %s%s%s\n", pg__sqlstate(c->pg),
            *pg__sqlstate(c->pg) ? ": " : "", pg__error(c->pg));
}

static int pgd_begin(struct store_conn *sc, bool write);

/* Whether a statement writes (its first word). */
static bool writes(const char *sql)
{
    return strncmp(sql, "INSERT", 6) == 0 || strncmp(sql, "UPDATE", 6) == 0 ||
           strncmp(sql, "DELETE", 6) == 0;
}

/* Runs the statement into st->res. A write outside a transaction becomes one of its own
 * under the write lock, so no two writes of any node ever interleave (no deadlocks, no
 * serialization failures between them). A statement on its own is sent again when it
 * failed on a lost connection (after a database restart the first call finds it closed), a
 * deadlock or a serialization failure; inside a transaction the whole transaction failed
 * and the caller rolls back. */
static int pgd_run(struct pgd_conn *c, struct pgd_stmt *st)
{
    bool own = !pg__in_txn(c->pg) && writes(st->text);
    for (int tries = 0;; tries++) {
        int rc = own ? pgd_begin(&c->base.base, true) : 0;
        if (!rc)
            rc = pg__query(c->pg, st->text, st->nparams, (const char *const *)st->params, &st->res);
        if (own && !rc && (rc = pg__commit(c->pg))) {
            PQclear(st->res);
            st->res = NULL;
        } else if (own && rc) {
            pg__rollback(c->pg);
        }
        if (!rc || tries >= AUTOCOMMIT_TRIES || pg__in_txn(c->pg) || !pg__retryable(c->pg))
            return rc;
        struct timespec ts = {0, 2000000L << tries};
        nanosleep(&ts, NULL);
    }
}

static int pgd_step(struct sql_conn *sc, struct sql_stmt *s)
{
    struct pgd_conn *c = PGD(sc);
    struct pgd_stmt *st = PST(s);
    if (!st->res) {
        int rc = schema_guard(c);
        if (rc)
            return rc;
        rc = pgd_run(c, st);
        if (rc) {
            log_failure(c, rc);
            return rc;
        }
        st->row = -1;
    }
    if (st->row + 1 < PQntuples(st->res)) {
        st->row++;
        return SQL_ROW;
    }
    st->row = PQntuples(st->res);
    return SQL_DONE;
}

static void pgd_reset(struct sql_stmt *s)
{
    struct pgd_stmt *st = PST(s);
    PQclear(st->res);
    st->res = NULL;
    st->row = -1;
}

static bool has_row(const struct pgd_stmt *st, int i)
{
    return st->res && st->row >= 0 && st->row < PQntuples(st->res) && i >= 0 &&
           i < PQnfields(st->res);
}

static int pgd_ncols(struct sql_stmt *s)
{
    struct pgd_stmt *st = PST(s);
    return st->res ? PQnfields(st->res) : 0;
}

static bool pgd_col_null(struct sql_stmt *s, int i)
{
    struct pgd_stmt *st = PST(s);
    return !has_row(st, i) || PQgetisnull(st->res, st->row, i);
}

/* Integers, and booleans ("t"/"f") as 1/0. */
static int64_t pgd_col_int(struct sql_stmt *s, int i)
{
    struct pgd_stmt *st = PST(s);
    if (pgd_col_null(s, i))
        return 0;
    const char *v = PQgetvalue(st->res, st->row, i);
    if (v[0] == 't' && !v[1])
        return 1;
    if (v[0] == 'f' && !v[1])
        return 0;
    return strtoll(v, NULL, 10);
}

static const char *pgd_col_text(struct sql_stmt *s, int i, size_t *n)
{
    struct pgd_stmt *st = PST(s);
    *n = 0;
    if (pgd_col_null(s, i))
        return NULL;
    *n = (size_t)PQgetlength(st->res, st->row, i);
    return PQgetvalue(st->res, st->row, i);
}

/* bytea arrives in its hex output form (\x…): decoded into the statement's buffer. */
static const void *pgd_col_blob(struct sql_stmt *s, int i, size_t *n)
{
    struct pgd_stmt *st = PST(s);
    size_t tn;
    const char *t = pgd_col_text(s, i, &tn);
    *n = 0;
    if (!t || tn < 2 || t[0] != '\\' || t[1] != 'x')
        return NULL;
    size_t want = (tn - 2) / 2 + 1;
    if (want > st->blob_cap) {
        unsigned char *b = realloc(st->blob, want);
        if (!b)
            return NULL;
        st->blob = b;
        st->blob_cap = want;
    }
    size_t out;
    if (sodium_hex2bin(st->blob, st->blob_cap, t + 2, tn - 2, NULL, &out, NULL) != 0)
        return NULL;
    *n = out;
    return st->blob;
}

static int64_t pgd_changes(struct sql_conn *sc, struct sql_stmt *s)
{
    (void)sc;
    struct pgd_stmt *st = PST(s);
    const char *t = st->res ? PQcmdTuples(st->res) : "";
    return *t ? strtoll(t, NULL, 10) : 0;
}

/* Bytewise ("C"): U+10FFFF, the largest UTF-8 sequence (PostgreSQL takes no invalid UTF-8,
 * so SQLite's 0xFF cannot be sent). NOCASE (ICU, CLDR root): U+FFFF, which CLDR sorts above
 * every character. */
static const char *pgd_prefix_hi(enum sql_range r, size_t *n)
{
    *n = r == SQL_RANGE_BYTES ? 4 : 3;
    return r == SQL_RANGE_BYTES ? "\xf4\x8f\xbf\xbf" : "\xef\xbf\xbf";
}

#define PG_MEMBER(doc, p) "jsonb_path_query_first(CAST(%s AS jsonb), CAST(?%d AS jsonpath))"

/* A text compares with the member as text (a string's own value, JSON text of others); a
 * number with numbers, booleans as 1/0 (as SQLite's json_extract gives them). */
static void pgd_doc_member(struct buf *b, const char *doc, int path_param, bool as_text)
{
    if (as_text) {
        buf_appendf(b, "(" PG_MEMBER(doc, p) " #>> '{}')", doc, path_param);
        return;
    }
    buf_appendf(b,
                "(SELECT CASE jsonb_typeof(v) WHEN 'number' THEN CAST(v #>> '{}' AS numeric) "
                "WHEN 'boolean' THEN CASE WHEN CAST(v AS text) = 'true' THEN 1 ELSE 0 END END "
                "FROM (SELECT " PG_MEMBER(doc, p) " AS v) m)",
                doc, path_param);
}

/* Missing values first, then numbers in numeric order, then texts without case: the order
 * SQLite's sort key gives (its order of types), as one text key (numbers as sortable
 * text: sign, zero-padded integer part, fraction). */
static void pgd_doc_sort_key(struct buf *b, const char *doc, int path_param)
{
    buf_appendf(b,
                "(SELECT CASE WHEN v IS NULL OR jsonb_typeof(v) = 'null' THEN '0' "
                "WHEN jsonb_typeof(v) IN ('number', 'boolean') THEN '1' || "
                "CASE WHEN jsonb_typeof(v) = 'boolean' THEN CASE WHEN CAST(v AS text) = 'true' "
                "THEN '1' ELSE '0' END ELSE to_char(CAST(v #>> '{}' AS numeric) + "
                "1e20, 'FM000000000000000000000.000000000') END "
                "ELSE '2' || lower(v #>> '{}') END FROM (SELECT " PG_MEMBER(doc, p) " AS v) m)",
                doc, path_param);
}

/* pg_trgm's GIN index on the folded column serves LIKE '%…%'. */
static void pgd_contains(struct buf *b, const char *alias, const char *fts_table,
                         const char *fold_col, int param)
{
    (void)alias;
    (void)fts_table;
    buf_appendf(b, "%s LIKE ?%d ESCAPE '\\'", fold_col, param);
}

static const char *pgd_contains_value(struct arena *a, const char *fts_col, const char *v, size_t n)
{
    (void)fts_col;
    char *out = arena_alloc(a, 2 * n + 3);
    if (!out)
        return NULL;
    size_t k = 0;
    out[k++] = '%';
    for (size_t i = 0; i < n; i++) {
        if (v[i] == '%' || v[i] == '_' || v[i] == '\\')
            out[k++] = '\\';
        out[k++] = v[i];
    }
    out[k++] = '%';
    out[k] = 0;
    return out;
}

static const struct sql_driver pgd_driver = {
    .stmt = pgd_stmt,
    .bind_int = pgd_bind_int,
    .bind_double = pgd_bind_double,
    .bind_text = pgd_bind_text,
    .bind_blob = pgd_bind_blob,
    .step = pgd_step,
    .reset = pgd_reset,
    .ncols = pgd_ncols,
    .col_null = pgd_col_null,
    .col_int = pgd_col_int,
    .col_text = pgd_col_text,
    .col_blob = pgd_col_blob,
    .changes = pgd_changes,
    .prefix_hi = pgd_prefix_hi,
    .doc_member = pgd_doc_member,
    .doc_sort_key = pgd_doc_sort_key,
    .contains = pgd_contains,
    .contains_value = pgd_contains_value,
    /* ASCII only under "C", as SQLite's lower(); document members have no folded copy */
    .fold_fn = "lower",
};

static int pgd_begin(struct store_conn *sc, bool write)
{
    struct pgd_conn *c = PGD(sc);
    int rc = schema_guard(c);
    if (rc)
        return rc;
    rc = write ? pg__begin_then(c->pg, WRITE_LOCK_SQL) : pg__begin(c->pg, PG__REPEATABLE_READ);
    if (rc) {
        log_failure(c, rc);
        pg__rollback(c->pg);
    }
    return rc;
}

static int pgd_commit(struct store_conn *sc)
{
    struct pgd_conn *c = PGD(sc);
    int rc = pg__commit(c->pg);
    if (rc)
        log_failure(c, rc);
    return rc;
}

static void pgd_rollback(struct store_conn *sc)
{
    pg__rollback(PGD(sc)->pg);
}

static void pgd_close(struct store_conn *sc)
{
    struct pgd_conn *c = PGD(sc);
    if (!c)
        return;
    for (size_t i = 0; i < c->cap; i++)
        stmt_free(c->stmts[i]);
    free(c->stmts);
    store_pg_close(c->pg);
    sodium_memzero(c->base.seal_key, sizeof(c->base.seal_key));
    free(c);
}

/* The sealing key: made once, by whichever node opens the database first, and read by all. */
static int seal_setup(struct pgd_conn *c)
{
    unsigned char fresh[STORE_SEAL_KEY_BYTES];
    randombytes_buf(fresh, sizeof(fresh));
    struct sql_stmt *st = pgd_stmt(&c->base, "INSERT INTO store_keys(name, key) VALUES "
                                             "('seal', ?1) ON CONFLICT (name) DO NOTHING");
    int rc = st ? 0 : R_ESTORE;
    if (!rc) {
        pgd_bind_blob(st, 1, fresh, sizeof(fresh));
        rc = sql__exec_done(&c->base, st);
    }
    sodium_memzero(fresh, sizeof(fresh));
    if (rc)
        return rc;
    st = pgd_stmt(&c->base, "SELECT key FROM store_keys WHERE name = 'seal'");
    if (!st)
        return R_ESTORE;
    rc = pgd_step(&c->base, st);
    size_t n = 0;
    const void *k = rc == SQL_ROW ? pgd_col_blob(st, 0, &n) : NULL;
    if (k && n == STORE_SEAL_KEY_BYTES)
        memcpy(c->base.seal_key, k, n);
    else
        rc = rc < 0 ? rc : R_ESTORE;
    if (st && PST(st)->blob)
        sodium_memzero(PST(st)->blob, PST(st)->blob_cap);
    pgd_reset(st);
    return rc < 0 ? rc : 0;
}

int store_postgres_open(const char *url, struct store_conn **out)
{
    *out = NULL;
    struct pgd_conn *c = calloc(1, sizeof(*c));
    if (!c)
        return R_ENOMEM;
    sql__init(&c->base, &pgd_ops, &pgd_driver);
    char err[STORE_PG_ERR_MAX];
    int rc = store_pg_open(url, &c->pg, err, sizeof(err));
    if (rc) {
        fprintf(stderr, "roster: %s\n", err);
        free(c);
        return rc;
    }
    c->next_check = now_ms() + SCHEMA_RECHECK_MS;
    if ((rc = seal_setup(c))) {
        fprintf(stderr, "roster: postgres: cannot read the sealing key: %s\n", pg__error(c->pg));
        pgd_close(&c->base.base);
        return rc;
    }
    *out = &c->base.base;
    return 0;
}

static const struct store_ops pgd_ops = {
    .name = "postgres",
    .close = pgd_close,
    .begin = pgd_begin,
    .commit = pgd_commit,
    .rollback = pgd_rollback,
    .id_known = sql__id_known,
};
