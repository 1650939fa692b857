/* Groups and memberships: names, roles, soft delete, the built-in group, exact counts. */
#include <string.h>

#include "core/internal.h"

int core_group_create(struct core_ctx *cx, const struct store_team *t, struct slice name,
                      unsigned roles, struct store_group *out)
{
    if (!core_asa_name_valid(name) || (roles & ~(unsigned)STORE_ROLE_ALL))
        return R_EINVAL;
    struct store_group g = {
        .team_id = t->id,
        .name = arena_strndup(cx->a, name.p, name.n),
        .roles = roles,
    };
    return core__group_insert(cx, &g, out);
}

int core__group_name_free(struct core_ctx *cx, int64_t team_id, const char *name, int64_t self_id)
{
    struct store_group existing;
    /* names are unique among live groups: a deleted group's name is free again */
    int rc = STORE(cx, groups)->get_by_name(cx->st, cx->a, team_id, name, false, &existing);
    if (rc == 0)
        return existing.id == self_id ? 0 : R_EEXIST;
    if (rc != R_ENOTFOUND)
        return rc;
    return core_group_name_reserved(slice_from_cstr(name)) ? R_ERESERVED : 0;
}

int core__group_insert(struct core_ctx *cx, struct store_group *g, struct store_group *out)
{
    if (!g->name)
        return R_ENOMEM;
    int64_t now = core_now_ms();
    g->type = STORE_GROUP_ORDINARY;
    g->created = g->last_updated = g->last_membership_updated = now;
    core_uuid(g->uuid);
    core_okta_id("00g", g->okta_id);
    int rc = core__begin(cx);
    if (rc)
        return rc;
    rc = core__group_name_free(cx, g->team_id, g->name, 0);
    if (!rc)
        rc = STORE(cx, groups)->insert(cx->st, g);
    rc = core__end(cx, rc);
    if (!rc)
        *out = *g;
    return rc;
}

int core_group_get(struct core_ctx *cx, const struct store_team *t, const char *name,
                   struct store_group *out)
{
    return STORE(cx, groups)->get_by_name(cx->st, cx->a, t->id, name, false, out);
}

int core_group_set_roles(struct core_ctx *cx, const struct store_team *t, const char *name,
                         const char *sent_name, unsigned roles)
{
    struct store_group g;
    if (roles & ~(unsigned)STORE_ROLE_ALL)
        return R_EINVAL;
    int rc = core__begin(cx);
    if (rc)
        return rc;
    rc = STORE(cx, groups)->get_by_name(cx->st, cx->a, t->id, name, false, &g);
    /* clients may send the name back; a rename is not an ASA operation (asa.md §4.3) */
    if (!rc && sent_name && strcmp(sent_name, g.name) != 0)
        rc = R_EINVAL;
    if (!rc)
        rc = STORE(cx, groups)->update_roles(cx->st, g.id, roles, core_now_ms());
    return core__end(cx, rc);
}

int core_group_delete(struct core_ctx *cx, const struct store_team *t, const char *name)
{
    struct store_group g;
    int rc = core__begin(cx);
    if (rc)
        return rc;
    rc = STORE(cx, groups)->get_by_name(cx->st, cx->a, t->id, name, false, &g);
    if (!rc && (g.type == STORE_GROUP_BUILT_IN || (g.flags & STORE_GROUP_UNDELETABLE)))
        rc = R_EFORBIDDEN;
    if (!rc)
        rc = STORE(cx, groups)->delete (cx->st, g.id, core_now_ms());
    return core__end(cx, rc);
}

