/* Group and user attributes (asa.md §4.4). Every group and user has the whole set from
 * the start: names default to the owner's name, unix ids are drawn from the team counters
 * the first time they are needed, and ids are derived from (owner, name) so nothing has to
 * be stored until a value is. */
#include <string.h>
#include <strings.h>

#include "core/internal.h"
#include "core/project.h"

void core_attr_id(const char *owner_uuid, const char *attr_name, char out[37])
{
    static const char hex[] = "0123456789abcdef";
    char in[37 + 1 + 64];
    size_t a = strlen(owner_uuid), b = strlen(attr_name);
    if (a > 36)
        a = 36;
    if (b > 64)
        b = 64;
    memcpy(in, owner_uuid, a);
    in[a] = ':';
    memcpy(in + a + 1, attr_name, b);
    unsigned char h[32];
    core_hash_secret(in, a + 1 + b, h);
    /* The name-based layout (version 5, RFC 4122 variant), over SHA-256. */
    h[6] = (unsigned char)((h[6] & 0x0f) | 0x50);
    h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[h[i] >> 4];
        out[o++] = hex[h[i] & 15];
    }
    out[o] = 0;
}

static void attr_str(struct core_attr *a, const char *owner, const char *name, const char *v)
{
    core_attr_id(owner, name, a->id);
    a->name = name;
    a->is_int = false;
    a->str = v;
    a->num = 0;
}

static void attr_int(struct core_attr *a, const char *owner, const char *name, int64_t v)
{
    core_attr_id(owner, name, a->id);
    a->name = name;
    a->is_int = true;
    a->str = NULL;
    a->num = v;
}

/* In attribute-name order, which is the order lists show. */
size_t core_group_attr_view(const char *group_uuid, const char *group_name,
                            const struct store_group_attrs *a, struct core_attr out[])
{
    attr_int(&out[0], group_uuid, "unix_gid", a->unix_gid);
    attr_str(&out[1], group_uuid, "unix_group_name",
             a->unix_group_name ? a->unix_group_name : group_name);
    attr_str(&out[2], group_uuid, "windows_group_name",
             a->windows_group_name ? a->windows_group_name : group_name);
    return 3;
}

static size_t user_attr_view(const struct store_user *u, const struct store_user_attrs *a,
                             struct core_attr out[])
{
    attr_int(&out[0], u->uuid, "unix_gid", a->unix_gid);
    attr_int(&out[1], u->uuid, "unix_uid", a->unix_uid);
    attr_str(&out[2], u->uuid, "unix_user_name", a->unix_user_name ? a->unix_user_name : u->name);
    attr_str(&out[3], u->uuid, "windows_user_name",
             a->windows_user_name ? a->windows_user_name : u->name);
    return 4;
}

/* Next value of a team counter that no group or user holds already (ids may be set by
 * hand); inside a write transaction. */
static int unix_id_next(struct core_ctx *cx, int64_t team_id, const char *kind, int64_t *out)
{
    int64_t start = strcmp(kind, "unix_uid") == 0 ? CORE_UNIX_UID_START : CORE_UNIX_GID_START;
    for (int tries = 0; tries < 10000; tries++) {
        int64_t v;
        int holders;
        int rc = STORE(cx, teams)->counter_next(cx->st, team_id, kind, start, &v);
        if (!rc && v > CORE_UNIX_ID_MAX)
            rc = R_EINVAL;
        if (!rc)
            rc = STORE(cx, attributes)->unix_id_holders(cx->st, team_id, kind, v, &holders);
        if (rc)
            return rc;
        if (!holders) {
            *out = v;
            return 0;
        }
    }
    return R_EINTERNAL;
}

/* A name attribute: 0..255 characters, no control characters; "" restores the default. */
static bool attr_name_value_ok(const char *s)
{
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return false;
        if ((*p & 0xc0) != 0x80)
            chars++;
    }
    return chars <= 255;
}

static const char *name_or_default(const char *s)
{
    return s && *s ? s : NULL;
}

static int fail(const char **why, const char *msg)
{
    if (why)
        *why = msg;
    return R_EINVAL;
}

#define BAD_NAME_VALUE "attribute_value must be a string of at most 255 characters"
#define BAD_ID_VALUE "attribute_value must be an integer between 100 and 2147483647"

