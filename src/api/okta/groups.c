/* /api/v1/groups: list (q, filter, search, sort, expand, paging), CRUD, members and apps. */
#include <string.h>

#include "api/okta/okta.h"
#include "util/err.h"

#define GROUPS_LIMIT_DEFAULT 200
#define GROUPS_LIMIT_MAX 10000 /* Okta's maximum (okta.md §4.2) */
#define GROUPS_Q_DEFAULT 300
#define MEMBERS_LIMIT_DEFAULT 1000
#define MEMBERS_LIMIT_MAX 1000
#define APPS_LIMIT_DEFAULT 20
#define APPS_LIMIT_MAX 200

static void send_groups(struct http_request *req, struct http_response *resp,
                        struct store_group *rows, const int64_t *counts, size_t n, unsigned limit,
                        bool stats, bool pageable)
{
    bool more = n > limit;
    if (more)
        n = limit;
    okta_links(req, resp, pageable && more && n ? rows[n - 1].okta_id : NULL);
    struct jw w;
    api_json_begin(resp, 200, &w);
    jw_arr_begin(&w);
    for (size_t i = 0; i < n; i++)
        okta_write_group(&w, req, &rows[i], stats, counts ? counts[i] : 0);
    jw_arr_end(&w);
    api_json_end(resp, &w);
}

void okta_groups_list(struct http_request *req, struct http_response *resp)
{
    struct okta_call c;
    if (okta_begin(req, resp, OKTA_READ, &c))
        return;
    static const struct okta_list_limits lim = {GROUPS_Q_DEFAULT, GROUPS_LIMIT_DEFAULT,
                                                GROUPS_LIMIT_MAX};
    struct store_query oq;
    if (okta_list_query(req, resp, OKTA_EXPR_GROUP_SEARCH, OKTA_EXPR_GROUP_FILTER, &lim, &oq))
        return;
    struct slice ex[8];
    size_t nex = http_params_all(req, "expand", ex, 8, true);
    for (size_t i = 0; i < nex && i < 8; i++) /* unknown values are ignored, as Okta does */
        if (slice_eq_cstr(ex[i], "stats"))
            oq.with_apps_count = true;
    struct store_group *rows;
    int64_t *counts;
    size_t n;
    int rc = core_okta_group_list(&c.cx, &c.team, &oq, &rows, &counts, &n);
    if (rc) {
        if (rc == R_EINVAL)
            okta_invalid_search(req, resp, NULL);
        else
            okta_core_error(req, resp, rc, NULL, NULL);
        return;
    }
    if (okta_after_check(&c, req, resp, STORE_KIND_GROUP, oq.after, n))
        return;
    send_groups(req, resp, rows, counts, n, oq.limit, oq.with_apps_count, !oq.q);
}

/* Reads {"profile":{"name":…,"description":…, custom…}}; writes 400 and returns -1 when bad. */
static int group_body(struct http_request *req, struct http_response *resp,
                      struct core_okta_group_in *in)
{
    memset(in, 0, sizeof(*in));
    json_t *body = req->json;
    json_t *profile = body && json_is_object(body) ? json_object_get(body, "profile") : NULL;
    if (!profile || !json_is_object(profile)) {
        okta_validation(req, resp, "profile", "The field cannot be left blank");
        return -1;
    }
    json_t *name = json_object_get(profile, "name");
    if (!name || json_is_null(name) || (json_is_string(name) && json_string_length(name) == 0)) {
        okta_validation(req, resp, "name", "The field cannot be left blank");
        return -1;
    }
    if (!json_is_string(name) ||
        !core_okta_name_valid((struct slice){json_string_value(name), json_string_length(name)})) {
        okta_validation(req, resp, "name",
                        "Must be 1 to 255 characters of the Basic Multilingual Plane without "
                        "control characters");
        return -1;
    }
    in->name = (struct slice){json_string_value(name), json_string_length(name)};
    json_t *desc = json_object_get(profile, "description");
    if (desc && !json_is_null(desc)) {
        if (!json_is_string(desc) || json_string_length(desc) > 1024) {
            okta_validation(req, resp, "description", "Must be a string of 0 to 1024 characters");
            return -1;
        }
        if (json_string_length(desc))
            in->description = json_string_value(desc);
    }
    static const char *const skip[] = {"name", "description", NULL};
    in->profile_json = okta_rest_json(req, profile, skip);
    return 0;
}

static void send_group(struct http_request *req, struct http_response *resp,
                       const struct store_group *g)
{
    struct jw w;
    api_json_begin(resp, 200, &w);
    okta_write_group(&w, req, g, false, 0);
    api_json_end(resp, &w);
}

void okta_groups_create(struct http_request *req, struct http_response *resp)
{
    struct okta_call c;
    struct core_okta_group_in in;
    struct store_group g;
    if (okta_begin(req, resp, OKTA_MANAGE, &c) || group_body(req, resp, &in))
        return;
    int rc = core_okta_group_create(&c.cx, &c.team, &in, &g);
    if (rc) {
        okta_core_error(req, resp, rc, "UserGroup", NULL);
        return;
    }
    send_group(req, resp, &g);
}

