/* Okta filter/search expression parser (okta.md §5.1 grammar, §5.2/§5.3/§5.7 rules, §3.2
 * codes): recursive descent over (ptr,len) bytes with a depth bound; pure, fuzzed. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/okta/expr.h"
#include "util/err.h"

/* ---- error codes (okta.md §3.2) ---- */

struct okta_err_def {
    const char *code;
    int status;
    const char *summary;
};

/* "Unparsable or unsupported search/filter" */
static const struct okta_err_def okta_err_syntax = {"E0000031", 400, "Invalid search criteria."};
/* "Filter on an attribute or operator that is not allowed" */
static const struct okta_err_def okta_err_unsupported = {"E0000094", 400,
                                                         "The provided filter is unsupported."};
/* "Bad date literal in a filter" */
static const struct okta_err_def okta_err_date = {
    "E0000030", 400,
    "Bad request. Invalid date. Dates must be of the form yyyy-MM-dd'T'HH:mm:ss.SSSZZ, e.g. "
    "2013-01-01T12:00:00.000-07:00."};
static const struct okta_err_def okta_err_internal = {"E0000009", 500, "Internal Server Error"};

/* ---- per-context rules ---- */

#define OKTA_OP(o) (1u << (o))
#define OKTA_ORD (OKTA_OP(EXPR_GT) | OKTA_OP(EXPR_GE) | OKTA_OP(EXPR_LT) | OKTA_OP(EXPR_LE))
/* search: eq/sw, ordered comparisons (strings lexicographic: the documented `ne` workaround,
 * okta.md §5.1) and pr; co only where listed. */
#define OKTA_SEARCH_OPS (OKTA_OP(EXPR_EQ) | OKTA_OP(EXPR_SW) | OKTA_ORD | OKTA_OP(EXPR_PR))
#define OKTA_SEARCH_DATE_OPS (OKTA_OP(EXPR_EQ) | OKTA_ORD | OKTA_OP(EXPR_PR))

enum okta_attr_flag {
    OKTA_A_DATE = 1u << 0,       /* value must be an ISO-8601 timestamp string (E0000030) */
    OKTA_A_GROUP_TYPE = 1u << 1, /* value must be OKTA_GROUP | APP_GROUP | BUILT_IN */
    OKTA_A_ANY_LIT = 1u << 2,    /* numbers and booleans allowed too (custom profile attrs) */
    OKTA_A_PREFIX = 1u << 3,     /* name is "profile.": matches profile.<ident> */
    OKTA_A_APP_STATUS = 1u << 4, /* value must be ACTIVE | INACTIVE | DELETED */
    OKTA_A_BOOL = 1u << 5,       /* value must be true or false */
};

struct okta_attr_rule {
    const char *name;
    unsigned ops;
    unsigned flags;
};

static const struct okta_attr_rule okta_group_filter_rules[] = {
    {"id", OKTA_OP(EXPR_EQ), 0},
    {"type", OKTA_OP(EXPR_EQ), OKTA_A_GROUP_TYPE},
    {"lastUpdated", OKTA_OP(EXPR_EQ) | OKTA_ORD, OKTA_A_DATE},
    {"lastMembershipUpdated", OKTA_OP(EXPR_EQ) | OKTA_ORD, OKTA_A_DATE},
    {NULL, 0, 0},
};

static const struct okta_attr_rule okta_group_search_rules[] = {
    {"id", OKTA_SEARCH_OPS, 0},
    {"type", OKTA_SEARCH_OPS, 0},
    {"source.id", OKTA_SEARCH_OPS, 0},
    {"created", OKTA_SEARCH_DATE_OPS, OKTA_A_DATE},
    {"lastUpdated", OKTA_SEARCH_DATE_OPS, OKTA_A_DATE},
    {"lastMembershipUpdated", OKTA_SEARCH_DATE_OPS, OKTA_A_DATE},
    {"profile.name", OKTA_SEARCH_OPS | OKTA_OP(EXPR_CO), OKTA_A_ANY_LIT},
    {"profile.description", OKTA_SEARCH_OPS | OKTA_OP(EXPR_CO), OKTA_A_ANY_LIT},
    {"profile.", OKTA_SEARCH_OPS, OKTA_A_ANY_LIT | OKTA_A_PREFIX},
    {NULL, 0, 0},
};

