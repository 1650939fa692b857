/* Okta query parameters, Link paging (rel="self", rel="next") and filter/search expressions. */
#include <stdarg.h>
#include <string.h>

#include "api/okta/okta.h"
#include "util/err.h"
#include "util/fold.h"

const char *okta_query_str(struct http_request *req, const char *key)
{
    const struct slice *v = http_param(req, key);
    if (!v || v->n == 0)
        return NULL;
    return arena_strndup(req->arena, v->p, v->n);
}

int okta_query_bool(struct http_request *req, struct http_response *resp, const char *key,
                    bool dflt, bool *out)
{
    const struct slice *v = http_param(req, key);
    *out = dflt;
    if (!v || v->n == 0)
        return 0;
    if (slice_eq_nocase(*v, SLICE_LIT("true"))) {
        *out = true;
        return 0;
    }
    if (slice_eq_nocase(*v, SLICE_LIT("false"))) {
        *out = false;
        return 0;
    }
    okta_validation(req, resp, key, "must be true or false");
    return -1;
}

int okta_limit(struct http_request *req, struct http_response *resp, unsigned dflt, unsigned max,
               unsigned *out)
{
    const struct slice *v = http_param(req, "limit");
    *out = dflt;
    if (!v || v->n == 0)
        return 0;
    unsigned long long n;
    struct slice s = *v;
    bool neg = s.n && s.p[0] == '-';
    if (neg) {
        s.p++;
        s.n--;
    }
    if (slice_parse_u64(s, &n) != 0 || (neg && n != 1)) {
        okta_error(req, resp, 400, "E0000029", "Invalid paging request.", NULL);
        return -1;
    }
    /* -1 means "all" where Okta allows it: the largest page */
    *out = neg ? max : n < 1 ? 1 : n > max ? max : (unsigned)n;
    return 0;
}

const char *okta_url(struct http_request *req, const char *fmt, ...)
{
    va_list ap;
    struct buf b;
    buf_init(&b, 8192);
    buf_append_str(&b, req->base_url ? req->base_url : "");
    char tmp[1024];
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n > 0 && (size_t)n < sizeof(tmp))
        buf_append(&b, tmp, (size_t)n);
    const char *out = b.oom ? NULL : arena_strndup(req->arena, b.p, b.n);
    buf_free(&b);
    return out;
}

/* base_url + normalised path + the caller's query, with after replaced when given. */
static const char *page_url(struct http_request *req, const char *after)
{
    struct buf b;
    buf_init(&b, 16384);
    buf_append_str(&b, req->base_url ? req->base_url : "");
    for (size_t i = 0; i < req->nsegs; i++) {
        buf_append_str(&b, "/");
        http_url_encode(&b, req->segs[i]);
    }
    char sep = '?';
    for (size_t i = 0; i < req->nparams; i++) {
        struct slice k = req->params[i].key;
        if (after && slice_eq_cstr(k, "after"))
            continue;
        buf_append(&b, &sep, 1);
        sep = '&';
        http_url_encode(&b, k);
        buf_append_str(&b, "=");
        http_url_encode(&b, req->params[i].val);
    }
    if (after) {
        buf_append(&b, &sep, 1);
        buf_append_str(&b, "after=");
        http_url_encode(&b, slice_from_cstr(after));
    }
    const char *out = b.oom ? NULL : arena_strndup(req->arena, b.p, b.n);
    buf_free(&b);
    return out;
}

void okta_links(struct http_request *req, struct http_response *resp, const char *next_after)
{
    const char *self = page_url(req, NULL);
    if (self)
        http_resp_header(resp, "Link", arena_printf(req->arena, "<%s>; rel=\"self\"", self));
    if (next_after) {
        const char *next = page_url(req, next_after);
        if (next)
            http_resp_header(resp, "Link", arena_printf(req->arena, "<%s>; rel=\"next\"", next));
    }
}

void okta_invalid_search(struct http_request *req, struct http_response *resp, const char *cause)
{
    okta_error(req, resp, 400, "E0000031", "Invalid search criteria.", cause);
}

/* sortBy (with search only) and sortOrder (asc or desc; ignored without sortBy, as Okta
 * documents). */
