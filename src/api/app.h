/* What the dialects share: the application and per-thread contexts, and JSON output. */
#ifndef ROSTER_API_APP_H
#define ROSTER_API_APP_H

#include <jansson.h>

#include "core/core.h"
#include "http/http.h"

struct api_app {
    const char *store_url;
    struct http_ratelimit *rl; /* NULL: rate limits off */
};

/* One per worker thread: its own store connection (and, through it, its statements). */
struct api_worker {
    struct store_conn *st;
};

void *api_worker_init(void *app);
void api_worker_fini(void *app, void *worker);

/* Core context for this request: the worker's store connection and the request arena.
 * R_EBUSY when the worker has no store connection. */
int api_core_ctx(struct http_request *req, struct core_ctx *cx);

/* Serialises v (reference stolen) as the response body with the status. */
void api_send_json(struct http_response *resp, int status, json_t *v);

/* A JSON string value or NULL for a NULL pointer. */
json_t *api_str_or_null(const char *s);
/* An ISO-8601 time with milliseconds, or JSON null for 0. */
json_t *api_time_or_null(int64_t ms);

#endif