static const struct okta_attr_rule okta_user_filter_rules[] = {
    {"status", OKTA_OP(EXPR_EQ), 0},
    {"lastUpdated", OKTA_OP(EXPR_EQ) | OKTA_ORD, OKTA_A_DATE},
    {"id", OKTA_OP(EXPR_EQ), 0},
    {"profile.login", OKTA_OP(EXPR_EQ), 0},
    {"profile.email", OKTA_OP(EXPR_EQ), 0},
    {"profile.firstName", OKTA_OP(EXPR_EQ), 0},
    {"profile.lastName", OKTA_OP(EXPR_EQ), 0},
    {NULL, 0, 0},
};

static const struct okta_attr_rule okta_user_search_rules[] = {
    {"id", OKTA_SEARCH_OPS, 0},
    {"status", OKTA_SEARCH_OPS, 0},
    {"type.id", OKTA_SEARCH_OPS, 0},
    {"created", OKTA_SEARCH_DATE_OPS, OKTA_A_DATE},
    {"activated", OKTA_SEARCH_DATE_OPS, OKTA_A_DATE},
    {"statusChanged", OKTA_SEARCH_DATE_OPS, OKTA_A_DATE},
    {"lastUpdated", OKTA_SEARCH_DATE_OPS, OKTA_A_DATE},
    {"profile.firstName", OKTA_SEARCH_OPS | OKTA_OP(EXPR_CO), OKTA_A_ANY_LIT},
    {"profile.lastName", OKTA_SEARCH_OPS | OKTA_OP(EXPR_CO), OKTA_A_ANY_LIT},
    {"profile.email", OKTA_SEARCH_OPS | OKTA_OP(EXPR_CO), OKTA_A_ANY_LIT},
    {"profile.login", OKTA_SEARCH_OPS | OKTA_OP(EXPR_CO), OKTA_A_ANY_LIT},
    {"profile.", OKTA_SEARCH_OPS, OKTA_A_ANY_LIT | OKTA_A_PREFIX},
    {NULL, 0, 0},
};

/* Apps `filter` (the listApplications operation): eq only, values case-sensitive. */
static const struct okta_attr_rule okta_app_filter_rules[] = {
    {"id", OKTA_OP(EXPR_EQ), 0},
    {"status", OKTA_OP(EXPR_EQ), OKTA_A_APP_STATUS},
    {"name", OKTA_OP(EXPR_EQ), 0},
    {"credentials.signing.kid", OKTA_OP(EXPR_EQ), 0},
    {"settings.slo.enabled", OKTA_OP(EXPR_EQ), OKTA_A_BOOL},
    {NULL, 0, 0},
};

static const char *const okta_date_attrs[] = {
    "created", "activated", "statusChanged", "lastUpdated", "lastMembershipUpdated", NULL,
};

static const char *const okta_group_types[] = {"OKTA_GROUP", "APP_GROUP", "BUILT_IN", NULL};
static const char *const okta_app_statuses[] = {"ACTIVE", "INACTIVE", "DELETED", NULL};

static const struct {
    const char *word;
    enum expr_op op;
} okta_ops[] = {
    {"eq", EXPR_EQ}, {"ne", EXPR_NE}, {"gt", EXPR_GT}, {"ge", EXPR_GE}, {"lt", EXPR_LT},
    {"le", EXPR_LE}, {"sw", EXPR_SW}, {"co", EXPR_CO}, {"ew", EXPR_EW}, {"pr", EXPR_PR},
};

static bool okta_ctx_is_search(enum okta_expr_ctx ctx)
{
    return ctx == OKTA_EXPR_GROUP_SEARCH || ctx == OKTA_EXPR_USER_SEARCH;
}

static const char *okta_ctx_param(enum okta_expr_ctx ctx)
{
    return okta_ctx_is_search(ctx) ? "search" : "filter";
}

