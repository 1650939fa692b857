/* Groups through the Okta dialect: Okta names, profile replacement (renames the ASA path key),
 * delete with app assignments, memberships by Okta id. */
#include <string.h>

#include "core/internal.h"
#include "core/okta.h"

bool core_okta_name_valid(struct slice s)
{
    size_t chars = 0;
    const unsigned char *p = (const unsigned char *)s.p;
    for (size_t i = 0; i < s.n;) {
        unsigned c = p[i];
        unsigned cp;
        size_t len;
        if (c < 0x80) {
            cp = c;
            len = 1;
        } else if ((c & 0xe0) == 0xc0) {
            cp = c & 0x1f;
            len = 2;
        } else if ((c & 0xf0) == 0xe0) {
            cp = c & 0x0f;
            len = 3;
        } else {
            return false; /* 4-byte characters are outside the BMP */
        }
        if (i + len > s.n)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
            return false;
        i += len;
        chars++;
    }
    return chars >= 1 && chars <= 255;
}

int core_okta_group_create(struct core_ctx *cx, const struct store_team *t,
                           const struct core_okta_group_in *in, struct store_group *out)
{
    if (!core_okta_name_valid(in->name))
        return R_EINVAL;
    struct store_group g = {
        .team_id = t->id,
        .name = arena_strndup(cx->a, in->name.p, in->name.n),
        .description = in->description,
        .profile_json = in->profile_json,
    };
    return core__group_insert(cx, &g, out);
}

int core_okta_group_get(struct core_ctx *cx, const struct store_team *t, const char *id,
                        struct store_group *out)
{
    return STORE(cx, groups)->get(cx->st, cx->a, t->id, id, out);
}

int core_okta_group_replace(struct core_ctx *cx, const struct store_team *t, const char *id,
                            const struct core_okta_group_in *in, struct store_group *out)
{
    struct store_group g;
    if (!core_okta_name_valid(in->name))
        return R_EINVAL;
    const char *name = arena_strndup(cx->a, in->name.p, in->name.n);
    if (!name)
        return R_ENOMEM;
    int64_t now = core_now_ms();
    int rc = core__begin(cx);
    if (rc)
        return rc;
    rc = STORE(cx, groups)->get(cx->st, cx->a, t->id, id, &g);
    if (!rc && g.type == STORE_GROUP_BUILT_IN)
        rc = R_EFORBIDDEN; /* the built-in group cannot be renamed or edited */
    if (!rc && strcmp(g.name, name) != 0)
        rc = core__group_name_free(cx, t->id, name, g.id);
    if (!rc)
        rc = STORE(cx, groups)
                 ->update_profile(cx->st, g.id, name, in->description, in->profile_json, now);
    rc = core__end(cx, rc);
    if (!rc) {
        g.name = name;
        g.description = in->description;
        g.profile_json = in->profile_json;
        g.last_updated = now;
        *out = g;
    }
    return rc;
}

int core_okta_group_delete(struct core_ctx *cx, const struct store_team *t, const char *id)
{
    struct store_group g;
    int rc = core__begin(cx);
    if (rc)
        return rc;
    rc = STORE(cx, groups)->get(cx->st, cx->a, t->id, id, &g);
    if (!rc && (g.type == STORE_GROUP_BUILT_IN || (g.flags & STORE_GROUP_UNDELETABLE)))
        rc = R_EFORBIDDEN;
    /* memberships go with the store op; app assignments with the schema's trigger */
    if (!rc)
        rc = STORE(cx, groups)->delete (cx->st, g.id, core_now_ms());
    return core__end(cx, rc);
}

int core_okta_group_list(struct core_ctx *cx, const struct store_team *t, struct store_query *q,
                         struct store_group **rows, int64_t **apps_count, size_t *n)
{
    q->team_id = t->id;
    return STORE(cx, groups)->query(cx->st, cx->a, q, rows, apps_count, n);
}

int core_okta_group_apps_count(struct core_ctx *cx, const struct store_group *g, int64_t *out)
{
    return STORE(cx, apps)->group_apps_count(cx->st, g->id, out);
}

/* Group and user of a membership change; refuses the built-in group. */
static int member_target(struct core_ctx *cx, const struct store_team *t, const char *group_id,
                         const char *user_id, struct store_group *g, struct store_user_detail *u)
{
    int rc = STORE(cx, groups)->get(cx->st, cx->a, t->id, group_id, g);
    if (rc)
        return rc;
    rc = STORE(cx, users)->get(cx->st, cx->a, t->id, user_id, u);
    if (rc)
        return rc;
    return g->type == STORE_GROUP_BUILT_IN ? R_EFORBIDDEN : 0;
}

int core_okta_member_add(struct core_ctx *cx, const struct store_team *t, const char *group_id,
                         const char *user_id)
{
    struct store_group g;
    struct store_user_detail u;
    bool changed;
    int rc = core__begin(cx);
    if (rc)
        return rc;
    rc = member_target(cx, t, group_id, user_id, &g, &u);
    if (!rc)
        rc = STORE(cx, members)->add(cx->st, &g, &u.u, core_now_ms(), &changed);
    return core__end(cx, rc);
}

int core_okta_member_remove(struct core_ctx *cx, const struct store_team *t, const char *group_id,
                            const char *user_id)
{
    struct store_group g;
    struct store_user_detail u;
    bool changed;
    int rc = core__begin(cx);
    if (rc)
        return rc;
    rc = member_target(cx, t, group_id, user_id, &g, &u);
    if (!rc)
        rc = STORE(cx, members)->remove(cx->st, &g, &u.u, core_now_ms(), &changed);
    return core__end(cx, rc);
}

int core_okta_group_users(struct core_ctx *cx, const struct store_team *t, const char *group_id,
                          struct store_query *q, struct store_user_detail **rows, size_t *n)
{
    struct store_group g;
    int rc = STORE(cx, groups)->get(cx->st, cx->a, t->id, group_id, &g);
    if (rc)
        return rc;
    q->team_id = t->id;
    q->in_group_id = g.type == STORE_GROUP_BUILT_IN ? 0 : g.id; /* everyone: every live user */
    q->deprovisioned = true; /* deprovisioned users stay members until deleted */
    return STORE(cx, users)->query(cx->st, cx->a, q, rows, n);
}
