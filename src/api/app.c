/* Shared dialect plumbing: worker contexts, rate-limit budgets and JSON responses. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/app.h"
#include "util/err.h"

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#define STORE_RETRY_MS 250

void *api_worker_init(void *app)
{
    struct api_app *a = app;
    struct api_worker *w = calloc(1, sizeof(*w));
    if (!w)
        return NULL;
    w->app = a;
    if (store_open(a->store_url, &w->st) != 0) {
        w->st = NULL;
        w->retry_at = mono_ms() + STORE_RETRY_MS;
    }
    return w;
}

void api_worker_fini(void *app, void *worker)
{
    (void)app;
    struct api_worker *w = worker;
    if (!w)
        return;
    store_close(w->st);
    free(w);
}

int api_core_ctx(struct http_request *req, struct core_ctx *cx)
{
    struct api_worker *w = req->worker;
    if (!w)
        return R_EBUSY;
    if (!w->st) {
        long long now = mono_ms();
        if (now < w->retry_at)
            return R_EBUSY;
        if (store_open(w->app->store_url, &w->st) != 0) {
            w->st = NULL;
            w->retry_at = now + STORE_RETRY_MS;
            return R_EBUSY;
        }
    }
    cx->st = w->st;
    cx->a = req->arena;
    return 0;
}

bool api_addr_parse(const char *s, size_t n, struct api_addr *out)
{
    char host[INET6_ADDRSTRLEN + 1];
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n && s[0] == '[') {
        /* "[v6]" or "[v6]:port" */
        const char *close = memchr(s, ']', n);
        if (!close)
            return false;
        n = (size_t)(close - s) - 1;
        s++;
    } else {
        /* "v4:port": one colon; more than one is a bare IPv6 address */
        const char *c = memchr(s, ':', n);
        if (c && !memchr(c + 1, ':', n - (size_t)(c + 1 - s)))
            n = (size_t)(c - s);
    }
    if (!n || n >= sizeof(host))
        return false;
    memcpy(host, s, n);
    host[n] = 0;
    struct in6_addr a6;
    if (inet_pton(AF_INET, host, out->b) == 1) {
        out->len = 4;
        return true;
    }
    if (inet_pton(AF_INET6, host, &a6) != 1)
        return false;
    if (IN6_IS_ADDR_V4MAPPED(&a6)) {
        out->len = 4;
        memcpy(out->b, a6.s6_addr + 12, 4);
    } else {
        out->len = 16;
        memcpy(out->b, a6.s6_addr, 16);
    }
    return true;
}

static bool trusted(const struct api_app *app, const char *s, size_t n)
{
    struct api_addr a;
    if (!api_addr_parse(s, n, &a))
        return false;
    for (size_t i = 0; i < app->nproxies; i++)
        if (app->proxies[i].len == a.len && memcmp(app->proxies[i].b, a.b, a.len) == 0)
            return true;
    return false;
}

/* The rate-limit key of the request's client (see api_rate_limit). */
static void client_key(struct http_request *req, char out[HTTP_RL_PEER_KEY_MAX])
{
    const struct api_app *app = req->app;
    const char *peer = req->peer ? req->peer : "";
    const char *xff = app->nproxies ? http_header(req, "X-Forwarded-For") : NULL;
    if (xff && trusted(app, peer, strlen(peer))) {
        /* from the right: each proxy appends the address it got the request from */
        size_t end = strlen(xff);
        while (end) {
            size_t start = end;
            while (start && xff[start - 1] != ',')
                start--;
            struct api_addr a;
            if (!api_addr_parse(xff + start, end - start, &a))
                break; /* not an address: the peer stays the client */
            if (!trusted(app, xff + start, end - start)) {
                char one[INET6_ADDRSTRLEN + 8];
                size_t n = end - start < sizeof(one) - 1 ? end - start : sizeof(one) - 1;
                memcpy(one, xff + start, n);
                one[n] = 0;
                http_ratelimit_peer_key(one, out);
                return;
            }
            end = start ? start - 1 : 0;
        }
    }
    http_ratelimit_peer_key(peer, out);
}

int api_rate_limit(struct http_request *req, const char *principal, struct http_rl_state *st)
{
    struct api_app *app = req->app;
    *st = (struct http_rl_state){0};
    if (!app || !app->rl)
        return 0;
    char peer[HTTP_RL_PEER_KEY_MAX];
    if (!principal) {
        client_key(req, peer);
        principal = peer;
    }
    return http_ratelimit_take(app->rl, principal, (long long)time(NULL), st) ? 0 : R_ELIMIT;
}

int api_auth_failed(struct http_request *req, struct http_response *resp)
{
    struct api_app *app = req->app;
    if (!app || !app->authfail)
        return 0;
    char peer[HTTP_RL_PEER_KEY_MAX];
    client_key(req, peer);
    struct http_rl_state st;
    long long now = (long long)time(NULL);
    if (http_ratelimit_take(app->authfail, peer, now, &st))
        return 0;
    long long wait = st.reset > now ? st.reset - now : 1;
    http_resp_header(resp, "Retry-After", arena_printf(req->arena, "%lld", wait));
    return R_ELIMIT;
}

void api_json_begin(struct http_response *resp, int status, struct jw *w)
{
    resp->status = status;
    buf_reset(&resp->body);
    jw_init(w, &resp->body);
}

void api_json_end(struct http_response *resp, struct jw *w)
{
    (void)w;
    /* A body that outgrew its buffer keeps oom set: the router then answers a 500 in the
     * dialect's error format instead of a truncated body. */
    (void)resp;
}

void api_write_time(struct jw *w, int64_t ms)
{
    if (!ms) {
        jw_null(w);
        return;
    }
    char t[32];
    core_format_time(ms, t);
    jw_str(w, t);
}
