/* The SQLite engine of the store: WAL, synchronous=FULL, foreign keys, one connection per
 * thread, statements prepared once per connection and cached by their SQL text. */
#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/sql/internal.h"
#include "store/sqlite/schema.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/fold.h"

#define STMT_CACHE 128

/* A prepared statement of this engine: the shared API's handle and SQLite's. */
struct sq_stmt {
    struct sql_stmt base;
    sqlite3_stmt *st;
};

struct stmt_entry {
    char *sql;
    struct sq_stmt *stmt;
};

struct sq_conn {
    struct sql_conn base;
    sqlite3 *db;
    struct stmt_entry cache[STMT_CACHE];
    int in_tx;
};

#define SQ(c) ((struct sq_conn *)(c))
#define SQS(s) (((struct sq_stmt *)(s))->st)

static const struct store_ops sq_ops;
static const struct sql_driver sq_driver;

static int sq_err(struct sq_conn *c, int rc)
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

static void sq_entry_free(struct stmt_entry *e)
{
    if (e->stmt) {
        sqlite3_finalize(e->stmt->st);
        free(e->stmt);
    }
    free(e->sql);
    e->sql = NULL;
    e->stmt = NULL;
}

/* Prepares sql into the free entry e. */
static struct sql_stmt *sq_prepare_into(struct sq_conn *c, struct stmt_entry *e, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "roster: prepare failed: %s\n  %s\n", sqlite3_errmsg(c->db), sql);
        return NULL;
    }
    e->sql = strdup(sql);
    e->stmt = malloc(sizeof(*e->stmt));
    if (!e->sql || !e->stmt) {
        sqlite3_finalize(st);
        free(e->stmt);
        e->stmt = NULL;
        sq_entry_free(e);
        return NULL;
    }
    *e->stmt = (struct sq_stmt){.base = {.conn = &c->base}, .st = st};
    return &e->stmt->base;
}

/* The cached prepared statement for sql (reset, bindings cleared), or NULL. */
static struct sql_stmt *sq_stmt(struct sql_conn *sc, const char *sql)
{
    struct sq_conn *c = SQ(sc);
    unsigned long h = sq_hash(sql);
    for (unsigned i = 0; i < STMT_CACHE; i++) {
        struct stmt_entry *e = &c->cache[(h + i) % STMT_CACHE];
        if (e->sql && strcmp(e->sql, sql) == 0) {
            sqlite3_reset(e->stmt->st);
            sqlite3_clear_bindings(e->stmt->st);
            return &e->stmt->base;
        }
        if (!e->sql)
            return sq_prepare_into(c, e, sql);
    }
    /* Cache full (only with unusually many filter shapes): evict the home slot. */
    struct stmt_entry *e = &c->cache[h % STMT_CACHE];
    sq_entry_free(e);
    return sq_prepare_into(c, e, sql);
}

static void sq_bind_int(struct sql_stmt *st, int i, int64_t v)
{
    sqlite3_bind_int64(SQS(st), i, v);
}

static void sq_bind_double(struct sql_stmt *st, int i, double v)
{
    sqlite3_bind_double(SQS(st), i, v);
}

