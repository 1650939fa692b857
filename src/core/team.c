/* Teams and bootstrap: a new team starts with `everyone` (built-in) and `owners`. */
#include <string.h>

#include "core/internal.h"

#define ADMIN_USER "roster-admin"
#define KEY_GRACE_MS (48 * 3600 * 1000LL)

int core_team_get(struct core_ctx *cx, const char *name, struct store_team *out)
{
    return STORE(cx, teams)->get(cx->st, cx->a, name, out);
}

static int new_group(struct core_ctx *cx, int64_t team_id, const char *name, unsigned roles,
                     int type, unsigned flags, int64_t now)
{
    struct store_group g = {
        .team_id = team_id,
        .name = name,
        .roles = roles,
        .type = type,
        .flags = flags,
        .created = now,
        .last_updated = now,
        .last_membership_updated = now,
    };
    core_uuid(g.uuid);
    core_okta_id("00g", g.okta_id);
    return STORE(cx, groups)->insert(cx->st, &g);
}

/* Inside a write transaction. */
static int team_create_tx(struct core_ctx *cx, const char *name, struct store_team *out)
{
    int64_t now = core_now_ms();
    struct store_team t = {.name = name, .created = now};
    int rc = STORE(cx, teams)->insert(cx->st, &t);
    if (!rc)
        rc = new_group(cx, t.id, "everyone", 0, STORE_GROUP_BUILT_IN, STORE_GROUP_UNDELETABLE, now);
    if (!rc)
        rc = new_group(cx, t.id, "owners", STORE_ROLE_ALL, STORE_GROUP_ORDINARY,
                       STORE_GROUP_UNDELETABLE, now);
    if (!rc)
        *out = t;
    return rc;
}

int core_team_create(struct core_ctx *cx, const char *name, struct store_team *out)
{
    if (!core_team_name_valid(slice_from_cstr(name)))
        return R_EINVAL;
    int rc = core__begin(cx);
    if (rc)
        return rc;
    return core__end(cx, team_create_tx(cx, name, out));
}

/* Creates a key for user u inside a write transaction. */
static int key_create_tx(struct core_ctx *cx, const struct store_user *u, struct store_key *k,
                         const char **secret)
{
    char *s = core_random_secret(cx->a, 64, false);
    if (!s)
        return R_ENOMEM;
    memset(k, 0, sizeof(*k));
    k->team_id = u->team_id;
    k->user_id = u->id;
    core_uuid(k->uuid);
    core_hash_secret(s, strlen(s), k->secret_hash);
    k->issued_at = core_now_ms();
    int rc = STORE(cx, credentials)->key_insert(cx->st, k);
    if (!rc)
        *secret = s;
    return rc;
}

static int api_token_tx(struct core_ctx *cx, const struct store_user *u, const char **token)
{
    /* Okta API tokens start with "00" followed by 40 url-safe characters. */
    char *r = core_random_secret(cx->a, 30, true);
    if (!r)
        return R_ENOMEM;
    char *tok = arena_printf(cx->a, "00%.40s", r);
    if (!tok)
        return R_ENOMEM;
    unsigned char h[32];
    core_hash_secret(tok, strlen(tok), h);
    int rc = STORE(cx, credentials)->api_token_insert(cx->st, h, u->team_id, u->id, core_now_ms());
    if (!rc)
        *token = tok;
    return rc;
}

