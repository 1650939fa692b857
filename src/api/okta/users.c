/* /api/v1/users: create (activate, password, groupIds), list, get by id or login, partial and
 * full update, lifecycle, two-step delete, a user's groups. */
#include <string.h>

#include "api/okta/okta.h"
#include "util/err.h"

#define USERS_LIMIT_DEFAULT 200
#define USERS_LIMIT_MAX 200
#define USERS_Q_DEFAULT 10
#define USER_GROUP_IDS_MAX 20

/* A string member of 0..max characters, or absent/null (*out NULL). */
static int prof_str(struct http_request *req, struct http_response *resp, json_t *profile,
                    const char *key, size_t min, size_t max, const char **out)
{
    json_t *v = json_object_get(profile, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v) || json_string_length(v) < min || json_string_length(v) > max) {
        const char *m =
            arena_printf(req->arena, "Must be a string of %zu to %zu characters", min, max);
        okta_validation(req, resp, key, m ? m : "bad value");
        return -1;
    }
    /* copied: the profile may be a merged object freed before the update runs */
    *out = arena_strndup(req->arena, json_string_value(v), json_string_length(v));
    return *out ? 0 : -1;
}

/* Fills in from a complete profile object; 400 written on bad or missing fields. */
static int user_profile(struct http_request *req, struct http_response *resp, json_t *profile,
                        struct core_okta_user_in *in)
{
    if (!profile || !json_is_object(profile)) {
        okta_validation(req, resp, "profile", "The field cannot be left blank");
        return -1;
    }
    if (prof_str(req, resp, profile, "login", 5, 100, &in->login) ||
        prof_str(req, resp, profile, "email", 5, 100, &in->email) ||
        prof_str(req, resp, profile, "firstName", 1, 50, &in->first_name) ||
        prof_str(req, resp, profile, "lastName", 1, 50, &in->last_name) ||
        prof_str(req, resp, profile, "displayName", 1, 255, &in->display_name))
        return -1;
    if (!in->login) {
        okta_validation(req, resp, "login", "The field cannot be left blank");
        return -1;
    }
    if (!in->email) {
        okta_validation(req, resp, "email", "The field cannot be left blank");
        return -1;
    }
    if (!strchr(in->email, '@')) {
        okta_validation(req, resp, "email", "Does not match required pattern");
        return -1;
    }
    static const char *const skip[] = {"login",    "email",       "firstName",
                                       "lastName", "displayName", NULL};
    in->profile_json = okta_rest_json(req, profile, skip);
    return 0;
}

/* credentials.password.value, when given. */
static int user_password(struct http_request *req, struct http_response *resp, json_t *body,
                         const char **out)
{
    json_t *cred = json_object_get(body, "credentials");
    json_t *pw = cred && json_is_object(cred) ? json_object_get(cred, "password") : NULL;
    json_t *v = pw && json_is_object(pw) ? json_object_get(pw, "value") : NULL;
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v)) {
        okta_validation(req, resp, "password", "Must be a string");
        return -1;
    }
    *out = json_string_value(v);
    return 0;
}

static void user_error(struct http_request *req, struct http_response *resp, int rc, const char *id)
{
    if (rc == R_EEXIST)
        okta_validation(req, resp, "login",
                        "An object with this field already exists in the current organization");
    else if (rc == R_EINVAL)
        okta_validation(req, resp, "password",
                        "Password requirements were not met. Password requirements: at least "
                        "8 characters.");
    else
        okta_core_error(req, resp, rc, "User", id);
}

static void send_user(struct http_request *req, struct http_response *resp,
                      const struct store_user_detail *u)
{
    struct jw w;
    api_json_begin(resp, 200, &w);
    okta_write_user(&w, req, u, false, NULL);
    api_json_end(resp, &w);
}

