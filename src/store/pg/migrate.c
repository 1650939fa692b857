/* The PostgreSQL engine's schema: versioned migrations, applied in one transaction under a
 * transaction-scoped advisory lock so that nodes starting together migrate exactly once, and
 * a database newer than this binary refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg/pg.h"
#include "store/pg/schema.h"
#include "util/err.h"

/* Taken by every migration run: the key is "roster" in ASCII. */
#define LOCK_SQL "SELECT pg_advisory_xact_lock(125779883601010)"

/* Applied migrations are never edited: a change to the schema is a new entry at the end. */
const struct pg__migration pg__migrations[] = {
    {1, "CREATE TABLE roster_schema_version (\n"
        "  version integer PRIMARY KEY,\n"
        "  applied_at timestamptz NOT NULL DEFAULT now()\n"
        ")"},
    /* the entity tables, as SQLite's after its migration 5 */
    {2, STORE_PG_MIGRATION_2},
    /* the key that seals enrollment token secrets (store/seal.h), made by the first node to
     * open the database and read by every node: one key for all of them */
    {3, "CREATE TABLE store_keys (\n"
        "  name text COLLATE \"C\" PRIMARY KEY,\n"
        "  key bytea NOT NULL\n"
        ")"},
};
const size_t pg__nmigrations = sizeof(pg__migrations) / sizeof(pg__migrations[0]);

int store_pg_schema_latest(void)
{
    return pg__migrations[pg__nmigrations - 1].version;
}

/* Reads one integer from a one-row, one-column statement. */
static int query_int(struct store_pg *pg, const char *sql, int *out)
{
    PGresult *res;
    int rc = pg__query(pg, sql, 0, NULL, &res);
    if (rc)
        return rc;
    *out = PQntuples(res) == 1 && !PQgetisnull(res, 0, 0)
               ? (int)strtol(PQgetvalue(res, 0, 0), NULL, 10)
               : 0;
    PQclear(res);
    return 0;
}

/* Version 0 is an empty database (no version table yet). */
int store_pg_schema_version(struct store_pg *pg, int *out)
{
    int exists;
    int rc =
        query_int(pg, "SELECT (to_regclass('roster_schema_version') IS NOT NULL)::int", &exists);
    *out = 0;
    if (!rc && exists)
        rc = query_int(pg, "SELECT coalesce(max(version), 0) FROM roster_schema_version", out);
    return rc;
}

int pg__migrate(struct store_pg *pg, const struct pg__migration *m, size_t n, char *err,
                size_t errlen)
{
    int have = 0, want = n ? m[n - 1].version : 0;
    int rc = pg__begin(pg, PG__READ_COMMITTED);
    if (rc)
        goto fail;
    PGresult *res;
    /* READ COMMITTED: the statements after the lock see what the previous holder committed. */
    if ((rc = pg__query(pg, LOCK_SQL, 0, NULL, &res)))
        goto fail;
    PQclear(res);
    if ((rc = store_pg_schema_version(pg, &have)))
        goto fail;
    if (have > want) {
        pg__rollback(pg);
        snprintf(err, errlen,
                 "the database schema is version %d, newer than this roster's %d: upgrade "
                 "roster before starting it on this database",
                 have, want);
        return R_ESTORE;
    }
    for (size_t i = 0; i < n; i++) {
        if (m[i].version <= have)
            continue;
        char v[16];
        snprintf(v, sizeof(v), "%d", m[i].version);
        const char *params[] = {v};
        if ((rc = pg__run(pg, m[i].sql)) ||
            (rc = pg__query(pg, "INSERT INTO roster_schema_version (version) VALUES (?1)", 1,
                            params, &res))) {
            snprintf(err, errlen, "migration %d failed: %s", m[i].version, pg__error(pg));
            pg__rollback(pg);
            return rc;
        }
        PQclear(res);
    }
    if ((rc = pg__commit(pg)))
        goto fail;
    return 0;
fail:
    pg__rollback(pg);
    snprintf(err, errlen, "cannot migrate the schema: %s", pg__error(pg));
    return rc;
}

int store_pg_open(const char *url, struct store_pg **out, char *err, size_t errlen)
{
    struct store_pg *pg;
    *out = NULL;
    int rc = pg__connect(url, &pg, err, errlen);
    if (rc)
        return rc;
    if ((rc = pg__migrate(pg, pg__migrations, pg__nmigrations, err, errlen))) {
        store_pg_close(pg);
        return rc;
    }
    *out = pg;
    return 0;
}
