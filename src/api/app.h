/* What the dialects share: the application and per-thread contexts, and JSON output. */
#ifndef ROSTER_API_APP_H
#define ROSTER_API_APP_H

#include <jansson.h>

#include "core/core.h"
#include "http/http.h"
#include "util/jw.h"

#define API_MAX_PROXIES 16

/* An address in network order: 4 bytes for IPv4 (IPv4-mapped IPv6 included), else 16. */
struct api_addr {
    unsigned char len;
    unsigned char b[16];
};

struct api_app {
    const char *store_url;
    struct http_ratelimit *rl;       /* NULL: rate limits off */
    struct http_ratelimit *authfail; /* failed authentications per address; NULL: no brake */
    /* the proxies whose X-Forwarded-For names the client (--trusted-proxy); none: the peer
     * is the client */
    struct api_addr proxies[API_MAX_PROXIES];
    size_t nproxies;
    size_t expr_max_len; /* filter/search expressions (bytes); 0: the parser's default */
};

/* One per worker thread: its own store connection (and, through it, its statements). */
struct api_worker {
    struct store_conn *st; /* NULL while the store cannot be opened (tried again, below) */
    struct api_app *app;
    long long retry_at; /* when to try opening the store again (monotonic ms) */
};

void *api_worker_init(void *app);
void api_worker_fini(void *app, void *worker);

/* Core context for this request: the worker's store connection and the request arena.
 * R_EBUSY while the worker has no store connection: a worker whose store could not be opened
 * (the database was down when the thread started) tries again at most every 250 ms. */
int api_core_ctx(struct http_request *req, struct core_ctx *cx);

/* Parses "a.b.c.d", "v6", "[v6]" or any of them with ":port"; false when it is none. */
bool api_addr_parse(const char *s, size_t n, struct api_addr *out);

/* Counts this request in the rate-limit window of principal, or of the client's address
 * (its /64 for IPv6) when principal is NULL. The client's address is the peer's, or, when
 * the peer is a trusted proxy, the nearest address in X-Forwarded-For that is not one. 0 when
 * allowed, R_ELIMIT when the window is used up; st->limit == 0 when limits are off (no headers
 * then). */
int api_rate_limit(struct http_request *req, const char *principal, struct http_rl_state *st);

/* Counts a failed authentication (credentials presented and refused) against the client's
 * address. 0 while under the brake's budget (answer 401 as usual); R_ELIMIT when the address
 * has failed too often in this window: answer 429 (Retry-After is set on resp). Successful
 * calls never count, so an address's valid credentials keep working. */
int api_auth_failed(struct http_request *req, struct http_response *resp);

/* Starts a JSON response body with the status; write it with w, then api_json_end. */
void api_json_begin(struct http_response *resp, int status, struct jw *w);
/* Finishes the body; one that outgrew its buffer stays marked, and the router answers a 500
 * in the dialect's error format. */
void api_json_end(struct http_response *resp, struct jw *w);

/* An ISO-8601 UTC time with milliseconds, or null for 0. */
void api_write_time(struct jw *w, int64_t ms);
static inline void api_write_ktime(struct jw *w, const char *key, int64_t ms)
{
    jw_key(w, key);
    api_write_time(w, ms);
}

#endif
