/* /v1/teams/{team}/projects…: projects, project groups and server enrollment tokens
 * (asa.md §4.5), plus the typed body accessors the project-area handlers share. */
#include <sodium.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "api/asa/asa.h"
#include "core/project.h"
#include "util/err.h"

/* ---- body accessors ---- */

/* A member that is absent or null: "not given". */
static json_t *body_member(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return v && !json_is_null(v) ? v : NULL;
}

static int bad_member(struct http_request *req, struct http_response *resp, const char *key,
                      const char *what)
{
    const char *msg = arena_printf(req->arena, "%s must be %s", key, what);
    asa_error(resp, 400, "invalid_request", msg ? msg : what, key);
    return -1;
}

int asa_body_bool(struct http_request *req, struct http_response *resp, json_t *obj,
                  const char *key, bool *out, bool *present)
{
    json_t *v = body_member(obj, key);
    *present = v != NULL;
    if (!v)
        return 0;
    if (!json_is_boolean(v))
        return bad_member(req, resp, key, "true or false");
    *out = json_is_true(v);
    return 0;
}

int asa_body_int(struct http_request *req, struct http_response *resp, json_t *obj, const char *key,
                 int64_t *out, bool *present)
{
    json_t *v = body_member(obj, key);
    *present = v != NULL;
    if (!v)
        return 0;
    if (!json_is_integer(v))
        return bad_member(req, resp, key, "an integer");
    *out = (int64_t)json_integer_value(v);
    return 0;
}

int asa_body_cstr(struct http_request *req, struct http_response *resp, json_t *obj,
                  const char *key, const char **out, bool *present)
{
    json_t *v = body_member(obj, key);
    *present = v != NULL;
    *out = NULL;
    if (!v)
        return 0;
    /* C strings end at the first NUL: a string holding one is refused, not cut. */
    if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
        return bad_member(req, resp, key, "a string");
    *out = json_string_value(v);
    return 0;
}

/* ---- projects ---- */

enum field_kind { F_BOOL, F_INT, F_STR };

/* Body keys of a project and where they land in struct store_project. */
static const struct project_field {
    const char *key;
    enum field_kind kind;
    unsigned bit;
    size_t off;
} project_fields[] = {
#define PF(key, kind, bit)                                                                         \
    {                                                                                              \
#key, kind, bit, offsetof(struct store_project, key)                                       \
    }
    PF(create_server_users, F_BOOL, CORE_PF_CREATE_SERVER_USERS),
    PF(force_shared_ssh_users, F_BOOL, CORE_PF_FORCE_SHARED_SSH_USERS),
    PF(forward_traffic, F_BOOL, CORE_PF_FORWARD_TRAFFIC),
    PF(rdp_session_recording, F_BOOL, CORE_PF_RDP_SESSION_RECORDING),
    PF(require_preauth_for_creds, F_BOOL, CORE_PF_REQUIRE_PREAUTH_FOR_CREDS),
    PF(ssh_session_recording, F_BOOL, CORE_PF_SSH_SESSION_RECORDING),
    PF(gateway_selector, F_STR, CORE_PF_GATEWAY_SELECTOR),
    PF(shared_admin_user_name, F_STR, CORE_PF_SHARED_ADMIN_USER_NAME),
    PF(shared_standard_user_name, F_STR, CORE_PF_SHARED_STANDARD_USER_NAME),
    PF(ssh_certificate_type, F_STR, CORE_PF_SSH_CERTIFICATE_TYPE),
    PF(next_unix_uid, F_INT, CORE_PF_NEXT_UNIX_UID),
    PF(next_unix_gid, F_INT, CORE_PF_NEXT_UNIX_GID),
    PF(user_on_demand_period, F_INT, CORE_PF_USER_ON_DEMAND_PERIOD),
#undef PF
};

/* Reads the project fields of a body: absent or null ones are not given (create: default;
 * update: unchanged). id, team, deleted_at and unknown keys are ignored. */
static int project_patch_parse(struct http_request *req, struct http_response *resp, json_t *body,
                               struct core_project_patch *p)
{
    memset(p, 0, sizeof(*p));
    bool present;
    if (asa_body_cstr(req, resp, body, "name", &p->v.name, &present))
        return -1;
    for (size_t i = 0; i < sizeof(project_fields) / sizeof(project_fields[0]); i++) {
        const struct project_field *f = &project_fields[i];
        char *dst = (char *)&p->v + f->off;
        int rc;
        if (f->kind == F_BOOL)
            rc = asa_body_bool(req, resp, body, f->key, (bool *)dst, &present);
        else if (f->kind == F_INT)
            rc = asa_body_int(req, resp, body, f->key, (int64_t *)dst, &present);
        else
            rc = asa_body_cstr(req, resp, body, f->key, (const char **)dst, &present);
        if (rc)
            return -1;
        if (present)
            p->set |= f->bit;
    }
    return 0;
}

