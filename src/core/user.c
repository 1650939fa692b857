/* Users: both names, the lifecycle and its ASA view, listing members and non-members. */
#include <string.h>

#include "core/internal.h"

int core__user_create_tx(struct core_ctx *cx, const struct store_team *t,
                         const struct core_user_new *nu, struct store_user *out)
{
    int64_t now = core_now_ms();
    struct store_user u = {
        .team_id = t->id,
        .name = nu->name,
        .login = nu->login,
        .user_type = nu->user_type,
        .status = nu->status,
        .email = nu->email,
        .first_name = nu->first_name,
        .last_name = nu->last_name,
        .display_name = nu->display_name,
        .created = now,
        .last_updated = now,
        .status_changed = now,
    };
    core_uuid(u.uuid);
    core_okta_id("00u", u.okta_id);
    struct store_user existing;
    /* ASA names are never reused, so deleted users still hold theirs. */
    int rc = STORE(cx, users)->get_by_name(cx->st, cx->a, t->id, nu->name, &existing);
    if (rc == 0)
        return R_EEXIST;
    if (rc != R_ENOTFOUND)
        return rc;
    if ((rc = STORE(cx, users)->insert(cx->st, &u)))
        return rc;
    rc = STORE(cx, members)
             ->builtin_count_add(cx->st, t->id, 1, u.user_type == STORE_USER_HUMAN ? 1 : 0);
    if (!rc)
        *out = u;
    return rc;
}

int core_user_create(struct core_ctx *cx, const struct store_team *t,
                     const struct core_user_new *nu, struct store_user *out)
{
    bool ok = nu->user_type == STORE_USER_SERVICE ? core_asa_name_valid(slice_from_cstr(nu->name))
                                                  : core_user_name_valid(slice_from_cstr(nu->name));
    if (!ok)
        return R_EINVAL;
    int rc = core__begin(cx);
    if (rc)
        return rc;
    return core__end(cx, core__user_create_tx(cx, t, nu, out));
}

int core_user_get(struct core_ctx *cx, const struct store_team *t, const char *name,
                  struct store_user *out)
{
    return STORE(cx, users)->get_by_name(cx->st, cx->a, t->id, name, out);
}

int core_user_get_by_uuid(struct core_ctx *cx, const struct store_team *t, const char *uuid,
                          struct store_user *out)
{
    if (!core_uuid_valid(slice_from_cstr(uuid)))
        return R_ENOTFOUND;
    return STORE(cx, users)->get_by_uuid(cx->st, cx->a, t->id, uuid, out);
}

int core_user_set_asa_status(struct core_ctx *cx, const struct store_team *t,
                             const struct core_principal *by, const char *name,
                             enum core_asa_status status, int want_type, struct store_user *out)
{
    struct store_user u;
    int64_t now = core_now_ms();
    int rc = core__begin(cx);
    if (rc)
        return rc;
    rc = STORE(cx, users)->get_by_name(cx->st, cx->a, t->id, name, &u);
    if (!rc && want_type >= 0 && u.user_type != want_type)
        rc = R_ENOTFOUND;
    if (rc)
        goto out;
    enum core_asa_status cur = core_user_asa_status(&u);
    if (cur == status)
        goto done;
    if (cur == CORE_ASA_DELETED) {
        rc = R_EINVAL; /* deletion is final: the name stays reserved */
        goto out;
    }
    if (by && by->p.user_id == u.id) {
        rc = R_EFORBIDDEN; /* users cannot disable or delete themselves */
        goto out;
    }
    if (status == CORE_ASA_DELETED) {
        rc = STORE(cx, members)->remove_user(cx->st, &u, now);
        if (!rc)
            rc = STORE(cx, members)
                     ->builtin_count_add(cx->st, t->id, -1,
                                         u.user_type == STORE_USER_HUMAN ? -1 : 0);
        if (!rc)
            rc = STORE(cx, users)->update_status(cx->st, u.id, u.status, now, now);
        u.deleted_at = now;
    } else {
        int s = status == CORE_ASA_ACTIVE ? STORE_USER_ACTIVE : STORE_USER_SUSPENDED;
        rc = STORE(cx, users)->update_status(cx->st, u.id, s, 0, now);
        u.status = s;
    }
    u.status_changed = u.last_updated = now;
done:
    if (!rc)
        *out = u;
out:
    return core__end(cx, rc);
}

/* Resolves a user cursor (uuid) to its sort key. */
static int user_cursor(struct core_ctx *cx, const struct store_team *t,
                       const struct core_page_req *pr, struct store_page *sp)
{
    struct store_user cur;
    if (!pr->cursor) {
        core__page_setup(pr, NULL, NULL, sp);
        return 0;
    }
    if (!core_uuid_valid(slice_from_cstr(pr->cursor)))
        return R_EINVAL;
    int rc = STORE(cx, users)->get_by_uuid(cx->st, cx->a, t->id, pr->cursor, &cur);
    if (rc)
        return rc == R_ENOTFOUND ? R_EINVAL : rc;
    core__page_setup(pr, cur.name, arena_strdup(cx->a, cur.uuid), sp);
    return sp->after_uuid ? 0 : R_ENOMEM;
}

