/* /v1/teams/{team}/groups/{g}/attributes… and users/{u}/attributes… (asa.md §4.4). */
#include <string.h>

#include "api/asa/asa.h"
#include "core/project.h"
#include "util/err.h"

static void write_attr(struct jw *w, const struct core_attr *a)
{
    jw_obj_begin(w);
    jw_kstr(w, "id", a->id);
    jw_kstr(w, "attribute_name", a->name);
    jw_key(w, "attribute_value");
    if (a->is_int)
        jw_int(w, a->num);
    else
        jw_str(w, a->str);
    jw_kbool(w, "managed", false); /* nothing here is sourced from SCIM or SAML */
    jw_obj_end(w);
}

/* Loads the owner's attributes (group or user named by route parameter 1). */
static int load(struct asa_call *c, struct http_request *req, bool is_user,
                struct core_attr all[CORE_ATTR_MAX], size_t *n)
{
    const char *owner = http_route_param(req, 1);
    return is_user ? core_user_attrs(&c->cx, &c->team, owner, all, n)
                   : core_group_attrs(&c->cx, &c->team, owner, all, n);
}

static void attrs_list(struct http_request *req, struct http_response *resp, bool is_user)
{
    struct asa_call c;
    struct core_page_req pr;
    struct core_page_info info;
    struct core_attr all[CORE_ATTR_MAX], *rows;
    size_t nall, n;
    bool conflicting;
    if (asa_begin(req, resp, STORE_ROLE_ALL, &c) || asa_page_parse(req, resp, &pr) ||
        asa_query_bool(req, resp, "conflicting", false, &conflicting))
        return;
    int rc = load(&c, req, is_user, all, &nall);
    if (!rc && conflicting)
        rc = core_attrs_conflicting(&c.cx, &c.team, all, &nall);
    if (rc) {
        asa_core_error(resp, rc, is_user ? "no such user" : "no such group");
        return;
    }
    if ((rc = core_attr_page(all, nall, &pr, &rows, &n, &info))) {
        asa_core_error(resp, rc, "offset does not name an attribute");
        return;
    }
    struct jw w;
    asa_list_begin(req, resp, &w, &info);
    for (size_t i = 0; i < n; i++)
        write_attr(&w, &rows[i]);
    asa_list_end(resp, &w);
}

static void attr_get(struct http_request *req, struct http_response *resp, bool is_user)
{
    struct asa_call c;
    struct core_attr all[CORE_ATTR_MAX], *a;
    size_t n;
    if (asa_begin(req, resp, STORE_ROLE_ALL, &c))
        return;
    int rc = load(&c, req, is_user, all, &n);
    if (!rc)
        rc = core_attr_find(all, n, http_route_param(req, 2), &a);
    if (rc) {
        asa_core_error(resp, rc,
                       is_user ? "no such user or attribute" : "no such group or attribute");
        return;
    }
    struct jw w;
    api_json_begin(resp, 200, &w);
    write_attr(&w, a);
    api_json_end(resp, &w);
}

/* PUT {"attribute_name","attribute_value"}: the value is a string or an integer as the
 * attribute's name says; the name may be left out (the id names the attribute). */
static void attr_put(struct http_request *req, struct http_response *resp, bool is_user)
{
    struct asa_call c;
    struct core_attr_value v = {0};
    const char *name, *why = NULL;
    bool present;
    if (asa_begin(req, resp, STORE_ROLE_ACCESS_ADMIN, &c))
        return;
    json_t *body = asa_body_object(req, resp);
    if (!body || asa_body_cstr(req, resp, body, "attribute_name", &name, &present))
        return;
    json_t *val = json_object_get(body, "attribute_value");
    if (val && json_is_integer(val)) {
        v.is_int = true;
        v.num = (int64_t)json_integer_value(val);
    } else if (val && json_is_string(val) &&
               strlen(json_string_value(val)) == json_string_length(val)) {
        v.str = json_string_value(val);
    } else {
        asa_error(resp, 400, "invalid_request", "attribute_value must be a string or an integer",
                  "attribute_value");
        return;
    }
    const char *owner = http_route_param(req, 1), *id = http_route_param(req, 2);
    int rc = is_user ? core_user_attr_set(&c.cx, &c.team, owner, id, name, &v, &why)
                     : core_group_attr_set(&c.cx, &c.team, owner, id, name, &v, &why);
    if (rc) {
        asa_core_error(resp, rc,
                       rc == R_EINVAL ? (why ? why : "invalid attribute value")
                       : is_user      ? "no such user or attribute"
                                      : "no such group or attribute");
        return;
    }
    resp->status = 204;
}

void asa_group_attrs_list(struct http_request *req, struct http_response *resp)
{
    attrs_list(req, resp, false);
}

void asa_group_attr_get(struct http_request *req, struct http_response *resp)
{
    attr_get(req, resp, false);
}

void asa_group_attr_put(struct http_request *req, struct http_response *resp)
{
    attr_put(req, resp, false);
}

void asa_user_attrs_list(struct http_request *req, struct http_response *resp)
{
    attrs_list(req, resp, true);
}

void asa_user_attr_get(struct http_request *req, struct http_response *resp)
{
    attr_get(req, resp, true);
}

void asa_user_attr_put(struct http_request *req, struct http_response *resp)
{
    attr_put(req, resp, true);
}
