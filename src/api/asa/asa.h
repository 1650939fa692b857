/* The ASA dialect (/v1/teams/{team}/…): shared declarations of its files. */
#ifndef ROSTER_API_ASA_H
#define ROSTER_API_ASA_H

#include <jansson.h>

#include "api/app.h"
#include "core/core.h"
#include "http/http.h"

extern const struct http_dialect asa_dialect;

/* A request that passed authentication: its core context, principal and team. */
struct asa_call {
    struct core_ctx cx;
    struct core_principal who;
    struct store_team team;
};

/* ---- errors.c ---- */

/* Writes an ASA error: {"type","message","code","errors":[…]}. path may be NULL. */
void asa_error(struct http_response *resp, int status, const char *type, const char *message,
               const char *path);
/* Maps a core/store error code to its ASA status and error id. */
void asa_core_error(struct http_response *resp, int err, const char *what);
void asa_render_input_error(struct http_request *req, struct http_response *resp,
                            enum http_input_err kind, const char *message);

/* ---- auth.c ---- */

/* Authenticates the bearer token for the path's team, applies the rate limit and checks
 * that the principal holds one of need_roles (0 = any authenticated principal). On failure
 * the error response is written and a negative value returned. */
int asa_begin(struct http_request *req, struct http_response *resp, unsigned need_roles,
              struct asa_call *call);
void asa_service_token(struct http_request *req, struct http_response *resp);

/* ---- page.c ---- */

/* Parses count/offset/prev/descending; 400 written on bad values. */
int asa_page_parse(struct http_request *req, struct http_response *resp, struct core_page_req *pr);
/* Sets the Link header for the page just listed. */
void asa_page_links(struct http_request *req, struct http_response *resp,
                    const struct core_page_info *info);
/* A boolean query parameter: *out = dflt when absent; 400 written on a bad value. */
int asa_query_bool(struct http_request *req, struct http_response *resp, const char *key, bool dflt,
                   bool *out);
/* Optional string query parameter as a C string (arena), NULL when absent or empty. */
const char *asa_query_str(struct http_request *req, const char *key);
/* A text compared case-insensitively (contains, starts_with): asa_query_str, with 400 written
 * when it cannot be case-folded (not UTF-8, util/fold.h). */
int asa_query_match(struct http_request *req, struct http_response *resp, const char *key,
                    const char **out);
/* status filter (repeatable, comma lists): CORE_ASA_*_BIT mask; 400 written on unknown values. */
int asa_query_status(struct http_request *req, struct http_response *resp, unsigned *mask);

/* ---- render.c ---- */

void asa_write_group(struct jw *w, const struct store_group *g);
void asa_write_user(struct jw *w, const struct store_user *u, const char *team_name);
/* A service-user key; secret is written only when given (on creation). */
void asa_write_key(struct jw *w, const struct store_key *k, const char *secret);
/* A list response: 200, the page's Link header (info may be NULL), then {"list":[ … ]}
 * around the rows written between begin and end. */
void asa_list_begin(struct http_request *req, struct http_response *resp, struct jw *w,
                    const struct core_page_info *info);
void asa_list_end(struct http_response *resp, struct jw *w);

/* ---- body helpers (render.c) ---- */

/* The request body as a JSON object; 400 written when missing or not an object. */
json_t *asa_body_object(struct http_request *req, struct http_response *resp);
/* Optional string member: 0 and *out NULL when absent/null; 400 written on a wrong type. */
int asa_body_str(struct http_response *resp, json_t *obj, const char *key, const char **out);
/* roles array → mask; absent/null → *present false. 400 written on bad types/values. */
int asa_body_roles(struct http_response *resp, json_t *obj, unsigned *roles, bool *present);

/* ---- user listings (groups.c) ---- */

/* contains/starts_with/status/user_type (+ include_service_users when service_param). */
int asa_user_query(struct http_request *req, struct http_response *resp, struct core_user_query *q,
                   bool service_param);