static const struct okta_attr_rule *okta_rules_for(enum okta_expr_ctx ctx)
{
    switch (ctx) {
    case OKTA_EXPR_GROUP_FILTER: return okta_group_filter_rules;
    case OKTA_EXPR_GROUP_SEARCH: return okta_group_search_rules;
    case OKTA_EXPR_USER_FILTER: return okta_user_filter_rules;
    case OKTA_EXPR_USER_SEARCH: return okta_user_search_rules;
    case OKTA_EXPR_APP_FILTER: return okta_app_filter_rules;
    }
    return NULL;
}

/* ---- parser state ---- */

struct okta_parser {
    struct arena *a;
    const char *p;
    size_t n, pos;
    enum okta_expr_ctx ctx;
    int depth;
    bool oom;
    struct okta_expr_error *err;
    /* first validation error; reported only if the whole text parses */
    const struct okta_err_def *sem;
    char sem_detail[sizeof(((struct okta_expr_error *)0)->detail)];
};

static void okta_fill(struct okta_expr_error *err, const struct okta_err_def *def,
                      const char *detail)
{
    err->code = def->code;
    err->status = def->status;
    snprintf(err->summary, sizeof(err->summary), "%s", def->summary);
    snprintf(err->detail, sizeof(err->detail), "%s", detail);
}

/* A syntax error: stops the parse. Returns -1 so callers can `return okta_syntax(...)`. */
static int okta_syntax(struct okta_parser *ps, const char *what)
{
    char d[sizeof(ps->err->detail)];
    snprintf(d, sizeof(d), "%s at offset %zu", what, ps->pos);
    okta_fill(ps->err, &okta_err_syntax, d);
    return -1;
}

static int okta_nomem(struct okta_parser *ps)
{
    ps->oom = true;
    okta_fill(ps->err, &okta_err_internal, "expression needs more memory than allowed");
    return -1;
}

/* Records a validation error unless an earlier one is already recorded. */
static void okta_semantic(struct okta_parser *ps, const struct okta_err_def *def, struct slice attr,
                          const char *what)
{
    if (ps->sem)
        return;
    ps->sem = def;
    int alen = attr.n > 64 ? 64 : (int)attr.n;
    if (attr.n)
        snprintf(ps->sem_detail, sizeof(ps->sem_detail), "%.*s: %s", alen, attr.p, what);
    else
        snprintf(ps->sem_detail, sizeof(ps->sem_detail), "%s", what);
}

static bool okta_is_ws(char c)
{
    return c == ' ' || c == '\t';
}

static size_t okta_skip_ws(struct okta_parser *ps)
{
    size_t start = ps->pos;
    while (ps->pos < ps->n && okta_is_ws(ps->p[ps->pos]))
        ps->pos++;
    return ps->pos - start;
}

static bool okta_is_alpha(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool okta_is_ident_start(char c)
{
    return okta_is_alpha(c) || c == '_';
}

static bool okta_is_ident_char(char c)
{
    return okta_is_ident_start(c) || (c >= '0' && c <= '9');
}

/* True when a case-insensitive keyword followed by whitespace starts at pos; consumes both. */
static bool okta_keyword_ws(struct okta_parser *ps, const char *kw)
{
    size_t k = strlen(kw);
    if (ps->n - ps->pos <= k)
        return false;
    if (!slice_eq_nocase((struct slice){ps->p + ps->pos, k}, (struct slice){kw, k}))
        return false;
    if (!okta_is_ws(ps->p[ps->pos + k]))
        return false;
    ps->pos += k;
    okta_skip_ws(ps);
    return true;
}

static struct expr *okta_node(struct okta_parser *ps, enum expr_kind kind)
{
    struct expr *e = arena_alloc(ps->a, sizeof(*e));
    if (!e) {
        okta_nomem(ps);
        return NULL;
    }
    e->kind = kind;
    return e;
}

/* ---- literals ---- */

static int okta_hex4(const char *s, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            return -1;
        v = v << 4 | d;
    }
    *out = v;
    return 0;
}

