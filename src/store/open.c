/* Opens a store connection: chooses the engine from the URL ("sqlite:PATH", "postgres://…"). */
#include <stdio.h>
#include <string.h>

#include "store/store.h"
#include "util/err.h"

int store_open(const char *url, struct store_conn **out)
{
    if (strncmp(url, "sqlite:", 7) == 0)
        return store_sqlite_open(url + 7, out);
    if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0)
        return store_postgres_open(url, out);
    fprintf(stderr, "roster: unknown store URL (expected sqlite:PATH or postgres://…)\n");
    return R_EINVAL;
}

void store_close(struct store_conn *c)
{
    if (c)
        c->ops->close(c);
}
