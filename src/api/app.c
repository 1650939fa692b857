/* Shared dialect plumbing: worker contexts and JSON responses. */
#include <stdlib.h>

#include "api/app.h"
#include "util/err.h"

void *api_worker_init(void *app)
{
    struct api_app *a = app;
    struct api_worker *w = calloc(1, sizeof(*w));
    if (!w)
        return NULL;
    if (store_open(a->store_url, &w->st) != 0) {
        free(w);
        return NULL;
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
    if (!w || !w->st)
        return R_EBUSY;
    cx->st = w->st;
    cx->a = req->arena;
    return 0;
}

void api_send_json(struct http_response *resp, int status, json_t *v)
{
    resp->status = status;
    buf_reset(&resp->body);
    if (!v) {
        resp->status = 500;
        buf_append_str(&resp->body, "{}");
        return;
    }
    size_t n = json_dumpb(v, NULL, 0, JSON_COMPACT);
    if (n == 0 || buf_append(&resp->body, "", 0) != 0) {
        json_decref(v);
        resp->status = 500;
        return;
    }
    char *p = malloc(n);
    if (p && json_dumpb(v, p, n, JSON_COMPACT) == n)
        buf_append(&resp->body, p, n);
    else
        resp->status = 500;
    free(p);
    json_decref(v);
}

json_t *api_str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *api_time_or_null(int64_t ms)
{
    if (!ms)
        return json_null();
    char t[32];
    core_format_time(ms, t);
    return json_string(t);
}
