/* The commands' path to a PostgreSQL store: the URL checked (exit 2 when malformed), a warning
 * when its password is on the command line, the database reached, checked and migrated (exit 1
 * when it cannot be), and a plain refusal to go further until the engine stores entities. */
#include <stdio.h>

#include "cli/cli.h"
#include "store/pg/pg.h"
#include "util/err.h"

int cli_store_pg(const char *cmd, const char *url, bool on_command_line)
{
    if (!store_pg_is_url(url))
        return -1;
    char err[STORE_PG_ERR_MAX];
    struct store_pg_url u;
    int rc = store_pg_url_parse(url, &u, err, sizeof(err));
    if (rc) {
        fprintf(stderr, "roster %s: %s\n", cmd, err);
        store_pg_url_free(&u);
        return 2;
    }
    if (u.has_password && on_command_line)
        fprintf(stderr,
                "roster %s: warning: --store carries a password, which other users of this "
                "machine can read; set ROSTER_STORE instead, or keep it in libpq's passfile "
                "(PGPASSFILE, ~/.pgpass)\n",
                cmd);
    struct store_pg *pg;
    rc = store_pg_open(url, &pg, err, sizeof(err));
    if (rc) {
        fprintf(stderr, "roster %s: %s\n", cmd, err);
        store_pg_url_free(&u);
        return rc == R_EINVAL ? 2 : 1;
    }
    int version = 0;
    store_pg_schema_version(pg, &version);
    store_pg_close(pg);
    fprintf(stderr,
            "roster %s: the PostgreSQL engine does not serve requests yet: %s is reachable and "
            "its schema is at version %d, but teams, users, groups and credentials are stored "
            "only by the SQLite engine so far (use --store sqlite:PATH)\n",
            cmd, u.redacted, version);
    store_pg_url_free(&u);
    return 1;
}