static size_t okta_put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | cp >> 12);
        o[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | cp >> 18);
    o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    o[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Length of the well-formed UTF-8 sequence at s (n bytes available), 0 if ill-formed. */
static size_t okta_utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F; /* no UTF-16 surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

/* A JSON string starting at the opening quote; decoded into the arena (NUL-terminated). */
static int okta_parse_string(struct okta_parser *ps, struct slice *out)
{
    size_t start = ++ps->pos; /* past '"' */
    size_t end = start;
    /* find the closing quote first so the output buffer is bounded by the raw length */
    while (end < ps->n && ps->p[end] != '"') {
        if (ps->p[end] == '\\')
            end++;
        end++;
    }
    if (end >= ps->n)
        return okta_syntax(ps, "unterminated string");
    char *o = arena_alloc(ps->a, end - start + 1);
    if (!o)
        return okta_nomem(ps);
    size_t on = 0;
    while (ps->pos < end) {
        unsigned char c = (unsigned char)ps->p[ps->pos];
        if (c < 0x20)
            return okta_syntax(ps, "control character in string");
        if (c >= 0x80) {
            size_t l = okta_utf8_len((const unsigned char *)ps->p + ps->pos, end - ps->pos);
            if (!l)
                return okta_syntax(ps, "invalid UTF-8 in string");
            memcpy(o + on, ps->p + ps->pos, l);
            on += l;
            ps->pos += l;
            continue;
        }
        if (c != '\\') {
            o[on++] = (char)c;
            ps->pos++;
            continue;
        }
        if (ps->pos + 1 >= end) /* cannot happen: the scan above skips escaped bytes alike */
            return okta_syntax(ps, "bad escape");
        char e = ps->p[ps->pos + 1];
        ps->pos += 2;
        switch (e) {
        case '"': o[on++] = '"'; break;
        case '\\': o[on++] = '\\'; break;
        case '/': o[on++] = '/'; break;
        case 'b': o[on++] = '\b'; break;
        case 'f': o[on++] = '\f'; break;
        case 'n': o[on++] = '\n'; break;
        case 'r': o[on++] = '\r'; break;
        case 't': o[on++] = '\t'; break;
        case 'u': {
            unsigned cp, lo;
            if (end - ps->pos < 4 || okta_hex4(ps->p + ps->pos, &cp))
                return okta_syntax(ps, "bad \\u escape");
            ps->pos += 4;
            if (cp >= 0xDC00 && cp <= 0xDFFF)
                return okta_syntax(ps, "lone low surrogate");
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (end - ps->pos < 6 || ps->p[ps->pos] != '\\' || ps->p[ps->pos + 1] != 'u' ||
                    okta_hex4(ps->p + ps->pos + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                    return okta_syntax(ps, "lone high surrogate");
                ps->pos += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            if (cp == 0) /* values travel as C strings past the store boundary */
                return okta_syntax(ps, "\\u0000 in string");
            on += okta_put_utf8(o + on, cp);
            break;
        }
        default: ps->pos--; return okta_syntax(ps, "bad escape");
        }
    }
    ps->pos = end + 1;
    o[on] = 0;
    *out = (struct slice){o, on};
    return 0;
}

static bool okta_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A JSON number. */
static int okta_parse_number(struct okta_parser *ps, double *out)
{
    size_t s = ps->pos, i = s;
    if (i < ps->n && ps->p[i] == '-')
        i++;
    if (i >= ps->n || !okta_is_digit(ps->p[i]))
        return okta_syntax(ps, "bad number");
    if (ps->p[i] == '0')
        i++;
    else
        while (i < ps->n && okta_is_digit(ps->p[i]))
            i++;
    if (i < ps->n && ps->p[i] == '.') {
        i++;
        if (i >= ps->n || !okta_is_digit(ps->p[i]))
            return okta_syntax(ps, "bad number");
        while (i < ps->n && okta_is_digit(ps->p[i]))
            i++;
    }
    if (i < ps->n && (ps->p[i] == 'e' || ps->p[i] == 'E')) {
        i++;
        if (i < ps->n && (ps->p[i] == '+' || ps->p[i] == '-'))
            i++;
        if (i >= ps->n || !okta_is_digit(ps->p[i]))
            return okta_syntax(ps, "bad number");
        while (i < ps->n && okta_is_digit(ps->p[i]))
            i++;
    }
    char *copy = arena_strndup(ps->a, ps->p + s, i - s);
    if (!copy)
        return okta_nomem(ps);
    char *endp = NULL;
    errno = 0;
    double v = strtod(copy, &endp);
    if (endp != copy + (i - s) || errno == ERANGE || !isfinite(v))
        return okta_syntax(ps, "number out of range");
    ps->pos = i;
    *out = v;
    return 0;
}

/* true / false / null: case-sensitive as in JSON. */
static bool okta_word(struct okta_parser *ps, const char *w)
{
    size_t k = strlen(w);
    if (ps->n - ps->pos < k || memcmp(ps->p + ps->pos, w, k) != 0)
        return false;
    if (ps->pos + k < ps->n && okta_is_ident_char(ps->p[ps->pos + k]))
        return false;
    ps->pos += k;
    return true;
}

static int okta_parse_literal(struct okta_parser *ps, struct expr *e)
{
    if (ps->pos >= ps->n)
        return okta_syntax(ps, "missing value");
    char c = ps->p[ps->pos];
    if (c == '"') {
        e->vtype = EXPR_VAL_STRING;
        return okta_parse_string(ps, &e->str);
    }
    if (c == '-' || okta_is_digit(c)) {
        e->vtype = EXPR_VAL_NUMBER;
        return okta_parse_number(ps, &e->num);
    }
    if (okta_word(ps, "true")) {
        e->vtype = EXPR_VAL_BOOL;
        e->boolean = true;
        return 0;
    }
    if (okta_word(ps, "false")) {
        e->vtype = EXPR_VAL_BOOL;
        return 0;
    }
    if (okta_word(ps, "null")) {
        e->vtype = EXPR_VAL_NULL;
        return 0;
    }
    return okta_syntax(ps, "bad value");
}

/* ---- validation of one comparison ---- */

static const struct okta_attr_rule *okta_find_rule(enum okta_expr_ctx ctx, struct slice attr)
{
    const struct okta_attr_rule *r = okta_rules_for(ctx);
    for (; r && r->name; r++) {
        if (r->flags & OKTA_A_PREFIX) {
            struct slice pre = slice_from_cstr(r->name);
            /* exactly one identifier after the prefix: profiles are flat */
            if (slice_starts_with(attr, pre) && attr.n > pre.n &&
                !memchr(attr.p + pre.n, '.', attr.n - pre.n))
                return r;
        } else if (slice_eq_cstr(attr, r->name)) {
            return r;
        }
    }
    return NULL;
}

static const char *okta_op_word(enum expr_op op)
{
    for (size_t i = 0; i < sizeof(okta_ops) / sizeof(okta_ops[0]); i++)
        if (okta_ops[i].op == op)
            return okta_ops[i].word;
    return "?";
}

static void okta_validate_cmp(struct okta_parser *ps, struct expr *e)
{
    char what[96];
    const struct okta_attr_rule *r = okta_find_rule(ps->ctx, e->attr);
    if (!r) {
        snprintf(what, sizeof(what), "attribute not supported in %s", okta_ctx_param(ps->ctx));
        okta_semantic(ps, &okta_err_unsupported, e->attr, what);
        return;
    }
    if (!(r->ops & OKTA_OP(e->op))) {
        snprintf(what, sizeof(what), "operator '%s' not supported here", okta_op_word(e->op));
        okta_semantic(ps, &okta_err_unsupported, e->attr, what);
        return;
    }
    if (e->op == EXPR_PR)
        return;
    if (r->flags & OKTA_A_DATE) {
        int64_t ms;
        if (e->vtype != EXPR_VAL_STRING || okta_parse_time(e->str, &ms) != 0)
            okta_semantic(ps, &okta_err_date, e->attr, "invalid date");
        return;
    }
    if (r->flags & OKTA_A_BOOL) {
        if (e->vtype != EXPR_VAL_BOOL)
            okta_semantic(ps, &okta_err_syntax, e->attr, "must be true or false");
        return;
    }
    if (e->vtype != EXPR_VAL_STRING) {
        bool scalar = e->vtype == EXPR_VAL_NUMBER || e->vtype == EXPR_VAL_BOOL;
        if (!(r->flags & OKTA_A_ANY_LIT) || !scalar || e->op == EXPR_SW || e->op == EXPR_CO)
            okta_semantic(ps, &okta_err_syntax, e->attr, "value type not supported here");
        return;
    }
    if (r->flags & (OKTA_A_GROUP_TYPE | OKTA_A_APP_STATUS)) {
        bool group = r->flags & OKTA_A_GROUP_TYPE, ok = false;
        for (const char *const *t = group ? okta_group_types : okta_app_statuses; *t; t++)
            ok = ok || slice_eq_cstr(e->str, *t);
        if (!ok)
            okta_semantic(ps, &okta_err_syntax, e->attr,
                          group ? "must be OKTA_GROUP, APP_GROUP or BUILT_IN"
                                : "must be ACTIVE, INACTIVE or DELETED");
        return;
    }
    e->nocase = okta_ctx_is_search(ps->ctx);
}

/* ---- grammar (okta.md §5.1) ---- */

static int okta_parse_or(struct okta_parser *ps, struct expr **out);

/* cmp := path WS "pr" | path WS op WS literal */
static int okta_parse_cmp(struct okta_parser *ps, struct expr **out)
{
    size_t s = ps->pos;
    for (;;) {
        if (ps->pos >= ps->n || !okta_is_ident_start(ps->p[ps->pos]))
            return okta_syntax(ps, "expected attribute");
        while (ps->pos < ps->n && okta_is_ident_char(ps->p[ps->pos]))
            ps->pos++;
        if (ps->pos < ps->n && ps->p[ps->pos] == '.') {
            ps->pos++;
            continue;
        }
        break;
    }
    struct expr *e = okta_node(ps, EXPR_CMP);
    if (!e)
        return -1;
    e->attr = (struct slice){ps->p + s, ps->pos - s};
    if (okta_skip_ws(ps) == 0)
        return okta_syntax(ps, "expected whitespace after attribute");
    size_t ws = ps->pos;
    while (ps->pos < ps->n && okta_is_alpha(ps->p[ps->pos]))
        ps->pos++;
    struct slice word = {ps->p + ws, ps->pos - ws};
    e->op = 0;
    for (size_t i = 0; i < sizeof(okta_ops) / sizeof(okta_ops[0]); i++)
        if (slice_eq_nocase(word, slice_from_cstr(okta_ops[i].word)))
            e->op = okta_ops[i].op;
    if (!e->op) {
        ps->pos = ws;
        return okta_syntax(ps, "expected operator");
    }
    if (e->op != EXPR_PR) {
        if (okta_skip_ws(ps) == 0)
            return okta_syntax(ps, "expected whitespace after operator");
        if (okta_parse_literal(ps, e))
            return -1;
    } else if (ps->pos < ps->n && okta_is_ident_char(ps->p[ps->pos])) {
        return okta_syntax(ps, "unexpected text after pr");
    }
    okta_validate_cmp(ps, e);
    *out = e;
    return 0;
}

/* primary := "(" WS? expr WS? ")" | cmp */
static int okta_parse_primary(struct okta_parser *ps, struct expr **out)
{
    if (ps->pos < ps->n && ps->p[ps->pos] == '(') {
        if (++ps->depth > OKTA_EXPR_MAX_DEPTH)
            return okta_syntax(ps, "nesting too deep");
        ps->pos++;
        okta_skip_ws(ps);
        if (okta_parse_or(ps, out))
            return -1;
        okta_skip_ws(ps);
        if (ps->pos >= ps->n || ps->p[ps->pos] != ')')
            return okta_syntax(ps, "expected ')'");
        ps->pos++;
        ps->depth--;
        return 0;
    }
    return okta_parse_cmp(ps, out);
}

/* unary := [ "not" WS ] primary */
static int okta_parse_unary(struct okta_parser *ps, struct expr **out)
{
    size_t s = ps->pos;
    if (!okta_keyword_ws(ps, "not"))
        return okta_parse_primary(ps, out);
    if (ps->ctx == OKTA_EXPR_USER_FILTER || ps->ctx == OKTA_EXPR_APP_FILTER)
        okta_semantic(ps, &okta_err_unsupported, SLICE_NULL,
                      ps->ctx == OKTA_EXPR_USER_FILTER ? "'not' is not supported in users filter"
                                                       : "'not' is not supported in apps filter");
    if (++ps->depth > OKTA_EXPR_MAX_DEPTH) {
        ps->pos = s;
        return okta_syntax(ps, "nesting too deep");
    }
    struct expr *e = okta_node(ps, EXPR_NOT);
    if (!e || okta_parse_primary(ps, &e->left))
        return -1;
    ps->depth--;
    *out = e;
    return 0;
}

/* operand ( WS kw WS operand )*, combined pairwise into a balanced tree: left to right,
 * so "a or b or c" is OR(OR(a,b),c) and long chains stay O(log n) deep. */
static int okta_parse_chain(struct okta_parser *ps, const char *kw, enum expr_kind kind,
                            int (*operand)(struct okta_parser *, struct expr **), struct expr **out)
{
    size_t cap = 4, n = 0;
    struct expr **v = arena_alloc(ps->a, cap * sizeof(*v));
    if (!v)
        return okta_nomem(ps);
    for (;;) {
        if (n == cap) {
            struct expr **nv = arena_alloc(ps->a, 2 * cap * sizeof(*v));
            if (!nv)
                return okta_nomem(ps);
            memcpy(nv, v, n * sizeof(*v));
            v = nv;
            cap *= 2;
        }
        if (operand(ps, &v[n]))
            return -1;
        n++;
        size_t save = ps->pos;
        if (okta_skip_ws(ps) == 0 || !okta_keyword_ws(ps, kw)) {
            ps->pos = save;
            break;
        }
    }
    while (n > 1) {
        size_t m = 0;
        for (size_t i = 0; i + 1 < n; i += 2) {
            struct expr *e = okta_node(ps, kind);
            if (!e)
                return -1;
            e->left = v[i];
            e->right = v[i + 1];
            v[m++] = e;
        }
        if (n % 2)
            v[m++] = v[n - 1];
        n = m;
    }
    *out = v[0];
    return 0;
}

static int okta_parse_and(struct okta_parser *ps, struct expr **out)
{
    return okta_parse_chain(ps, "and", EXPR_AND, okta_parse_unary, out);
}

static int okta_parse_or(struct okta_parser *ps, struct expr **out)
{
    return okta_parse_chain(ps, "or", EXPR_OR, okta_parse_and, out);
}

int okta_expr_parse(struct arena *a, struct slice text, enum okta_expr_ctx ctx, size_t max_len,
                    struct expr **out, struct okta_expr_error *err)
{
    struct okta_parser ps = {.a = a, .p = text.p, .n = text.n, .ctx = ctx, .err = err};
    char d[64];
    *out = NULL;
    memset(err, 0, sizeof(*err));
    if (!max_len)
        max_len = OKTA_EXPR_DEFAULT_MAX_LEN;
    if (!okta_rules_for(ctx)) {
        okta_fill(err, &okta_err_internal, "unknown expression context");
        return R_EINVAL;
    }
    if (text.n > max_len) {
        snprintf(d, sizeof(d), "expression longer than %zu bytes", max_len);
        okta_fill(err, &okta_err_syntax, d);
        return R_EINVAL;
    }
    if (!text.p)
        ps.n = 0;
    okta_skip_ws(&ps);
    if (ps.pos == ps.n) {
        okta_fill(err, &okta_err_syntax, "empty expression");
        return R_EINVAL;
    }
    struct expr *e = NULL;
    if (okta_parse_or(&ps, &e))
        return ps.oom ? R_ENOMEM : R_EINVAL;
    okta_skip_ws(&ps);
    if (ps.pos != ps.n) {
        okta_syntax(&ps, "unexpected text");
        return R_EINVAL;
    }
    if (ps.sem) {
        okta_fill(err, ps.sem, ps.sem_detail);
        return R_EINVAL;
    }
    *out = e;
    return 0;
}

bool okta_expr_sortable(enum okta_expr_ctx ctx, struct slice attr)
{
    /* path := ident ( "." ident )*, as the grammar reads an attribute */
    for (size_t i = 0; i < attr.n; i++) {
        bool start = i == 0 || attr.p[i - 1] == '.';
        if (start ? !okta_is_ident_start(attr.p[i])
                  : !(okta_is_ident_char(attr.p[i]) || (attr.p[i] == '.' && i + 1 < attr.n)))
            return false;
    }
    return attr.n && okta_ctx_is_search(ctx) && okta_find_rule(ctx, attr) != NULL;
}

bool okta_expr_is_date_attr(struct slice attr)
{
    for (const char *const *d = okta_date_attrs; *d; d++)
        if (slice_eq_cstr(attr, *d))
            return true;
    return false;
}

/* ---- ISO-8601 timestamps ---- */

/* n decimal digits at s[*i]; advances *i. */
static int okta_digits(struct slice s, size_t *i, int n, int *out)
{
    if (s.n - *i < (size_t)n)
        return -1;
    int v = 0;
    for (int k = 0; k < n; k++) {
        char c = s.p[*i + (size_t)k];
        if (!okta_is_digit(c))
            return -1;
        v = v * 10 + (c - '0');
    }
    *i += (size_t)n;
    *out = v;
    return 0;
}

static int okta_expect(struct slice s, size_t *i, char c)
{
    if (*i >= s.n || s.p[*i] != c)
        return -1;
    (*i)++;
    return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t okta_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int okta_parse_time(struct slice s, int64_t *ms_out)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    size_t i = 0;
    int y, mo, d, h, mi, se, ms = 0;
    if (!s.p || okta_digits(s, &i, 4, &y) || okta_expect(s, &i, '-') ||
        okta_digits(s, &i, 2, &mo) || okta_expect(s, &i, '-') || okta_digits(s, &i, 2, &d) ||
        okta_expect(s, &i, 'T') || okta_digits(s, &i, 2, &h) || okta_expect(s, &i, ':') ||
        okta_digits(s, &i, 2, &mi) || okta_expect(s, &i, ':') || okta_digits(s, &i, 2, &se))
        return R_EINVAL;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && leap) || h > 23 || mi > 59 ||
        se > 59)
        return R_EINVAL;
    if (i < s.n && s.p[i] == '.') {
        i++;
        int nd = 0;
        while (i < s.n && okta_is_digit(s.p[i])) {
            if (nd < 3)
                ms = ms * 10 + (s.p[i] - '0');
            nd++;
            i++;
        }
        if (nd == 0 || nd > 9)
            return R_EINVAL;
        for (; nd < 3; nd++)
            ms *= 10;
    }
    int off = 0; /* minutes east of UTC */
    if (i < s.n && s.p[i] == 'Z') {
        i++;
    } else if (i < s.n && (s.p[i] == '+' || s.p[i] == '-')) {
        int sign = s.p[i] == '-' ? -1 : 1, oh, om;
        i++;
        if (okta_digits(s, &i, 2, &oh))
            return R_EINVAL;
        if (i < s.n && s.p[i] == ':')
            i++;
        if (okta_digits(s, &i, 2, &om) || oh > 18 || om > 59)
            return R_EINVAL;
        off = sign * (oh * 60 + om);
    } else {
        return R_EINVAL;
    }
    if (i != s.n)
        return R_EINVAL;
    int64_t days = okta_days_from_civil(y, mo, d);
    *ms_out = ((days * 86400 + h * 3600 + mi * 60 + se) - (int64_t)off * 60) * 1000 + ms;
    return 0;
}
