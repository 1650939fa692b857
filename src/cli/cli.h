/* The roster command's subcommands. Each returns the process exit status. */
#ifndef ROSTER_CLI_H
#define ROSTER_CLI_H

#include <stdbool.h>

int cli_serve(int argc, char **argv);
int cli_init(int argc, char **argv);
int cli_user(int argc, char **argv);
int cli_token(int argc, char **argv);

/* --store, else ROSTER_STORE, else the embedded default. */
const char *cli_store_url(const char *flag);

struct store_conn;

/* Opens the store of --store (flag), ROSTER_STORE or the default, creating and migrating it;
 * 0, or the exit status after a one-line message (2: malformed URL, 1: cannot open). cmd
 * names the command in messages. */
int cli_store_open(const char *cmd, const char *flag, struct store_conn **out);

#endif