void okta_group_get(struct http_request *req, struct http_response *resp)
{
    struct okta_call c;
    struct store_group g;
    if (okta_begin(req, resp, OKTA_READ, &c))
        return;
    const char *id = http_route_param(req, 0);
    int rc = core_okta_group_get(&c.cx, &c.team, id, &g);
    if (rc) {
        okta_core_error(req, resp, rc, "UserGroup", id);
        return;
    }
    bool stats = false;
    struct slice ex[8];
    size_t nex = http_params_all(req, "expand", ex, 8, true);
    for (size_t i = 0; i < nex && i < 8; i++) /* unknown values are ignored, as Okta does */
        stats |= slice_eq_cstr(ex[i], "stats");
    int64_t apps = 0;
    if (stats && (rc = core_okta_group_apps_count(&c.cx, &g, &apps))) {
        okta_core_error(req, resp, rc, NULL, NULL);
        return;
    }
    struct jw w;
    api_json_begin(resp, 200, &w);
    okta_write_group(&w, req, &g, stats, apps);
    api_json_end(resp, &w);
}

void okta_group_replace(struct http_request *req, struct http_response *resp)
{
    struct okta_call c;
    struct core_okta_group_in in;
    struct store_group g;
    if (okta_begin(req, resp, OKTA_MANAGE, &c))
        return;
    const char *id = http_route_param(req, 0);
    /* an unknown group is a 404 before the body is judged */
    int rc = core_okta_group_get(&c.cx, &c.team, id, &g);
    if (rc) {
        okta_core_error(req, resp, rc, "UserGroup", id);
        return;
    }
    if (g.type == STORE_GROUP_BUILT_IN) {
        okta_core_error(req, resp, R_EFORBIDDEN, NULL, NULL);
        return;
    }
    if (group_body(req, resp, &in))
        return;
    rc = core_okta_group_replace(&c.cx, &c.team, id, &in, &g);
    if (rc) {
        okta_core_error(req, resp, rc, "UserGroup", id);
        return;
    }
    send_group(req, resp, &g);
}

void okta_group_delete(struct http_request *req, struct http_response *resp)
{
    struct okta_call c;
    if (okta_begin(req, resp, OKTA_MANAGE, &c))
        return;
    const char *id = http_route_param(req, 0);
    int rc = core_okta_group_delete(&c.cx, &c.team, id);
    if (rc) {
        okta_core_error(req, resp, rc, "UserGroup", id);
        return;
    }
    resp->status = 204;
}

void okta_group_users(struct http_request *req, struct http_response *resp)
{
    struct okta_call c;
    if (okta_begin(req, resp, OKTA_READ, &c))
        return;
    struct store_query q = {0};
    if (okta_limit(req, resp, MEMBERS_LIMIT_DEFAULT, MEMBERS_LIMIT_MAX, &q.limit))
        return;
    q.after = okta_query_str(req, "after");
    const char *id = http_route_param(req, 0);
    struct store_user_detail *rows;
    size_t n;
    int rc = core_okta_group_users(&c.cx, &c.team, id, &q, &rows, &n);
    if (rc) {
        okta_core_error(req, resp, rc, "UserGroup", id);
        return;
    }
    if (okta_after_check(&c, req, resp, STORE_KIND_USER, q.after, n))
        return;
    bool more = n > q.limit;
    if (more)
        n = q.limit;
    okta_links(req, resp, more && n ? rows[n - 1].u.okta_id : NULL);
    struct jw w;
    api_json_begin(resp, 200, &w);
    jw_arr_begin(&w);
    for (size_t i = 0; i < n; i++)
        okta_write_user(&w, req, &rows[i], true, NULL);
    jw_arr_end(&w);
    api_json_end(resp, &w);
}

static void member_change(struct http_request *req, struct http_response *resp, bool add)
{
    struct okta_call c;
    if (okta_begin(req, resp, OKTA_MANAGE, &c))
        return;
    const char *gid = http_route_param(req, 0), *uid = http_route_param(req, 1);
    int rc = add ? core_okta_member_add(&c.cx, &c.team, gid, uid)
                 : core_okta_member_remove(&c.cx, &c.team, gid, uid);
    if (rc == R_ENOTFOUND) {
        /* which one is missing */
        struct store_group g;
        bool group_missing = core_okta_group_get(&c.cx, &c.team, gid, &g) == R_ENOTFOUND;
        okta_core_error(req, resp, rc, group_missing ? "UserGroup" : "User",
                        group_missing ? gid : uid);
        return;
    }
    if (rc) {
        okta_core_error(req, resp, rc, NULL, NULL);
        return;
    }
    resp->status = 204;
}

void okta_group_user_add(struct http_request *req, struct http_response *resp)
{
    member_change(req, resp, true);
}

void okta_group_user_remove(struct http_request *req, struct http_response *resp)
{
    member_change(req, resp, false);
}

void okta_group_apps(struct http_request *req, struct http_response *resp)
{
    struct okta_call c;
    struct store_group g;
    if (okta_begin(req, resp, OKTA_READ, &c))
        return;
    struct store_query q = {.after = okta_query_str(req, "after")};
    if (okta_limit(req, resp, APPS_LIMIT_DEFAULT, APPS_LIMIT_MAX, &q.limit))
        return;
    const char *id = http_route_param(req, 0);
    int rc = core_okta_group_get(&c.cx, &c.team, id, &g);
    struct store_app *rows;
    size_t n;
    if (!rc) {
        q.in_group_id = g.id;
        rc = core_okta_app_list(&c.cx, &c.team, &q, &rows, &n);
    }
    if (rc) {
        okta_core_error(req, resp, rc, "UserGroup", id);
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
