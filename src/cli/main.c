/* roster: one binary, subcommands that call core (never HTTP handlers or SQL). */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static void usage(FILE *f)
{
    fputs("usage: roster <command> [options]\n"
          "  serve  [--listen HOST:PORT] [--store URL] [--public-url URL] [--rate-limit N]\n"
          "         [--access-log on|off] [--tls-cert FILE --tls-key FILE] [--threads N]\n"
          "         [--max-body BYTES] [--max-header BYTES] [--max-connections N]\n"
          "         [--idle-timeout SECONDS] [--json-depth N] [--max-expression BYTES]\n"
          "         [--rate-limit-window SECONDS]   (for tests: window length, default 60)\n"
          "  init   --team NAME [--store URL]      bootstrap a team, print its credentials\n"
          "  user add --team T --name N --email E --first F --last L [--store URL]\n"
          "  token add --team T --user NAME [--store URL]   mint an Okta API token\n"
          "store URLs: sqlite:PATH (default sqlite:var/roster.db)\n",
          f);
}

int main(int argc, char **argv)
{
    if (sodium_init() < 0) {
        fputs("roster: libsodium failed to start\n", stderr);
        return 1;
    }
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "serve") == 0)
        return cli_serve(argc - 1, argv + 1);
    if (strcmp(cmd, "init") == 0)
        return cli_init(argc - 1, argv + 1);
    if (strcmp(cmd, "user") == 0)
        return cli_user(argc - 1, argv + 1);
    if (strcmp(cmd, "token") == 0)
        return cli_token(argc - 1, argv + 1);
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "roster: unknown command '%s'\n", cmd);
    usage(stderr);
    return 2;
}