static json_t *body_object(struct http_request *req, struct http_response *resp)
{
    if (http_body_json(req, resp))
        return NULL;
    if (!req->json || !json_is_object(req->json)) {
        okta_error(req, resp, 400, "E0000003", "The request body was not well-formed.", NULL);
        return NULL;
    }
    return req->json;
}

void okta_users_create(struct http_request *req, struct http_response *resp)
{
    struct okta_call c;
    struct core_okta_user_in in = {0};
    struct store_user_detail u;
    bool activate;
    const char *groups[USER_GROUP_IDS_MAX];
    size_t ngroups = 0;
    if (okta_begin(req, resp, OKTA_MANAGE, &c))
        return;
    json_t *body = body_object(req, resp);
    if (!body || okta_query_bool(req, resp, "activate", true, &activate) ||
        user_profile(req, resp, json_object_get(body, "profile"), &in) ||
        user_password(req, resp, body, &in.password))
        return;
    json_t *gids = json_object_get(body, "groupIds");
    if (gids && !json_is_null(gids)) {
        if (!json_is_array(gids)) {
            okta_validation(req, resp, "groupIds", "Must be an array of group ids");
            return;
        }
        if (json_array_size(gids) > USER_GROUP_IDS_MAX) {
            okta_error(req, resp, 400, "E0000093",
                       "Target count limit exceeded: groupIds accepts at most 20 groups", NULL);
            return;
        }
        size_t i;
        json_t *g;
        json_array_foreach(gids, i, g)
        {
            if (!json_is_string(g)) {
                okta_validation(req, resp, "groupIds", "Must be an array of group ids");
                return;
            }
            groups[ngroups++] = json_string_value(g);
        }
    }
    int rc = core_okta_user_create(&c.cx, &c.team, &in, activate, groups, ngroups, &u);
    if (rc == R_ENOTFOUND) {
        okta_validation(req, resp, "groupIds", "Group not found");
        return;
    }
    if (rc) {
        user_error(req, resp, rc, NULL);
        return;
    }
    send_user(req, resp, &u);
}

/* fields (okta.md §7.8): a projection of each listed user; *out NULL when absent. */
static int users_fields(struct http_request *req, struct http_response *resp, struct okta_fields *f,
                        const struct okta_fields **out)
{
    const struct slice *v = http_param(req, "fields");
    const char *why;
    *out = NULL;
    if (!v || v->n == 0)
        return 0;
    if (okta_fields_parse(*v, f, &why)) {
        okta_validation(req, resp, "fields", why);
        return -1;
    }
    *out = f;
    return 0;
}

void okta_users_list(struct http_request *req, struct http_response *resp)
{
    struct okta_call c;
    if (okta_begin(req, resp, OKTA_READ, &c))
        return;
    static const struct okta_list_limits lim = {USERS_Q_DEFAULT, USERS_LIMIT_DEFAULT,
                                                USERS_LIMIT_MAX};
    struct store_query oq;
    struct okta_fields fields;
    const struct okta_fields *f;
    if (okta_list_query(req, resp, OKTA_EXPR_USER_SEARCH, OKTA_EXPR_USER_FILTER, &lim, &oq) ||
        users_fields(req, resp, &fields, &f))
        return;
    /* a bare list and q omit deprovisioned users; filter and search include them */
    oq.deprovisioned = oq.expr != NULL;
    struct store_user_detail *rows;
    size_t n;
    int rc = core_okta_user_list(&c.cx, &c.team, &oq, &rows, &n);
    if (rc) {
        if (rc == R_EINVAL)
            okta_invalid_search(req, resp, NULL);
        else
            okta_core_error(req, resp, rc, NULL, NULL);
        return;
    }
    if (okta_after_check(&c, req, resp, STORE_KIND_USER, oq.after, n))
        return;
    bool more = n > oq.limit;
    if (more)
        n = oq.limit;
    okta_links(req, resp, more && n && !oq.q ? rows[n - 1].u.okta_id : NULL);
    struct jw w;
    api_json_begin(resp, 200, &w);
    jw_arr_begin(&w);
    for (size_t i = 0; i < n; i++)
        okta_write_user(&w, req, &rows[i], true, f);
    jw_arr_end(&w);
    api_json_end(resp, &w);
}