/* The stored statuses whose ASA status is in the set (core_user_asa_status decides). */
static unsigned asa_statuses(unsigned asa_set)
{
    unsigned out = 0;
    for (int s = 0; s < STORE_USER_STATUSES; s++) {
        struct store_user u = {.status = s};
        if (asa_set & (1u << core_user_asa_status(&u)))
            out |= 1u << s;
    }
    return out;
}

/* An ASA status set as the store's filter: live users of the stored statuses that map to
 * ACTIVE or DISABLED, and deleted users for DELETED. No known status: live users. */
static void status_filter(unsigned asa_set, struct store_user_filter *f)
{
    bool deleted = asa_set & CORE_ASA_DELETED_BIT;
    unsigned live = asa_statuses(asa_set & (CORE_ASA_ACTIVE_BIT | CORE_ASA_DISABLED_BIT));
    bool all_live = live == (1u << STORE_USER_STATUSES) - 1;
    f->statuses = all_live ? 0 : live;
    f->deleted = !deleted ? 0 : live ? 1 : 2;
}

static int user_page(struct core_ctx *cx, const struct store_team *t, struct store_user_filter *f,
                     const struct core_user_query *q, const struct core_page_req *pr,
                     struct store_user **rows, size_t *n, struct core_page_info *info)
{
    struct store_page sp;
    f->team_id = t->id;
    f->contains = q->contains;
    f->starts_with = q->starts_with;
    f->type_mask = q->type_mask;
    status_filter(q->status_mask, f);
    int rc = user_cursor(cx, t, pr, &sp);
    if (rc)
        return rc;
    rc = STORE(cx, users)->list(cx->st, cx->a, f, &sp, rows, n);
    if (rc)
        return rc;
    size_t k = *n > sp.limit ? sp.limit : *n;
    core__page_finish(pr, &sp, n, k ? (*rows)[0].uuid : NULL, k ? (*rows)[k - 1].uuid : NULL, info);
    return 0;
}

int core_user_list(struct core_ctx *cx, const struct store_team *t, const struct core_user_query *q,
                   const struct core_page_req *pr, struct store_user **rows, size_t *n,
                   struct core_page_info *info)
{
    struct store_user_filter f = {0};
    return user_page(cx, t, &f, q, pr, rows, n, info);
}

int core_group_users(struct core_ctx *cx, const struct store_team *t, const char *group,
                     const struct core_user_query *q, const struct core_page_req *pr,
                     struct store_user **rows, size_t *n, struct core_page_info *info)
{
    struct store_group g;
    int rc = STORE(cx, groups)->get_by_name(cx->st, cx->a, t->id, group, false, &g);
    if (rc)
        return rc;
    struct store_user_filter f = {0};
    struct core_user_query qq = *q;
    if (g.type == STORE_GROUP_BUILT_IN) {
        /* Every live user is an implicit member; deleted users are not. */
        if (qq.status_mask & CORE_ASA_DELETED_BIT)
            qq.status_mask &= ~CORE_ASA_DELETED_BIT;
        if (q->status_mask && !qq.status_mask) {
            *n = 0;
            memset(info, 0, sizeof(*info));
            return 0;
        }
    } else {
        f.in_group_id = g.id;
    }
    return user_page(cx, t, &f, &qq, pr, rows, n, info);
}

int core_users_not_in_group(struct core_ctx *cx, const struct store_team *t, const char *group,
                            const struct core_user_query *q, const struct core_page_req *pr,
                            struct store_user **rows, size_t *n, struct core_page_info *info)
{
    struct store_group g;
    int rc = STORE(cx, groups)->get_by_name(cx->st, cx->a, t->id, group, false, &g);
    if (rc)
        return rc;
    if (g.type == STORE_GROUP_BUILT_IN) {
        *n = 0;
        memset(info, 0, sizeof(*info));
        return 0;
    }
    struct store_user_filter f = {.not_in_group_id = g.id};
    return user_page(cx, t, &f, q, pr, rows, n, info);
}

bool core_user_full_name(const struct store_user *u, struct buf *out)
{
    if (u->display_name || (!u->first_name && !u->last_name)) {
        if (u->display_name)
            buf_append_str(out, u->display_name);
        return u->display_name != NULL;
    }
    if (u->first_name)
        buf_append_str(out, u->first_name);
    if (u->first_name && u->last_name)
        buf_append_str(out, " ");
    if (u->last_name)
        buf_append_str(out, u->last_name);
    return true;
}
