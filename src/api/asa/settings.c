/* /v1/teams/{team}/settings and team_stats (asa.md §4.1). */
#include <stddef.h>
#include <string.h>

#include "api/asa/asa.h"
#include "core/project.h"
#include "util/err.h"

static void write_settings(struct jw *w, const struct store_team_settings *s, const char *team)
{
    jw_obj_begin(w);
    jw_kbool(w, "approve_device_without_interaction", s->approve_device_without_interaction);
    jw_kint(w, "client_session_duration", s->client_session_duration);
    jw_kstr(w, "include_user_sid", s->include_user_sid);
    jw_kstr(w, "post_device_enrollment_url", s->post_device_enrollment_url);
    jw_kstr(w, "post_login_url", s->post_login_url);
    jw_kstr(w, "post_logout_url", s->post_logout_url);
    jw_kbool(w, "reactivate_users_via_idp", s->reactivate_users_via_idp);
    jw_kstr(w, "team", team);
    jw_key(w, "user_provisioning_exact_username");
    if (s->user_provisioning_exact_username < 0)
        jw_null(w);
    else
        jw_bool(w, s->user_provisioning_exact_username);
    jw_kint(w, "web_session_duration", s->web_session_duration);
    jw_obj_end(w);
}

enum setting_kind { S_BOOL, S_TRIBOOL, S_INT, S_URL, S_STR };

static const struct setting_field {
    const char *key;
    enum setting_kind kind;
    unsigned bit;
    size_t off;
} setting_fields[] = {
#define SF(key, kind, bit)                                                                         \
    {                                                                                              \
#key, kind, bit, offsetof(struct store_team_settings, key)                                 \
    }
    SF(approve_device_without_interaction, S_BOOL, CORE_SF_APPROVE_DEVICE),
    SF(reactivate_users_via_idp, S_BOOL, CORE_SF_REACTIVATE_USERS),
    SF(user_provisioning_exact_username, S_TRIBOOL, CORE_SF_EXACT_USERNAME),
    SF(client_session_duration, S_INT, CORE_SF_CLIENT_SESSION),
    SF(web_session_duration, S_INT, CORE_SF_WEB_SESSION),
    SF(post_device_enrollment_url, S_URL, CORE_SF_POST_DEVICE_URL),
    SF(post_login_url, S_URL, CORE_SF_POST_LOGIN_URL),
    SF(post_logout_url, S_URL, CORE_SF_POST_LOGOUT_URL),
    SF(include_user_sid, S_STR, CORE_SF_INCLUDE_USER_SID),
#undef SF
};

/* A partial PUT: absent keys stay as they are; null unsets a field (its default, as
 * asa.md §4.1 says for the URLs); "" unsets a URL too. "team" and unknown keys are ignored. */
static int settings_parse(struct http_request *req, struct http_response *resp, json_t *body,
                          struct core_settings_patch *p)
{
    struct store_team_settings dflt;
    core_settings_defaults(&dflt);
    memset(p, 0, sizeof(*p));
    p->v = dflt;
    for (size_t i = 0; i < sizeof(setting_fields) / sizeof(setting_fields[0]); i++) {
        const struct setting_field *f = &setting_fields[i];
        json_t *v = json_object_get(body, f->key);
        char *dst = (char *)&p->v + f->off;
        bool present = true;
        if (!v)
            continue;
        p->set |= f->bit;
        if (json_is_null(v))
            continue; /* p->v holds the default */
        int rc = 0;
        switch (f->kind) {
        case S_BOOL: rc = asa_body_bool(req, resp, body, f->key, (bool *)dst, &present); break;
        case S_TRIBOOL: {
            bool b = false;
            rc = asa_body_bool(req, resp, body, f->key, &b, &present);
            *(int *)dst = b;
            break;
        }
        case S_INT: rc = asa_body_int(req, resp, body, f->key, (int64_t *)dst, &present); break;
        default: {
            const char **s = (const char **)dst;
            rc = asa_body_cstr(req, resp, body, f->key, s, &present);
            if (!rc && f->kind == S_URL && *s && !**s)
                *s = NULL;
            break;
        }
        }
        if (rc)
            return -1;
    }
    return 0;
}

void asa_settings_get(struct http_request *req, struct http_response *resp)
{
    struct asa_call c;
    struct store_team_settings s;
    if (asa_begin(req, resp, STORE_ROLE_ACCESS_ADMIN | STORE_ROLE_ACCESS_USER, &c))
        return;
    int rc = core_team_settings_get(&c.cx, &c.team, &s);
    if (rc) {
        asa_core_error(resp, rc, NULL);
        return;
    }
    struct jw w;
    api_json_begin(resp, 200, &w);
    write_settings(&w, &s, c.team.name);
    api_json_end(resp, &w);
}

/* 200 with the settings (oktapam accepts nothing else), not the documented 204. */
void asa_settings_put(struct http_request *req, struct http_response *resp)
{
    struct asa_call c;
    struct core_settings_patch p;
    struct store_team_settings s;
    const char *why = NULL;
    if (asa_begin(req, resp, STORE_ROLE_ACCESS_ADMIN, &c))
        return;
    json_t *body = asa_body_object(req, resp);
    if (!body || settings_parse(req, resp, body, &p))
        return;
    int rc = core_team_settings_update(&c.cx, &c.team, &p, &s, &why);
    if (rc) {
        asa_core_error(resp, rc, rc == R_EINVAL ? why : NULL);
        return;
    }
    struct jw w;
    api_json_begin(resp, 200, &w);
    write_settings(&w, &s, c.team.name);
    api_json_end(resp, &w);
}

void asa_team_stats(struct http_request *req, struct http_response *resp)
{
    struct asa_call c;
    struct store_team_stats st;
    if (asa_begin(req, resp, STORE_ROLE_ACCESS_ADMIN, &c))
        return;
    int rc = core_team_stats(&c.cx, &c.team, &st);
    if (rc) {
        asa_core_error(resp, rc, NULL);
        return;
    }
    /* Clients, gateways and servers are not kept here: always 0. */
    struct jw w;
    api_json_begin(resp, 200, &w);
    jw_obj_begin(&w);
    jw_kint(&w, "num_clients", 0);
    jw_kint(&w, "num_gateways", 0);
    jw_kint(&w, "num_groups", st.groups);
    jw_kint(&w, "num_human_users", st.human_users);
    jw_kint(&w, "num_projects", st.projects);
    jw_kint(&w, "num_servers", 0);
    jw_kint(&w, "num_service_users", st.service_users);
    jw_obj_end(&w);
    api_json_end(resp, &w);
}
