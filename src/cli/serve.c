/* roster serve: opens the store, starts the HTTP server with the dialects, waits for
 * SIGTERM/SIGINT and stops cleanly. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/stat.h>

#include "api/app.h"
#include "api/asa/asa.h"
#include "api/okta/okta.h"
#include "api/openapi.h"
#include "cli/cli.h"
#include "util/buf.h"

#define MAX_PEM (1024 * 1024)

/* Reads a whole file (PEM) into a NUL-terminated heap string; NULL on error. */
static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "roster: cannot read %s\n", path);
        return NULL;
    }
    struct buf b;
    buf_init(&b, MAX_PEM);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (buf_append(&b, chunk, n)) {
            fprintf(stderr, "roster: %s is too large\n", path);
            buf_free(&b);
            fclose(f);
            return NULL;
        }
    fclose(f);
    return buf_steal(&b, NULL);
}

/* Splits "HOST:PORT" ("[::1]:8080" too). */
static int parse_listen(const char *s, char *host, size_t hostcap, unsigned short *port)
{
    const char *colon = strrchr(s, ':');
    if (!colon)
        return -1;
    unsigned long long p;
    if (slice_parse_u64(slice_from_cstr(colon + 1), &p) || p > 65535)
        return -1;
    const char *h = s;
    size_t n = (size_t)(colon - s);
    if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
        h++;
        n -= 2;
    }
    if (n == 0 || n >= hostcap)
        return -1;
    memcpy(host, h, n);
    host[n] = 0;
    *port = (unsigned short)p;
    return 0;
}

