/* The roster command's subcommands. Each returns the process exit status. */
#ifndef ROSTER_CLI_H
#define ROSTER_CLI_H

int cli_serve(int argc, char **argv);
int cli_init(int argc, char **argv);
int cli_user(int argc, char **argv);
int cli_token(int argc, char **argv);

/* --store, else ROSTER_STORE, else the embedded default. */
const char *cli_store_url(const char *flag);

#endif
