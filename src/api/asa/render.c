/* ASA object shapes (asa.md §4), list envelopes and request-body accessors. */
#include <stdlib.h>
#include <string.h>

#include "api/asa/asa.h"

json_t *asa_render_group(const struct store_group *g)
{
    json_t *roles = json_array();
    const char *names[3];
    size_t n = core_role_names(g->roles, names);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(roles, json_string(names[i]));
    return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "id", g->uuid, "name", g->name, "roles",
                     roles, "federated_from_team", api_str_or_null(g->federated_from_team),
                     "federation_approved_at", api_time_or_null(g->federation_approved_at),
                     "deleted_at", api_time_or_null(g->deleted_at));
}

json_t *asa_render_user(const struct store_user *u, const char *team_name)
{
    json_t *details;
    if (u->user_type == USER_SERVICE) {
        details = json_null();
    } else {
        const char *full = u->display_name;
        char *tmp = NULL;
        if (!full) {
            size_t a = u->first_name ? strlen(u->first_name) : 0;
            size_t b = u->last_name ? strlen(u->last_name) : 0;
            tmp = malloc(a + b + 2);
            if (tmp) {
                memcpy(tmp, u->first_name ? u->first_name : "", a);
                size_t o = a;
                if (a && b)
                    tmp[o++] = ' ';
                memcpy(tmp + o, u->last_name ? u->last_name : "", b);
                tmp[o + b] = 0;
            }
            full = tmp;
        }
        details = json_pack("{s:o, s:o, s:o, s:o}", "first_name",
                            api_str_or_null(u->first_name), "last_name",
                            api_str_or_null(u->last_name), "full_name", api_str_or_null(full),
                            "email", api_str_or_null(u->email));
        free(tmp);
    }
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:n, s:n}", "id", u->uuid, "name",
                     u->name, "team_name", team_name, "status",
                     core_asa_status_name(core_user_asa_status(u)), "user_type",
                     u->user_type == USER_SERVICE ? "service" : "human", "details", details,
                     "deleted_at", api_time_or_null(u->deleted_at),
                     "oauth_client_application_id", "role_grants");
}

json_t *asa_render_key(const struct store_key *k)
{
    return json_pack("{s:s, s:o, s:o, s:o}", "id", k->uuid, "issued_at",
                     api_time_or_null(k->issued_at), "expires_at",
                     api_time_or_null(k->expires_at), "last_used",
                     api_time_or_null(k->last_used));
}

void asa_send_list(struct http_request *req, struct http_response *resp, json_t *list,
                   const struct core_page_info *info)
{
    if (info)
        asa_page_links(req, resp, info);
    api_send_json(resp, 200, json_pack("{s:o}", "list", list));
}

json_t *asa_body_object(struct http_request *req, struct http_response *resp)
{
    if (!req->json || !json_is_object(req->json)) {
        asa_error(resp, 400, "invalid_request", "the request body must be a JSON object", NULL);
        return NULL;
    }
    return req->json;
}

int asa_body_str(struct http_response *resp, json_t *obj, const char *key, const char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v)) {
        asa_error(resp, 400, "invalid_request", "expected a string", key);
        return -1;
    }
    *out = json_string_value(v);
    return 0;
}

int asa_body_roles(struct http_response *resp, json_t *obj, unsigned *roles, bool *present)
{
    json_t *v = json_object_get(obj, "roles");
    *roles = 0;
    *present = false;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v)) {
        asa_error(resp, 400, "invalid_request", "roles must be an array of role names",
                  "roles");
        return -1;
    }
    size_t i;
    json_t *r;
    json_array_foreach(v, i, r)
    {
        unsigned bit = json_is_string(r) ? core_role_from_name((struct slice){
                                               json_string_value(r), json_string_length(r)})
                                         : 0;
        if (!bit) {
            asa_error(resp, 400, "invalid_request",
                      "roles may be access_admin, access_user and reporting_user", "roles");
            return -1;
        }
        *roles |= bit;
    }
    *present = true;
    return 0;
}
