/* /v1/teams/{team}/groups…: groups, their members and non-members. */
#include <string.h>

#include "api/asa/asa.h"
#include "util/err.h"

static void asa_send_group(struct http_response *resp, int status, const struct store_group *g)
{
    struct jw w;
    api_json_begin(resp, status, &w);
    asa_write_group(&w, g);
    api_json_end(resp, &w);
}

void asa_groups_list(struct http_request *req, struct http_response *resp)
{
    struct asa_call c;
    struct core_page_req pr;
    struct core_group_query q = {0};
    struct core_page_info info;
    struct store_group *rows;
    size_t n;
    bool inc_del, only_del;
    struct slice ids[64], ign[64];
    const char *idv[64], *ignv[64];
    if (asa_begin(req, resp, STORE_ROLE_ALL, &c) || asa_page_parse(req, resp, &pr) ||
        asa_query_bool(req, resp, "include_deleted", false, &inc_del) ||
        asa_query_bool(req, resp, "only_include_deleted", false, &only_del) ||
        asa_query_match(req, resp, "contains", &q.contains))
        return;
    q.deleted = only_del ? 2 : inc_del ? 1 : 0;
    q.nids = http_params_all(req, "id", ids, 64, true);
    q.nignore = http_params_all(req, "ignore", ign, 64, true);
    if (q.nids > 64 || q.nignore > 64) {
        asa_error(resp, 400, "invalid_request", "at most 64 values of id and of ignore",
                  q.nids > 64 ? "id" : "ignore");
        return;
    }
    for (size_t i = 0; i < q.nids; i++) {
        char *id = arena_strndup(req->arena, ids[i].p, ids[i].n);
        if (id)
            core_uuid_lower(id);
        idv[i] = id;
        if (!idv[i] || !core_uuid_valid(ids[i])) {
            asa_error(resp, 400, "invalid_request", "id must be a group UUID", "id");
            return;
        }
    }
    q.ids = idv;
    for (size_t i = 0; i < q.nignore; i++)
        ignv[i] = arena_strndup(req->arena, ign[i].p, ign[i].n);
    q.ignore = ignv;
    int rc = core_group_list(&c.cx, &c.team, &q, &pr, &rows, &n, &info);
    if (rc) {
        asa_core_error(resp, rc, rc == R_EINVAL ? "offset does not name a group" : NULL);
        return;
    }
    struct jw w;
    asa_list_begin(req, resp, &w, &info);
    for (size_t i = 0; i < n; i++)
        asa_write_group(&w, &rows[i]);
    asa_list_end(resp, &w);
}

void asa_groups_create(struct http_request *req, struct http_response *resp)
{
    struct asa_call c;
    struct store_group g;
    const char *name;
    unsigned roles;
    bool has_roles;
    if (asa_begin(req, resp, STORE_ROLE_ACCESS_ADMIN, &c))
        return;
    json_t *body = asa_body_object(req, resp);
    if (!body || asa_body_str(resp, body, "name", &name) ||
        asa_body_roles(resp, body, &roles, &has_roles))
        return;
    if (!name) {
        asa_error(resp, 400, "invalid_request", "name is required", "name");
        return;
    }
    struct slice ns = {name, strlen(name)};
    if (ns.n != json_string_length(json_object_get(body, "name")) || !core_asa_name_valid(ns)) {
        asa_error(resp, 400, "invalid_request",
                  "name must be 1-255 letters, digits, '.', '_' or '-', starting with a letter "
                  "or digit",
                  "name");
        return;
    }
    int rc = core_group_create(&c.cx, &c.team, ns, roles, &g);
    if (rc) {
        asa_core_error(resp, rc,
                       rc == R_EEXIST      ? "a group with this name exists"
                       : rc == R_ERESERVED ? "this name is reserved for the built-in group"
                                           : NULL);
        return;
    }
    asa_send_group(resp, 201, &g);
}

void asa_group_get(struct http_request *req, struct http_response *resp)
{
    struct asa_call c;
    struct store_group g;
    if (asa_begin(req, resp, STORE_ROLE_ALL, &c))
        return;
    int rc = core_group_get(&c.cx, &c.team, http_route_param(req, 1), &g);
    if (rc) {
        asa_core_error(resp, rc, "no such group");
        return;
    }
    asa_send_group(resp, 200, &g);
}

void asa_group_update(struct http_request *req, struct http_response *resp)
{
    struct asa_call c;
    unsigned roles;
    bool has_roles, has_name;
    const char *name;
    if (asa_begin(req, resp, STORE_ROLE_ACCESS_ADMIN, &c))
        return;
    json_t *body = asa_body_object(req, resp);
    if (!body || asa_body_roles(resp, body, &roles, &has_roles) ||
        asa_body_cstr(req, resp, body, "name", &name, &has_name))
        return;
    if (!has_roles) {
        asa_error(resp, 400, "invalid_request", "roles is required", "roles");
        return;
    }
    /* "" as in the docs' examples of unset fields: unchanged */
    int rc = core_group_set_roles(&c.cx, &c.team, http_route_param(req, 1),
                                  name && *name ? name : NULL, roles);
    if (rc) {
        asa_core_error(resp, rc, rc == R_EINVAL ? "a group cannot be renamed" : "no such group");
        return;
    }
    resp->status = 204;
}

