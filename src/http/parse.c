/* Pure parsers for untrusted request input (DESIGN.md §3, §6): path, query, media type,
 * JSON body, route patterns, plus percent-encoding and query helpers. No I/O, no globals. */
#include <string.h>

#include "http/http.h"
#include "util/err.h"

static int hex_val(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes %XX (and '+' when plus_space) from s into a NUL-terminated arena copy.
 * Rejects bad escapes and %00. */
static int decode_component(struct arena *a, struct slice s, bool plus_space, struct slice *out)
{
    char *d = arena_alloc(a, s.n + 1);
    if (!d)
        return R_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < s.n; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (c == '%') {
            if (s.n - i < 3)
                return R_EINVAL;
            int hi = hex_val((unsigned char)s.p[i + 1]), lo = hex_val((unsigned char)s.p[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return R_EINVAL;
            d[n++] = (char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_space) {
            d[n++] = ' ';
        } else if (c == 0) {
            return R_EINVAL;
        } else {
            d[n++] = (char)c;
        }
    }
    d[n] = 0;
    *out = (struct slice){d, n};
    return 0;
}

int http_parse_path(struct arena *a, struct slice raw, struct slice *segs, size_t max,
                    size_t *nsegs)
{
    size_t n = 0, i = 0, end = raw.n;
    *nsegs = 0;
    /* the only empty segments allowed: a doubled leading "//" and one trailing '/' */
    if (i < end && raw.p[i] == '/')
        i++;
    if (i < end && raw.p[i] == '/')
        i++;
    if (end > i && raw.p[end - 1] == '/')
        end--;
    if (i == end)
        return 0;
    for (;;) {
        size_t start = i;
        while (i < end && raw.p[i] != '/')
            i++;
        if (i == start) {
            *nsegs = n;
            return R_ENOTFOUND; /* no route has an empty segment; collapsing would shift them */
        }
        if (n == max) {
            *nsegs = n;
            return R_ETOOBIG; /* segs holds the first max segments */
        }
        int rc = decode_component(a, (struct slice){raw.p + start, i - start}, false, &segs[n]);
        if (rc) {
            *nsegs = n;
            return rc;
        }
        n++;
        if (i == end)
            break;
        i++; /* the '/': a segment must follow */
    }
    *nsegs = n;
    return 0;
}

int http_parse_query(struct arena *a, struct slice raw, struct http_param *params, size_t max,
                     size_t *nparams)
{
    size_t n = 0, i = 0;
    *nparams = 0;
    while (i < raw.n) {
        size_t start = i;
        while (i < raw.n && raw.p[i] != '&')
            i++;
        struct slice pair = {raw.p + start, i - start};
        i++; /* skip '&' */
        if (pair.n == 0)
            continue;
        const char *eq = memchr(pair.p, '=', pair.n);
        struct slice k = pair, v = {pair.p + pair.n, 0};
        if (eq) {
            k.n = (size_t)(eq - pair.p);
            v = (struct slice){eq + 1, pair.n - k.n - 1};
        }
        struct http_param p;
        int rc = decode_component(a, k, true, &p.key);
        if (!rc)
            rc = decode_component(a, v, true, &p.val);
        if (rc)
            return rc;
        bool dup = false;
        for (size_t j = 0; j < n && !dup; j++)
            dup = slice_eq(params[j].key, p.key) && slice_eq(params[j].val, p.val);
        if (dup)
            continue;
        if (n == max)
            return R_ETOOBIG;
        params[n++] = p;
        *nparams = n;
    }
    return 0;
}

bool http_media_type_is_json(const char *content_type)
{
    if (!content_type)
        return true;
    struct slice s = slice_from_cstr(content_type);
    while (s.n && (*s.p == ' ' || *s.p == '\t'))
        s.p++, s.n--;
    size_t n = 0;
    while (n < s.n && s.p[n] != ';' && s.p[n] != ' ' && s.p[n] != '\t')
        n++;
    struct slice type = {s.p, n};
    if (type.n == 0)
        return true; /* an empty header is no type at all */
    return slice_eq_nocase(type, SLICE_LIT("application/json")) ||
           slice_eq_nocase(type, SLICE_LIT("application/x-www-form-urlencoded"));
}

/* Whether JSON text nests at most max_depth deep (counting [ and { outside strings) and holds
 * at most max_items containers and members (counting [, { and , outside strings): what a
 * parse will allocate is bounded by the count, not only by the bytes. 0 on a NUL byte. */
static int json_depth_ok(struct slice body, size_t max_depth, size_t max_items)
{
    size_t depth = 0, items = 0;
    bool in_str = false, esc = false;
    for (size_t i = 0; i < body.n; i++) {
        char c = body.p[i];
        if (c == 0)
            return 0;
        if (in_str) {
            if (esc)
                esc = false;
            else if (c == '\\')
                esc = true;
            else if (c == '"')
                in_str = false;
        } else if (c == '"') {
            in_str = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth || ++items > max_items)
                return 0;
        } else if (c == ',') {
            if (++items > max_items)
                return 0;
        } else if ((c == ']' || c == '}') && depth) {
            depth--;
        }
    }
    return 1;
}

int http_parse_json(struct slice body, size_t max_depth, size_t max_items, json_t **out)
{
    *out = NULL;
    if (!json_depth_ok(body, max_depth, max_items ? max_items : HTTP_JSON_MAX_ITEMS))
        return R_EINVAL;
    json_error_t err;
    json_t *j =
        json_loadb(body.p ? body.p : "", body.n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
    if (!j)
        return R_EINVAL;
    *out = j;
    return 0;
}

int http_url_encode(struct buf *b, struct slice s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < s.n; i++) {
        unsigned char c = (unsigned char)s.p[i];
        bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                          (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
        int rc;
        if (unreserved) {
            rc = buf_append(b, &s.p[i], 1);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            rc = buf_append(b, e, 3);
        }
        if (rc)
            return rc;
    }
    return 0;
}

bool http_route_match(const char *pattern, const struct slice *segs, size_t nsegs,
                      struct slice *params, size_t *nparams)
{
    size_t si = 0, np = 0;
    const char *p = pattern;
    *nparams = 0;
    if (nsegs > HTTP_MAX_SEGS)
        return false;
    for (;;) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (si == nsegs)
            return false;
        if (p[0] == ':') {
            if (segs[si].n == 0)
                return false;
            params[np++] = segs[si];
        } else if (!slice_eq(segs[si], (struct slice){p, len})) {
            return false;
        }
        si++;
        p += len;
    }
    if (si != nsegs)
        return false;
    *nparams = np;
    return true;
}

const struct slice *http_param(const struct http_request *req, const char *key)
{
    struct slice k = slice_from_cstr(key);
    for (size_t i = 0; i < req->nparams; i++)
        if (slice_eq(req->params[i].key, k))
            return &req->params[i].val;
    return NULL;
}

/* Adds v unless already there; a new value with no room left sets *over instead. */
static size_t add_unique(struct slice *out, size_t n, size_t max, struct slice v, bool *over)
{
    for (size_t i = 0; i < n; i++)
        if (slice_eq(out[i], v))
            return n;
    if (n < max)
        out[n++] = v;
    else
        *over = true;
    return n;
}

size_t http_params_all(const struct http_request *req, const char *key, struct slice *out,
                       size_t max, bool split_commas)
{
    struct slice k = slice_from_cstr(key);
    size_t n = 0;
    bool over = false;
    for (size_t i = 0; i < req->nparams && !over; i++) {
        if (!slice_eq(req->params[i].key, k))
            continue;
        struct slice v = req->params[i].val;
        if (!split_commas) {
            n = add_unique(out, n, max, v, &over);
            continue;
        }
        size_t j = 0;
        while (j <= v.n && !over) {
            size_t start = j;
            while (j < v.n && v.p[j] != ',')
                j++;
            struct slice piece = {v.p + start, j - start};
            while (piece.n && piece.p[0] == ' ')
                piece.p++, piece.n--;
            while (piece.n && piece.p[piece.n - 1] == ' ')
                piece.n--;
            if (piece.n)
                n = add_unique(out, n, max, piece, &over);
            j++;
        }
    }
    return over ? max + 1 : n;
}