/* Resolves a group cursor (uuid) to its sort key. */
static int group_cursor(struct core_ctx *cx, const struct store_team *t,
                        const struct core_page_req *pr, struct store_page *sp)
{
    struct store_group cur;
    if (!pr->cursor) {
        core__page_setup(pr, NULL, NULL, sp);
        return 0;
    }
    if (!core_uuid_valid(slice_from_cstr(pr->cursor)))
        return R_EINVAL;
    int rc = STORE(cx, groups)->get_by_uuid(cx->st, cx->a, t->id, pr->cursor, &cur);
    if (rc)
        return rc == R_ENOTFOUND ? R_EINVAL : rc;
    core__page_setup(pr, cur.name, arena_strdup(cx->a, cur.uuid), sp);
    return sp->after_uuid ? 0 : R_ENOMEM;
}

static int group_page(struct core_ctx *cx, const struct store_team *t,
                      const struct store_group_filter *f, const struct core_page_req *pr,
                      struct store_group **rows, size_t *n, struct core_page_info *info)
{
    struct store_page sp;
    int rc = group_cursor(cx, t, pr, &sp);
    if (rc)
        return rc;
    rc = STORE(cx, groups)->list(cx->st, cx->a, f, &sp, rows, n);
    if (rc)
        return rc;
    size_t k = *n > sp.limit ? sp.limit : *n;
    core__page_finish(pr, &sp, n, k ? (*rows)[0].uuid : NULL, k ? (*rows)[k - 1].uuid : NULL, info);
    return 0;
}

int core_group_list(struct core_ctx *cx, const struct store_team *t,
                    const struct core_group_query *q, const struct core_page_req *pr,
                    struct store_group **rows, size_t *n, struct core_page_info *info)
{
    struct store_group_filter f = {
        .team_id = t->id,
        .contains = q->contains,
        .ids = q->ids,
        .nids = q->nids,
        .ignore = q->ignore,
        .nignore = q->nignore,
        .deleted = q->deleted,
    };
    return group_page(cx, t, &f, pr, rows, n, info);
}

int core_user_groups(struct core_ctx *cx, const struct store_team *t, const char *user_name,
                     const char *contains, const struct core_page_req *pr,
                     struct store_group **rows, size_t *n, struct core_page_info *info)
{
    struct store_user u;
    int rc = STORE(cx, users)->get_by_name(cx->st, cx->a, t->id, user_name, &u);
    if (rc)
        return rc;
    struct store_group_filter f = {
        .team_id = t->id,
        .contains = contains,
        .member_user_id = u.id,
        .member_builtin = core__builtin_member(&u),
    };
    return group_page(cx, t, &f, pr, rows, n, info);
}

/* Looks up the group and user of a membership change; refuses the built-in group. */
static int member_target(struct core_ctx *cx, const struct store_team *t, const char *group,
                         const char *user, struct store_group *g, struct store_user *u)
{
    int rc = STORE(cx, groups)->get_by_name(cx->st, cx->a, t->id, group, false, g);
    if (rc)
        return rc;
    if (g->type == STORE_GROUP_BUILT_IN)
        return R_EFORBIDDEN;
    rc = STORE(cx, users)->get_by_name(cx->st, cx->a, t->id, user, u);
    if (rc)
        return rc;
    return u->deleted_at ? R_ENOTFOUND : 0;
}

int core_member_add(struct core_ctx *cx, const struct store_team *t, const char *group,
                    const char *user)
{
    struct store_group g;
    struct store_user u;
    bool changed;
    int rc = core__begin(cx);
    if (rc)
        return rc;
    rc = member_target(cx, t, group, user, &g, &u);
    if (!rc)
        rc = STORE(cx, members)->add(cx->st, &g, &u, core_now_ms(), &changed);
    return core__end(cx, rc);
}

int core_member_remove(struct core_ctx *cx, const struct store_team *t, const char *group,
                       const char *user)
{
    struct store_group g;
    struct store_user u;
    bool changed;
    int rc = core__begin(cx);
    if (rc)
        return rc;
    rc = member_target(cx, t, group, user, &g, &u);
    if (!rc)
        rc = STORE(cx, members)->remove(cx->st, &g, &u, core_now_ms(), &changed);
    return core__end(cx, rc);
}
