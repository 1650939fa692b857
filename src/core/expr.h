/* A boolean filter expression over named attributes ("profile.name", "type", "id", …):
 * what a dialect's filter/search language parses into, and what a store engine compiles
 * into its query language through a whitelist of attributes. No syntax lives here. */
#ifndef ROSTER_CORE_EXPR_H
#define ROSTER_CORE_EXPR_H

#include <stdbool.h>

#include "util/slice.h"

enum expr_kind {
    EXPR_AND = 1,
    EXPR_OR,
    EXPR_NOT,
    EXPR_CMP,
};

enum expr_op {
    EXPR_EQ = 1,
    EXPR_NE,
    EXPR_GT,
    EXPR_GE,
    EXPR_LT,
    EXPR_LE,
    EXPR_SW, /* starts with */
    EXPR_CO, /* contains */
    EXPR_EW, /* ends with */
    EXPR_PR, /* present (no value) */
};

enum expr_value_type {
    EXPR_VAL_NONE = 0, /* EXPR_PR */
    EXPR_VAL_STRING,
    EXPR_VAL_NUMBER,
    EXPR_VAL_BOOL,
    EXPR_VAL_NULL,
};

struct expr {
    enum expr_kind kind;
    struct expr *left, *right; /* AND/OR: both; NOT: left */
    /* EXPR_CMP */
    struct slice attr; /* attribute path as written (case-sensitive) */
    enum expr_op op;
    enum expr_value_type vtype;
    struct slice str; /* decoded string value (NUL-terminated, arena) */
    double num;
    bool boolean;
    bool nocase; /* compare string values case-insensitively (Okta `search`) */
};

#endif
