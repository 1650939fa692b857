/* /api/v1/apps: a minimal app store (label, sign-on mode, opaque settings, status) and
 * app↔group assignments. */
#include <string.h>

#include "api/okta/okta.h"
#include "util/err.h"

#define APPS_LIMIT_MAX 200
#define APP_GROUPS_LIMIT_DEFAULT 20
#define APP_GROUPS_LIMIT_MAX 200

static const char *const sign_on_modes[] = {
    "AUTO_LOGIN",     "BASIC_AUTH", "BOOKMARK", "BROWSER_PLUGIN",
    "OPENID_CONNECT", "SAML_1_1",   "SAML_2_0", "SECURE_PASSWORD_STORE",
    "WS_FEDERATION",  NULL,
};

/* name, label, signOnMode and the rest of the body as opaque JSON. */
static int app_body(struct http_request *req, struct http_response *resp, struct store_app *app)
{
    memset(app, 0, sizeof(*app));
    json_t *body = req->json;
    if (!body || !json_is_object(body)) {
        okta_error(req, resp, 400, "E0000003", "The request body was not well-formed.", NULL);
        return -1;
    }
    json_t *label = json_object_get(body, "label");
    if (!label || !json_is_string(label) || json_string_length(label) == 0 ||
        json_string_length(label) > 1024) {
        okta_validation(req, resp, "label", "The field cannot be left blank");
        return -1;
    }
    json_t *som = json_object_get(body, "signOnMode");
    bool known = false;
    for (const char *const *m = sign_on_modes; *m && som && json_is_string(som); m++)
        known |= strcmp(*m, json_string_value(som)) == 0;
    if (!known) {
        okta_validation(req, resp, "signOnMode", "Must be a known sign-on mode");
        return -1;
    }
    json_t *name = json_object_get(body, "name");
    if (name && !json_is_null(name) &&
        (!json_is_string(name) || json_string_length(name) == 0 ||
         json_string_length(name) > 255)) {
        okta_validation(req, resp, "name", "Must be a string of 1 to 255 characters");
        return -1;
    }
    app->label = json_string_value(label);
    app->sign_on_mode = json_string_value(som);
    app->name = name && json_is_string(name) ? json_string_value(name) : NULL;
    static const char *const skip[] = {"id",      "name",        "label",  "signOnMode", "status",
                                       "created", "lastUpdated", "_links", "_embedded",  NULL};
    app->body_json = okta_rest_json(req, body, skip);
    return 0;
}

static void send_app(struct http_request *req, struct http_response *resp,
                     const struct store_app *app)
{
    struct jw w;
    api_json_begin(resp, 200, &w);
    okta_write_app(&w, req, app);
    api_json_end(resp, &w);
}

void okta_apps_list(struct http_request *req, struct http_response *resp)
{
    struct okta_call c;
    struct store_query q = {.q = okta_query_str(req, "q"), .after = okta_query_str(req, "after")};
    struct expr *e;
    if (okta_begin(req, resp, OKTA_READ, &c) ||
        okta_limit(req, resp, APPS_LIMIT_MAX, APPS_LIMIT_MAX, &q.limit) ||
        okta_expr(req, resp, okta_query_str(req, "filter"), OKTA_EXPR_APP_FILTER, &e))
        return;
    /* expand=user/{id} needs the user.id filter, which this server does not keep */
    if (okta_query_str(req, "expand")) {
        okta_invalid_search(req, resp, "expand: needs a user.id filter, which is not supported");
        return;
    }
    q.expr = e;
    struct store_app *rows;
    size_t n;
    int rc = core_okta_app_list(&c.cx, &c.team, &q, &rows, &n);
    if (rc) {
        if (rc == R_EINVAL)
            okta_invalid_search(req, resp, NULL);
        else
            okta_core_error(req, resp, rc, NULL, NULL);
        return;
    }
    if (okta_after_check(&c, req, resp, STORE_KIND_APP, q.after, n))
        return;
    bool more = n > q.limit;
    if (more)
        n = q.limit;
    okta_links(req, resp, more && n ? rows[n - 1].okta_id : NULL);
    struct jw w;
    api_json_begin(resp, 200, &w);
    jw_arr_begin(&w);
    for (size_t i = 0; i < n; i++)
        okta_write_app(&w, req, &rows[i]);
    jw_arr_end(&w);
    api_json_end(resp, &w);
}