int core__group_attrs_apply(struct core_ctx *cx, const struct store_team *t,
                            const struct store_group *g, unsigned set,
                            const struct store_group_attrs *in, const char **why)
{
    struct store_group_attrs cur;
    if ((set & CORE_GA_UNIX_GROUP_NAME) && !attr_name_value_ok(in->unix_group_name))
        return fail(why, BAD_NAME_VALUE);
    if ((set & CORE_GA_WINDOWS_GROUP_NAME) && !attr_name_value_ok(in->windows_group_name))
        return fail(why, BAD_NAME_VALUE);
    if ((set & CORE_GA_UNIX_GID) &&
        (in->unix_gid < CORE_UNIX_ID_MIN || in->unix_gid > CORE_UNIX_ID_MAX))
        return fail(why, BAD_ID_VALUE);
    int rc = STORE(cx, attributes)->group_get(cx->st, cx->a, g->id, &cur);
    if (rc)
        return rc;
    struct store_group_attrs next = cur;
    if (set & CORE_GA_UNIX_GROUP_NAME)
        next.unix_group_name = name_or_default(in->unix_group_name);
    if (set & CORE_GA_WINDOWS_GROUP_NAME)
        next.windows_group_name = name_or_default(in->windows_group_name);
    if (set & CORE_GA_UNIX_GID)
        next.unix_gid = in->unix_gid;
    if (!next.unix_gid && (rc = unix_id_next(cx, t->id, "unix_gid", &next.unix_gid)))
        return rc;
    if (!set && cur.unix_gid)
        return 0; /* nothing to change */
    return STORE(cx, attributes)->group_put(cx->st, g->id, &next);
}

int core_group_attrs(struct core_ctx *cx, const struct store_team *t, const char *group,
                     struct core_attr out[CORE_ATTR_MAX], size_t *n)
{
    struct store_group g;
    struct store_group_attrs a;
    int rc = STORE(cx, groups)->get_by_name(cx->st, cx->a, t->id, group, false, &g);
    if (!rc)
        rc = STORE(cx, attributes)->group_get(cx->st, cx->a, g.id, &a);
    if (rc)
        return rc;
    if (!a.unix_gid) {
        /* First use: draw the gid, then read again inside the transaction. */
        if ((rc = core__begin(cx)))
            return rc;
        rc = STORE(cx, groups)->get_by_name(cx->st, cx->a, t->id, group, false, &g);
        if (!rc)
            rc = core__group_attrs_apply(cx, t, &g, 0, &a, NULL);
        if (!rc)
            rc = STORE(cx, attributes)->group_get(cx->st, cx->a, g.id, &a);
        if ((rc = core__end(cx, rc)))
            return rc;
    }
    *n = core_group_attr_view(g.uuid, g.name, &a, out);
    return 0;
}

/* Gives the user the unix ids it lacks; inside a write transaction. */
static int user_ids_fill(struct core_ctx *cx, const struct store_team *t, int64_t user_id,
                         struct store_user_attrs *a)
{
    int rc = 0;
    bool changed = !a->unix_uid || !a->unix_gid;
    if (!a->unix_uid)
        rc = unix_id_next(cx, t->id, "unix_uid", &a->unix_uid);
    if (!rc && !a->unix_gid)
        rc = unix_id_next(cx, t->id, "unix_gid", &a->unix_gid);
    if (!rc && changed)
        rc = STORE(cx, attributes)->user_put(cx->st, user_id, a);
    return rc;
}

int core_user_attrs(struct core_ctx *cx, const struct store_team *t, const char *user,
                    struct core_attr out[CORE_ATTR_MAX], size_t *n)
{
    struct store_user u;
    struct store_user_attrs a;
    int rc = STORE(cx, users)->get_by_name(cx->st, cx->a, t->id, user, &u);
    if (!rc)
        rc = STORE(cx, attributes)->user_get(cx->st, cx->a, u.id, &a);
    if (rc)
        return rc;
    if (!a.unix_uid || !a.unix_gid) {
        if ((rc = core__begin(cx)))
            return rc;
        rc = STORE(cx, attributes)->user_get(cx->st, cx->a, u.id, &a);
        if (!rc)
            rc = user_ids_fill(cx, t, u.id, &a);
        if ((rc = core__end(cx, rc)))
            return rc;
    }
    *n = user_attr_view(&u, &a, out);
    return 0;
}

int core_attrs_conflicting(struct core_ctx *cx, const struct store_team *t, struct core_attr *all,
                           size_t *n)
{
    size_t k = 0;
    for (size_t i = 0; i < *n; i++) {
        int holders = 0;
        if (all[i].is_int) {
            int rc = STORE(cx, attributes)
                         ->unix_id_holders(cx->st, t->id, all[i].name, all[i].num, &holders);
            if (rc)
                return rc;
        }
        if (holders > 1)
            all[k++] = all[i];
    }
    *n = k;
    return 0;
}

int core_attr_find(struct core_attr *all, size_t n, const char *id, struct core_attr **out)
{
    if (!id || !core_uuid_valid(slice_from_cstr(id)))
        return R_ENOTFOUND;
    for (size_t i = 0; i < n; i++) {
        if (strcasecmp(all[i].id, id) == 0) {
            *out = &all[i];
            return 0;
        }
    }
    return R_ENOTFOUND;
}

