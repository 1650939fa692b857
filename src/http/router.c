/* The request pipeline between socket glue and dialects: dialect choice, routing (404/405),
 * body media type and JSON checks, handler call, error rendering and response headers. */
#include <string.h>

#include "http/http.h"
#include "http/internal.h"
#include "util/err.h"

void http__resp_init(struct http_response *resp)
{
    resp->status = 0;
    buf_init(&resp->body, HTTP__RESP_MAX);
    resp->content_type = NULL;
    resp->nheaders = 0;
}

void http_resp_header(struct http_response *resp, const char *name, const char *value)
{
    if (!name || !value || resp->nheaders >= HTTP_MAX_RESP_HEADERS)
        return;
    resp->headers[resp->nheaders++] = (struct http_header){name, value};
}

enum http_method http__method_from_str(const char *m)
{
    static const struct {
        const char *name;
        enum http_method method;
    } tab[] = {
        {"GET", HTTP_GET},         {"POST", HTTP_POST},     {"PUT", HTTP_PUT},
        {"PATCH", HTTP_PATCH},     {"DELETE", HTTP_DELETE}, {"HEAD", HTTP_HEAD},
        {"OPTIONS", HTTP_OPTIONS},
    };
    for (size_t i = 0; m && i < sizeof(tab) / sizeof(tab[0]); i++)
        if (strcmp(m, tab[i].name) == 0)
            return tab[i].method;
    return HTTP_OTHER;
}

static const char *method_name(enum http_method m)
{
    switch (m) {
    case HTTP_GET: return "GET";
    case HTTP_POST: return "POST";
    case HTTP_PUT: return "PUT";
    case HTTP_PATCH: return "PATCH";
    case HTTP_DELETE: return "DELETE";
    case HTTP_HEAD: return "HEAD";
    case HTTP_OPTIONS: return "OPTIONS";
    default: return NULL;
    }
}

int http__input_err_status(enum http_input_err kind)
{
    switch (kind) {
    case HTTP_IN_NOT_FOUND: return 404;
    case HTTP_IN_METHOD: return 405;
    case HTTP_IN_MEDIA_TYPE: return 415;
    case HTTP_IN_BAD_JSON:
    case HTTP_IN_BAD_PATH:
    case HTTP_IN_BAD_QUERY:
    case HTTP_IN_BAD_REQUEST:
    case HTTP_IN_BAD_HEADER: return 400;
    case HTTP_IN_HEADERS_TOO_BIG: return 431;
    case HTTP_IN_TARGET_TOO_LONG: return 414;
    case HTTP_IN_BAD_FRAMING: return 400;
    case HTTP_IN_CODING: return 501;
    case HTTP_IN_TOO_BIG: return 413;
    default: return 500;
    }
}

static const char *input_err_message(enum http_input_err kind)
{
    switch (kind) {
    case HTTP_IN_NOT_FOUND: return "Not found";
    case HTTP_IN_METHOD: return "Method not allowed";
    case HTTP_IN_MEDIA_TYPE: return "Unsupported Content-Type; use application/json";
    case HTTP_IN_BAD_JSON: return "The request body is not valid JSON";
    case HTTP_IN_BAD_PATH: return "The request path could not be decoded";
    case HTTP_IN_BAD_QUERY: return "The query string could not be decoded";
    case HTTP_IN_TOO_BIG: return "The request body is too large";
    case HTTP_IN_BAD_REQUEST: return "Malformed request: HTTP/1.1 needs a Host header";
    case HTTP_IN_HEADERS_TOO_BIG: return "The request headers are too large";
    case HTTP_IN_BAD_HEADER: return "A request header holds a NUL, CR or LF byte";
    case HTTP_IN_TARGET_TOO_LONG: return "The request target (path and query) is too long";
    case HTTP_IN_BAD_FRAMING:
        return "The body's framing is ambiguous: Transfer-Encoding with Content-Length, "
               "Content-Lengths that differ, or a last transfer coding other than chunked";
    case HTTP_IN_CODING: return "The request's transfer coding is not implemented (only chunked)";
    default: return "Internal server error";
    }
}

/* Renders an input error through the dialect; finish: then the dialect's finish hook (not
 * when a handler answers it: the router calls the hook after every handler). */