void okta_apps_create(struct http_request *req, struct http_response *resp)
{
    struct okta_call c;
    struct store_app app;
    bool activate;
    if (okta_begin(req, resp, OKTA_MANAGE, &c) ||
        okta_query_bool(req, resp, "activate", true, &activate) || app_body(req, resp, &app))
        return;
    if (!app.name)
        app.name = strcmp(app.sign_on_mode, "BOOKMARK") == 0 ? "bookmark" : "custom_app";
    app.active = activate;
    int rc = core_okta_app_create(&c.cx, &c.team, &app);
    if (rc) {
        okta_core_error(req, resp, rc, "AppInstance", NULL);
        return;
    }
    send_app(req, resp, &app);
}

void okta_app_get(struct http_request *req, struct http_response *resp)
{
    struct okta_call c;
    struct store_app app;
    if (okta_begin(req, resp, OKTA_READ, &c))
        return;
    const char *id = http_route_param(req, 0);
    int rc = core_okta_app_get(&c.cx, &c.team, id, &app);
    if (rc) {
        okta_core_error(req, resp, rc, "AppInstance", id);
        return;
    }
    send_app(req, resp, &app);
}

void okta_app_replace(struct http_request *req, struct http_response *resp)
{
    struct okta_call c;
    struct store_app in, app;
    if (okta_begin(req, resp, OKTA_MANAGE, &c))
        return;
    const char *id = http_route_param(req, 0);
    int rc = core_okta_app_get(&c.cx, &c.team, id, &app);
    if (rc) {
        okta_core_error(req, resp, rc, "AppInstance", id);
        return;
    }
    if (app_body(req, resp, &in))
        return;
    rc = core_okta_app_update(&c.cx, &c.team, id, &in, &app);
    if (rc) {
        okta_core_error(req, resp, rc, "AppInstance", id);
        return;
    }
    send_app(req, resp, &app);
}

void okta_app_delete(struct http_request *req, struct http_response *resp)
{
    struct okta_call c;
    if (okta_begin(req, resp, OKTA_MANAGE, &c))
        return;
    const char *id = http_route_param(req, 0);
    int rc = core_okta_app_delete(&c.cx, &c.team, id);
    if (rc == R_EFORBIDDEN) {
        okta_error(req, resp, 403, "E0000056", "Delete application forbidden.",
                   "status: deactivate the application before deleting it");
        return;
    }
    if (rc) {
        okta_core_error(req, resp, rc, "AppInstance", id);
        return;
    }
    resp->status = 204;
}

static void app_lifecycle(struct http_request *req, struct http_response *resp, bool active)
{
    struct okta_call c;
    if (okta_begin(req, resp, OKTA_MANAGE, &c))
        return;
    const char *id = http_route_param(req, 0);
    int rc = core_okta_app_set_active(&c.cx, &c.team, id, active);
    if (rc) {
        okta_core_error(req, resp, rc, "AppInstance", id);
        return;
    }
    resp->status = 200; /* empty body */
}

void okta_app_activate(struct http_request *req, struct http_response *resp)
{
    app_lifecycle(req, resp, true);
}

void okta_app_deactivate(struct http_request *req, struct http_response *resp)
{
    app_lifecycle(req, resp, false);
}

/* expand on app group assignments: group (embedded), or nothing; metadata is not kept. */
static int app_group_expand(struct http_request *req, struct http_response *resp, bool *group)
{
    struct slice ex[8];
    size_t nex = http_params_all(req, "expand", ex, 8, true);
    *group = false;
    for (size_t i = 0; i < nex; i++) {
        if (slice_eq_cstr(ex[i], "group")) {
            *group = true;
        } else if (ex[i].n) {
            okta_validation(req, resp, "expand", "Must be group");
            return -1;
        }
    }
    return 0;
}

