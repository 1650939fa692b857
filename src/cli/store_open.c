/* The commands' way to their store: --store, else ROSTER_STORE, else the embedded default; a
 * PostgreSQL URL checked first (exit 2 when malformed) with a warning when its password is on
 * the command line; the SQLite default's directory made; the store opened and migrated (exit 1
 * when it cannot be, with one line that never carries the password). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "store/pg/pg.h"
#include "store/store.h"
#include "util/err.h"

const char *cli_store_url(const char *flag)
{
    if (flag && *flag)
        return flag;
    const char *env = getenv("ROSTER_STORE");
    return env && *env ? env : "sqlite:var/roster.db";
}

/* Creates the parent directory of an SQLite store path when it is missing (var/). */
static void ensure_store_dir(const char *url)
{
    if (strncmp(url, "sqlite:", 7) != 0)
        return;
    const char *path = url + 7;
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path)
        return;
    char dir[4096];
    size_t n = (size_t)(slash - path);
    if (n >= sizeof(dir))
        return;
    memcpy(dir, path, n);
    dir[n] = 0;
    mkdir(dir, 0750);
}

/* 0 when url may be opened, else the exit status (2: a malformed PostgreSQL URL). */
static int check_pg_url(const char *cmd, const char *url, bool on_command_line)
{
    if (!store_pg_is_url(url))
        return 0;
    char err[STORE_PG_ERR_MAX];
    struct store_pg_url u;
    int rc = store_pg_url_parse(url, &u, err, sizeof(err));
    if (rc)
        fprintf(stderr, "roster %s: %s\n", cmd, err);
    else if (u.has_password && on_command_line)
        fprintf(stderr,
                "roster %s: warning: --store carries a password, which other users of this "
                "machine can read; set ROSTER_STORE instead, or keep it in libpq's passfile "
                "(PGPASSFILE, ~/.pgpass)\n",
                cmd);
    store_pg_url_free(&u);
    return rc ? 2 : 0;
}

int cli_store_open(const char *cmd, const char *flag, struct store_conn **out)
{
    const char *url = cli_store_url(flag);
    int status = check_pg_url(cmd, url, flag && *flag);
    if (status)
        return status;
    ensure_store_dir(url);
    int rc = store_open(url, out);
    if (!rc)
        return 0;
    /* the PostgreSQL engine said why in its one line (scrubbed of the password); an SQLite
     * path holds no secret */
    if (strncmp(url, "sqlite:", 7) == 0)
        fprintf(stderr, "roster %s: cannot open store %s\n", cmd, url);
    return rc == R_EINVAL ? 2 : 1;
}
