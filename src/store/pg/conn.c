/* One PostgreSQL connection: connect and session settings, cached prepared statements,
 * SQLSTATE → roster errors, reconnection after the server went away, and transactions that
 * retry serialization failures and deadlocks. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/pg/pg.h"
#include "util/err.h"

/* A prepared statement: the caller's SQL text (the key) and its name on the server. */
struct stmt {
    char *sql;
    char name[16];
    int nparams;
};

struct store_pg {
    PGconn *conn;
    struct store_pg_url url;
    struct stmt *stmts; /* open addressing on the text's hash; cap is a power of two */
    size_t nstmts, cap;
    unsigned next_name;
    bool in_txn;
    bool broken; /* the connection was lost: reopened by the next call outside a transaction */
    unsigned reconnects;
    char sqlstate[6];
    char err[STORE_PG_ERR_MAX];
};

/* Writes a one-line message, scrubbed of the password, into the connection's error. */
static void set_err(struct store_pg *pg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_err(struct store_pg *pg, const char *fmt, ...)
{
    char raw[STORE_PG_ERR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof(raw), fmt, ap);
    va_end(ap);
    store_pg_scrub(&pg->url, raw, pg->err, sizeof(pg->err));
}

int pg__map_error(const char *sqlstate, bool connection_lost)
{
    if (connection_lost || !sqlstate || !sqlstate[0])
        return connection_lost ? R_EBUSY : R_ESTORE;
    if (strcmp(sqlstate, "23505") == 0)
        return R_EEXIST;
    /* serialization failure, deadlock; connection exceptions; shutdown, crash, starting up;
     * insufficient resources (too many connections); statement timeout */
    if (strcmp(sqlstate, "40001") == 0 || strcmp(sqlstate, "40P01") == 0 ||
        strncmp(sqlstate, "08", 2) == 0 || strncmp(sqlstate, "57P", 3) == 0 ||
        strncmp(sqlstate, "53", 2) == 0 || strcmp(sqlstate, "57014") == 0)
        return R_EBUSY;
    if (strncmp(sqlstate, "22", 2) == 0)
        return R_EINVAL;
    return R_ESTORE;
}

static void cache_clear(struct store_pg *pg)
{
    for (size_t i = 0; i < pg->cap; i++)
        free(pg->stmts[i].sql);
    free(pg->stmts);
    pg->stmts = NULL;
    pg->nstmts = pg->cap = 0;
}

static uint64_t hash_text(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* The slot holding sql, or the empty slot where it goes. */
static struct stmt *cache_slot(struct stmt *t, size_t cap, const char *sql)
{
    size_t i = (size_t)hash_text(sql) & (cap - 1);
    while (t[i].sql && strcmp(t[i].sql, sql) != 0)
        i = (i + 1) & (cap - 1);
    return &t[i];
}

static int cache_grow(struct store_pg *pg)
{
    size_t cap = pg->cap ? pg->cap * 2 : 64;
    struct stmt *t = calloc(cap, sizeof(*t));
    if (!t)
        return R_ENOMEM;
    for (size_t i = 0; i < pg->cap; i++)
        if (pg->stmts[i].sql)
            *cache_slot(t, cap, pg->stmts[i].sql) = pg->stmts[i];
    free(pg->stmts);
    pg->stmts = t;
    pg->cap = cap;
    return 0;
}

/* Records the outcome of a libpq call: 0 when status is one of the good ones. */
static int check(struct store_pg *pg, PGresult *res, ExecStatusType good)
{
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st == good || (good == PGRES_TUPLES_OK && st == PGRES_COMMAND_OK)) {
        pg->sqlstate[0] = 0;
        return 0;
    }
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    snprintf(pg->sqlstate, sizeof(pg->sqlstate), "%s", state ? state : "");
    bool lost = PQstatus(pg->conn) == CONNECTION_BAD;
    int rc = pg__map_error(pg->sqlstate, lost);
    if (lost || strncmp(pg->sqlstate, "57P", 3) == 0 || strncmp(pg->sqlstate, "08", 2) == 0)
        pg->broken = true;
    const char *m = res ? PQresultErrorMessage(res) : "";
    set_err(pg, "%s", m && *m ? m : PQerrorMessage(pg->conn));
    return rc;
}

/* Settings every session gets, at connect and after every reconnect. */
static int session_init(struct store_pg *pg)
{
    const char *enc = PQparameterStatus(pg->conn, "server_encoding");
    if (!enc || strcmp(enc, "UTF8") != 0) {
        set_err(pg,
                "the database %s has server encoding %s; roster needs UTF8 (create it with "
                "ENCODING 'UTF8')",
                PQdb(pg->conn), enc ? enc : "(unknown)");
        return R_ESTORE;
    }
    char sql[160];
    snprintf(sql, sizeof(sql),
             "SET synchronous_commit = on; SET statement_timeout = %d; "
             "SET client_encoding = 'UTF8'",
             PG__STATEMENT_TIMEOUT_MS);
    PGresult *res = PQexec(pg->conn, sql);
    int rc = check(pg, res, PGRES_COMMAND_OK);
    PQclear(res);
    return rc;
}

int pg__connect(const char *url, struct store_pg **out, char *err, size_t errlen)
{
    *out = NULL;
    struct store_pg *pg = calloc(1, sizeof(*pg));
    if (!pg)
        return R_ENOMEM;
    int rc = store_pg_url_parse(url, &pg->url, err, errlen);
    if (rc)
        goto out;
    /* Keywords before dbname are defaults the URL may override; those after it are not. */
    const char *keys[] = {"connect_timeout", "fallback_application_name", "dbname", NULL};
    const char *vals[] = {PG__CONNECT_TIMEOUT_S, "roster", url, NULL};
    pg->conn = PQconnectdbParams(keys, vals, 1);
    if (!pg->conn) {
        rc = R_ENOMEM;
        goto out;
    }
    if (PQstatus(pg->conn) != CONNECTION_OK) {
        set_err(pg, "cannot connect to %s: %s", pg->url.redacted, PQerrorMessage(pg->conn));
        rc = R_EBUSY;
        goto out;
    }
    rc = session_init(pg);
out:
    if (rc) {
        if (pg->err[0])
            snprintf(err, errlen, "%s", pg->err);
        store_pg_close(pg);
        return rc;
    }
    *out = pg;
    return 0;
}

void store_pg_close(struct store_pg *pg)
{
    if (!pg)
        return;
    PQfinish(pg->conn);
    cache_clear(pg);
    store_pg_url_free(&pg->url);
    free(pg);
}

/* Reopens a lost connection (never inside a transaction: that one is gone). */
static int ensure(struct store_pg *pg)
{
    if (!pg->broken && PQstatus(pg->conn) == CONNECTION_OK)
        return 0;
    if (pg->in_txn) {
        set_err(pg, "the connection to %s was lost inside a transaction", pg->url.redacted);
        return R_EBUSY;
    }
    cache_clear(pg); /* prepared statements died with the session */
    PQreset(pg->conn);
    if (PQstatus(pg->conn) != CONNECTION_OK) {
        set_err(pg, "cannot reconnect to %s: %s", pg->url.redacted, PQerrorMessage(pg->conn));
        return R_EBUSY;
    }
    pg->broken = false;
    pg->reconnects++;
    int rc = session_init(pg);
    char line[STORE_PG_ERR_MAX + 64];
    snprintf(line, sizeof(line), "roster: postgres: reconnected to %s%s%s\n", pg->url.redacted,
             rc ? ": " : "", rc ? pg->err : "");
    fputs(line, stderr);
    return rc;
}

int pg__run(struct store_pg *pg, const char *sql)
{
    int rc = ensure(pg);
    if (rc)
        return rc;
    PGresult *res = PQexec(pg->conn, sql);
    rc = check(pg, res, PGRES_TUPLES_OK); /* rows, if any, are dropped */
    PQclear(res);
    return rc;
}

/* Whether the translated text names $k (a placeholder, not a longer number). */
static bool names_param(const char *text, int k)
{
    char tag[16];
    int n = snprintf(tag, sizeof(tag), "$%d", k);
    for (const char *p = text; (p = strstr(p, tag)); p += n)
        if (p[n] < '0' || p[n] > '9')
            return true;
    return false;
}

/* The cached statement for sql, prepared on first use. */
static int prepare(struct store_pg *pg, const char *sql, struct stmt **out)
{
    if (pg->cap) {
        struct stmt *s = cache_slot(pg->stmts, pg->cap, sql);
        if (s->sql) {
            *out = s;
            return 0;
        }
    }
    if ((pg->nstmts + 1) * 2 > pg->cap && cache_grow(pg))
        return R_ENOMEM;
    char *text;
    int nparams;
    int rc = pg__translate(sql, &text, &nparams);
    if (rc)
        return rc;
    struct stmt s = {.nparams = nparams};
    snprintf(s.name, sizeof(s.name), "r%u", ++pg->next_name);
    /* A parameter the text never names (SQLite lets a statement skip numbers) has no type to
     * infer: it is declared text, so it binds and is ignored. The others are inferred. */
    Oid *types = nparams ? calloc((size_t)nparams, sizeof(*types)) : NULL;
    if (nparams && !types) {
        free(text);
        return R_ENOMEM;
    }
    for (int k = 0; k < nparams; k++)
        if (!names_param(text, k + 1))
            types[k] = 25; /* text */
    PGresult *res = PQprepare(pg->conn, s.name, text, nparams, types);
    free(types);
    free(text);
    rc = check(pg, res, PGRES_COMMAND_OK);
    PQclear(res);
    if (rc)
        return rc;
    if (!(s.sql = strdup(sql)))
        return R_ENOMEM;
    struct stmt *slot = cache_slot(pg->stmts, pg->cap, sql);
    *slot = s;
    pg->nstmts++;
    *out = slot;
    return 0;
}

int pg__query(struct store_pg *pg, const char *sql, int n, const char *const *params,
              PGresult **res)
{
    *res = NULL;
    struct stmt *s;
    int rc = ensure(pg);
    if (!rc)
        rc = prepare(pg, sql, &s);
    if (rc)
        return rc;
    if (n != s->nparams) {
        set_err(pg, "statement wants %d parameters, got %d", s->nparams, n);
        return R_EINTERNAL;
    }
    PGresult *r = PQexecPrepared(pg->conn, s->name, n, params, NULL, NULL, 0);
    rc = check(pg, r, PGRES_TUPLES_OK);
    if (rc) {
        PQclear(r);
        return rc;
    }
    *res = r;
    return 0;
}

bool pg__in_txn(const struct store_pg *pg)
{
    return pg->in_txn;
}

bool pg__retryable(const struct store_pg *pg)
{
    return pg->broken || strcmp(pg->sqlstate, "40001") == 0 || strcmp(pg->sqlstate, "40P01") == 0;
}

const char *pg__sqlstate(const struct store_pg *pg)
{
    return pg->sqlstate;
}

const char *pg__error(const struct store_pg *pg)
{
    return pg->err;
}

unsigned pg__prepared_count(const struct store_pg *pg)
{
    return (unsigned)pg->nstmts;
}

int pg__backend_pid(const struct store_pg *pg)
{
    return PQbackendPID(pg->conn);
}

unsigned pg__reconnects(const struct store_pg *pg)
{
    return pg->reconnects;
}

int pg__begin(struct store_pg *pg, enum pg__isolation iso)
{
    static const char *const sql[] = {
        [PG__READ_COMMITTED] = "BEGIN",
        [PG__REPEATABLE_READ] = "BEGIN ISOLATION LEVEL REPEATABLE READ",
        [PG__SERIALIZABLE] = "BEGIN ISOLATION LEVEL SERIALIZABLE",
    };
    int rc = pg__run(pg, sql[iso]);
    /* Nothing ran yet: a connection found dead here is reopened and BEGIN sent again. */
    if (rc == R_EBUSY && pg->broken)
        rc = pg__run(pg, sql[iso]);
    pg->in_txn = rc == 0;
    return rc;
}

int pg__begin_then(struct store_pg *pg, const char *then)
{
    char sql[256];
    snprintf(sql, sizeof(sql), "BEGIN; %s", then);
    int rc = pg__run(pg, sql);
    if (rc == R_EBUSY && pg->broken)
        rc = pg__run(pg, sql);
    if (rc) {
        /* BEGIN may have run and the statement after it failed */
        PGresult *res = pg->broken ? NULL : PQexec(pg->conn, "ROLLBACK");
        PQclear(res);
    }
    pg->in_txn = rc == 0;
    return rc;
}

int pg__commit(struct store_pg *pg)
{
    int rc = pg__run(pg, "COMMIT");
    pg->in_txn = false; /* a failed COMMIT rolls back */
    return rc;
}

void pg__rollback(struct store_pg *pg)
{
    if (pg->in_txn && !pg->broken) {
        PGresult *res = PQexec(pg->conn, "ROLLBACK");
        PQclear(res);
    }
    pg->in_txn = false;
}

static bool retryable(const struct store_pg *pg)
{
    return !pg->broken &&
           (strcmp(pg->sqlstate, "40001") == 0 || strcmp(pg->sqlstate, "40P01") == 0);
}

int store_pg_txn(struct store_pg *pg, enum pg__isolation iso,
                 int (*fn)(struct store_pg *pg, void *arg), void *arg, int *attempts)
{
    int rc = 0, n = 0;
    while (n < PG__TXN_ATTEMPTS) {
        n++;
        rc = pg__begin(pg, iso);
        if (rc)
            break;
        rc = fn(pg, arg);
        if (rc) {
            /* read before the rollback clears it */
            bool again = retryable(pg);
            pg__rollback(pg);
            if (!again)
                break;
        } else {
            rc = pg__commit(pg);
            if (!rc || !retryable(pg))
                break;
        }
        /* A short pause that grows and varies, so that the two sides of a conflict part. */
        struct timespec ts = {0, (long)((1u << (n < 6 ? n : 6)) * 500000u) +
                                     (long)(((uintptr_t)pg ^ (uintptr_t)clock()) % 1000000u)};
        nanosleep(&ts, NULL);
    }
    if (attempts)
        *attempts = n;
    return rc;
}