static int list_sort(struct http_request *req, struct http_response *resp, bool search,
                     enum okta_expr_ctx search_ctx, struct store_query *oq)
{
    const char *by = okta_query_str(req, "sortBy");
    if (!by)
        return 0;
    if (!search) {
        okta_invalid_search(req, resp, "sortBy: sorting needs a search");
        return -1;
    }
    if (!okta_expr_sortable(search_ctx, slice_from_cstr(by))) {
        okta_invalid_search(req, resp, "sortBy: not an attribute this list can sort by");
        return -1;
    }
    const struct slice *order = http_param(req, "sortOrder");
    bool desc = order && slice_eq_nocase(*order, SLICE_LIT("desc"));
    if (order && order->n && !desc && !slice_eq_nocase(*order, SLICE_LIT("asc"))) {
        okta_validation(req, resp, "sortOrder", "Must be asc or desc");
        return -1;
    }
    okta_query_attr(search_ctx, slice_from_cstr(by), &oq->sort.field, &oq->sort.member);
    oq->sort.desc = desc;
    return 0;
}

int okta_list_query(struct http_request *req, struct http_response *resp,
                    enum okta_expr_ctx search_ctx, enum okta_expr_ctx filter_ctx,
                    const struct okta_list_limits *lim, struct store_query *oq)
{
    const char *search = okta_query_str(req, "search");
    const char *filter = okta_query_str(req, "filter");
    const char *q = okta_query_str(req, "q");
    struct expr *e = NULL;
    memset(oq, 0, sizeof(*oq));
    oq->q = q;
    if (q && !fold_valid(slice_from_cstr(q))) {
        /* q is compared as a Unicode case fold (util/fold.h) */
        okta_error(req, resp, 400, "E0000002", "The request was not valid: q must be UTF-8 text",
                   NULL);
        return -1;
    }
    if (search && (filter || q)) {
        okta_error(req, resp, 400, "E0000033",
                   "Bad request. Can't specify a search query and filter in the same request.",
                   NULL);
        return -1;
    }
    if (okta_expr(req, resp, search, search_ctx, &e))
        return -1;
    if (!e && okta_expr(req, resp, filter, filter_ctx, &e))
        return -1;
    oq->expr = e;
    if (okta_limit(req, resp, q ? lim->q_default : lim->dflt, lim->max, &oq->limit))
        return -1;
    oq->after = q ? NULL : okta_query_str(req, "after");
    return list_sort(req, resp, search != NULL, search_ctx, oq);
}

int okta_after_check(struct okta_call *c, struct http_request *req, struct http_response *resp,
                     enum store_kind kind, const char *after, size_t n)
{
    bool valid = true;
    if (!after || n)
        return 0;
    int rc = core_okta_cursor_valid(&c->cx, &c->team, kind, after, &valid);
    if (rc) {
        okta_core_error(req, resp, rc, NULL, NULL);
        return -1;
    }
    if (valid)
        return 0;
    okta_error(req, resp, 400, "E0000029", "Invalid paging request.",
               "after: not a cursor of this list");
    return -1;
}

int okta_expr(struct http_request *req, struct http_response *resp, const char *text,
              enum okta_expr_ctx ctx, struct expr **out)
{
    struct okta_expr_error err;
    *out = NULL;
    if (!text)
        return 0;
    memset(&err, 0, sizeof(err));
    const struct api_app *app = req->app;
    int rc = okta_expr_parse(req->arena, slice_from_cstr(text), ctx, app ? app->expr_max_len : 0,
                             out, &err);
    if (rc) {
        okta_error(req, resp, err.status ? err.status : 400, err.code ? err.code : "E0000031",
                   err.summary[0] ? err.summary : "Invalid search criteria.",
                   err.detail[0] ? err.detail : NULL);
        return -1;
    }
    if (okta_query_map(*out, ctx)) {
        okta_error(req, resp, 400, "E0000030",
                   "Bad request. Invalid date. Dates must be of the form "
                   "yyyy-MM-dd'T'HH:mm:ss.SSSZZ, e.g. 2013-01-01T12:00:00.000-07:00.",
                   NULL);
        return -1;
    }
    return 0;
}
