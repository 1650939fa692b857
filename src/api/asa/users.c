/* /v1/teams/{team}/users…, service_users… and current_user. */
#include <string.h>

#include "api/asa/asa.h"
#include "util/err.h"

void asa_users_list(struct http_request *req, struct http_response *resp)
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
    int rc = core_user_list(&c.cx, &c.team, &q, &pr, &rows, &n, &info);
    asa_send_users(req, resp, &c, rc, rows, n, &info, NULL);
}

void asa_service_users_list(struct http_request *req, struct http_response *resp)
{
    struct asa_call c;
    struct core_page_req pr;
    struct core_user_query q;
    struct core_page_info info = {0};
    struct store_user *rows = NULL;
    size_t n = 0;
    if (asa_begin(req, resp, STORE_ROLE_ACCESS_ADMIN, &c) || asa_page_parse(req, resp, &pr) ||
        asa_user_query(req, resp, &q, false))
        return;
    /* user_type=human asks for service users that are human: none */
    bool none = q.type_mask && !(q.type_mask & (1u << STORE_USER_SERVICE));
    q.type_mask = 1u << STORE_USER_SERVICE;
    int rc = none ? 0 : core_user_list(&c.cx, &c.team, &q, &pr, &rows, &n, &info);
    asa_send_users(req, resp, &c, rc, rows, n, &info, NULL);
}

/* Sends user u with status. */
static void send_user(struct http_response *resp, struct asa_call *c, int status,
                      const struct store_user *u)
{
    struct jw w;
    api_json_begin(resp, status, &w);
    asa_write_user(&w, u, c->team.name);
    api_json_end(resp, &w);
}

static void user_get(struct http_request *req, struct http_response *resp, unsigned roles,
                     int want_type)
{
    struct asa_call c;
    struct store_user u;
    if (asa_begin(req, resp, roles, &c))
        return;
    int rc = core_user_get(&c.cx, &c.team, http_route_param(req, 1), &u);
    if (!rc && want_type >= 0 && u.user_type != want_type)
        rc = R_ENOTFOUND;
    if (rc) {
        asa_core_error(resp, rc, "no such user");
        return;
    }
    send_user(resp, &c, 200, &u);
}

/* PUT of a user object: only status changes; null or absent fields stay as they are. */
static void user_update(struct http_request *req, struct http_response *resp, int want_type)
{
    struct asa_call c;
    struct store_user u;
    const char *status;
    if (asa_begin(req, resp, STORE_ROLE_ACCESS_ADMIN, &c))
        return;
    json_t *body = asa_body_object(req, resp);
    if (!body || asa_body_str(resp, body, "status", &status))
        return;
    int rc;
    if (!status) {
        rc = core_user_get(&c.cx, &c.team, http_route_param(req, 1), &u);
        if (!rc && want_type >= 0 && u.user_type != want_type)
            rc = R_ENOTFOUND;
    } else {
        unsigned bit = core_asa_status_bit(slice_from_cstr(status));
        if (!bit) {
            asa_error(resp, 400, "invalid_request", "status must be ACTIVE, DISABLED or DELETED",
                      "status");
            return;
        }
        enum core_asa_status s = bit == CORE_ASA_ACTIVE_BIT     ? CORE_ASA_ACTIVE
                                 : bit == CORE_ASA_DISABLED_BIT ? CORE_ASA_DISABLED
                                                                : CORE_ASA_DELETED;
        rc = core_user_set_asa_status(&c.cx, &c.team, &c.who, http_route_param(req, 1), s,
                                      want_type, &u);
    }
    if (rc) {
        asa_core_error(resp, rc,
                       rc == R_EFORBIDDEN ? "users cannot disable or delete themselves"
                       : rc == R_EINVAL   ? "a deleted user cannot change status"
                                          : "no such user");
        return;
    }
    send_user(resp, &c, 200, &u);
}

void asa_user_get(struct http_request *req, struct http_response *resp)
{
    user_get(req, resp, STORE_ROLE_ALL, -1);
}

void asa_user_update(struct http_request *req, struct http_response *resp)
{
    user_update(req, resp, -1);
}

void asa_service_user_get(struct http_request *req, struct http_response *resp)
{
    user_get(req, resp, STORE_ROLE_ACCESS_ADMIN, STORE_USER_SERVICE);
}