static void write_project(struct jw *w, const struct store_project *p, const char *team)
{
    jw_obj_begin(w);
    jw_kstr(w, "id", p->uuid);
    jw_kstr(w, "name", p->name);
    jw_kstr(w, "team", team);
    jw_kbool(w, "create_server_users", p->create_server_users);
    api_write_ktime(w, "deleted_at", p->deleted_at);
    jw_kbool(w, "force_shared_ssh_users", p->force_shared_ssh_users);
    jw_kbool(w, "forward_traffic", p->forward_traffic);
    jw_kstr(w, "gateway_selector", p->gateway_selector);
    jw_kint(w, "next_unix_gid", p->next_unix_gid);
    jw_kint(w, "next_unix_uid", p->next_unix_uid);
    jw_kbool(w, "rdp_session_recording", p->rdp_session_recording);
    jw_kbool(w, "require_preauth_for_creds", p->require_preauth_for_creds);
    jw_kstr(w, "shared_admin_user_name", p->shared_admin_user_name);
    jw_kstr(w, "shared_standard_user_name", p->shared_standard_user_name);
    jw_kstr(w, "ssh_certificate_type", p->ssh_certificate_type);
    jw_kbool(w, "ssh_session_recording", p->ssh_session_recording);
    jw_key(w, "user_on_demand_period");
    if (p->user_on_demand_period)
        jw_int(w, p->user_on_demand_period);
    else
        jw_null(w);
    jw_obj_end(w);
}

/* Sends a core error; R_EINVAL carries why when core gave one. */
static void send_error(struct http_response *resp, int rc, const char *why, const char *not_found)
{
    asa_core_error(resp, rc, rc == R_EINVAL ? (why ? why : "invalid request") : not_found);
}

void asa_projects_list(struct http_request *req, struct http_response *resp)
{
    struct asa_call c;
    struct core_page_req pr;
    struct core_page_info info;
    struct core_project_query q = {0};
    struct store_project *rows;
    size_t n;
    bool self;
    if (asa_begin(req, resp, STORE_ROLE_ALL, &c) || asa_page_parse(req, resp, &pr) ||
        asa_query_bool(req, resp, "self", false, &self) ||
        asa_query_match(req, resp, "contains", &q.contains))
        return;
    q.self_user_id = self ? c.who.p.user_id : 0;
    int rc = core_project_list(&c.cx, &c.team, &q, &pr, &rows, &n, &info);
    if (rc) {
        send_error(resp, rc, "offset does not name a project", NULL);
        return;
    }
    struct jw w;
    asa_list_begin(req, resp, &w, &info);
    for (size_t i = 0; i < n; i++)
        write_project(&w, &rows[i], c.team.name);
    asa_list_end(resp, &w);
}

void asa_projects_create(struct http_request *req, struct http_response *resp)
{
    struct asa_call c;
    struct core_project_patch in;
    struct store_project p;
    const char *why = NULL;
    if (asa_begin(req, resp, STORE_ROLE_ACCESS_ADMIN, &c))
        return;
    json_t *body = asa_body_object(req, resp);
    if (!body || project_patch_parse(req, resp, body, &in))
        return;
    if (!in.v.name) {
        asa_error(resp, 400, "invalid_request", "name is required", "name");
        return;
    }
    int rc = core_project_create(&c.cx, &c.team, &in, &p, &why);
    if (rc) {
        send_error(resp, rc, why, rc == R_EEXIST ? "a project with this name exists" : NULL);
        return;
    }
    struct jw w;
    api_json_begin(resp, 201, &w);
    write_project(&w, &p, c.team.name);
    api_json_end(resp, &w);
}

void asa_project_get(struct http_request *req, struct http_response *resp)
{
    struct asa_call c;
    struct store_project p;
    if (asa_begin(req, resp, STORE_ROLE_ALL, &c))
        return;
    int rc = core_project_get(&c.cx, &c.team, http_route_param(req, 1), &p);
    if (rc) {
        asa_core_error(resp, rc, "no such project");
        return;
    }
    struct jw w;
    api_json_begin(resp, 200, &w);
    write_project(&w, &p, c.team.name);
    api_json_end(resp, &w);
}