/* Sends a page of users, or the error rc. */
void asa_send_users(struct http_request *req, struct http_response *resp, struct asa_call *c,
                    int rc, struct store_user *rows, size_t n, const struct core_page_info *info,
                    const char *what);

/* ---- handlers ---- */

void asa_groups_list(struct http_request *req, struct http_response *resp);
void asa_groups_create(struct http_request *req, struct http_response *resp);
void asa_group_get(struct http_request *req, struct http_response *resp);
void asa_group_update(struct http_request *req, struct http_response *resp);
void asa_group_delete(struct http_request *req, struct http_response *resp);
void asa_group_users(struct http_request *req, struct http_response *resp);
void asa_group_user_add(struct http_request *req, struct http_response *resp);
void asa_group_user_remove(struct http_request *req, struct http_response *resp);
void asa_group_users_not_in(struct http_request *req, struct http_response *resp);

void asa_users_list(struct http_request *req, struct http_response *resp);
void asa_user_get(struct http_request *req, struct http_response *resp);
void asa_user_update(struct http_request *req, struct http_response *resp);
void asa_user_groups(struct http_request *req, struct http_response *resp);
void asa_current_user(struct http_request *req, struct http_response *resp);

void asa_service_users_list(struct http_request *req, struct http_response *resp);
void asa_service_users_create(struct http_request *req, struct http_response *resp);
void asa_service_user_get(struct http_request *req, struct http_response *resp);
void asa_service_user_update(struct http_request *req, struct http_response *resp);
void asa_keys_list(struct http_request *req, struct http_response *resp);
void asa_keys_create(struct http_request *req, struct http_response *resp);
void asa_key_delete(struct http_request *req, struct http_response *resp);

/* ---- projects, project groups, enrollment tokens, attributes, settings ----
 * (projects.c, attributes.c, settings.c) */

/* Typed body members: absent or null → *present false and 0; a wrong type → 400 written
 * and -1. asa_body_cstr refuses strings holding a NUL. */
int asa_body_bool(struct http_request *req, struct http_response *resp, json_t *obj,
                  const char *key, bool *out, bool *present);
int asa_body_int(struct http_request *req, struct http_response *resp, json_t *obj, const char *key,
                 int64_t *out, bool *present);
int asa_body_cstr(struct http_request *req, struct http_response *resp, json_t *obj,
                  const char *key, const char **out, bool *present);

void asa_projects_list(struct http_request *req, struct http_response *resp);
void asa_projects_create(struct http_request *req, struct http_response *resp);
void asa_project_get(struct http_request *req, struct http_response *resp);
void asa_project_update(struct http_request *req, struct http_response *resp);
void asa_project_delete(struct http_request *req, struct http_response *resp);
void asa_project_groups_list(struct http_request *req, struct http_response *resp);
void asa_project_groups_assign(struct http_request *req, struct http_response *resp);
void asa_project_group_get(struct http_request *req, struct http_response *resp);
void asa_project_group_update(struct http_request *req, struct http_response *resp);
void asa_project_group_remove(struct http_request *req, struct http_response *resp);
void asa_enroll_tokens_list(struct http_request *req, struct http_response *resp);
void asa_enroll_tokens_create(struct http_request *req, struct http_response *resp);
void asa_enroll_token_get(struct http_request *req, struct http_response *resp);
void asa_enroll_token_delete(struct http_request *req, struct http_response *resp);

void asa_group_attrs_list(struct http_request *req, struct http_response *resp);
void asa_group_attr_get(struct http_request *req, struct http_response *resp);
void asa_group_attr_put(struct http_request *req, struct http_response *resp);
void asa_user_attrs_list(struct http_request *req, struct http_response *resp);
void asa_user_attr_get(struct http_request *req, struct http_response *resp);
void asa_user_attr_put(struct http_request *req, struct http_response *resp);

void asa_settings_get(struct http_request *req, struct http_response *resp);
void asa_settings_put(struct http_request *req, struct http_response *resp);
void asa_team_stats(struct http_request *req, struct http_response *resp);

#endif
