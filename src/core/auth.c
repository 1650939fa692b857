/* Credentials: API keys → bearer tokens, Okta API tokens, and role checks. */
#include <sodium.h>
#include <string.h>

#include "core/internal.h"

#define BEARER_TTL_MS (3600 * 1000LL)

int core_token_issue(struct core_ctx *cx, const char *team_name, const char *key_id,
                     struct slice key_secret, char **token, int64_t *expires_at)
{
    struct store_team t;
    struct store_key k;
    struct core_principal p;
    unsigned char h[32], th[32];
    int64_t now = core_now_ms();
    int rc = STORE(cx, teams)->get(cx->st, cx->a, team_name, &t);
    if (rc)
        return rc == R_ENOTFOUND ? R_EAUTH : rc;
    if (!core_uuid_valid(slice_from_cstr(key_id)))
        return R_EAUTH;
    rc = STORE(cx, credentials)->key_get(cx->st, t.id, key_id, &k);
    if (rc)
        return rc == R_ENOTFOUND ? R_EAUTH : rc;
    core_hash_secret(key_secret.p, key_secret.n, h);
    if (sodium_memcmp(h, k.secret_hash, 32) != 0)
        return R_EAUTH;
    if (k.expires_at && k.expires_at <= now)
        return R_EAUTH;
    char *tok = core_random_secret(cx->a, 32, true);
    if (!tok)
        return R_ENOMEM;
    core_hash_secret(tok, strlen(tok), th);
    if ((rc = core__begin(cx)))
        return rc;
    rc = STORE(cx, credentials)->bearer_insert(cx->st, th, t.id, k.id, now + BEARER_TTL_MS);
    if (!rc)
        rc = STORE(cx, credentials)->key_touch(cx->st, k.id, now);
    /* The key's user must be able to act: check the new token as every request will,
     * inside the transaction, so a refused token is never stored. */
    if (!rc)
        rc = core_auth_bearer(cx, team_name, slice_from_cstr(tok), &p);
    if ((rc = core__end(cx, rc)))
        return rc;
    *token = tok;
    *expires_at = now + BEARER_TTL_MS;
    return 0;
}

static int core_principal_finish(struct core_ctx *cx, struct core_principal *out)
{
    struct store_user u = {.status = out->p.user_status};
    if (core_user_asa_status(&u) != CORE_ASA_ACTIVE)
        return R_EAUTH;
    return STORE(cx, members)->roles(cx->st, out->p.team_id, out->p.user_id, &out->roles);
}

int core_auth_bearer(struct core_ctx *cx, const char *team_name, struct slice token,
                     struct core_principal *out)
{
    unsigned char h[32];
    if (token.n == 0 || token.n > 512)
        return R_EAUTH;
    core_hash_secret(token.p, token.n, h);
    memset(out, 0, sizeof(*out));
    int rc = STORE(cx, credentials)->bearer_lookup(cx->st, cx->a, h, core_now_ms(), &out->p);
    if (rc)
        return rc;
    if (strcmp(out->p.team_name, team_name) != 0)
        return R_EAUTH;
    return core_principal_finish(cx, out);
}

int core_auth_ssws(struct core_ctx *cx, struct slice token, struct core_principal *out)
{
    unsigned char h[32];
    if (token.n == 0 || token.n > 512)
        return R_EAUTH;
    core_hash_secret(token.p, token.n, h);
    memset(out, 0, sizeof(*out));
    int rc = STORE(cx, credentials)->api_token_lookup(cx->st, cx->a, h, &out->p);
    if (rc)
        return rc;
    return core_principal_finish(cx, out);
}

int core_require(const struct core_principal *p, unsigned need_any)
{
    return (p->roles & need_any) ? 0 : R_EFORBIDDEN;
}
