/* ASA query parameters and paging: count/offset/prev/descending and the Link header. */
#include <string.h>

#include "api/asa/asa.h"
#include "util/fold.h"

const char *asa_query_str(struct http_request *req, const char *key)
{
    const struct slice *v = http_param(req, key);
    if (!v || v->n == 0)
        return NULL;
    return arena_strndup(req->arena, v->p, v->n);
}

int asa_query_match(struct http_request *req, struct http_response *resp, const char *key,
                    const char **out)
{
    *out = asa_query_str(req, key);
    if (!*out || fold_valid(slice_from_cstr(*out)))
        return 0;
    const char *msg = arena_printf(req->arena, "%s must be UTF-8 text", key);
    asa_error(resp, 400, "invalid_request", msg ? msg : "bad text", key);
    return -1;
}

int asa_query_bool(struct http_request *req, struct http_response *resp, const char *key, bool dflt,
                   bool *out)
{
    const struct slice *v = http_param(req, key);
    *out = dflt;
    if (!v || v->n == 0)
        return 0;
    if (slice_eq_nocase(*v, SLICE_LIT("true")) || slice_eq_cstr(*v, "1")) {
        *out = true;
        return 0;
    }
    if (slice_eq_nocase(*v, SLICE_LIT("false")) || slice_eq_cstr(*v, "0")) {
        *out = false;
        return 0;
    }
    const char *msg = arena_printf(req->arena, "%s must be true or false", key);
    asa_error(resp, 400, "invalid_request", msg ? msg : "bad boolean", key);
    return -1;
}

int asa_query_status(struct http_request *req, struct http_response *resp, unsigned *mask)
{
    struct slice vals[32];
    size_t n = http_params_all(req, "status", vals, 32, true);
    *mask = 0;
    if (n > 32) {
        asa_error(resp, 400, "invalid_request", "status must be ACTIVE, DISABLED or DELETED",
                  "status");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (vals[i].n == 0)
            continue;
        unsigned b = core_asa_status_bit(vals[i]);
        if (!b) {
            asa_error(resp, 400, "invalid_request", "status must be ACTIVE, DISABLED or DELETED",
                      "status");
            return -1;
        }
        *mask |= b;
    }
    return 0;
}

int asa_page_parse(struct http_request *req, struct http_response *resp, struct core_page_req *pr)
{
    memset(pr, 0, sizeof(*pr));
    pr->count = CORE_PAGE_DEFAULT;
    const struct slice *c = http_param(req, "count");
    if (c && c->n) {
        unsigned long long v;
        if (slice_parse_u64(*c, &v) != 0) {
            asa_error(resp, 400, "invalid_request", "count must be a non-negative integer",
                      "count");
            return -1;
        }
        pr->count = v < 1 ? 1 : v > CORE_PAGE_MAX ? CORE_PAGE_MAX : (unsigned)v;
    }
    char *off = (char *)asa_query_str(req, "offset");
    if (off)
        core_uuid_lower(off);
    if (off && !core_uuid_valid(slice_from_cstr(off))) {
        asa_error(resp, 400, "invalid_request", "offset must be the id of a listed object",
                  "offset");
        return -1;
    }
    pr->cursor = off;
    if (asa_query_bool(req, resp, "prev", false, &pr->prev) ||
        asa_query_bool(req, resp, "descending", false, &pr->descending))
        return -1;
    return 0;
}

/* Builds base_url + path + the caller's query without offset/prev + the new cursor. */
static const char *page_url(struct http_request *req, const char *cursor, bool prev)
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
        if (slice_eq_cstr(k, "offset") || slice_eq_cstr(k, "prev"))
            continue;
        buf_append(&b, &sep, 1);
        sep = '&';
        http_url_encode(&b, k);
        buf_append_str(&b, "=");
        http_url_encode(&b, req->params[i].val);
    }
    buf_append(&b, &sep, 1);
    buf_append_str(&b, "offset=");
    buf_append_str(&b, cursor);
    if (prev)
        buf_append_str(&b, "&prev=true");
    const char *out = b.oom ? NULL : arena_strndup(req->arena, b.p, b.n);
    buf_free(&b);
    return out;
}

void asa_page_links(struct http_request *req, struct http_response *resp,
                    const struct core_page_info *info)
{
    const char *next = NULL, *prev = NULL;
    if (info->has_next && info->last_uuid)
        next = page_url(req, info->last_uuid, false);
    if (info->has_prev && info->first_uuid)
        prev = page_url(req, info->first_uuid, true);
    const char *link = NULL;
    if (next && prev)
        link = arena_printf(req->arena, "<%s>; rel=\"next\", <%s>; rel=\"prev\"", next, prev);
    else if (next)
        link = arena_printf(req->arena, "<%s>; rel=\"next\"", next);
    else if (prev)
        link = arena_printf(req->arena, "<%s>; rel=\"prev\"", prev);
    if (link)
        http_resp_header(resp, "Link", link);
}