static void sq_bind_text(struct sql_stmt *st, int i, const char *s, size_t n)
{
    if (s)
        sqlite3_bind_text(SQS(st), i, s, (int)n, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(SQS(st), i);
}

static void sq_bind_blob(struct sql_stmt *st, int i, const void *p, size_t n)
{
    sqlite3_bind_blob(SQS(st), i, p, (int)n, SQLITE_TRANSIENT);
}

static int sq_step(struct sql_conn *sc, struct sql_stmt *st)
{
    int rc = sqlite3_step(SQS(st));
    if (rc == SQLITE_ROW)
        return SQL_ROW;
    if (rc == SQLITE_DONE)
        return SQL_DONE;
    return sq_err(SQ(sc), rc);
}

static void sq_reset(struct sql_stmt *st)
{
    sqlite3_reset(SQS(st));
}

static int sq_ncols(struct sql_stmt *st)
{
    return sqlite3_column_count(SQS(st));
}

static bool sq_col_null(struct sql_stmt *st, int i)
{
    return sqlite3_column_type(SQS(st), i) == SQLITE_NULL;
}

static int64_t sq_col_int(struct sql_stmt *st, int i)
{
    return sqlite3_column_int64(SQS(st), i);
}

static const char *sq_col_text(struct sql_stmt *st, int i, size_t *n)
{
    const unsigned char *t = sqlite3_column_text(SQS(st), i);
    *n = t ? (size_t)sqlite3_column_bytes(SQS(st), i) : 0;
    return (const char *)t;
}

static const void *sq_col_blob(struct sql_stmt *st, int i, size_t *n)
{
    const void *p = sqlite3_column_blob(SQS(st), i);
    *n = p ? (size_t)sqlite3_column_bytes(SQS(st), i) : 0;
    return p;
}

static int64_t sq_changes(struct sql_conn *sc, struct sql_stmt *st)
{
    (void)st;
    return sqlite3_changes64(SQ(sc)->db);
}

/* 0xFF never occurs in UTF-8: above every text that starts with the prefix, below every
 * other text above it (bytewise, the BINARY collation; NOCASE folds ASCII only). */
static const char *sq_prefix_hi(enum sql_range r, size_t *n)
{
    (void)r;
    *n = 1;
    return "\xff";
}

static void sq_doc_member(struct buf *b, const char *doc, int path_param, bool as_text)
{
    (void)as_text; /* json_extract gives the member's own type */
    buf_appendf(b, "json_extract(%s, ?%d)", doc, path_param);
}

/* Missing values sort first: -Inf is below every number, and numbers below every text in
 * SQLite's order of types. Texts compare without case. */
static void sq_doc_sort_key(struct buf *b, const char *doc, int path_param)
{
    buf_appendf(b, "coalesce(json_extract(%s, ?%d), -9e999) COLLATE NOCASE", doc, path_param);
}

/* The FTS5 trigram tables are contentless, rowid = the row's id. */
static void sq_contains(struct buf *b, const char *alias, const char *fts_table,
                        const char *fold_col, int param)
{
    (void)fold_col;
    buf_appendf(b, "%s.id IN (SELECT rowid FROM %s WHERE %s MATCH ?%d)", alias, fts_table,
                fts_table, param);
}

/* FTS5 phrase restricted to one column: col : "value" (quotes doubled). */
static const char *sq_contains_value(struct arena *a, const char *fts_col, const char *v, size_t n)
{
    struct buf b;
    buf_init(&b, 4096);
    buf_appendf(&b, "%s : \"", fts_col);
    for (size_t i = 0; i < n; i++) {
        if (v[i] == '"')
            buf_append_str(&b, "\"\"");
        else
            buf_append(&b, &v[i], 1);
    }
    buf_append_str(&b, "\"");
    const char *out = b.oom ? NULL : arena_strndup(a, b.p, b.n);
    buf_free(&b);
    return out;
}

static const struct sql_driver sq_driver = {
    .stmt = sq_stmt,
    .bind_int = sq_bind_int,
    .bind_double = sq_bind_double,
    .bind_text = sq_bind_text,
    .bind_blob = sq_bind_blob,
    .step = sq_step,
    .reset = sq_reset,
    .ncols = sq_ncols,
    .col_null = sq_col_null,
    .col_int = sq_col_int,
    .col_text = sq_col_text,
    .col_blob = sq_col_blob,
    .changes = sq_changes,
    .prefix_hi = sq_prefix_hi,
    .doc_member = sq_doc_member,
    .doc_sort_key = sq_doc_sort_key,
    .contains = sq_contains,
    .contains_value = sq_contains_value,
    .fold_fn = "roster_fold",
};

/* Runs one SQL text of this engine's own (transactions, migrations). */
static int sq_exec_text(struct sq_conn *c, const char *sql)
{
    struct sql_stmt *st = sq_stmt(&c->base, sql);
    if (!st)
        return R_ESTORE;
    int rc = sq_step(&c->base, st);
    sq_reset(st);
    return rc < 0 ? rc : 0;
}

static int sq_exec_sql(struct sq_conn *c, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        fprintf(stderr, "roster: sqlite: %s\n", msg ? msg : "?");
        sqlite3_free(msg);
        return sq_err(c, rc);
    }
    return 0;
}

static int sq_begin(struct store_conn *sc, bool write)
{
    struct sq_conn *c = SQ(sc);
    int rc = sq_exec_text(c, write ? "BEGIN IMMEDIATE" : "BEGIN");
    if (!rc)
        c->in_tx = 1;
    return rc;
}

static int sq_commit(struct store_conn *sc)
{
    struct sq_conn *c = SQ(sc);
    int rc = sq_exec_text(c, "COMMIT");
    if (!rc)
        c->in_tx = 0;
    return rc;
}

static void sq_rollback(struct store_conn *sc)
{
    struct sq_conn *c = SQ(sc);
    if (!sqlite3_get_autocommit(c->db))
        sq_exec_text(c, "ROLLBACK");
    c->in_tx = 0;
}