void asa_project_update(struct http_request *req, struct http_response *resp)
{
    struct asa_call c;
    struct core_project_patch in;
    const char *why = NULL;
    if (asa_begin(req, resp, STORE_ROLE_ACCESS_ADMIN, &c))
        return;
    json_t *body = asa_body_object(req, resp);
    if (!body || project_patch_parse(req, resp, body, &in))
        return;
    int rc = core_project_update(&c.cx, &c.team, http_route_param(req, 1), &in, &why);
    if (rc) {
        send_error(resp, rc, why, "no such project");
        return;
    }
    resp->status = 204;
}

void asa_project_delete(struct http_request *req, struct http_response *resp)
{
    struct asa_call c;
    if (asa_begin(req, resp, STORE_ROLE_ACCESS_ADMIN, &c))
        return;
    int rc = core_project_delete(&c.cx, &c.team, http_route_param(req, 1));
    if (rc) {
        asa_core_error(resp, rc, "no such project");
        return;
    }
    resp->status = 204;
}

/* ---- project groups ---- */

static void write_project_group(struct jw *w, const struct store_project_group *pg,
                                const char *project)
{
    struct core_attr at[CORE_ATTR_MAX];
    core_group_attr_view(pg->group_uuid, pg->group_name, &pg->attrs, at);
    /* at: unix_gid, unix_group_name, windows_group_name */
    jw_obj_begin(w);
    /* The assignment has no id of its own; null (not "") lets oktapam's read-back compare
     * equal to what it created. */
    jw_knull(w, "id");
    jw_kstr(w, "group", pg->group_name);
    jw_kstr(w, "name", pg->group_name);
    jw_kstr(w, "group_id", pg->group_uuid);
    jw_kstr(w, "project", project);
    jw_kbool(w, "server_access", pg->server_access);
    jw_kbool(w, "server_admin", pg->server_admin);
    jw_kbool(w, "create_server_group", pg->create_server_group);
    jw_kstr(w, "servers_selector", pg->servers_selector);
    jw_kstr(w, "server_group_name", pg->create_server_group ? at[1].str : NULL);
    jw_key(w, "unix_gid");
    if (pg->create_server_group && at[0].num)
        jw_int(w, at[0].num);
    else
        jw_null(w);
    jw_key(w, "profile_attributes");
    jw_obj_begin(w);
    jw_key(w, "unix_gid");
    if (at[0].num)
        jw_int(w, at[0].num);
    else
        jw_null(w);
    jw_kstr(w, "unix_group_name", at[1].str);
    jw_kstr(w, "windows_group_name", at[2].str);
    jw_obj_end(w);
    api_write_ktime(w, "deleted_at", pg->deleted_at);
    api_write_ktime(w, "removed_at", pg->removed_at);
    jw_obj_end(w);
}

/* Reads a POST/PUT assignment body; keys such as "_", "id" and "team" are ignored. */
static int project_group_parse(struct http_request *req, struct http_response *resp, json_t *body,
                               struct core_project_group_in *in)
{
    bool present;
    memset(in, 0, sizeof(*in));
    if (asa_body_cstr(req, resp, body, "group", &in->group, &present) ||
        asa_body_bool(req, resp, body, "server_access", &in->server_access, &present) ||
        asa_body_bool(req, resp, body, "server_admin", &in->server_admin, &present) ||
        asa_body_bool(req, resp, body, "create_server_group", &in->create_server_group, &present) ||
        asa_body_cstr(req, resp, body, "servers_selector", &in->servers_selector, &present))
        return -1;
    if (!in->group || !*in->group) {
        /* "name" duplicates "group" in the object clients read back; then the group id. */
        if (asa_body_cstr(req, resp, body, "name", &in->group, &present) ||
            asa_body_cstr(req, resp, body, "group_id", &in->group_id, &present))
            return -1;
        if (in->group && !*in->group)
            in->group = NULL;
    }
    json_t *pa = body_member(body, "profile_attributes");
    if (pa && !json_is_object(pa)) {
        asa_error(resp, 400, "invalid_request", "profile_attributes must be an object",
                  "profile_attributes");
        return -1;
    }
    if (pa) {
        if (asa_body_cstr(req, resp, pa, "unix_group_name", &in->attrs.unix_group_name, &present))
            return -1;
        in->attrs_set |= present ? CORE_GA_UNIX_GROUP_NAME : 0;
        if (asa_body_cstr(req, resp, pa, "windows_group_name", &in->attrs.windows_group_name,
                          &present))
            return -1;
        in->attrs_set |= present ? CORE_GA_WINDOWS_GROUP_NAME : 0;
        if (asa_body_int(req, resp, pa, "unix_gid", &in->attrs.unix_gid, &present))
            return -1;
        in->attrs_set |= present ? CORE_GA_UNIX_GID : 0;
    }
    return 0;
}