void okta_app_groups(struct http_request *req, struct http_response *resp)
{
    struct okta_call c;
    struct store_query q = {.q = okta_query_str(req, "q"), .after = okta_query_str(req, "after")};
    bool embed;
    if (okta_begin(req, resp, OKTA_READ, &c) ||
        okta_limit(req, resp, APP_GROUPS_LIMIT_DEFAULT, APP_GROUPS_LIMIT_MAX, &q.limit) ||
        app_group_expand(req, resp, &embed))
        return;
    const char *id = http_route_param(req, 0);
    struct store_app_group *rows;
    size_t n;
    int rc = core_okta_app_group_list(&c.cx, &c.team, id, &q, &rows, &n);
    if (rc) {
        okta_core_error(req, resp, rc, "AppInstance", id);
        return;
    }
    if (okta_after_check(&c, req, resp, STORE_KIND_GROUP, q.after, n))
        return;
    bool more = n > q.limit;
    if (more)
        n = q.limit;
    okta_links(req, resp, more && n ? rows[n - 1].group_okta_id : NULL);
    struct jw w;
    api_json_begin(resp, 200, &w);
    jw_arr_begin(&w);
    for (size_t i = 0; i < n; i++)
        okta_write_app_group(&w, req, &rows[i], embed);
    jw_arr_end(&w);
    api_json_end(resp, &w);
}

/* 404 naming whichever of app and group is missing. */
static void app_group_error(struct http_request *req, struct http_response *resp,
                            struct okta_call *c, int rc)
{
    const char *aid = http_route_param(req, 0), *gid = http_route_param(req, 1);
    struct store_app app;
    if (rc == R_ENOTFOUND && core_okta_app_get(&c->cx, &c->team, aid, &app) == 0) {
        struct store_group g;
        if (core_okta_group_get(&c->cx, &c->team, gid, &g) == 0)
            okta_core_error(req, resp, rc, "ApplicationGroupAssignment", gid);
        else
            okta_core_error(req, resp, rc, "UserGroup", gid);
        return;
    }
    okta_core_error(req, resp, rc, "AppInstance", aid);
}

void okta_app_group_get(struct http_request *req, struct http_response *resp)
{
    struct okta_call c;
    struct store_app_group ag;
    bool embed;
    if (okta_begin(req, resp, OKTA_READ, &c) || app_group_expand(req, resp, &embed))
        return;
    int rc = core_okta_app_group_get(&c.cx, &c.team, http_route_param(req, 0),
                                     http_route_param(req, 1), &ag);
    if (rc) {
        app_group_error(req, resp, &c, rc);
        return;
    }
    struct jw w;
    api_json_begin(resp, 200, &w);
    okta_write_app_group(&w, req, &ag, embed);
    api_json_end(resp, &w);
}

void okta_app_group_assign(struct http_request *req, struct http_response *resp)
{
    struct okta_call c;
    struct store_app_group ag;
    if (okta_begin(req, resp, OKTA_MANAGE, &c))
        return;
    int64_t priority = 0;
    const char *profile = NULL;
    if (req->json) {
        if (!json_is_object(req->json)) {
            okta_error(req, resp, 400, "E0000003", "The request body was not well-formed.", NULL);
            return;
        }
        json_t *p = json_object_get(req->json, "priority");
        if (p && json_is_integer(p))
            priority = json_integer_value(p);
        else if (p && !json_is_null(p)) {
            okta_validation(req, resp, "priority", "Must be an integer");
            return;
        }
        json_t *pr = json_object_get(req->json, "profile");
        if (pr && json_is_object(pr) && json_object_size(pr)) {
            char *s = json_dumps(pr, JSON_COMPACT);
            profile = s ? arena_strdup(req->arena, s) : NULL;
            free(s);
        }
    }
    int rc = core_okta_app_group_assign(&c.cx, &c.team, http_route_param(req, 0),
                                        http_route_param(req, 1), priority, profile, &ag);
    if (rc) {
        app_group_error(req, resp, &c, rc);
        return;
    }
    struct jw w;
    api_json_begin(resp, 200, &w);
    okta_write_app_group(&w, req, &ag, false);
    api_json_end(resp, &w);
}

void okta_app_group_unassign(struct http_request *req, struct http_response *resp)
{
    struct okta_call c;
    if (okta_begin(req, resp, OKTA_MANAGE, &c))
        return;
    int rc = core_okta_app_group_unassign(&c.cx, &c.team, http_route_param(req, 0),
                                          http_route_param(req, 1));
    if (rc) {
        app_group_error(req, resp, &c, rc);
        return;
    }
    resp->status = 204;
}
