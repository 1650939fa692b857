/* The dialect-neutral query model: canonical attributes, typed values, operators, boolean
 * expressions and sort keys. A dialect parses its own syntax and maps its attribute names
 * onto these; core scopes a query to its team; an engine compiles it through a whitelist of
 * the attributes each entity has. No syntax and no dialect names live here. */
#ifndef ROSTER_STORE_QUERY_H
#define ROSTER_STORE_QUERY_H

#include <stdbool.h>
#include <stdint.h>

#include "util/slice.h"

/* What an expression compares or a list sorts by. Dates are ms since the epoch; statuses
 * and types are their store enums (an app's status: 1 active, 0 inactive). */
enum store_attr {
    STORE_ATTR_NONE = 0,
    STORE_ATTR_ID,     /* the public time-ordered id (00g…, 00u…, 0oa…) */
    STORE_ATTR_TYPE,   /* enum store_group_type */
    STORE_ATTR_STATUS, /* enum store_user_status; apps: 1 active, 0 inactive */
    STORE_ATTR_CREATED,
    STORE_ATTR_UPDATED,         /* last profile change */
    STORE_ATTR_MEMBERS_UPDATED, /* last membership change (derived for the built-in group) */
    STORE_ATTR_ACTIVATED,
    STORE_ATTR_STATUS_CHANGED,
    STORE_ATTR_PASSWORD_CHANGED,
    STORE_ATTR_NAME, /* groups: the name; apps: the app's name */
    STORE_ATTR_DESCRIPTION,
    STORE_ATTR_LOGIN,
    STORE_ATTR_EMAIL,
    STORE_ATTR_FIRST_NAME,
    STORE_ATTR_LAST_NAME,
    STORE_ATTR_DISPLAY_NAME,
    STORE_ATTR_UNHELD,  /* an attribute a dialect knows but no row holds: always null */
    STORE_ATTR_PROFILE, /* a custom profile attribute; member: its name ([A-Za-z0-9_]) */
    STORE_ATTR_DOC,     /* a member of an app's opaque settings; member: its dotted path */
};

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
    struct slice attr;     /* the attribute as the dialect wrote it (case-sensitive) */
    enum store_attr field; /* what it names: set by the dialect's mapping */
    struct slice member;   /* STORE_ATTR_PROFILE / STORE_ATTR_DOC: which one */
    enum expr_op op;
    enum expr_value_type vtype;
    struct slice str; /* decoded string value (NUL-terminated, arena) */
    double num;
    bool boolean;
    bool nocase; /* compare string values case-insensitively (a dialect's search) */
};

/* A list's order: by field (STORE_ATTR_NONE: the default order, the id's), ties by id. A
 * custom attribute sorts by its value, rows without it first. */
struct store_sort {
    enum store_attr field;
    struct slice member;
    bool desc;
};

/* What a public time-ordered id names: its table, and the type prefix of its ids. */
enum store_kind {
    STORE_KIND_GROUP = 1, /* "00g" */
    STORE_KIND_USER,      /* "00u" */
    STORE_KIND_APP,       /* "0oa" */
};

/* Keyset page request over (sort key, uuid) of the name-ordered lists. */
struct store_page {
    const char *after_name; /* cursor object's name, NULL = from the start */
    const char *after_uuid;
    bool backward;   /* return rows before the cursor (prev=true), still in display order */
    bool descending; /* display order */
    unsigned limit;  /* rows wanted; engines fetch limit+1 to know whether more remain */
};

/* A list query of the query model, scoped by core to its team. The dialect has validated
 * the expression and mapped it onto canonical attributes and typed values (unknown status
 * and type values are -1). Engines compile it through a whitelist of each entity's
 * attributes; one the entity lacks gives R_EINVAL. */
struct store_query {
    int64_t team_id;
    const struct expr *expr;
    const char *q; /* case-insensitive prefix (groups: name; users: first/last/email) */
    /* public id of the last row of the previous page, or NULL. One that names no row of the
     * team (deleted rows included) gives an empty page. */
    const char *after;
    unsigned limit;         /* rows wanted; engines return up to limit + 1 */
    struct store_sort sort; /* groups and users; field 0: the default order */
    /* groups */
    int64_t member_user_id; /* > 0: groups this user is an explicit member of */
    bool member_builtin;    /* with member_user_id: add the built-in group */
    bool with_apps_count;
    /* users: > 0: explicit members of this group; apps: assigned to this group */
    int64_t in_group_id;
    bool deprovisioned;           /* include DEPROVISIONED users */
    bool exclude_deprovisioned_q; /* with q */
};

#endif
