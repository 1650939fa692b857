/* Okta authentication: SSWS API tokens, rights from ASA roles (DESIGN.md §4), rate limits
 * with Okta's X-Rate-Limit-* headers. */
#include <string.h>
#include <strings.h>

#include "api/okta/okta.h"
#include "util/err.h"

/* Counts the request against principal's window (NULL: the client's address); writes the
 * headers; -1 when the window is used up (429 written). */
static int okta_rate_limit(struct http_request *req, struct http_response *resp,
                           const char *principal)
{
    struct http_rl_state st;
    int rc = api_rate_limit(req, principal, &st);
    if (!st.limit)
        return 0;
    http_resp_header(resp, "X-Rate-Limit-Limit", arena_printf(req->arena, "%u", st.limit));
    http_resp_header(resp, "X-Rate-Limit-Remaining", arena_printf(req->arena, "%u", st.remaining));
    /* the window's end, the same on every response of the window: the SDK waits for it */
    http_resp_header(resp, "X-Rate-Limit-Reset", arena_printf(req->arena, "%lld", st.reset));
    if (!rc)
        return 0;
    okta_core_error(req, resp, R_ELIMIT, NULL, NULL);
    return -1;
}

int okta_begin(struct http_request *req, struct http_response *resp, enum okta_need need,
               struct okta_call *call)
{
    memset(call, 0, sizeof(*call));
    int rc = api_core_ctx(req, &call->cx);
    if (rc) {
        okta_core_error(req, resp, rc, NULL, NULL);
        return -1;
    }
    const char *h = http_header(req, "Authorization");
    struct slice tok = SLICE_NULL;
    if (h && strncasecmp(h, "SSWS ", 5) == 0) {
        tok = slice_from_cstr(h + 5);
        while (tok.n && tok.p[0] == ' ') {
            tok.p++;
            tok.n--;
        }
        while (tok.n && tok.p[tok.n - 1] == ' ')
            tok.n--;
    }
    rc = tok.n ? core_auth_ssws(&call->cx, tok, &call->who) : R_EAUTH;
    if (rc) {
        if (okta_rate_limit(req, resp, NULL))
            return -1;
        if (rc == R_ENOTFOUND)
            rc = R_EAUTH;
        /* a token presented and refused counts against the address's brake */
        if (tok.n && rc == R_EAUTH && api_auth_failed(req, resp))
            rc = R_ELIMIT;
        okta_core_error(req, resp, rc, NULL, NULL);
        return -1;
    }
    req->principal = call->who.p.user_name;
    if (okta_rate_limit(req, resp, call->who.p.user_uuid))
        return -1;
    /* access_admin ⇒ manage; access_user / reporting_user ⇒ read */
    unsigned need_roles = need == OKTA_MANAGE ? STORE_ROLE_ACCESS_ADMIN : STORE_ROLE_ALL;
    if (core_require(&call->who, need_roles)) {
        okta_core_error(req, resp, R_EFORBIDDEN, NULL, NULL);
        return -1;
    }
    call->team.id = call->who.p.team_id;
    call->team.name = call->who.p.team_name;
    /* the body is parsed only now, for a caller known and allowed */
    return http_body_json(req, resp);
}