void asa_service_user_update(struct http_request *req, struct http_response *resp)
{
    user_update(req, resp, STORE_USER_SERVICE);
}

void asa_user_groups(struct http_request *req, struct http_response *resp)
{
    struct asa_call c;
    struct core_page_req pr;
    struct core_page_info info;
    struct store_group *rows;
    size_t n;
    const char *contains;
    if (asa_begin(req, resp, STORE_ROLE_ALL, &c) || asa_page_parse(req, resp, &pr) ||
        asa_query_match(req, resp, "contains", &contains))
        return;
    int rc =
        core_user_groups(&c.cx, &c.team, http_route_param(req, 1), contains, &pr, &rows, &n, &info);
    if (rc) {
        asa_core_error(resp, rc, rc == R_EINVAL ? "offset does not name a group" : "no such user");
        return;
    }
    struct jw w;
    asa_list_begin(req, resp, &w, &info);
    for (size_t i = 0; i < n; i++)
        asa_write_group(&w, &rows[i]);
    asa_list_end(resp, &w);
}

void asa_current_user(struct http_request *req, struct http_response *resp)
{
    struct asa_call c;
    if (asa_begin(req, resp, 0, &c))
        return;
    struct jw w;
    api_json_begin(resp, 200, &w);
    jw_obj_begin(&w);
    jw_kstr(&w, "id", c.who.p.user_uuid);
    jw_kstr(&w, "name", c.who.p.user_name);
    jw_kstr(&w, "team_name", c.team.name);
    jw_obj_end(&w);
    api_json_end(resp, &w);
}

void asa_service_users_create(struct http_request *req, struct http_response *resp)
{
    struct asa_call c;
    struct store_user u;
    const char *name;
    if (asa_begin(req, resp, STORE_ROLE_ACCESS_ADMIN, &c))
        return;
    json_t *body = asa_body_object(req, resp);
    if (!body || asa_body_str(resp, body, "name", &name))
        return;
    if (!name || strlen(name) != json_string_length(json_object_get(body, "name")) ||
        !core_asa_name_valid(slice_from_cstr(name))) {
        asa_error(resp, 400, "invalid_request",
                  "name must be 1-255 letters, digits, '.', '_' or '-', starting with a letter "
                  "or digit",
                  "name");
        return;
    }
    struct core_user_new nu = {
        .name = name, .user_type = STORE_USER_SERVICE, .status = STORE_USER_ACTIVE};
    int rc = core_user_create(&c.cx, &c.team, &nu, &u);
    if (rc) {
        asa_core_error(resp, rc, rc == R_EEXIST ? "a user with this name exists or existed" : NULL);
        return;
    }
    send_user(resp, &c, 201, &u);
}

void asa_keys_list(struct http_request *req, struct http_response *resp)
{
    struct asa_call c;
    struct store_key *rows;
    size_t n;
    if (asa_begin(req, resp, STORE_ROLE_ACCESS_ADMIN, &c))
        return;
    int rc = core_key_list(&c.cx, &c.team, http_route_param(req, 1), &rows, &n);
    if (rc) {
        asa_core_error(resp, rc, "no such service user");
        return;
    }
    struct jw w;
    asa_list_begin(req, resp, &w, NULL);
    for (size_t i = 0; i < n; i++)
        asa_write_key(&w, &rows[i], NULL);
    asa_list_end(resp, &w);
}

void asa_keys_create(struct http_request *req, struct http_response *resp)
{
    struct asa_call c;
    struct store_key k;
    const char *secret;
    if (asa_begin(req, resp, STORE_ROLE_ACCESS_ADMIN, &c))
        return;
    int rc = core_key_create(&c.cx, &c.team, http_route_param(req, 1), &k, &secret);
    if (rc) {
        asa_core_error(resp, rc, "no such service user");
        return;
    }
    struct jw w;
    api_json_begin(resp, 200, &w);
    asa_write_key(&w, &k, secret);
    api_json_end(resp, &w);
}

void asa_key_delete(struct http_request *req, struct http_response *resp)
{
    struct asa_call c;
    if (asa_begin(req, resp, STORE_ROLE_ACCESS_ADMIN, &c))
        return;
    int rc = core_key_delete(&c.cx, &c.team, http_route_param(req, 1), http_route_param(req, 2));
    if (rc) {
        asa_core_error(resp, rc, "no such key");
        return;
    }
    resp->status = 204;
}