int core_bootstrap(struct core_ctx *cx, const char *team_name, struct core_bootstrap *out)
{
    struct store_team t;
    struct store_user u;
    struct store_group owners;
    struct store_key k;
    bool changed;
    if (!core_team_name_valid(slice_from_cstr(team_name)))
        return R_EINVAL;
    int rc = core__begin(cx);
    if (rc)
        return rc;
    rc = STORE(cx, teams)->get(cx->st, cx->a, team_name, &t);
    if (rc == R_ENOTFOUND)
        rc = team_create_tx(cx, team_name, &t);
    if (rc)
        goto out;
    rc = STORE(cx, users)->get_by_name(cx->st, cx->a, t.id, ADMIN_USER, &u);
    if (rc == R_ENOTFOUND) {
        struct core_user_new nu = {
            .name = ADMIN_USER, .user_type = STORE_USER_SERVICE, .status = STORE_USER_ACTIVE};
        rc = core__user_create_tx(cx, &t, &nu, &u);
    }
    if (rc)
        goto out;
    if (u.deleted_at) {
        rc = R_EFORBIDDEN;
        goto out;
    }
    rc = STORE(cx, groups)->get_by_name(cx->st, cx->a, t.id, "owners", false, &owners);
    if (!rc)
        rc = STORE(cx, members)->add(cx->st, &owners, &u, core_now_ms(), &changed);
    if (!rc)
        rc = key_create_tx(cx, &u, &k, &out->key_secret);
    if (!rc)
        rc = api_token_tx(cx, &u, &out->api_token);
    if (!rc) {
        out->team = t.name;
        memcpy(out->key_id, k.uuid, sizeof(out->key_id));
    }
out:
    return core__end(cx, rc);
}

int core_api_token_create(struct core_ctx *cx, const char *team_name, const char *user_name,
                          const char **token)
{
    struct store_team t;
    struct store_user u;
    int rc = core__begin(cx);
    if (rc)
        return rc;
    rc = STORE(cx, teams)->get(cx->st, cx->a, team_name, &t);
    if (!rc)
        rc = STORE(cx, users)->get_by_name(cx->st, cx->a, t.id, user_name, &u);
    if (!rc && u.deleted_at)
        rc = R_ENOTFOUND;
    if (!rc)
        rc = api_token_tx(cx, &u, token);
    return core__end(cx, rc);
}

int core_key_create(struct core_ctx *cx, const struct store_team *t, const char *user_name,
                    struct store_key *out, const char **secret)
{
    struct store_user u;
    int rc = core__begin(cx);
    if (rc)
        return rc;
    rc = STORE(cx, users)->get_by_name(cx->st, cx->a, t->id, user_name, &u);
    if (!rc && (u.user_type != STORE_USER_SERVICE || u.deleted_at))
        rc = R_ENOTFOUND;
    if (!rc)
        rc = key_create_tx(cx, &u, out, secret);
    /* Rotation, as ASA documents it: the user's older keys stop working after a grace
     * period that lets running clients switch over. */
    if (!rc)
        rc = STORE(cx, credentials)
                 ->key_expire_others(cx->st, u.id, out->id, out->issued_at + KEY_GRACE_MS);
    return core__end(cx, rc);
}

int core_key_list(struct core_ctx *cx, const struct store_team *t, const char *user_name,
                  struct store_key **rows, size_t *n)
{
    struct store_user u;
    int rc = STORE(cx, users)->get_by_name(cx->st, cx->a, t->id, user_name, &u);
    if (!rc && u.user_type != STORE_USER_SERVICE)
        rc = R_ENOTFOUND;
    if (rc)
        return rc;
    return STORE(cx, credentials)->key_list(cx->st, cx->a, u.id, rows, n);
}

int core_key_delete(struct core_ctx *cx, const struct store_team *t, const char *user_name,
                    const char *key_uuid)
{
    struct store_user u;
    struct store_key k;
    if (!core_uuid_valid(slice_from_cstr(key_uuid)))
        return R_ENOTFOUND;
    char lower[37]; /* ids are stored lower case; clients may send either */
    memcpy(lower, key_uuid, sizeof(lower));
    core_uuid_lower(lower);
    int rc = core__begin(cx);
    if (rc)
        return rc;
    rc = STORE(cx, users)->get_by_name(cx->st, cx->a, t->id, user_name, &u);
    if (!rc && u.user_type != STORE_USER_SERVICE)
        rc = R_ENOTFOUND;
    if (!rc)
        rc = STORE(cx, credentials)->key_get(cx->st, t->id, lower, &k);
    if (!rc && k.user_id != u.id)
        rc = R_ENOTFOUND;
    if (!rc)
        rc = STORE(cx, credentials)->key_delete(cx->st, k.id, core_now_ms());
    return core__end(cx, rc);
}