void okta_user_get(struct http_request *req, struct http_response *resp)
{
    struct okta_call c;
    struct store_user_detail u;
    if (okta_begin(req, resp, OKTA_READ, &c))
        return;
    /* Okta documents fields for the list only (listUsers): refused here, not ignored */
    if (okta_query_str(req, "fields")) {
        okta_validation(req, resp, "fields", "Not supported when getting one user; list users");
        return;
    }
    const char *id = http_route_param(req, 0);
    int rc = core_okta_user_get(&c.cx, &c.team, id, &u);
    if (rc) {
        okta_core_error(req, resp, rc, "User", id);
        return;
    }
    send_user(req, resp, &u);
}

/* The stored profile of u as a JSON object (caller decrefs). */
static json_t *stored_profile(const struct store_user_detail *u)
{
    json_t *p = u->u.profile_json ? json_loads(u->u.profile_json, 0, NULL) : NULL;
    if (!p || !json_is_object(p)) {
        json_decref(p);
        p = json_object();
    }
    if (!p)
        return NULL;
    const char *keys[] = {"login", "email", "firstName", "lastName", "displayName"};
    const char *vals[] = {u->u.login, u->u.email, u->u.first_name, u->u.last_name,
                          u->u.display_name};
    for (int i = 0; i < 5; i++)
        if (vals[i])
            json_object_set_new(p, keys[i], json_string(vals[i]));
    return p;
}

static void user_write(struct http_request *req, struct http_response *resp, bool partial)
{
    struct okta_call c;
    struct store_user_detail u;
    struct core_okta_user_in in = {0};
    if (okta_begin(req, resp, OKTA_MANAGE, &c))
        return;
    const char *id = http_route_param(req, 0);
    int rc = core_okta_user_get(&c.cx, &c.team, id, &u);
    if (rc) {
        okta_core_error(req, resp, rc, "User", id);
        return;
    }
    json_t *body = req->json && json_is_object(req->json) ? req->json : NULL;
    if (!body && !partial) {
        body_object(req, resp);
        return;
    }
    json_t *given = body ? json_object_get(body, "profile") : NULL;
    json_t *profile;
    if (partial) {
        /* partial update: the stored profile with the given members over it (null removes) */
        profile = stored_profile(&u);
        if (given && json_is_object(given)) {
            const char *k;
            json_t *v;
            json_object_foreach(given, k, v)
            {
                if (json_is_null(v))
                    json_object_del(profile, k);
                else
                    json_object_set(profile, k, v);
            }
        }
    } else {
        profile = given ? json_incref(given) : NULL;
    }
    int bad = user_profile(req, resp, profile, &in);
    json_decref(profile);
    if (bad || (body && user_password(req, resp, body, &in.password)))
        return;
    rc = core_okta_user_update(&c.cx, &c.team, id, &in, &u);
    if (rc) {
        user_error(req, resp, rc, id);
        return;
    }
    send_user(req, resp, &u);
}

void okta_user_update(struct http_request *req, struct http_response *resp)
{
    user_write(req, resp, true);
}

void okta_user_replace(struct http_request *req, struct http_response *resp)
{
    user_write(req, resp, false);
}

/* Runs a lifecycle operation; 0 with the user, or the error written and -1. */
/* Runs op on the user of the path. send_email: NULL, or where the sendEmail parameter goes,
 * read after the credentials are checked (DESIGN.md §6) and before anything changes. */
