/* Users through the Okta dialect: the Okta lifecycle, ASA names derived from logins,
 * passwords, profile updates and the two-step delete. */
#include <string.h>

#include "core/internal.h"
#include "core/okta.h"

#define ASA_NAME_TRIES 1000

static const char *const status_names[] = {
    [STORE_USER_STAGED] = "STAGED",
    [STORE_USER_PROVISIONED] = "PROVISIONED",
    [STORE_USER_ACTIVE] = "ACTIVE",
    [STORE_USER_RECOVERY] = "RECOVERY",
    [STORE_USER_PASSWORD_EXPIRED] = "PASSWORD_EXPIRED",
    [STORE_USER_LOCKED_OUT] = "LOCKED_OUT",
    [STORE_USER_SUSPENDED] = "SUSPENDED",
    [STORE_USER_DEPROVISIONED] = "DEPROVISIONED",
};

const char *core_okta_status_name(int status)
{
    if (status < 0 || status > STORE_USER_DEPROVISIONED)
        return "STAGED";
    return status_names[status];
}

int core_okta_status_from_name(struct slice s)
{
    for (int i = 0; i <= STORE_USER_DEPROVISIONED; i++)
        if (slice_eq_nocase(s, slice_from_cstr(status_names[i])))
            return i;
    return -1;
}

int core_okta_next_status(int cur, enum core_okta_op op, bool has_password, int *next, bool *hard)
{
    *hard = false;
    *next = cur;
    switch (op) {
    case CORE_OKTA_ACTIVATE:
        if (cur == STORE_USER_ACTIVE)
            return R_EEXIST;
        if (cur != STORE_USER_STAGED && cur != STORE_USER_PROVISIONED &&
            cur != STORE_USER_DEPROVISIONED)
            return R_EFORBIDDEN;
        *next = has_password ? STORE_USER_ACTIVE : STORE_USER_PROVISIONED;
        return 0;
    case CORE_OKTA_DEACTIVATE:
        if (cur == STORE_USER_DEPROVISIONED)
            return R_EFORBIDDEN;
        *next = STORE_USER_DEPROVISIONED;
        return 0;
    case CORE_OKTA_SUSPEND:
        if (cur != STORE_USER_ACTIVE)
            return R_EINVAL;
        *next = STORE_USER_SUSPENDED;
        return 0;
    case CORE_OKTA_UNSUSPEND:
        if (cur != STORE_USER_SUSPENDED)
            return R_EINVAL;
        *next = STORE_USER_ACTIVE;
        return 0;
    case CORE_OKTA_DELETE:
        /* two steps: deactivate first, delete for good the second time */
        *hard = cur == STORE_USER_DEPROVISIONED;
        *next = STORE_USER_DEPROVISIONED;
        return 0;
    }
    return R_EINVAL;
}