void asa_group_delete(struct http_request *req, struct http_response *resp)
{
    struct asa_call c;
    if (asa_begin(req, resp, STORE_ROLE_ACCESS_ADMIN, &c))
        return;
    int rc = core_group_delete(&c.cx, &c.team, http_route_param(req, 1));
    if (rc) {
        asa_core_error(resp, rc,
                       rc == R_EFORBIDDEN ? "this group cannot be deleted" : "no such group");
        return;
    }
    resp->status = 204;
}

/* Parses the filters shared by the member listings. */
int asa_user_query(struct http_request *req, struct http_response *resp, struct core_user_query *q,
                   bool service_param)
{
    memset(q, 0, sizeof(*q));
    if (asa_query_match(req, resp, "contains", &q->contains) ||
        asa_query_match(req, resp, "starts_with", &q->starts_with) ||
        asa_query_status(req, resp, &q->status_mask))
        return -1;
    if (service_param) {
        bool svc;
        if (asa_query_bool(req, resp, "include_service_users", false, &svc))
            return -1;
        if (!svc)
            q->type_mask = 1u << STORE_USER_HUMAN;
    }
    const char *t = asa_query_str(req, "user_type");
    if (t) {
        if (strcmp(t, "human") == 0) {
            q->type_mask = 1u << STORE_USER_HUMAN;
        } else if (strcmp(t, "service") == 0) {
            q->type_mask = 1u << STORE_USER_SERVICE;
        } else {
            asa_error(resp, 400, "invalid_request", "user_type must be human or service",
                      "user_type");
            return -1;
        }
    }
    return 0;
}

/* Sends a page of users. */
void asa_send_users(struct http_request *req, struct http_response *resp, struct asa_call *c,
                    int rc, struct store_user *rows, size_t n, const struct core_page_info *info,
                    const char *what)
{
    if (rc) {
        asa_core_error(resp, rc, rc == R_EINVAL ? "offset does not name a user" : what);
        return;
    }
    struct jw w;
    asa_list_begin(req, resp, &w, info);
    for (size_t i = 0; i < n; i++)
        asa_write_user(&w, &rows[i], c->team.name);
    asa_list_end(resp, &w);
}

void asa_group_users(struct http_request *req, struct http_response *resp)
{
    struct asa_call c;
    struct core_page_req pr;
    struct core_user_query q;
    struct core_page_info info = {0};
    struct store_user *rows = NULL;
    size_t n = 0;
    if (asa_begin(req, resp, STORE_ROLE_ALL, &c) || asa_page_parse(req, resp, &pr) ||
        asa_user_query(req, resp, &q, false))
        return;
    int rc = core_group_users(&c.cx, &c.team, http_route_param(req, 1), &q, &pr, &rows, &n, &info);
    asa_send_users(req, resp, &c, rc, rows, n, &info, "no such group");
}

void asa_group_users_not_in(struct http_request *req, struct http_response *resp)
{
    struct asa_call c;
    struct core_page_req pr;
    struct core_user_query q;
    struct core_page_info info = {0};
    struct store_user *rows = NULL;
    size_t n = 0;
    if (asa_begin(req, resp, STORE_ROLE_ALL, &c) || asa_page_parse(req, resp, &pr) ||
        asa_user_query(req, resp, &q, true))
        return;
    int rc = core_users_not_in_group(&c.cx, &c.team, http_route_param(req, 1), &q, &pr, &rows, &n,
                                     &info);
    asa_send_users(req, resp, &c, rc, rows, n, &info, "no such group");
}

/* The user named by an add-member body: "name", else the "id" of a full user object. */
static int member_body_name(struct http_request *req, struct http_response *resp,
                            struct asa_call *c, const char **name)
{
    const char *id;
    json_t *body = asa_body_object(req, resp);
    if (!body || asa_body_str(resp, body, "name", name) || asa_body_str(resp, body, "id", &id))
        return -1;
    if (*name && **name)
        return 0;
    if (id && *id) {
        struct store_user u;
        int rc = core_user_get_by_uuid(&c->cx, &c->team, id, &u);
        if (rc) {
            asa_core_error(resp, rc, "no such user");
            return -1;
        }
        *name = u.name;
        return 0;
    }
    asa_error(resp, 400, "invalid_request", "name is required", "name");
    return -1;
}

void asa_group_user_add(struct http_request *req, struct http_response *resp)
{
    struct asa_call c;
    const char *user;
    if (asa_begin(req, resp, STORE_ROLE_ACCESS_ADMIN, &c) || member_body_name(req, resp, &c, &user))
        return;
    int rc = core_member_add(&c.cx, &c.team, http_route_param(req, 1), user);
    if (rc) {
        asa_core_error(resp, rc,
                       rc == R_EFORBIDDEN ? "the members of this group cannot be changed"
                                          : "no such group or user");
        return;
    }
    resp->status = 204;
}

void asa_group_user_remove(struct http_request *req, struct http_response *resp)
{
    struct asa_call c;
    if (asa_begin(req, resp, STORE_ROLE_ACCESS_ADMIN, &c))
        return;
    int rc = core_member_remove(&c.cx, &c.team, http_route_param(req, 1), http_route_param(req, 2));
    if (rc) {
        asa_core_error(resp, rc,
                       rc == R_EFORBIDDEN ? "the members of this group cannot be changed"
                                          : "no such group or user");
        return;
    }
    resp->status = 204;
}