static int lifecycle(struct http_request *req, struct http_response *resp, enum core_okta_op op,
                     bool *send_email, struct store_user_detail *u, bool *deleted)
{
    struct okta_call c;
    if (okta_begin(req, resp, OKTA_MANAGE, &c) ||
        (send_email && okta_query_bool(req, resp, "sendEmail", true, send_email)))
        return -1;
    const char *id = http_route_param(req, 0);
    int rc = core_okta_user_lifecycle(&c.cx, &c.team, id, op, u, deleted);
    if (!rc)
        return 0;
    if (rc == R_EEXIST)
        okta_error(req, resp, 403, "E0000016",
                   "Activation failed because the user is already active", NULL);
    else if (rc == R_EFORBIDDEN)
        okta_error(req, resp, 403, "E0000038",
                   "This operation is not allowed in the user's current status.", NULL);
    else if (rc == R_EINVAL)
        okta_validation(req, resp, "status",
                        op == CORE_OKTA_SUSPEND ? "Cannot suspend a user that is not active"
                                                : "Cannot unsuspend a user that is not suspended");
    else
        okta_core_error(req, resp, rc, "User", id);
    return -1;
}

void okta_user_activate(struct http_request *req, struct http_response *resp)
{
    struct store_user_detail u;
    bool deleted, send_email;
    if (lifecycle(req, resp, CORE_OKTA_ACTIVATE, &send_email, &u, &deleted))
        return;
    struct jw w;
    api_json_begin(resp, 200, &w);
    jw_obj_begin(&w);
    if (!send_email) {
        /* no mail is sent by this server: the token is informational */
        const char *tok = core_random_secret(req->arena, 15, true);
        jw_kstr(&w, "activationToken", tok);
        jw_kstr(&w, "activationUrl", okta_url(req, "/welcome/%s", tok ? tok : ""));
    }
    jw_obj_end(&w);
    api_json_end(resp, &w);
}

void okta_user_deactivate(struct http_request *req, struct http_response *resp)
{
    struct store_user_detail u;
    bool deleted;
    if (lifecycle(req, resp, CORE_OKTA_DEACTIVATE, NULL, &u, &deleted) == 0)
        resp->status = 200; /* empty body */
}

void okta_user_suspend(struct http_request *req, struct http_response *resp)
{
    struct store_user_detail u;
    bool deleted;
    if (lifecycle(req, resp, CORE_OKTA_SUSPEND, NULL, &u, &deleted) == 0)
        resp->status = 200;
}

void okta_user_unsuspend(struct http_request *req, struct http_response *resp)
{
    struct store_user_detail u;
    bool deleted;
    if (lifecycle(req, resp, CORE_OKTA_UNSUSPEND, NULL, &u, &deleted) == 0)
        resp->status = 200;
}

void okta_user_delete(struct http_request *req, struct http_response *resp)
{
    struct store_user_detail u;
    bool deleted;
    if (lifecycle(req, resp, CORE_OKTA_DELETE, NULL, &u, &deleted) == 0)
        resp->status = 204;
}

void okta_user_groups(struct http_request *req, struct http_response *resp)
{
    struct okta_call c;
    if (okta_begin(req, resp, OKTA_READ, &c))
        return;
    struct store_query q = {.limit = 1000};
    q.after = okta_query_str(req, "after");
    if (okta_limit(req, resp, 1000, 1000, &q.limit))
        return;
    const char *id = http_route_param(req, 0);
    struct store_group *rows;
    size_t n;
    int rc = core_okta_user_groups(&c.cx, &c.team, id, &q, &rows, &n);
    if (rc) {
        okta_core_error(req, resp, rc, "User", id);
        return;
    }
    if (okta_after_check(&c, req, resp, STORE_KIND_GROUP, q.after, n))
        return;
    bool more = n > q.limit;
    if (more)
        n = q.limit;
    okta_links(req, resp, more && n ? rows[n - 1].okta_id : NULL);
    struct jw w;
    api_json_begin(resp, 200, &w);
    jw_arr_begin(&w);
    for (size_t i = 0; i < n; i++)
        okta_write_group(&w, req, &rows[i], false, 0);
    jw_arr_end(&w);
    api_json_end(resp, &w);
}
