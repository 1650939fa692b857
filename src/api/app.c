/* Shared dialect plumbing: worker contexts, rate-limit budgets and JSON responses. */
#include <stdlib.h>
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

int api_rate_limit(struct http_request *req, const char *principal, struct http_rl_state *st)
{
    struct api_app *app = req->app;
    *st = (struct http_rl_state){0};
    if (!app || !app->rl)
        return 0;
    char peer[HTTP_RL_PEER_KEY_MAX];
    if (!principal) {
        http_ratelimit_peer_key(req->peer, peer);
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
    http_ratelimit_peer_key(req->peer, peer);
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