static void render_input_error(const struct http_dialect *d, struct http_request *req,
                               struct http_response *resp, enum http_input_err kind,
                               const char *message, const char *allow, bool finish)
{
    buf_free(&resp->body);
    http__resp_init(resp);
    resp->status = http__input_err_status(kind);
    if (!message)
        message = input_err_message(kind);
    if (d && d->render_error)
        d->render_error(req, resp, kind, message);
    if (resp->body.oom) {
        /* the renderer itself ran out: send the status with no body */
        buf_free(&resp->body);
        resp->content_type = NULL;
    }
    if (allow)
        http_resp_header(resp, "Allow", allow);
    if (finish && d && d->finish)
        d->finish(req, resp);
}

static void respond_error_with(const struct http_dialect *d, struct http_request *req,
                               struct http_response *resp, enum http_input_err kind,
                               const char *message, const char *allow)
{
    render_input_error(d, req, resp, kind, message, allow, true);
}

void http__respond_error(const struct http_dialect *d, struct http_request *req,
                         struct http_response *resp, enum http_input_err kind, const char *message)
{
    respond_error_with(d, req, resp, kind, message, NULL);
}

/* Number of non-empty segments in a dialect prefix such as "/api/v1/". */
static bool prefix_matches(const char *prefix, const struct slice *segs, size_t nsegs,
                           size_t *nprefix)
{
    size_t n = 0;
    const char *p = prefix ? prefix : "";
    for (;;) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (n == nsegs || !slice_eq(segs[n], (struct slice){p, len}))
            return false;
        n++;
        p += len;
    }
    *nprefix = n;
    return true;
}

static const struct http_dialect *pick_dialect(const struct http_dialect *const *dialects,
                                               size_t ndialects, const struct slice *segs,
                                               size_t nsegs)
{
    const struct http_dialect *best = NULL;
    size_t best_n = 0;
    for (size_t i = 0; i < ndialects; i++) {
        size_t n;
        if (dialects[i] && prefix_matches(dialects[i]->prefix, segs, nsegs, &n) &&
            (!best || n > best_n)) {
            best = dialects[i];
            best_n = n;
        }
    }
    return best ? best : (ndialects ? dialects[0] : NULL);
}

/* Raw (undecoded) segments, used to pick a dialect for a path that failed to decode. */
static size_t split_raw(struct slice raw, struct slice *segs, size_t max)
{
    size_t n = 0, i = 0;
    while (i < raw.n && n < max) {
        while (i < raw.n && raw.p[i] == '/')
            i++;
        size_t start = i;
        while (i < raw.n && raw.p[i] != '/')
            i++;
        if (i > start)
            segs[n++] = (struct slice){raw.p + start, i - start};
    }
    return n;
}

static bool ascii_prefix_nocase(struct slice s, const char *prefix)
{
    struct slice p = slice_from_cstr(prefix);
    return s.n >= p.n && slice_eq_nocase((struct slice){s.p, p.n}, p);
}

int http__prepare(struct http_request *req, struct slice target,
                  const struct http_dialect *const *dialects, size_t ndialects,
                  const struct http_dialect **dialect)
{
    /* absolute-form "http://host/path?q" (RFC 9112 §3.2.2): drop scheme and authority */
    if (ascii_prefix_nocase(target, "http://") || ascii_prefix_nocase(target, "https://")) {
        const char *auth = memchr(target.p, ':', target.n) + 3;
        size_t rest = target.n - (size_t)(auth - target.p);
        const char *slash = memchr(auth, '/', rest);
        const char *q = memchr(auth, '?', rest);
        const char *start = slash && (!q || slash < q) ? slash : (q ? q : auth + rest);
        target = (struct slice){start, target.n - (size_t)(start - target.p)};
    }
    const char *q = target.n ? memchr(target.p, '?', target.n) : NULL;
    struct slice path = target, query = SLICE_NULL;
    if (q) {
        path.n = (size_t)(q - target.p);
        query = (struct slice){q + 1, target.n - path.n - 1};
    }
    req->path = path;
    req->nsegs = req->nparams = 0;

    int err = 0;
    int rc = http_parse_path(req->arena, path, req->segs, HTTP_MAX_SEGS, &req->nsegs);
    if (rc == R_ETOOBIG) {
        err = HTTP_IN_NOT_FOUND; /* no route has that many segments */
    } else if (rc) {
        /* an empty segment or a bad escape: the dialect comes from the raw segments */
        err = rc == R_ENOTFOUND ? HTTP_IN_NOT_FOUND
              : rc == R_ENOMEM  ? HTTP_IN_INTERNAL
                                : HTTP_IN_BAD_PATH;
        struct slice raw[HTTP_MAX_SEGS];
        size_t nraw = split_raw(path, raw, HTTP_MAX_SEGS);
        *dialect = pick_dialect(dialects, ndialects, raw, nraw);
        req->nsegs = 0;
        return err;
    }
    *dialect = pick_dialect(dialects, ndialects, req->segs, req->nsegs);
    if (err)
        return err;
    rc = http_parse_query(req->arena, query, req->params, HTTP_MAX_PARAMS, &req->nparams);
    if (rc) {
        req->nparams = 0;
        return rc == R_ENOMEM ? HTTP_IN_INTERNAL : HTTP_IN_BAD_QUERY;
    }
    return 0;
}