static void project_group_put(struct http_request *req, struct http_response *resp, bool is_put)
{
    struct asa_call c;
    struct core_project_group_in in;
    const char *why = NULL;
    if (asa_begin(req, resp, STORE_ROLE_ACCESS_ADMIN, &c))
        return;
    json_t *body = asa_body_object(req, resp);
    if (!body || project_group_parse(req, resp, body, &in))
        return;
    if (is_put) {
        in.group = http_route_param(req, 2); /* the path names the group */
        in.group_id = NULL;
    } else if (!in.group && !in.group_id) {
        asa_error(resp, 400, "invalid_request", "group is required", "group");
        return;
    }
    int rc = core_project_group_put(&c.cx, &c.team, http_route_param(req, 1), &in, is_put, &why);
    if (rc) {
        send_error(resp, rc, why,
                   is_put ? "no such project, group or assignment" : "no such project or group");
        return;
    }
    resp->status = 204;
}

void asa_project_groups_list(struct http_request *req, struct http_response *resp)
{
    struct asa_call c;
    struct core_page_req pr;
    struct core_page_info info = {0};
    struct core_project_group_query q = {0};
    struct store_project_group *rows = NULL;
    size_t n = 0;
    bool with_sel, without_sel, disconnected;
    if (asa_begin(req, resp, STORE_ROLE_ALL, &c) || asa_page_parse(req, resp, &pr) ||
        asa_query_bool(req, resp, "include_removed", false, &q.include_removed) ||
        asa_query_bool(req, resp, "create_server_group", false, &q.create_server_group_only) ||
        asa_query_bool(req, resp, "has_selectors", false, &with_sel) ||
        asa_query_bool(req, resp, "has_no_selectors", false, &without_sel) ||
        asa_query_bool(req, resp, "disconnected_mode_on_only", false, &disconnected))
        return;
    if (with_sel && without_sel) {
        asa_error(resp, 400, "invalid_request",
                  "has_selectors and has_no_selectors exclude each other", "has_selectors");
        return;
    }
    q.selectors = with_sel ? 1 : without_sel ? 2 : 0;
    const char *project = http_route_param(req, 1);
    int rc = core_project_group_list(&c.cx, &c.team, project, &q, &pr, &rows, &n, &info);
    if (rc) {
        send_error(resp, rc, "offset does not name a group", "no such project");
        return;
    }
    /* No assignment runs in disconnected mode (there are no gateways here). */
    if (disconnected) {
        n = 0;
        memset(&info, 0, sizeof(info));
    }
    struct jw w;
    asa_list_begin(req, resp, &w, &info);
    for (size_t i = 0; i < n; i++)
        write_project_group(&w, &rows[i], project);
    asa_list_end(resp, &w);
}

void asa_project_groups_assign(struct http_request *req, struct http_response *resp)
{
    project_group_put(req, resp, false);
}

void asa_project_group_update(struct http_request *req, struct http_response *resp)
{
    project_group_put(req, resp, true);
}

void asa_project_group_get(struct http_request *req, struct http_response *resp)
{
    struct asa_call c;
    struct store_project_group pg;
    if (asa_begin(req, resp, STORE_ROLE_ALL, &c))
        return;
    int rc = core_project_group_get(&c.cx, &c.team, http_route_param(req, 1),
                                    http_route_param(req, 2), &pg);
    if (rc) {
        asa_core_error(resp, rc, "no such project, group or assignment");
        return;
    }
    struct jw w;
    api_json_begin(resp, 200, &w);
    write_project_group(&w, &pg, http_route_param(req, 1));
    api_json_end(resp, &w);
}

void asa_project_group_remove(struct http_request *req, struct http_response *resp)
{
    struct asa_call c;
    if (asa_begin(req, resp, STORE_ROLE_ACCESS_ADMIN, &c))
        return;
    int rc = core_project_group_remove(&c.cx, &c.team, http_route_param(req, 1),
                                       http_route_param(req, 2));
    if (rc) {
        asa_core_error(resp, rc, "no such project, group or assignment");
        return;
    }
    resp->status = 204;
}

/* ---- server enrollment tokens ---- */

/* Enrollment token readers (the server_enrollment_token_viewer pseudo-role is not ours). */
#define TOKEN_VIEW_ROLES (STORE_ROLE_ACCESS_ADMIN | STORE_ROLE_ACCESS_USER)

