/* ASA authentication: service tokens from API keys, bearer checks, roles, rate limits. */
#include <string.h>

#include "api/asa/asa.h"
#include "util/err.h"

#define ASA_TOKEN_BODY_MAX 4096

/* Counts the request against principal's window (NULL: the client's address); writes the
 * X-RateLimit-* headers. -1 when the window is used up (429 written). */
static int asa_rate_limit(struct http_request *req, struct http_response *resp,
                          const char *principal)
{
    struct http_rl_state st;
    int rc = api_rate_limit(req, principal, &st);
    if (!st.limit)
        return 0;
    const char *reset = arena_printf(req->arena, "%lld", st.reset);
    http_resp_header(resp, "X-RateLimit-Limit", arena_printf(req->arena, "%u", st.limit));
    http_resp_header(resp, "X-RateLimit-Remaining", arena_printf(req->arena, "%u", st.remaining));
    http_resp_header(resp, "X-RateLimit-Reset", reset);
    if (!rc)
        return 0;
    /* the budget comes back whole when the window ends */
    http_resp_header(resp, "X-RateLimit-Retry-At", reset);
    asa_core_error(resp, R_ELIMIT, NULL);
    return -1;
}

/* A credential check's failure: a refused credential counts against the address's brake
 * (429 once it is spent), anything else is answered as it is. */
static void asa_auth_error(struct http_request *req, struct http_response *resp, int rc)
{
    if (rc == R_EAUTH && api_auth_failed(req, resp)) {
        asa_error(resp, 429, "too_many_requests",
                  "too many failed authentications from this address: retry later", NULL);
        return;
    }
    asa_core_error(resp, rc, NULL);
}

int asa_begin(struct http_request *req, struct http_response *resp, unsigned need_roles,
              struct asa_call *call)
{
    const char *team = http_route_param(req, 0);
    memset(call, 0, sizeof(*call));
    int rc = api_core_ctx(req, &call->cx);
    if (rc) {
        asa_core_error(resp, rc, NULL);
        return -1;
    }
    const char *h = http_header(req, "Authorization");
    struct slice tok = SLICE_NULL;
    if (h && strncasecmp(h, "Bearer ", 7) == 0) {
        tok = slice_from_cstr(h + 7);
        while (tok.n && tok.p[0] == ' ') {
            tok.p++;
            tok.n--;
        }
    }
    if (!tok.n) {
        if (asa_rate_limit(req, resp, NULL))
            return -1;
        asa_error(resp, 401, "authentication_error", "a bearer token is required", NULL);
        return -1;
    }
    rc = core_auth_bearer(&call->cx, team, tok, &call->who);
    if (rc) {
        if (asa_rate_limit(req, resp, NULL))
            return -1;
        asa_auth_error(req, resp, rc);
        return -1;
    }
    req->principal = call->who.p.user_name;
    if (asa_rate_limit(req, resp, call->who.p.user_uuid))
        return -1;
    if (need_roles && core_require(&call->who, need_roles)) {
        asa_error(resp, 403, "forbidden_error", "the caller lacks the role this needs", NULL);
        return -1;
    }
    call->team.id = call->who.p.team_id;
    call->team.name = call->who.p.team_name;
    /* the body is parsed only now, for a caller known and allowed */
    return http_body_json(req, resp);
}

void asa_service_token(struct http_request *req, struct http_response *resp)
{
    struct core_ctx cx;
    const char *key_id = NULL, *secret = NULL;
    char *token = NULL;
    int64_t exp = 0;
    if (asa_rate_limit(req, resp, NULL))
        return;
    /* the credentials are the body: an unauthenticated caller gets a small one parsed */
    if (req->body.n > ASA_TOKEN_BODY_MAX) {
        asa_error(resp, 413, "invalid_request", "a service_token request body is at most 4 KiB",
                  NULL);
        return;
    }
    json_t *body = asa_body_object(req, resp);
    if (!body)
        return;
    if (asa_body_str(resp, body, "key_id", &key_id) ||
        asa_body_str(resp, body, "key_secret", &secret))
        return;
    if (!key_id || !core_uuid_valid(slice_from_cstr(key_id))) {
        asa_error(resp, 400, "invalid_request", "key_id must be a UUID", "key_id");
        return;
    }
    char *kid = arena_strdup(req->arena, key_id);
    if (!kid) {
        asa_core_error(resp, R_ENOMEM, NULL);
        return;
    }
    core_uuid_lower(kid);
    key_id = kid;
    if (!secret || !*secret || strlen(secret) > 512) {
        asa_error(resp, 400, "invalid_request", "key_secret must be 1 to 512 characters",
                  "key_secret");
        return;
    }
    int rc = api_core_ctx(req, &cx);
    if (!rc)
        rc = core_token_issue(&cx, http_route_param(req, 0), key_id, slice_from_cstr(secret),
                              &token, &exp);
    if (rc) {
        asa_auth_error(req, resp, rc);
        return;
    }
    struct jw w;
    api_json_begin(resp, 200, &w);
    jw_obj_begin(&w);
    jw_kstr(&w, "bearer_token", token);
    api_write_ktime(&w, "expires_at", exp);
    jw_kstr(&w, "team_name", http_route_param(req, 0));
    jw_obj_end(&w);
    api_json_end(resp, &w);
}
