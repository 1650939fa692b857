/* The PostgreSQL engine's libpq layer: store URLs (validated, redacted), one connection with
 * its session settings, versioned migrations under an advisory lock, prepared statements cached
 * per connection, transactions that retry serialization failures, SQLSTATE → roster errors.
 * One struct store_pg per thread; nothing in it is shared. Every message written into an err
 * buffer or logged is one line and never carries the URL's password. */
#ifndef ROSTER_STORE_PG_H
#define ROSTER_STORE_PG_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#define STORE_PG_ERR_MAX 512
#define PG__TXN_ATTEMPTS 8 /* tries of one transaction that keeps hitting 40001/40P01 */
#define PG__STATEMENT_TIMEOUT_MS 30000
#define PG__CONNECT_TIMEOUT_S "5" /* unless the URL sets connect_timeout */

/* ---- store URLs (url.c, no I/O) ---- */

/* True when url names this engine: a postgres:// or postgresql:// URL. */
bool store_pg_is_url(const char *url);

/* A store URL taken apart for messages: its text with the password masked, and the password's
 * spellings (as written, and decoded by libpq) so that any message can be scrubbed of them. */
struct store_pg_url {
    char *redacted;
    char *secret[4];
    bool has_password;
};

/* Validates a postgres:// URL or a libpq keyword string (PQconninfoParse, plus port numbers).
 * R_EINVAL with a one-line message in err when malformed; u is filled either way and freed with
 * store_pg_url_free. */
int store_pg_url_parse(const char *url, struct store_pg_url *u, char *err, size_t errlen);
void store_pg_url_free(struct store_pg_url *u);
/* Copies msg into out (always NUL-terminated, cut to n) with every spelling of the password
 * replaced by "***", line breaks by spaces, and trailing blanks dropped. */
void store_pg_scrub(const struct store_pg_url *u, const char *msg, char *out, size_t n);

/* ?N and bare ? (SQLite's placeholders) → $N, outside string literals, quoted identifiers and
 * comments. *out is malloc'd (caller frees); *nparams is the highest number used. */
int pg__translate(const char *sql, char **out, int *nparams);

/* ---- one connection (conn.c) ---- */

struct store_pg;

/* Connects, refuses a server encoding other than UTF8, applies the session settings
 * (synchronous_commit, statement_timeout) and migrates the schema to this binary's version.
 * R_EINVAL malformed URL, R_EBUSY unreachable, R_ESTORE refused (encoding, newer schema). */
int store_pg_open(const char *url, struct store_pg **out, char *err, size_t errlen);
void store_pg_close(struct store_pg *pg);
/* The schema version this binary writes, and the one the database holds. */
int store_pg_schema_latest(void);
int store_pg_schema_version(struct store_pg *pg, int *out);

/* As store_pg_open without migrating (the migration runner, tests). */
int pg__connect(const char *url, struct store_pg **out, char *err, size_t errlen);

/* Every call below returns 0 or a roster error: 23505 → R_EEXIST, a lost connection or an
 * unavailable server → R_EBUSY (the connection is reopened by the next call outside a
 * transaction), 40001/40P01 → R_EBUSY (retried by store_pg_txn), bad data → R_EINVAL, else
 * R_ESTORE. The last failure's SQLSTATE and scrubbed message stay readable. */
int pg__run(struct store_pg *pg,
            const char *sql); /* simple query(s), no parameters; rows dropped */
/* A statement with text parameters (NULL = SQL NULL), prepared once per connection (keyed by
 * its text, placeholders translated). On success *res holds the rows: PQclear it. */
int pg__query(struct store_pg *pg, const char *sql, int n, const char *const *params,
              PGresult **res);
const char *pg__sqlstate(const struct store_pg *pg); /* "" when the last call succeeded */
bool pg__in_txn(const struct store_pg *pg);
/* Whether the last failure may pass when the statement is sent again outside a transaction:
 * the connection was lost (reopened by the next call), a serialization failure, a deadlock. */
bool pg__retryable(const struct store_pg *pg);
const char *pg__error(const struct store_pg *pg);
int pg__map_error(const char *sqlstate, bool connection_lost);
unsigned pg__prepared_count(const struct store_pg *pg); /* statements in the cache */
int pg__backend_pid(const struct store_pg *pg);
unsigned pg__reconnects(const struct store_pg *pg);

/* ---- transactions ---- */

enum pg__isolation { PG__READ_COMMITTED, PG__REPEATABLE_READ, PG__SERIALIZABLE };

int pg__begin(struct store_pg *pg, enum pg__isolation iso);
/* BEGIN (read committed) and the statement then, in one round trip. */
int pg__begin_then(struct store_pg *pg, const char *then);
int pg__commit(struct store_pg *pg);
void pg__rollback(struct store_pg *pg);
/* Runs fn inside one transaction, again (after a rollback and a short random pause) when it
 * fails on a serialization failure or deadlock, PG__TXN_ATTEMPTS times at most. *attempts
 * (optional) tells how many runs it took. fn returns 0 or a roster error. */
int store_pg_txn(struct store_pg *pg, enum pg__isolation iso,
                 int (*fn)(struct store_pg *pg, void *arg), void *arg, int *attempts);

/* ---- migrations (migrate.c) ---- */

struct pg__migration {
    int version; /* 1, 2, … without gaps */
    const char *sql;
};

/* Brings the schema to the last of m[0..n) in one transaction under a transaction-scoped
 * advisory lock, so nodes starting together migrate exactly once; a database newer than m is
 * R_ESTORE with a message. */
int pg__migrate(struct store_pg *pg, const struct pg__migration *m, size_t n, char *err,
                size_t errlen);
extern const struct pg__migration pg__migrations[];
extern const size_t pg__nmigrations;

#endif
