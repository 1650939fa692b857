/* The Okta dialect (/api/v1/groups, /api/v1/users, /api/v1/apps): shared declarations of its
 * files. */
#ifndef ROSTER_API_OKTA_H
#define ROSTER_API_OKTA_H

#include <jansson.h>

#include "api/app.h"
#include "api/okta/expr.h"
#include "api/okta/fields.h"
#include "core/core.h"
#include "core/okta.h"
#include "http/http.h"

extern const struct http_dialect okta_dialect;

/* A request that passed authentication: its core context, principal and team. */
struct okta_call {
    struct core_ctx cx;
    struct core_principal who;
    struct store_team team;
};

enum okta_need { OKTA_READ = 1, OKTA_MANAGE };

/* ---- errors.c ---- */

/* Writes an Okta error object; cause (may be NULL) becomes the one errorCauses entry. */
void okta_error(struct http_request *req, struct http_response *resp, int status, const char *code,
                const char *summary, const char *cause);
/* E0000001 "Api validation failed: field" with the cause "field: message". */
void okta_validation(struct http_request *req, struct http_response *resp, const char *field,
                     const char *message);
/* Maps a core/store error; kind ("UserGroup", "User", "AppInstance") and id name the
 * object of a 404. */
void okta_core_error(struct http_request *req, struct http_response *resp, int err,
                     const char *kind, const char *id);
void okta_render_input_error(struct http_request *req, struct http_response *resp,
                             enum http_input_err kind, const char *message);
/* Date and X-Okta-Request-Id on every response. */
void okta_finish(struct http_request *req, struct http_response *resp);

/* ---- auth.c ---- */

/* SSWS authentication, rate limit, rights (read: any role; manage: access_admin). On failure
 * the error is written and -1 returned. */
int okta_begin(struct http_request *req, struct http_response *resp, enum okta_need need,
               struct okta_call *call);

/* ---- page.c ---- */

/* limit: absent → dflt; clamped to [1, max]; 400 E0000029 when not a number. */
int okta_limit(struct http_request *req, struct http_response *resp, unsigned dflt, unsigned max,
               unsigned *out);
/* Optional query parameter as a C string (arena), NULL when absent or empty. */
const char *okta_query_str(struct http_request *req, const char *key);
/* A boolean query parameter (true/false); 400 E0000001 otherwise. */
int okta_query_bool(struct http_request *req, struct http_response *resp, const char *key,
                    bool dflt, bool *out);
/* Link headers: rel="self", and rel="next" with after=next_after when it is not NULL. */
void okta_links(struct http_request *req, struct http_response *resp, const char *next_after);
/* An absolute URL base_url + path (arena). */
const char *okta_url(struct http_request *req, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Parses a filter/search expression and turns dates, statuses and types into numbers.
 * NULL text → *out NULL. On failure the error is written and -1 returned. */
int okta_expr(struct http_request *req, struct http_response *resp, const char *text,
              enum okta_expr_ctx ctx, struct expr **out);

/* 400 E0000031 "Invalid search criteria." with the cause (may be NULL). */
void okta_invalid_search(struct http_request *req, struct http_response *resp, const char *cause);

/* Limits of a list: the default page with q, the default and the cap without. */
struct okta_list_limits {
    unsigned q_default, dflt, max;
};
/* The query shared by the group and user lists (okta.md §4, §5): q, filter or search (search
 * excludes the others: E0000033), limit, after (not with q: q is not pageable) and
 * sortBy/sortOrder (sortBy only with search, on an attribute search accepts: E0000031). On
 * bad input the error is written and -1 returned. */
int okta_list_query(struct http_request *req, struct http_response *resp,
                    enum okta_expr_ctx search_ctx, enum okta_expr_ctx filter_ctx,
                    const struct okta_list_limits *lim, struct store_query *oq);
/* Called with a list's result: n rows for the cursor after (NULL: none). A cursor that is not
 * an id of the kind naming an object of the team gives an empty list; then 400 E0000029
 * "Invalid paging request." is written and -1 returned. 0 otherwise. */
int okta_after_check(struct okta_call *c, struct http_request *req, struct http_response *resp,
                     enum store_kind kind, const char *after, size_t n);

/* ---- render.c ---- */

void okta_write_group(struct jw *w, struct http_request *req, const struct store_group *g,
                      bool stats, int64_t apps_count);
/* in_list: collections carry only _links.self; f (NULL: everything) keeps only what a
 * `fields` projection names. */
void okta_write_user(struct jw *w, struct http_request *req, const struct store_user_detail *u,
                     bool in_list, const struct okta_fields *f);
void okta_write_app(struct jw *w, struct http_request *req, const struct store_app *app);
/* embed_group: expand=group, the assigned group as _embedded.group. */
void okta_write_app_group(struct jw *w, struct http_request *req, const struct store_app_group *ag,
                          bool embed_group);
/* Appends the members of a stored JSON object (our own output of a checked body) to the
 * object being written, which already holds at least one member. */
void okta_write_members(struct jw *w, const char *json_object);
/* Serialises an object's members except the named ones (NULL-terminated list) as stored
 * JSON, or NULL when none remain. */
const char *okta_rest_json(struct http_request *req, json_t *obj, const char *const *skip);

/* ---- handlers ---- */

void okta_groups_list(struct http_request *req, struct http_response *resp);
void okta_groups_create(struct http_request *req, struct http_response *resp);
void okta_group_get(struct http_request *req, struct http_response *resp);
void okta_group_replace(struct http_request *req, struct http_response *resp);
void okta_group_delete(struct http_request *req, struct http_response *resp);
void okta_group_users(struct http_request *req, struct http_response *resp);
void okta_group_user_add(struct http_request *req, struct http_response *resp);
void okta_group_user_remove(struct http_request *req, struct http_response *resp);
void okta_group_apps(struct http_request *req, struct http_response *resp);

void okta_users_list(struct http_request *req, struct http_response *resp);
void okta_users_create(struct http_request *req, struct http_response *resp);
void okta_user_get(struct http_request *req, struct http_response *resp);
void okta_user_update(struct http_request *req, struct http_response *resp);
void okta_user_replace(struct http_request *req, struct http_response *resp);
void okta_user_delete(struct http_request *req, struct http_response *resp);
void okta_user_groups(struct http_request *req, struct http_response *resp);
void okta_user_activate(struct http_request *req, struct http_response *resp);
void okta_user_deactivate(struct http_request *req, struct http_response *resp);
void okta_user_suspend(struct http_request *req, struct http_response *resp);
void okta_user_unsuspend(struct http_request *req, struct http_response *resp);

void okta_apps_list(struct http_request *req, struct http_response *resp);
void okta_apps_create(struct http_request *req, struct http_response *resp);
void okta_app_get(struct http_request *req, struct http_response *resp);
void okta_app_replace(struct http_request *req, struct http_response *resp);
void okta_app_delete(struct http_request *req, struct http_response *resp);
void okta_app_activate(struct http_request *req, struct http_response *resp);
void okta_app_deactivate(struct http_request *req, struct http_response *resp);
void okta_app_groups(struct http_request *req, struct http_response *resp);
void okta_app_group_get(struct http_request *req, struct http_response *resp);
void okta_app_group_assign(struct http_request *req, struct http_response *resp);
void okta_app_group_unassign(struct http_request *req, struct http_response *resp);

#endif
