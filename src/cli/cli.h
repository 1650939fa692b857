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

/* For a postgres:// store: checks, reaches and migrates it, and returns the exit status (the
 * engine serves nothing yet); -1 for any other store. cmd names the command in messages. */
int cli_store_pg(const char *cmd, const char *url, bool on_command_line);

#endif