/* The token sftd is given: std base64 of {"s":"<token id>","u":"<server base URL>",
 * "k":"<secret>"} (asa.md §4.5.2 decodes s and u; k is Roster's, absent from tokens made
 * before secrets existed, which keep the value they were handed out with). */
static void write_token_value(struct jw *w, const struct store_enroll_token *t)
{
    struct buf b;
    struct jw inner;
    buf_init(&b, 8192);
    jw_init(&inner, &b);
    jw_obj_begin(&inner);
    jw_kstr(&inner, "s", t->uuid);
    jw_kstr(&inner, "u", t->server_url);
    if (t->secret)
        jw_kstr(&inner, "k", t->secret);
    jw_obj_end(&inner);
    size_t len = sodium_base64_encoded_len(b.n, sodium_base64_VARIANT_ORIGINAL);
    char *enc = b.oom ? NULL : malloc(len);
    if (enc) {
        sodium_bin2base64(enc, len, (const unsigned char *)b.p, b.n,
                          sodium_base64_VARIANT_ORIGINAL);
        jw_str(w, enc);
    } else {
        jw_null(w);
    }
    free(enc);
    buf_free(&b);
}

static void write_token(struct jw *w, const struct store_enroll_token *t)
{
    jw_obj_begin(w);
    jw_kstr(w, "id", t->uuid);
    jw_key(w, "token");
    write_token_value(w, t);
    jw_kstr(w, "created_by_user", t->created_by);
    api_write_ktime(w, "issued_at", t->issued_at);
    jw_kstr(w, "description", t->description);
    jw_obj_end(w);
}

void asa_enroll_tokens_list(struct http_request *req, struct http_response *resp)
{
    struct asa_call c;
    struct core_page_req pr;
    struct core_page_info info;
    struct store_enroll_token *rows;
    size_t n;
    if (asa_begin(req, resp, TOKEN_VIEW_ROLES, &c) || asa_page_parse(req, resp, &pr))
        return;
    int rc =
        core_enroll_token_list(&c.cx, &c.team, http_route_param(req, 1), &pr, &rows, &n, &info);
    if (rc) {
        send_error(resp, rc, "offset does not name a token", "no such project");
        return;
    }
    struct jw w;
    asa_list_begin(req, resp, &w, &info);
    for (size_t i = 0; i < n; i++)
        write_token(&w, &rows[i]);
    asa_list_end(resp, &w);
}

void asa_enroll_tokens_create(struct http_request *req, struct http_response *resp)
{
    struct asa_call c;
    struct store_enroll_token t;
    const char *description = NULL;
    bool present;
    if (asa_begin(req, resp, TOKEN_VIEW_ROLES, &c))
        return;
    /* The body is optional; id, token, created_by_user and issued_at in it are ignored. */
    if (req->json) {
        json_t *body = asa_body_object(req, resp);
        if (!body || asa_body_cstr(req, resp, body, "description", &description, &present))
            return;
    }
    if (description && strlen(description) > 1024) {
        asa_error(resp, 400, "invalid_request", "description must be at most 1024 characters",
                  "description");
        return;
    }
    int rc = core_enroll_token_create(&c.cx, &c.team, http_route_param(req, 1), description,
                                      c.who.p.user_name, req->base_url ? req->base_url : "", &t);
    if (rc) {
        asa_core_error(resp, rc, "no such project");
        return;
    }
    struct jw w;
    api_json_begin(resp, 201, &w);
    write_token(&w, &t);
    api_json_end(resp, &w);
}

void asa_enroll_token_get(struct http_request *req, struct http_response *resp)
{
    struct asa_call c;
    struct store_enroll_token t;
    if (asa_begin(req, resp, TOKEN_VIEW_ROLES, &c))
        return;
    int rc = core_enroll_token_get(&c.cx, &c.team, http_route_param(req, 1),
                                   http_route_param(req, 2), &t);
    if (rc) {
        asa_core_error(resp, rc, "no such project or token");
        return;
    }
    struct jw w;
    api_json_begin(resp, 200, &w);
    write_token(&w, &t);
    api_json_end(resp, &w);
}

void asa_enroll_token_delete(struct http_request *req, struct http_response *resp)
{
    struct asa_call c;
    if (asa_begin(req, resp, STORE_ROLE_ACCESS_ADMIN, &c))
        return;
    int rc = core_enroll_token_delete(&c.cx, &c.team, http_route_param(req, 1),
                                      http_route_param(req, 2));
    if (rc) {
        asa_core_error(resp, rc, "no such project or token");
        return;
    }
    resp->status = 204;
}
