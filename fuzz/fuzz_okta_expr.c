/* libFuzzer target for Okta filter/search expressions: okta_expr_parse in all five contexts,
 * tree invariants, a print → reparse → print round trip, and okta_parse_time on the input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/okta/expr.h"
#include "util/buf.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_MAX_LEN 4096

static const char *const fz_ops[] = {
    [EXPR_EQ] = "eq", [EXPR_NE] = "ne", [EXPR_GT] = "gt", [EXPR_GE] = "ge", [EXPR_LT] = "lt",
    [EXPR_LE] = "le", [EXPR_SW] = "sw", [EXPR_CO] = "co", [EXPR_EW] = "ew", [EXPR_PR] = "pr",
};

/* Checks the node invariants; returns the tree depth. */
static int fz_check(const struct expr *e, enum okta_expr_ctx ctx)
{
    if (!e)
        abort();
    switch (e->kind) {
    case EXPR_AND:
    case EXPR_OR: {
        int l = fz_check(e->left, ctx), r = fz_check(e->right, ctx);
        return 1 + (l > r ? l : r);
    }
    case EXPR_NOT:
        if (e->right || ctx == OKTA_EXPR_USER_FILTER || ctx == OKTA_EXPR_APP_FILTER)
            abort();
        return 1 + fz_check(e->left, ctx);
    case EXPR_CMP:
        if (e->left || e->right || e->attr.n == 0 || e->op < EXPR_EQ || e->op > EXPR_PR ||
            e->op == EXPR_NE || e->op == EXPR_EW)
            abort();
        if ((e->op == EXPR_PR) != (e->vtype == EXPR_VAL_NONE))
            abort();
        if (e->vtype == EXPR_VAL_STRING &&
            (!e->str.p || e->str.p[e->str.n] != 0 || memchr(e->str.p, 0, e->str.n)))
            abort();
        if (e->vtype == EXPR_VAL_NULL)
            abort(); /* no context accepts null */
        if (e->nocase && (ctx == OKTA_EXPR_GROUP_FILTER || ctx == OKTA_EXPR_USER_FILTER ||
                          ctx == OKTA_EXPR_APP_FILTER || e->vtype != EXPR_VAL_STRING ||
                          okta_expr_is_date_attr(e->attr)))
            abort();
        if (okta_expr_is_date_attr(e->attr) && e->op != EXPR_PR) {
            int64_t ms;
            if (e->vtype != EXPR_VAL_STRING || okta_parse_time(e->str, &ms) != 0)
                abort();
        }
        return 1;
    }
    abort();
}

static void fz_print_string(struct buf *b, struct slice s)
{
    buf_append(b, "\"", 1);
    for (size_t i = 0; i < s.n; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (c == '"' || c == '\\')
            buf_appendf(b, "\\%c", c);
        else if (c < 0x20)
            buf_appendf(b, "\\u%04x", c);
        else
            buf_append(b, &s.p[i], 1);
    }
    buf_append(b, "\"", 1);
}

/* Prints with the fewest parentheses, flattening same-kind chains: the output does not
 * depend on how a chain was grouped, and never nests deeper than the input did. */
static void fz_print(struct buf *b, const struct expr *e, enum expr_kind parent)
{
    switch (e->kind) {
    case EXPR_AND:
    case EXPR_OR: {
        bool paren = parent == EXPR_NOT || (parent == EXPR_AND && e->kind == EXPR_OR);
        buf_append_str(b, paren ? "(" : "");
        fz_print(b, e->left, e->kind);
        buf_append_str(b, e->kind == EXPR_AND ? " and " : " or ");
        fz_print(b, e->right, e->kind);
        buf_append_str(b, paren ? ")" : "");
        return;
    }
    case EXPR_NOT:
        /* the grammar allows one `not` per primary: "not (not x)" */
        buf_append_str(b, parent == EXPR_NOT ? "(not " : "not ");
        fz_print(b, e->left, EXPR_NOT);
        buf_append_str(b, parent == EXPR_NOT ? ")" : "");
        return;
    case EXPR_CMP:
        buf_append(b, e->attr.p, e->attr.n);
        buf_appendf(b, " %s", fz_ops[e->op]);
        switch (e->vtype) {
        case EXPR_VAL_NONE: break;
        case EXPR_VAL_STRING:
            buf_append(b, " ", 1);
            fz_print_string(b, e->str);
            break;
        case EXPR_VAL_NUMBER: buf_appendf(b, " %.17g", e->num); break;
        case EXPR_VAL_BOOL: buf_append_str(b, e->boolean ? " true" : " false"); break;
        case EXPR_VAL_NULL: buf_append_str(b, " null"); break;
        }
        return;
    }
}

static void fz_one(const uint8_t *data, size_t size, enum okta_expr_ctx ctx)
{
    struct arena a;
    arena_init(&a, 1 << 20);
    struct expr *e = (struct expr *)&a;
    struct okta_expr_error err;
    int rc =
        okta_expr_parse(&a, (struct slice){(const char *)data, size}, ctx, FZ_MAX_LEN, &e, &err);
    if (rc != 0) {
        if (e || !err.code || strlen(err.code) != 8 || !err.summary[0] || !err.detail[0])
            abort();
        if (rc == R_EINVAL && err.status != 400)
            abort();
        if (rc != R_EINVAL && rc != R_ENOMEM)
            abort();
        if (size > FZ_MAX_LEN && strcmp(err.code, "E0000031") != 0)
            abort();
        arena_free(&a);
        return;
    }
    if (size > FZ_MAX_LEN)
        abort();
    fz_check(e, ctx);

    /* round trip: print, reparse in the same context, print again: same text */
    struct buf b1, b2;
    buf_init(&b1, 0);
    buf_init(&b2, 0);
    fz_print(&b1, e, EXPR_CMP);
    if (!b1.oom) {
        struct expr *e2;
        if (okta_expr_parse(&a, (struct slice){b1.p, b1.n}, ctx, b1.n, &e2, &err) != 0)
            abort();
        fz_print(&b2, e2, EXPR_CMP);
        if (!b2.oom && (b1.n != b2.n || memcmp(b1.p, b2.p, b1.n) != 0))
            abort();
    }
    buf_free(&b1);
    buf_free(&b2);
    arena_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_one(data, size, OKTA_EXPR_GROUP_FILTER);
    fz_one(data, size, OKTA_EXPR_GROUP_SEARCH);
    fz_one(data, size, OKTA_EXPR_USER_FILTER);
    fz_one(data, size, OKTA_EXPR_USER_SEARCH);
    fz_one(data, size, OKTA_EXPR_APP_FILTER);
    int64_t ms;
    okta_parse_time((struct slice){(const char *)data, size}, &ms);
    return 0;
}
