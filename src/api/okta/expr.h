/* Okta `filter` / `search` expressions (okta.md §5): a pure, bounded parser from bytes to a
 * core `struct expr`, with the per-context attribute/operator rules and Okta's error codes. */
#ifndef ROSTER_API_OKTA_EXPR_H
#define ROSTER_API_OKTA_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/query.h"
#include "util/arena.h"
#include "util/slice.h"

/* Which query parameter of which collection the expression came from. */
enum okta_expr_ctx {
    OKTA_EXPR_GROUP_FILTER = 1,
    OKTA_EXPR_GROUP_SEARCH,
    OKTA_EXPR_USER_FILTER,
    OKTA_EXPR_USER_SEARCH,
    OKTA_EXPR_APP_FILTER,
};

/* Parentheses plus `not` may nest this deep; deeper input is rejected (E0000031). */
#define OKTA_EXPR_MAX_DEPTH 32
/* Used when okta_expr_parse is given max_len == 0. */
#define OKTA_EXPR_DEFAULT_MAX_LEN 4096

struct okta_expr_error {
    const char *code;  /* "E0000031", "E0000094", "E0000030" (or "E0000009" on OOM) */
    int status;        /* 400 (500 on OOM) */
    char summary[256]; /* the canonical errorSummary of `code` (okta.md §3.2), verbatim */
    char detail[128];  /* short reason for errorCauses / logs; not part of errorSummary */
};

/* Parses text as an expression of the given context and validates its attributes, operators
 * and values. On success returns 0 and *out points into the arena (nodes and NUL-terminated
 * decoded strings). On failure returns R_EINVAL (R_ENOMEM when the arena is exhausted),
 * *out = NULL and *err filled (an unknown ctx is a caller bug: R_EINVAL with E0000009/500).
 * A syntax error anywhere wins over a validation error; among validation errors the first
 * one (left to right) is reported.
 * Limits: text longer than max_len (0 = OKTA_EXPR_DEFAULT_MAX_LEN) and nesting deeper than
 * OKTA_EXPR_MAX_DEPTH are rejected; `a or b or c …` chains are built as balanced trees, so the
 * tree depth is O(nesting × log(terms)). Arena use is linear in the text length. */
int okta_expr_parse(struct arena *a, struct slice text, enum okta_expr_ctx ctx, size_t max_len,
                    struct expr **out, struct okta_expr_error *err);

/* True when sortBy may name attr next to a search of this context (a search context): the
 * attributes that search accepts, custom profile attributes included. */
bool okta_expr_sortable(enum okta_expr_ctx ctx, struct slice attr);

/* True for the timestamp attributes (created, activated, statusChanged, lastUpdated,
 * lastMembershipUpdated): their values are ISO-8601 strings compared chronologically. */
bool okta_expr_is_date_attr(struct slice attr);

/* The attribute name of the context as a canonical attribute (store/query.h); a document
 * member or a custom profile attribute's name in *member. R_EINVAL when it names none. */
int okta_query_attr(enum okta_expr_ctx ctx, struct slice name, enum store_attr *field,
                    struct slice *member);

/* Maps a parsed expression onto the query model: every comparison's attribute as a
 * canonical one, timestamps as ms, user statuses, app statuses and group types as the
 * store's numbers (-1 when unknown). R_EINVAL on a timestamp that does not parse. */
int okta_query_map(struct expr *e, enum okta_expr_ctx ctx);

/* Parses "yyyy-MM-ddTHH:mm:ss[.fraction](Z|±HH:mm|±HHmm)" (fraction 1–9 digits, truncated to
 * milliseconds) into milliseconds since the Unix epoch (UTC). A zone is required.
 * Returns 0, or R_EINVAL for anything else (bad field ranges included, e.g. Feb 30). */
int okta_parse_time(struct slice s, int64_t *ms_out);

#endif
