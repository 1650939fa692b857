/* The HTTP layer: request/response model, router, input decoding rules (DESIGN.md §3),
 * request ids and access logging. Dialects (src/api/...) register routes and an error
 * renderer; nothing here knows about ASA or Okta shapes. */
#ifndef ROSTER_HTTP_H
#define ROSTER_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/slice.h"

enum http_method {
    HTTP_GET = 1,
    HTTP_POST,
    HTTP_PUT,
    HTTP_PATCH,
    HTTP_DELETE,
    HTTP_HEAD,
    HTTP_OPTIONS,
    HTTP_OTHER,
};

/* Kinds of input error found before a handler runs; each dialect maps them to its own
 * status code and error body. */
enum http_input_err {
    HTTP_IN_NOT_FOUND = 1,   /* no route: 404 */
    HTTP_IN_METHOD,          /* route exists, method does not: 405 */
    HTTP_IN_MEDIA_TYPE,      /* body with an unsupported Content-Type */
    HTTP_IN_BAD_JSON,        /* malformed JSON, duplicate keys, invalid UTF-8, too deep */
    HTTP_IN_BAD_PATH,        /* undecodable path (bad %XX, NUL byte) */
    HTTP_IN_BAD_QUERY,       /* undecodable query string, too many params */
    HTTP_IN_TOO_BIG,         /* body over the limit: 413 */
    HTTP_IN_INTERNAL,        /* out of memory etc: 500 */
    HTTP_IN_BAD_REQUEST,     /* malformed request (HTTP/1.1 without Host): 400 */
    HTTP_IN_HEADERS_TOO_BIG, /* request headers over the limit: 431 */
    HTTP_IN_BAD_HEADER,      /* a header name or value holding NUL, CR or LF: 400 */
    HTTP_IN_TARGET_TOO_LONG, /* request target (path and query) over the limit: 414 */
    HTTP_IN_BAD_FRAMING,     /* body framing open to smuggling (RFC 9112 §6): 400, closed */
    HTTP_IN_CODING,          /* a transfer coding Roster does not implement: 501, closed */
};

#define HTTP_MAX_SEGS 16
#define HTTP_MAX_PARAMS 64
#define HTTP_MAX_RESP_HEADERS 16

struct http_param {
    struct slice key; /* decoded */
    struct slice val; /* decoded ('+' and %20 are spaces) */
};

struct http_header {
    const char *name;
    const char *value;
};

struct http_server; /* opaque, owned by net */

struct http_request {
    struct arena *arena; /* request-scoped memory; freed when the response completes */
    enum http_method method;
    const char *method_str;
    struct slice path;                /* raw path as received, without the query */
    struct slice segs[HTTP_MAX_SEGS]; /* decoded segments; "//x/" and "/x/" give {"x"} */
    size_t nsegs;
    struct http_param params[HTTP_MAX_PARAMS]; /* decoded; identical key+value pairs once */
    size_t nparams;
    struct slice body; /* raw body bytes (arena) */
    /* the parsed body, or NULL when the body is empty; parsed by http_body_json (the dialect
     * calls it once the caller is authenticated, so no one unauthenticated makes Roster
     * parse a body); freed by the layer */
    json_t *json;
    const char *request_id; /* 32 lowercase hex chars */
    const char *base_url;   /* "--public-url" or "http(s)://" + Host; no trailing '/' */
    const char *peer;       /* "ip:port" */
    struct slice route_params[HTTP_MAX_SEGS]; /* values of ":name" segments, in order */
    size_t nroute_params;
    void *conn_ctx;        /* the opaque per-request handle used by http_header() */
    void *app;             /* application context given to http_server_start */
    void *worker;          /* per-thread context (see http_worker_ctx) */
    const char *principal; /* set by the dialect after auth, for the access log */
    /* for http_body_json: the dialect that renders its errors, the limits, its state */
    const struct http_dialect *dialect;
    size_t json_max_depth, json_max_items;
    int json_state; /* 0 not parsed, 1 parsed (or empty), -1 refused */
};

struct http_response {
    int status;
    struct buf body;          /* response bytes; the layer frees it */
    const char *content_type; /* default "application/json" when the body is non-empty */
    struct http_header headers[HTTP_MAX_RESP_HEADERS];
    size_t nheaders;
};

/* Adds a header; name and value must live as long as the request (arena or static). */
void http_resp_header(struct http_response *resp, const char *name, const char *value);

/* Route parameter i (":name" segments, in order) as a NUL-terminated arena copy; "" when
 * there is no such parameter or memory ran out. */
const char *http_route_param(struct http_request *req, size_t i);

/* Returns the request header value (case-insensitive name), or NULL. */
const char *http_header(struct http_request *req, const char *name);

/* Query helpers. http_param returns the first value of key or NULL;
 * http_params_all collects every distinct value (repeated keys and comma lists split) and
 * returns their count, or max + 1 when there are more than max (callers refuse that). */
const struct slice *http_param(const struct http_request *req, const char *key);
size_t http_params_all(const struct http_request *req, const char *key, struct slice *out,
                       size_t max, bool split_commas);

typedef void (*http_handler)(struct http_request *req, struct http_response *resp);
typedef void (*http_error_renderer)(struct http_request *req, struct http_response *resp,
                                    enum http_input_err kind, const char *message);

struct http_route {
    enum http_method method;
    const char *pattern; /* "/v1/teams/:team/groups/:group"; segments compared after decoding */
    http_handler handler;
};