static void sq_close(struct store_conn *sc)
{
    struct sq_conn *c = SQ(sc);
    if (!c)
        return;
    for (unsigned i = 0; i < STMT_CACHE; i++)
        sq_entry_free(&c->cache[i]);
    sqlite3_close(c->db);
    sodium_memzero(c->base.seal_key, sizeof(c->base.seal_key));
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

/* The key that seals enrollment token secrets: PATH.key beside the database, made by the first
 * open (roster init or serve, whichever comes first). A store that holds sealed secrets never
 * gets a new key: a missing or foreign key stops the open instead of leaving tokens that no
 * longer open. */
static int sq_seal_setup(struct sq_conn *c, const char *path)
{
    if (!*path || strcmp(path, ":memory:") == 0) {
        randombytes_buf(c->base.seal_key,
                        sizeof(c->base.seal_key)); /* lives and dies with the database */
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
        return sq_err(c, rc);
    bool sealed = sqlite3_step(st) == SQLITE_ROW, created;
    rc = store_seal_key_load(kpath, !sealed, c->base.seal_key, &created);
    if (rc == R_ENOTFOUND)
        fprintf(stderr,
                "roster: key file %s is missing and this store's enrollment tokens are sealed "
                "with it: put it back beside the database\n",
                kpath);
    if (!rc && sealed) {
        unsigned char plain[SQL_SECRET_MAX];
        size_t pn;
        const char *ad = (const char *)sqlite3_column_text(st, 0);
        const unsigned char *blob = sqlite3_column_blob(st, 1);
        size_t bn = (size_t)sqlite3_column_bytes(st, 1);
        if (!ad || !blob ||
            store_unseal(c->base.seal_key, ad, blob, bn, plain, sizeof(plain), &pn)) {
            fprintf(stderr,
                    "roster: key file %s does not open this store's enrollment tokens (the key "
                    "of another store?)\n",
                    kpath);
            rc = R_EINVAL;
        }
        sodium_memzero(plain, sizeof(plain));
    }
    sqlite3_finalize(st);
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

/* greatest(x, …): the largest of its integer arguments, NULLs ignored (as PostgreSQL's), so
 * the statements both engines share can write it. */
static void sq_greatest_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    bool any = false;
    sqlite3_int64 best = 0;
    for (int i = 0; i < argc; i++) {
        if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
            continue;
        sqlite3_int64 v = sqlite3_value_int64(argv[i]);
        if (!any || v > best)
            best = v;
        any = true;
    }
    if (any)
        sqlite3_result_int64(ctx, best);
    else
        sqlite3_result_null(ctx);
}

/* The database holds every secret's hash: it is the owner's alone (0600), and so are its WAL
 * and shared-memory files, which SQLite creates with the database file's permissions. A file
 * made before with wider permissions is narrowed, with one line. No descriptor of an existing
 * database is opened here: closing one would drop the POSIX locks this process's other
 * connections hold on it. */
static int sq_file_private(const char *path)
{
    if (!*path || strcmp(path, ":memory:") == 0)
        return 0;
    struct stat st;
    if (stat(path, &st) != 0) {
        /* new: nothing can hold a lock on it yet (another thread may just have made it) */
        int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0)
            close(fd);
        return 0; /* when it cannot be made, sqlite3_open_v2 says why */
    }
    if (!(st.st_mode & 077))
        return 0;
    if (chmod(path, st.st_mode & 0700) != 0) {
        fprintf(stderr, "roster: cannot make %s private to its owner\n", path);
        return R_ESTORE;
    }
    fprintf(stderr, "roster: %s was readable by others (mode %03o): now 0%03o\n", path,
            (unsigned)(st.st_mode & 0777), (unsigned)(st.st_mode & 0700));
    return 0;
}

int store_sqlite_open(const char *path, struct store_conn **out)
{
    struct sq_conn *c = calloc(1, sizeof(*c));
    if (!c)
        return R_ENOMEM;
    sql__init(&c->base, &sq_ops, &sq_driver);
    int rc = sq_file_private(path);
    if (rc)
        goto fail;
    rc = sqlite3_open_v2(path, &c->db,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        fprintf(stderr, "roster: cannot open %s: %s\n", path, c->db ? sqlite3_errmsg(c->db) : "?");
        rc = R_ESTORE;
        goto fail;
    }
    sqlite3_busy_timeout(c->db, 10000);
    if (sqlite3_create_function(c->db, "roster_fold", 1,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                sq_fold_fn, NULL, NULL) != SQLITE_OK ||
        sqlite3_create_function(c->db, "greatest", -1,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                sq_greatest_fn, NULL, NULL) != SQLITE_OK) {
        rc = R_ESTORE;
        goto fail;
    }
    if ((rc = sq_exec_sql(c, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                             "PRAGMA foreign_keys=ON; PRAGMA secure_delete=OFF")))
        goto fail;
    if ((rc = sq_migrate(c)) || (rc = sq_seal_setup(c, path)))
        goto fail;
    *out = &c->base.base;
    return 0;
fail:
    sq_close(&c->base.base);
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

static const struct store_ops sq_ops = {
    .name = "sqlite",
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .id_known = sql__id_known,
};
