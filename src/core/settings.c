/* Team settings (partial PUT over ASA's defaults) and team stats (asa.md §4.1). */
#include <string.h>

#include "core/internal.h"
#include "core/project.h"

/* Durations are seconds, in the ranges the OPA SDK documents. */
#define CLIENT_SESSION_MIN 3600
#define WEB_SESSION_MIN 1800
#define SESSION_MAX 90000
#define SESSION_DEFAULT 36000
#define URL_MAX 2048

void core_settings_defaults(struct store_team_settings *s)
{
    memset(s, 0, sizeof(*s));
    s->user_provisioning_exact_username = -1;
    s->client_session_duration = SESSION_DEFAULT;
    s->web_session_duration = SESSION_DEFAULT;
}

int core_team_settings_get(struct core_ctx *cx, const struct store_team *t,
                           struct store_team_settings *out)
{
    int rc = STORE(cx, teams)->settings_get(cx->st, cx->a, t->id, out);
    if (rc == R_ENOTFOUND) {
        core_settings_defaults(out);
        return 0;
    }
    return rc;
}

/* NULL (unset) or an absolute http(s) URL without control characters or spaces. */
static bool url_ok(const char *u)
{
    if (!u)
        return true;
    size_t n = strlen(u);
    if (n > URL_MAX || !(strncmp(u, "https://", 8) == 0 || strncmp(u, "http://", 7) == 0))
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)u[i] <= 0x20 || u[i] == 0x7f)
            return false;
    return true;
}

static int settings_check(const struct store_team_settings *s, const char **why)
{
    const char *bad = NULL;
    if (s->client_session_duration < CLIENT_SESSION_MIN || s->client_session_duration > SESSION_MAX)
        bad = "client_session_duration must be between 3600 and 90000 seconds";
    else if (s->web_session_duration < WEB_SESSION_MIN || s->web_session_duration > SESSION_MAX)
        bad = "web_session_duration must be between 1800 and 90000 seconds";
    else if (!url_ok(s->post_device_enrollment_url) || !url_ok(s->post_login_url) ||
             !url_ok(s->post_logout_url))
        bad = "URLs must be absolute http or https URLs of at most 2048 characters";
    else if (s->include_user_sid && strlen(s->include_user_sid) > 255)
        bad = "include_user_sid must be at most 255 characters";
    if (!bad)
        return 0;
    if (why)
        *why = bad;
    return R_EINVAL;
}

int core_team_settings_update(struct core_ctx *cx, const struct store_team *t,
                              const struct core_settings_patch *p, struct store_team_settings *out,
                              const char **why)
{
    struct store_team_settings s;
    int rc = core__begin(cx);
    if (rc)
        return rc;
    if ((rc = core_team_settings_get(cx, t, &s)))
        goto out;
    const struct store_team_settings *v = &p->v;
#define TAKE(bit, f)                                                                               \
    if (p->set & (bit))                                                                            \
        s.f = v->f;
    TAKE(CORE_SF_APPROVE_DEVICE, approve_device_without_interaction)
    TAKE(CORE_SF_REACTIVATE_USERS, reactivate_users_via_idp)
    TAKE(CORE_SF_EXACT_USERNAME, user_provisioning_exact_username)
    TAKE(CORE_SF_CLIENT_SESSION, client_session_duration)
    TAKE(CORE_SF_WEB_SESSION, web_session_duration)
    TAKE(CORE_SF_POST_DEVICE_URL, post_device_enrollment_url)
    TAKE(CORE_SF_POST_LOGIN_URL, post_login_url)
    TAKE(CORE_SF_POST_LOGOUT_URL, post_logout_url)
    TAKE(CORE_SF_INCLUDE_USER_SID, include_user_sid)
#undef TAKE
    if (!(rc = settings_check(&s, why)))
        rc = STORE(cx, teams)->settings_put(cx->st, t->id, &s);
out:
    rc = core__end(cx, rc);
    if (!rc)
        *out = s;
    return rc;
}

int core_team_stats(struct core_ctx *cx, const struct store_team *t, struct store_team_stats *out)
{
    memset(out, 0, sizeof(*out));
    return STORE(cx, teams)->stats(cx->st, t->id, out);
}