/* Checks that v fits attribute a (found by id, named name when given). */
static int attr_value_check(const struct core_attr *a, const char *name,
                            const struct core_attr_value *v, const char **why)
{
    if (name && strcmp(name, a->name) != 0)
        return fail(why, "attribute_name does not match the attribute id");
    if (a->is_int != v->is_int)
        return fail(why, a->is_int ? BAD_ID_VALUE : BAD_NAME_VALUE);
    if (a->is_int && (v->num < CORE_UNIX_ID_MIN || v->num > CORE_UNIX_ID_MAX))
        return fail(why, BAD_ID_VALUE);
    if (!a->is_int && (!v->str || !attr_name_value_ok(v->str)))
        return fail(why, BAD_NAME_VALUE);
    return 0;
}

int core_group_attr_set(struct core_ctx *cx, const struct store_team *t, const char *group,
                        const char *attr_id, const char *name, const struct core_attr_value *v,
                        const char **why)
{
    struct store_group g;
    struct store_group_attrs cur, in = {0};
    struct core_attr all[CORE_ATTR_MAX], *a;
    int rc = core__begin(cx);
    if (rc)
        return rc;
    rc = STORE(cx, groups)->get_by_name(cx->st, cx->a, t->id, group, false, &g);
    if (!rc)
        rc = STORE(cx, attributes)->group_get(cx->st, cx->a, g.id, &cur);
    if (rc)
        goto out;
    size_t n = core_group_attr_view(g.uuid, g.name, &cur, all);
    if ((rc = core_attr_find(all, n, attr_id, &a)) || (rc = attr_value_check(a, name, v, why)))
        goto out;
    unsigned set = 0;
    if (strcmp(a->name, "unix_gid") == 0) {
        set = CORE_GA_UNIX_GID;
        in.unix_gid = v->num;
    } else if (strcmp(a->name, "unix_group_name") == 0) {
        set = CORE_GA_UNIX_GROUP_NAME;
        in.unix_group_name = v->str;
    } else {
        set = CORE_GA_WINDOWS_GROUP_NAME;
        in.windows_group_name = v->str;
    }
    rc = core__group_attrs_apply(cx, t, &g, set, &in, why);
out:
    return core__end(cx, rc);
}

int core_user_attr_set(struct core_ctx *cx, const struct store_team *t, const char *user,
                       const char *attr_id, const char *name, const struct core_attr_value *v,
                       const char **why)
{
    struct store_user u;
    struct store_user_attrs a;
    struct core_attr all[CORE_ATTR_MAX], *at;
    int rc = core__begin(cx);
    if (rc)
        return rc;
    rc = STORE(cx, users)->get_by_name(cx->st, cx->a, t->id, user, &u);
    if (!rc)
        rc = STORE(cx, attributes)->user_get(cx->st, cx->a, u.id, &a);
    if (rc)
        goto out;
    size_t n = user_attr_view(&u, &a, all);
    if ((rc = core_attr_find(all, n, attr_id, &at)) || (rc = attr_value_check(at, name, v, why)))
        goto out;
    if (strcmp(at->name, "unix_gid") == 0)
        a.unix_gid = v->num;
    else if (strcmp(at->name, "unix_uid") == 0)
        a.unix_uid = v->num;
    else if (strcmp(at->name, "unix_user_name") == 0)
        a.unix_user_name = name_or_default(v->str);
    else
        a.windows_user_name = name_or_default(v->str);
    /* user_ids_fill writes the row (and draws the ids still missing). */
    if (a.unix_uid && a.unix_gid)
        rc = STORE(cx, attributes)->user_put(cx->st, u.id, &a);
    else
        rc = user_ids_fill(cx, t, u.id, &a);
out:
    return core__end(cx, rc);
}

int core_attr_page(struct core_attr *all, size_t nall, const struct core_page_req *pr,
                   struct core_attr **rows, size_t *n, struct core_page_info *info)
{
    if (pr->descending) {
        for (size_t i = 0; i < nall / 2; i++) {
            struct core_attr tmp = all[i];
            all[i] = all[nall - 1 - i];
            all[nall - 1 - i] = tmp;
        }
    }
    size_t count = pr->count ? pr->count : CORE_PAGE_DEFAULT;
    size_t start = 0, end = nall;
    if (pr->cursor) {
        struct core_attr *cur;
        if (core_attr_find(all, nall, pr->cursor, &cur))
            return R_EINVAL;
        size_t i = (size_t)(cur - all);
        if (pr->prev) {
            end = i;
            start = end > count ? end - count : 0;
        } else {
            start = i + 1;
        }
    }
    if (end - start > count)
        end = start + count;
    *rows = all + start;
    *n = end - start;
    memset(info, 0, sizeof(*info));
    info->has_prev = start > 0;
    info->has_next = end < nall;
    info->first_uuid = *n ? all[start].id : NULL;
    info->last_uuid = *n ? all[end - 1].id : NULL;
    return 0;
}