/* A dialect: every path under prefix belongs to it (e.g. "/v1/" or "/api/v1/"). */
struct http_dialect {
    const char *name;
    const char *prefix;
    const struct http_route *routes;
    size_t nroutes;
    http_error_renderer render_error;
    /* Called for every response of this dialect before it is sent (headers such as
     * X-Okta-Request-Id); may be NULL. */
    void (*finish)(struct http_request *req, struct http_response *resp);
};

/* Parses the request body as JSON into req->json (NULL for an empty body), once: 0, or -1
 * after answering 400 in the dialect's format. Dialects call it after authentication. */
int http_body_json(struct http_request *req, struct http_response *resp);

/* ---- pure parsers (no I/O, no globals): unit-tested and fuzzed ---- */

/* Splits a raw path into decoded segments: accepts a doubled leading "//" and one trailing
 * '/'; any other empty segment → R_ENOTFOUND (never collapsed, which would shift route
 * parameters). Decodes %XX (rejects bad escapes and %00). Segments live in the arena. */
int http_parse_path(struct arena *a, struct slice raw, struct slice *segs, size_t max,
                    size_t *nsegs);
/* Parses a raw query string: '&'-separated, '+' and %20 decode to ' ', bad %XX → error,
 * identical key=value pairs kept once, more than max pairs → error. */
int http_parse_query(struct arena *a, struct slice raw, struct http_param *params, size_t max,
                     size_t *nparams);
/* Returns true when a body with this Content-Type (may be NULL) is to be parsed as JSON:
 * application/json (any case, any parameters), missing, or application/x-www-form-urlencoded. */
bool http_media_type_is_json(const char *content_type);
/* The default bound on a body's containers and members (max_items 0). */
#define HTTP_JSON_MAX_ITEMS 20000
/* Strict JSON: rejects duplicate keys, invalid UTF-8, depth > max_depth, trailing garbage.
 * On success *out is a new reference the caller frees with json_decref. */
int http_parse_json(struct slice body, size_t max_depth, size_t max_items, json_t **out);
/* Percent-encodes s for a URL path segment or query value into b. */
int http_url_encode(struct buf *b, struct slice s);
/* Matches decoded segments against a route pattern, filling params; true on match. */
bool http_route_match(const char *pattern, const struct slice *segs, size_t nsegs,
                      struct slice *params, size_t *nparams);

/* ---- rate limiting (fixed windows per principal, thread-safe) ---- */

#define HTTP_RL_WINDOW_DEFAULT 60 /* seconds, as Okta's windows */
#define HTTP_RL_PEER_KEY_MAX 64   /* "ip:" + an IPv6 text + "/64" + NUL fits */

struct http_ratelimit;
struct http_rl_state {
    unsigned limit;     /* requests per window */
    unsigned remaining; /* left in the window after this request (0 when refused) */
    long long reset;    /* UNIX seconds when the window ends: the same all through it */
};
/* limit == 0 → returns NULL (limits off); window in seconds, 0 → HTTP_RL_WINDOW_DEFAULT.
 * NULL too when out of memory. */
struct http_ratelimit *http_ratelimit_new(unsigned limit, unsigned window);
/* Counts one request for key at time now (UNIX seconds); true when allowed, false when the
 * key's window already holds limit requests. */
bool http_ratelimit_take(struct http_ratelimit *rl, const char *key, long long now,
                         struct http_rl_state *st);
/* The rate-limit key of a client address as net formats it ("a.b.c.d:port", "[v6]:port"):
 * the IPv4 address, or the IPv6 address's /64 (IPv4-mapped ones count as IPv4); never the
 * port. Unparseable addresses share the key "ip:-". */
void http_ratelimit_peer_key(const char *peer, char out[HTTP_RL_PEER_KEY_MAX]);
void http_ratelimit_free(struct http_ratelimit *rl);

/* ---- server ---- */

struct http_config {
    const char *listen_host; /* "127.0.0.1" */
    unsigned short port;     /* 0 = pick a free port (read back with http_server_port) */
    const char *public_url;  /* may be NULL */
    unsigned threads;        /* worker threads; 0 = number of cores (at least 2) */
    size_t max_body;         /* bytes; default 1 MiB → 413 beyond */
    size_t max_target;     /* bytes of the request target (path + query); default 16 KiB → 414 */
    size_t max_header;     /* bytes of request headers; → 431 (JSON) beyond. Headers far past
                            * it (over 4x, at least 128 KiB) exhaust libmicrohttpd's
                            * connection memory and get its own plain 431 page */
    unsigned idle_timeout; /* seconds */
    unsigned max_connections;
    unsigned max_per_address; /* connections from one client address; 0: no cap */
    size_t json_max_depth;    /* default 32 */
    bool access_log;
    const char *tls_cert_pem; /* contents, not paths; both NULL for plain HTTP */
    const char *tls_key_pem;
    /* Per-thread hooks: worker_init is called once on each worker thread before its first
     * request and returns that thread's context (req->worker); worker_fini on shutdown. */
    void *(*worker_init)(void *app);
    void (*worker_fini)(void *app, void *worker);
};

/* Starts serving; dialects are tried by longest prefix. Paths matching no dialect get the
 * first dialect's 404. Returns NULL on failure with a message on stderr. */
struct http_server *http_server_start(const struct http_config *cfg,
                                      const struct http_dialect *const *dialects, size_t ndialects,
                                      void *app);
unsigned short http_server_port(struct http_server *s);
void http_server_stop(struct http_server *s);

#endif
