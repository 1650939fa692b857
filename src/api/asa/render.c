/* ASA object shapes (asa.md §4), list envelopes and request-body accessors. */
#include <string.h>

#include "api/asa/asa.h"

void asa_write_group(struct jw *w, const struct store_group *g)
{
    const char *names[3];
    size_t n = core_role_names(g->roles, names);
    jw_obj_begin(w);
    jw_kstr(w, "id", g->uuid);
    jw_kstr(w, "name", g->name);
    jw_key(w, "roles");
    jw_arr_begin(w);
    for (size_t i = 0; i < n; i++)
        jw_str(w, names[i]);
    jw_arr_end(w);
    jw_kstr(w, "federated_from_team", g->federated_from_team);
    api_write_ktime(w, "federation_approved_at", g->federation_approved_at);
    api_write_ktime(w, "deleted_at", g->deleted_at);
    jw_obj_end(w);
}

void asa_write_user(struct jw *w, const struct store_user *u, const char *team_name)
{
    jw_obj_begin(w);
    jw_kstr(w, "id", u->uuid);
    jw_kstr(w, "name", u->name);
    jw_kstr(w, "team_name", team_name);
    jw_kstr(w, "status", core_asa_status_name(core_user_asa_status(u)));
    jw_kstr(w, "user_type", u->user_type == STORE_USER_SERVICE ? "service" : "human");
    jw_key(w, "details");
    if (u->user_type == STORE_USER_SERVICE) {
        jw_null(w);
    } else {
        jw_obj_begin(w);
        jw_kstr(w, "first_name", u->first_name);
        jw_kstr(w, "last_name", u->last_name);
        struct buf full;
        buf_init(&full, 4096);
        jw_key(w, "full_name");
        if (core_user_full_name(u, &full))
            jw_strn(w, buf_cstr(&full), full.n);
        else
            jw_null(w);
        buf_free(&full);
        jw_kstr(w, "email", u->email);
        jw_obj_end(w);
    }
    api_write_ktime(w, "deleted_at", u->deleted_at);
    jw_knull(w, "oauth_client_application_id");
    jw_knull(w, "role_grants");
    jw_obj_end(w);
}

void asa_write_key(struct jw *w, const struct store_key *k, const char *secret)
{
    jw_obj_begin(w);
    jw_kstr(w, "id", k->uuid);
    api_write_ktime(w, "issued_at", k->issued_at);
    api_write_ktime(w, "expires_at", k->expires_at);
    api_write_ktime(w, "last_used", k->last_used);
    if (secret)
        jw_kstr(w, "secret", secret);
    jw_obj_end(w);
}

void asa_list_begin(struct http_request *req, struct http_response *resp, struct jw *w,
                    const struct core_page_info *info)
{
    if (info)
        asa_page_links(req, resp, info);
    api_json_begin(resp, 200, w);
    jw_obj_begin(w);
    jw_key(w, "list");
    jw_arr_begin(w);
}

void asa_list_end(struct http_response *resp, struct jw *w)
{
    jw_arr_end(w);
    jw_obj_end(w);
    api_json_end(resp, w);
}

json_t *asa_body_object(struct http_request *req, struct http_response *resp)
{
    if (http_body_json(req, resp))
        return NULL;
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
        asa_error(resp, 400, "invalid_request", "roles must be an array of role names", "roles");
        return -1;
    }
    size_t i;
    json_t *r;
    json_array_foreach(v, i, r)
    {
        unsigned bit =
            json_is_string(r)
                ? core_role_from_name((struct slice){json_string_value(r), json_string_length(r)})
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