int cli_serve(int argc, char **argv)
{
    static const struct option opts[] = {
        {"listen", required_argument, NULL, 'l'},
        {"store", required_argument, NULL, 's'},
        {"public-url", required_argument, NULL, 'p'},
        {"rate-limit", required_argument, NULL, 'r'},
        {"access-log", required_argument, NULL, 'a'},
        {"tls-cert", required_argument, NULL, 'c'},
        {"tls-key", required_argument, NULL, 'k'},
        {"threads", required_argument, NULL, 'T'},
        {"max-body", required_argument, NULL, 'B'},
        {"max-header", required_argument, NULL, 'H'},
        {"max-connections", required_argument, NULL, 'C'},
        {"idle-timeout", required_argument, NULL, 'I'},
        {"json-depth", required_argument, NULL, 'J'},
        {"max-expression", required_argument, NULL, 'E'},
        {"rate-limit-window", required_argument, NULL, 'W'},
        {"auth-fail-limit", required_argument, NULL, 'F'},
        {"max-target", required_argument, NULL, 'G'},
        {"max-connections-per-address", required_argument, NULL, 'A'},
        {"trusted-proxy", required_argument, NULL, 'P'},
        {0, 0, 0, 0},
    };
    /* Every limit is explicit and configurable (DESIGN.md §6): flag, value, bounds. */
    struct limit {
        int opt;
        const char *name;
        unsigned long long value, min, max;
    } limits[] = {
        {'T', "--threads", 0, 0, 256},
        {'B', "--max-body", 1024 * 1024, 1024, 64ull << 20},
        {'H', "--max-header", 32 * 1024, 1024, 1024 * 1024},
        {'C', "--max-connections", 1024, 1, 1000000},
        {'I', "--idle-timeout", 30, 1, 3600},
        {'J', "--json-depth", 32, 2, 1000},
        {'E', "--max-expression", 4096, 16, 1024 * 1024},
        /* for tests: shorter windows keep rate-limit tests to seconds */
        {'W', "--rate-limit-window", HTTP_RL_WINDOW_DEFAULT, 1, 3600},
        /* failed authentications per client address and window (0: no brake) */
        {'F', "--auth-fail-limit", 100, 0, 1000000},
        {'G', "--max-target", 16 * 1024, 256, 1024 * 1024},
        /* 0: no cap */
        {'A', "--max-connections-per-address", 256, 0, 1000000},
    };
    const char *listen = getenv("ROSTER_LISTEN"), *store = NULL;
    const char *public_url = getenv("ROSTER_PUBLIC_URL");
    const char *cert = NULL, *key = NULL;
    unsigned long long rate = 0;
    struct api_addr proxies[API_MAX_PROXIES];
    size_t nproxies = 0;
    bool access_log = true;
    int o;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'l': listen = optarg; break;
        case 's': store = optarg; break;
        case 'p': public_url = optarg; break;
        case 'r':
            if (slice_parse_u64(slice_from_cstr(optarg), &rate) || rate > 1000000) {
                fputs("roster serve: --rate-limit takes requests per window (a minute)\n", stderr);
                return 2;
            }
            break;
        case 'T':
        case 'B':
        case 'H':
        case 'C':
        case 'I':
        case 'J':
        case 'E':
        case 'W':
        case 'F':
        case 'G':
        case 'A':
            for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
                struct limit *l = &limits[i];
                if (l->opt != o)
                    continue;
                if (slice_parse_u64(slice_from_cstr(optarg), &l->value) || l->value < l->min ||
                    l->value > l->max) {
                    fprintf(stderr, "roster serve: %s takes a number from %llu to %llu\n", l->name,
                            l->min, l->max);
                    return 2;
                }
            }
            break;
        case 'P':
            /* ADDR[,ADDR…]; the flag may repeat */
            for (const char *p = optarg; *p;) {
                size_t n = strcspn(p, ",");
                if (nproxies == API_MAX_PROXIES || !api_addr_parse(p, n, &proxies[nproxies])) {
                    fprintf(stderr,
                            "roster serve: --trusted-proxy takes up to %d IP addresses, "
                            "comma-separated; got '%s'\n",
                            API_MAX_PROXIES, optarg);
                    return 2;
                }
                nproxies++;
                p += n + (p[n] == ',');
            }
            break;
        case 'a': access_log = strcmp(optarg, "off") != 0; break;
        case 'c': cert = optarg; break;
        case 'k': key = optarg; break;
        default: return 2;
        }
    }
    if (!listen || !*listen)
        listen = "127.0.0.1:8080";
    char host[256];
    unsigned short port;
    if (parse_listen(listen, host, sizeof(host), &port)) {
        fprintf(stderr, "roster serve: --listen wants HOST:PORT, got '%s'\n", listen);
        return 2;
    }
    if (!cert != !key) {
        fputs("roster serve: --tls-cert and --tls-key go together\n", stderr);
        return 2;
    }
    int status = 1;
    char *cert_pem = NULL, *key_pem = NULL;
    struct http_server *srv = NULL;
    struct api_app app = {.store_url = cli_store_url(store),
                          .expr_max_len = (size_t)limits[6].value};
    if (cert && (!(cert_pem = read_file(cert)) || !(key_pem = read_file(key))))
        goto out;

    /* Open once up front: creates and migrates the store before any worker runs. */
    struct store_conn *probe;
    if ((status = cli_store_open("serve", store, &probe)))
        goto out;
    status = 1;
    store_close(probe);
    memcpy(app.proxies, proxies, nproxies * sizeof(proxies[0]));
    app.nproxies = nproxies;
    app.rl = http_ratelimit_new((unsigned)rate, (unsigned)limits[7].value);
    app.authfail = http_ratelimit_new((unsigned)limits[8].value, (unsigned)limits[7].value);
    if ((rate && !app.rl) || (limits[8].value && !app.authfail)) {
        fputs("roster serve: cannot start the rate limiter\n", stderr);
        goto out;
    }

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* workers inherit the mask */
    signal(SIGPIPE, SIG_IGN);

    struct http_config cfg = {
        .listen_host = host,
        .port = port,
        .public_url = public_url && *public_url ? public_url : NULL,
        .threads = (unsigned)limits[0].value,
        .max_body = (size_t)limits[1].value,
        .max_header = (size_t)limits[2].value,
        .max_target = (size_t)limits[9].value,
        .max_connections = (unsigned)limits[3].value,
        .max_per_address = (unsigned)limits[10].value,
        .idle_timeout = (unsigned)limits[4].value,
        .json_max_depth = (size_t)limits[5].value,
        .access_log = access_log,
        .tls_cert_pem = cert_pem,
        .tls_key_pem = key_pem,
        .worker_init = api_worker_init,
        .worker_fini = api_worker_fini,
    };
    /* Routes outside both dialects answer errors in the ASA format, the server's default. */
    const struct http_dialect meta_dialect = {
        .name = "meta",
        .prefix = "/openapi.json",
        .routes = api_meta_routes,
        .nroutes = api_meta_nroutes,
        .render_error = asa_render_input_error,
    };
    const struct http_dialect *dialects[] = {&asa_dialect, &okta_dialect, &meta_dialect};
    srv = http_server_start(&cfg, dialects, sizeof(dialects) / sizeof(dialects[0]), &app);
    if (!srv)
        goto out;
    fprintf(stderr, "roster: listening on %s://%s%s%s:%u\n", cert ? "https" : "http",
            strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "",
            http_server_port(srv));
    fflush(stderr);
    int sig;
    sigwait(&set, &sig);
    fprintf(stderr, "roster: stopping (signal %d)\n", sig);
    status = 0;
out:
    if (srv)
        http_server_stop(srv);
    http_ratelimit_free(app.rl);
    http_ratelimit_free(app.authfail);
    free(cert_pem);
    free(key_pem);
    return status;
}