static bool body_is_blank(struct slice b)
{
    for (size_t i = 0; i < b.n; i++)
        if (b.p[i] != ' ' && b.p[i] != '\t' && b.p[i] != '\r' && b.p[i] != '\n')
            return false;
    return true;
}

/* "GET, HEAD, POST" for the routes whose pattern matched; allocated in the arena. */
static const char *allow_header(struct arena *a, const bool *seen)
{
    struct buf b;
    buf_init(&b, 256);
    for (int m = HTTP_GET; m < HTTP_OTHER; m++) {
        if (!seen[m])
            continue;
        if (b.n)
            buf_append_str(&b, ", ");
        buf_append_str(&b, method_name((enum http_method)m));
    }
    char *s = b.oom ? NULL : arena_strndup(a, b.p ? b.p : "", b.n);
    buf_free(&b);
    return s;
}

void http__dispatch(const struct http_dialect *d, struct http_request *req,
                    struct http_response *resp, int input_err, const char *content_type,
                    size_t json_max_depth)
{
    if (input_err) {
        http__respond_error(d, req, resp, (enum http_input_err)input_err, NULL);
        return;
    }
    if (!d) {
        http__respond_error(d, req, resp, HTTP_IN_NOT_FOUND, NULL);
        return;
    }

    /* route: the first route matching path and method; HEAD falls back to GET */
    const struct http_route *route = NULL, *head_get = NULL;
    bool any_path = false, seen[HTTP_OTHER + 1] = {false};
    struct slice params[HTTP_MAX_SEGS];
    size_t nparams;
    for (size_t i = 0; i < d->nroutes && !route; i++) {
        const struct http_route *r = &d->routes[i];
        if (!r->pattern || !http_route_match(r->pattern, req->segs, req->nsegs, params, &nparams))
            continue;
        any_path = true;
        if (r->method >= HTTP_GET && r->method < HTTP_OTHER)
            seen[r->method] = true;
        if (r->method == req->method)
            route = r;
        else if (req->method == HTTP_HEAD && r->method == HTTP_GET && !head_get)
            head_get = r;
    }
    if (!route)
        route = head_get;
    if (!route) {
        if (!any_path) {
            http__respond_error(d, req, resp, HTTP_IN_NOT_FOUND, NULL);
            return;
        }
        if (seen[HTTP_GET])
            seen[HTTP_HEAD] = true;
        respond_error_with(d, req, resp, HTTP_IN_METHOD, NULL, allow_header(req->arena, seen));
        return;
    }
    http_route_match(route->pattern, req->segs, req->nsegs, req->route_params, &req->nroute_params);

    /* body */
    if (!body_is_blank(req->body)) {
        if (!http_media_type_is_json(content_type)) {
            http__respond_error(d, req, resp, HTTP_IN_MEDIA_TYPE, NULL);
            return;
        }
    }
    req->dialect = d;
    req->json_max_depth = json_max_depth;

    resp->status = 200;
    route->handler(req, resp);
    if (resp->body.oom) {
        http__respond_error(d, req, resp, HTTP_IN_INTERNAL, NULL);
        return;
    }
    if (d->finish)
        d->finish(req, resp);
}

int http_body_json(struct http_request *req, struct http_response *resp)
{
    if (req->json_state)
        return req->json_state < 0 ? -1 : 0;
    req->json_state = 1;
    if (body_is_blank(req->body))
        return 0;
    if (http_parse_json(req->body, req->json_max_depth, req->json_max_items, &req->json)) {
        req->json_state = -1;
        render_input_error(req->dialect, req, resp, HTTP_IN_BAD_JSON, NULL, NULL, false);
        return -1;
    }
    return 0;
}

const char *http_route_param(struct http_request *req, size_t i)
{
    if (i >= req->nroute_params)
        return "";
    const char *s = arena_strndup(req->arena, req->route_params[i].p, req->route_params[i].n);
    return s ? s : "";
}
