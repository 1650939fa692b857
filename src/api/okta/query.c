/* The Okta dialect on the query model (store/query.h): its attribute names as canonical
 * attributes, and its values (timestamps, status and type names) as typed values. */
#include <string.h>

#include "api/okta/expr.h"
#include "core/okta.h"
#include "util/err.h"

struct okta_attr_name {
    const char *name;
    enum store_attr field;
};

static const struct okta_attr_name okta_group_attrs[] = {
    {"id", STORE_ATTR_ID},
    {"type", STORE_ATTR_TYPE},
    {"created", STORE_ATTR_CREATED},
    {"lastUpdated", STORE_ATTR_UPDATED},
    {"lastMembershipUpdated", STORE_ATTR_MEMBERS_UPDATED},
    {"profile.name", STORE_ATTR_NAME},
    {"profile.description", STORE_ATTR_DESCRIPTION},
    {"source.id", STORE_ATTR_UNHELD},
    {NULL, 0},
};

static const struct okta_attr_name okta_user_attrs[] = {
    {"id", STORE_ATTR_ID},
    {"status", STORE_ATTR_STATUS},
    {"created", STORE_ATTR_CREATED},
    {"activated", STORE_ATTR_ACTIVATED},
    {"statusChanged", STORE_ATTR_STATUS_CHANGED},
    {"lastUpdated", STORE_ATTR_UPDATED},
    {"passwordChanged", STORE_ATTR_PASSWORD_CHANGED},
    {"profile.login", STORE_ATTR_LOGIN},
    {"profile.email", STORE_ATTR_EMAIL},
    {"profile.firstName", STORE_ATTR_FIRST_NAME},
    {"profile.lastName", STORE_ATTR_LAST_NAME},
    {"profile.displayName", STORE_ATTR_DISPLAY_NAME},
    {"type.id", STORE_ATTR_UNHELD},
    {NULL, 0},
};

/* An app's settings stay opaque JSON: these are members of it. */
static const struct okta_attr_name okta_app_attrs[] = {
    {"id", STORE_ATTR_ID},
    {"status", STORE_ATTR_STATUS},
    {"name", STORE_ATTR_NAME},
    {"credentials.signing.kid", STORE_ATTR_DOC},
    {"settings.slo.enabled", STORE_ATTR_DOC},
    {NULL, 0},
};

/* Okta's APP_GROUP: a group type no stored group has (enum store_group_type). */
#define OKTA_APP_GROUP_TYPE 2

static bool okta_ctx_users(enum okta_expr_ctx ctx)
{
    return ctx == OKTA_EXPR_USER_FILTER || ctx == OKTA_EXPR_USER_SEARCH;
}

static bool okta_ctx_groups(enum okta_expr_ctx ctx)
{
    return ctx == OKTA_EXPR_GROUP_FILTER || ctx == OKTA_EXPR_GROUP_SEARCH;
}

int okta_query_attr(enum okta_expr_ctx ctx, struct slice name, enum store_attr *field,
                    struct slice *member)
{
    const struct okta_attr_name *names = okta_ctx_users(ctx)    ? okta_user_attrs
                                         : okta_ctx_groups(ctx) ? okta_group_attrs
                                                                : okta_app_attrs;
    *member = (struct slice){"", 0};
    for (const struct okta_attr_name *a = names; a->name; a++) {
        if (slice_eq_cstr(name, a->name)) {
            *field = a->field;
            if (a->field == STORE_ATTR_DOC)
                *member = name;
            return 0;
        }
    }
    /* custom profile attributes of groups and users */
    if (ctx != OKTA_EXPR_APP_FILTER && name.n > 8 && memcmp(name.p, "profile.", 8) == 0) {
        *field = STORE_ATTR_PROFILE;
        *member = (struct slice){name.p + 8, name.n - 8};
        return 0;
    }
    *field = STORE_ATTR_NONE;
    return R_EINVAL;
}

static int okta_group_type(struct slice s)
{
    if (slice_eq_nocase(s, SLICE_LIT("OKTA_GROUP")))
        return STORE_GROUP_ORDINARY;
    if (slice_eq_nocase(s, SLICE_LIT("BUILT_IN")))
        return STORE_GROUP_BUILT_IN;
    if (slice_eq_nocase(s, SLICE_LIT("APP_GROUP")))
        return OKTA_APP_GROUP_TYPE;
    return -1;
}

int okta_query_map(struct expr *e, enum okta_expr_ctx ctx)
{
    if (!e)
        return 0;
    if (e->kind != EXPR_CMP)
        return okta_query_map(e->left, ctx) || okta_query_map(e->right, ctx) ? R_EINVAL : 0;
    /* an attribute the model lacks stays STORE_ATTR_NONE: the engine refuses it */
    okta_query_attr(ctx, e->attr, &e->field, &e->member);
    if (e->vtype != EXPR_VAL_STRING)
        return 0;
    if (okta_expr_is_date_attr(e->attr)) {
        int64_t ms;
        if (okta_parse_time(e->str, &ms))
            return R_EINVAL;
        e->vtype = EXPR_VAL_NUMBER;
        e->num = (double)ms;
    } else if (okta_ctx_users(ctx) && e->field == STORE_ATTR_STATUS) {
        e->vtype = EXPR_VAL_NUMBER;
        e->num = core_okta_status_from_name(e->str);
    } else if (ctx == OKTA_EXPR_APP_FILTER && e->field == STORE_ATTR_STATUS) {
        /* the parser allows ACTIVE, INACTIVE and DELETED; no stored app is deleted */
        e->vtype = EXPR_VAL_NUMBER;
        e->num = slice_eq_cstr(e->str, "ACTIVE") ? 1 : slice_eq_cstr(e->str, "INACTIVE") ? 0 : -1;
    } else if (okta_ctx_groups(ctx) && e->field == STORE_ATTR_TYPE) {
        e->vtype = EXPR_VAL_NUMBER;
        e->num = okta_group_type(e->str);
    }
    return 0;
}
