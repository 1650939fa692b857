/* Administrative subcommands: init (bootstrap a team), user add, token add. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/core.h"
#include "util/err.h"
#include "util/jw.h"

/* Opens the store (--store, else the default) and an arena for a CLI command; returns 0 or the
 * exit status. */
static int open_ctx(const char *cmd, const char *flag, struct core_ctx *cx, struct arena *a)
{
    int status = cli_store_open(cmd, flag, &cx->st);
    if (status)
        return status;
    arena_init(a, 0);
    cx->a = a;
    return 0;
}

static void close_ctx(struct core_ctx *cx)
{
    store_close(cx->st);
    arena_free(cx->a);
}

/* The user `user add` made, with the fields and names of an ASA user object (the API suite
 * checks that a list shows the same object), rendered here from core's answers. */
static void write_user(struct jw *w, const struct store_user *u, const char *team)
{
    struct buf full;
    buf_init(&full, 4096);
    bool has_full = core_user_full_name(u, &full);
    jw_obj_begin(w);
    jw_kstr(w, "id", u->uuid);
    jw_kstr(w, "name", u->name);
    jw_kstr(w, "team_name", team);
    jw_kstr(w, "status", core_asa_status_name(core_user_asa_status(u)));
    jw_kstr(w, "user_type", "human");
    jw_key(w, "details");
    jw_obj_begin(w);
    jw_kstr(w, "first_name", u->first_name);
    jw_kstr(w, "last_name", u->last_name);
    jw_kstr(w, "full_name", has_full ? buf_cstr(&full) : NULL);
    jw_kstr(w, "email", u->email);
    jw_obj_end(w);
    /* a new user: never deleted, no client application, no grants */
    static const char *const none[] = {"deleted_at", "oauth_client_application_id", "role_grants"};
    for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
        jw_knull(w, none[i]);
    jw_obj_end(w);
    buf_free(&full);
}

/* Prints the JSON written into b as one line. */
static void print_buf(struct buf *b)
{
    puts(buf_cstr(b));
    buf_free(b);
}

int cli_init(int argc, char **argv)
{
    static const struct option opts[] = {
        {"store", required_argument, NULL, 's'},
        {"team", required_argument, NULL, 't'},
        {0, 0, 0, 0},
    };
    const char *store = NULL, *team = NULL;
    int o;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (o == 's')
            store = optarg;
        else if (o == 't')
            team = optarg;
        else
            return 2;
    }
    if (!team) {
        fputs("roster init: --team NAME is required\n", stderr);
        return 2;
    }
    struct core_ctx cx;
    struct arena a;
    int st;
    struct core_bootstrap b;
    if ((st = open_ctx("init", store, &cx, &a)))
        return st;
    int rc = core_bootstrap(&cx, team, &b);
    if (rc == R_EINVAL)
        fprintf(stderr, "roster init: team names match ^[a-z0-9][a-z0-9-]{0,62}$\n");
    else if (rc)
        fprintf(stderr, "roster init: %s\n", roster_err_str(rc));
    else {
        struct buf out;
        struct jw w;
        buf_init(&out, 0);
        jw_init(&w, &out);
        jw_obj_begin(&w);
        jw_kstr(&w, "team", b.team);
        jw_kstr(&w, "key_id", b.key_id);
        jw_kstr(&w, "key_secret", b.key_secret);
        jw_kstr(&w, "api_token", b.api_token);
        jw_obj_end(&w);
        print_buf(&out);
    }
    close_ctx(&cx);
    return rc ? 1 : 0;
}

int cli_user(int argc, char **argv)
{
    static const struct option opts[] = {
        {"store", required_argument, NULL, 's'}, {"team", required_argument, NULL, 't'},
        {"name", required_argument, NULL, 'n'},  {"email", required_argument, NULL, 'e'},
        {"first", required_argument, NULL, 'f'}, {"last", required_argument, NULL, 'l'},
        {"login", required_argument, NULL, 'L'}, {0, 0, 0, 0},
    };
    if (argc < 2 || strcmp(argv[1], "add") != 0) {
        fputs("usage: roster user add --team T --name N [--email E] [--first F] [--last L]\n",
              stderr);
        return 2;
    }
    argc--;
    argv++;
    const char *store = NULL, *team = NULL;
    struct core_user_new nu = {.user_type = STORE_USER_HUMAN, .status = STORE_USER_ACTIVE};
    int o;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 's': store = optarg; break;
        case 't': team = optarg; break;
        case 'n': nu.name = optarg; break;
        case 'e': nu.email = optarg; break;
        case 'f': nu.first_name = optarg; break;
        case 'l': nu.last_name = optarg; break;
        case 'L': nu.login = optarg; break;
        default: return 2;
        }
    }
    if (!team || !nu.name) {
        fputs("roster user add: --team and --name are required\n", stderr);
        return 2;
    }
    if (!nu.login)
        nu.login = nu.email;
    struct core_ctx cx;
    struct arena a;
    int st;
    struct store_team t;
    struct store_user u;
    if ((st = open_ctx("user add", store, &cx, &a)))
        return st;
    int rc = core_team_get(&cx, team, &t);
    if (rc)
        fprintf(stderr, "roster user add: no team '%s'\n", team);
    else if ((rc = core_user_create(&cx, &t, &nu, &u)))
        fprintf(stderr, "roster user add: %s\n",
                rc == R_EEXIST   ? "that name or login is taken (ASA names are never reused)"
                : rc == R_EINVAL ? "user names are letters, digits, '.', '_' and '-'"
                                 : roster_err_str(rc));
    else {
        struct buf out;
        struct jw w;
        buf_init(&out, 0);
        jw_init(&w, &out);
        write_user(&w, &u, t.name);
        print_buf(&out);
    }
    close_ctx(&cx);
    return rc ? 1 : 0;
}

int cli_token(int argc, char **argv)
{
    static const struct option opts[] = {
        {"store", required_argument, NULL, 's'},
        {"team", required_argument, NULL, 't'},
        {"user", required_argument, NULL, 'u'},
        {0, 0, 0, 0},
    };
    if (argc < 2 || strcmp(argv[1], "add") != 0) {
        fputs("usage: roster token add --team T --user NAME\n", stderr);
        return 2;
    }
    argc--;
    argv++;
    const char *store = NULL, *team = NULL, *user = NULL;
    int o;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (o == 's')
            store = optarg;
        else if (o == 't')
            team = optarg;
        else if (o == 'u')
            user = optarg;
        else
            return 2;
    }
    if (!team || !user) {
        fputs("roster token add: --team and --user are required\n", stderr);
        return 2;
    }
    struct core_ctx cx;
    struct arena a;
    int st;
    const char *tok;
    if ((st = open_ctx("token add", store, &cx, &a)))
        return st;
    int rc = core_api_token_create(&cx, team, user, &tok);
    if (rc)
        fprintf(stderr, "roster token add: %s\n", roster_err_str(rc));
    else {
        struct buf out;
        struct jw w;
        buf_init(&out, 0);
        jw_init(&w, &out);
        jw_obj_begin(&w);
        jw_kstr(&w, "team", team);
        jw_kstr(&w, "user", user);
        jw_kstr(&w, "api_token", tok);
        jw_obj_end(&w);
        print_buf(&out);
    }
    close_ctx(&cx);
    return rc ? 1 : 0;
}