void core_okta_asa_name_base(struct slice login, char out[65])
{
    size_t n = 0;
    for (size_t i = 0; i < login.n && login.p[i] != '@' && n < 64; i++) {
        char c = login.p[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-';
        if (!ok || (n == 0 && c == '-'))
            continue;
        out[n++] = c;
    }
    if (n == 0) {
        memcpy(out, "user", 4);
        n = 4;
    }
    out[n] = 0;
}

/* A free ASA name for the login inside the write transaction: the base, then base-2, … */
static int asa_name_for(struct core_ctx *cx, const struct store_team *t, const char *login,
                        const char **out)
{
    char base[65];
    struct store_user u;
    core_okta_asa_name_base(slice_from_cstr(login), base);
    for (int i = 1; i <= ASA_NAME_TRIES; i++) {
        const char *name =
            i == 1 ? arena_strdup(cx->a, base) : arena_printf(cx->a, "%s-%d", base, i);
        if (!name)
            return R_ENOMEM;
        int rc = STORE(cx, users)->get_by_name(cx->st, cx->a, t->id, name, &u);
        if (rc == R_ENOTFOUND) {
            *out = name;
            return 0;
        }
        if (rc)
            return rc;
    }
    /* a thousand taken: a random suffix */
    char id[21];
    core_okta_id("00u", id);
    *out = arena_printf(cx->a, "%s-%s", base, id + 11);
    return *out ? 0 : R_ENOMEM;
}

static int login_free(struct core_ctx *cx, const struct store_team *t, const char *login,
                      int64_t except)
{
    bool taken;
    int rc = STORE(cx, users)->login_taken(cx->st, t->id, login, except, &taken);
    return rc ? rc : taken ? R_EEXIST : 0;
}

int core_okta_user_create(struct core_ctx *cx, const struct store_team *t,
                          const struct core_okta_user_in *in, bool activate,
                          const char *const *group_ids, size_t ngroups,
                          struct store_user_detail *out)
{
    const char *hash = NULL;
    int rc;
    if (!in->login)
        return R_EINVAL;
    /* hashing is slow: before the write transaction */
    if (in->password && (rc = core_password_hash(cx->a, slice_from_cstr(in->password), &hash)))
        return rc;
    int status = !activate ? STORE_USER_STAGED : hash ? STORE_USER_ACTIVE : STORE_USER_PROVISIONED;
    struct core_user_new nu = {
        .login = in->login,
        .email = in->email,
        .first_name = in->first_name,
        .last_name = in->last_name,
        .display_name = in->display_name,
        .user_type = STORE_USER_HUMAN,
        .status = status,
    };
    struct store_user_detail ou = {0};
    int64_t now;
    if ((rc = core__begin(cx)))
        return rc;
    if ((rc = login_free(cx, t, in->login, 0)) || (rc = asa_name_for(cx, t, in->login, &nu.name)))
        goto out;
    if ((rc = core__user_create_tx(cx, t, &nu, &ou.u)))
        goto out;
    now = ou.u.created;
    if (in->profile_json) {
        ou.u.profile_json = in->profile_json;
        if ((rc = STORE(cx, users)->update_profile(cx->st, &ou.u, now)))
            goto out;
    }
    if (hash) {
        if ((rc = STORE(cx, users)->set_password(cx->st, ou.u.id, hash, now)))
            goto out;
        ou.has_password = true;
        ou.password_changed = now;
    }
    if (activate) {
        if ((rc = STORE(cx, users)->set_lifecycle(cx->st, ou.u.id, status, true, now)))
            goto out;
        ou.activated = now;
    }
    for (size_t i = 0; i < ngroups; i++) {
        struct store_group g;
        bool changed;
        if ((rc = STORE(cx, groups)->get(cx->st, cx->a, t->id, group_ids[i], &g)))
            goto out;
        if (g.type == STORE_GROUP_BUILT_IN)
            continue; /* every user is in it already */
        if ((rc = STORE(cx, members)->add(cx->st, &g, &ou.u, now, &changed)))
            goto out;
    }
out:
    rc = core__end(cx, rc);
    if (!rc)
        *out = ou;
    return rc;
}

int core_okta_user_get(struct core_ctx *cx, const struct store_team *t, const char *id_or_login,
                       struct store_user_detail *out)
{
    return STORE(cx, users)->get(cx->st, cx->a, t->id, id_or_login, out);
}

int core_okta_user_update(struct core_ctx *cx, const struct store_team *t, const char *id_or_login,
                          const struct core_okta_user_in *in, struct store_user_detail *out)
{
    const char *hash = NULL;
    struct store_user_detail u;
    int rc;
    if (!in->login)
        return R_EINVAL;
    if (in->password && (rc = core_password_hash(cx->a, slice_from_cstr(in->password), &hash)))
        return rc;
    int64_t now = core_now_ms();
    if ((rc = core__begin(cx)))
        return rc;
    rc = STORE(cx, users)->get(cx->st, cx->a, t->id, id_or_login, &u);
    if (!rc)
        rc = login_free(cx, t, in->login, u.u.id);
    if (!rc) {
        /* the ASA name stays: renaming a login does not rename the ASA user */
        u.u.login = in->login;
        u.u.email = in->email;
        u.u.first_name = in->first_name;
        u.u.last_name = in->last_name;
        u.u.display_name = in->display_name;
        u.u.profile_json = in->profile_json;
        u.u.last_updated = now;
        rc = STORE(cx, users)->update_profile(cx->st, &u.u, now);
    }
    if (!rc && hash) {
        rc = STORE(cx, users)->set_password(cx->st, u.u.id, hash, now);
        u.has_password = true;
        u.password_changed = now;
    }
    rc = core__end(cx, rc);
    if (!rc)
        *out = u;
    return rc;
}

int core_okta_user_lifecycle(struct core_ctx *cx, const struct store_team *t, const char *id,
                             enum core_okta_op op, struct store_user_detail *out, bool *deleted)
{
    struct store_user_detail u;
    int next;
    bool hard;
    int64_t now = core_now_ms();
    *deleted = false;
    int rc = core__begin(cx);
    if (rc)
        return rc;
    rc = STORE(cx, users)->get(cx->st, cx->a, t->id, id, &u);
    if (!rc)
        rc = core_okta_next_status(u.u.status, op, u.has_password, &next, &hard);
    if (rc)
        goto out;
    if (hard) {
        /* the ASA view: deleted (soft, name reserved); the login becomes free */
        rc = STORE(cx, members)->remove_user(cx->st, &u.u, now);
        if (!rc)
            rc = STORE(cx, members)->builtin_count_add(cx->st, t->id, -1, -1);
        if (!rc)
            rc = STORE(cx, users)->update_status(cx->st, u.u.id, u.u.status, now, now);
        *deleted = true;
        goto out;
    }
    if (next != u.u.status || op == CORE_OKTA_ACTIVATE) {
        rc = STORE(cx, users)->set_lifecycle(cx->st, u.u.id, next, op == CORE_OKTA_ACTIVATE, now);
        if (op == CORE_OKTA_ACTIVATE)
            u.activated = now;
        u.u.status = next;
        u.u.status_changed = u.u.last_updated = now;
    }
out:
    rc = core__end(cx, rc);
    if (!rc)
        *out = u;
    return rc;
}

int core_okta_user_list(struct core_ctx *cx, const struct store_team *t, struct store_query *q,
                        struct store_user_detail **rows, size_t *n)
{
    q->team_id = t->id;
    return STORE(cx, users)->query(cx->st, cx->a, q, rows, n);
}

int core_okta_user_groups(struct core_ctx *cx, const struct store_team *t, const char *id,
                          struct store_query *q, struct store_group **rows, size_t *n)
{
    struct store_user_detail u;
    int rc = STORE(cx, users)->get(cx->st, cx->a, t->id, id, &u);
    if (rc)
        return rc;
    q->team_id = t->id;
    q->member_user_id = u.u.id;
    q->member_builtin = core__builtin_member(&u.u);
    return STORE(cx, groups)->query(cx->st, cx->a, q, rows, NULL, n);
}
