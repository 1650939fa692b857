/* Okta object shapes (okta.md §8): groups, users, apps and app↔group assignments. */
#include <stdlib.h>
#include <string.h>

#include "api/okta/okta.h"

static void write_time(struct jw *w, const char *key, int64_t ms)
{
    if (ms)
        api_write_ktime(w, key, ms); /* optional fields without a value are omitted */
}

static void write_href(struct jw *w, const char *key, const char *href)
{
    jw_key(w, key);
    jw_obj_begin(w);
    jw_kstr(w, "href", href);
    jw_obj_end(w);
}

void okta_write_members(struct jw *w, const char *json_object)
{
    if (!json_object)
        return;
    size_t n = strlen(json_object);
    /* "{…}" with at least one member: splice the members after ours */
    while (n && (json_object[n - 1] == ' ' || json_object[n - 1] == '\n'))
        n--;
    if (n < 3 || json_object[0] != '{' || json_object[n - 1] != '}')
        return;
    buf_append(w->b, ",", 1);
    buf_append(w->b, json_object + 1, n - 2);
}

const char *okta_rest_json(struct http_request *req, json_t *obj, const char *const *skip)
{
    json_t *rest = json_object();
    const char *k;
    json_t *v;
    if (!rest)
        return NULL;
    json_object_foreach(obj, k, v)
    {
        bool skipped = false;
        for (const char *const *s = skip; *s; s++)
            if (strcmp(*s, k) == 0)
                skipped = true;
        if (!skipped)
            json_object_set(rest, k, v);
    }
    const char *out = NULL;
    if (json_object_size(rest)) {
        char *s = json_dumps(rest, JSON_COMPACT);
        if (s) {
            out = arena_strdup(req->arena, s);
            free(s);
        }
    }
    json_decref(rest);
    return out;
}

void okta_write_group(struct jw *w, struct http_request *req, const struct store_group *g,
                      bool stats, int64_t apps_count)
{
    bool builtin = g->type == STORE_GROUP_BUILT_IN;
    jw_obj_begin(w);
    jw_kstr(w, "id", g->okta_id);
    write_time(w, "created", g->created);
    write_time(w, "lastUpdated", g->last_updated);
    /* always present: created until the first membership change */
    api_write_ktime(w, "lastMembershipUpdated",
                    g->last_membership_updated ? g->last_membership_updated : g->created);
    jw_key(w, "objectClass");
    jw_arr_begin(w);
    jw_str(w, "okta:user_group");
    jw_arr_end(w);
    jw_kstr(w, "type", builtin ? "BUILT_IN" : "OKTA_GROUP");
    jw_key(w, "profile");
    jw_obj_begin(w);
    jw_kstr(w, "name", builtin ? "Everyone" : g->name);
    if (builtin && !g->description)
        jw_kstr(w, "description", "All users in your organization");
    else if (g->description)
        jw_kstr(w, "description", g->description);
    okta_write_members(w, g->profile_json);
    jw_obj_end(w);
    jw_key(w, "_links");
    jw_obj_begin(w);
    jw_key(w, "logo");
    jw_arr_begin(w);
    static const char *const sizes[] = {"medium", "large"};
    for (int i = 0; i < 2; i++) {
        jw_obj_begin(w);
        jw_kstr(w, "name", sizes[i]);
        jw_kstr(w, "href", okta_url(req, "/img/logos/groups/okta-%s.png", sizes[i]));
        jw_kstr(w, "type", "image/png");
        jw_obj_end(w);
    }
    jw_arr_end(w);
    write_href(w, "users", okta_url(req, "/api/v1/groups/%s/users", g->okta_id));
    write_href(w, "apps", okta_url(req, "/api/v1/groups/%s/apps", g->okta_id));
    jw_obj_end(w);
    if (stats) {
        jw_key(w, "_embedded");
        jw_obj_begin(w);
        jw_key(w, "stats");
        jw_obj_begin(w);
        jw_kint(w, "usersCount", g->human_count); /* service users are invisible here */
        jw_kint(w, "appsCount", apps_count);
        jw_kint(w, "groupPushMappingsCount", 0);
        jw_kbool(w, "hasAdminPrivlege", (g->roles & STORE_ROLE_ACCESS_ADMIN) != 0);
        jw_obj_end(w);
        jw_obj_end(w);
    }
    jw_obj_end(w);
}

/* The profile of u, or of its members those f keeps. */
static void write_profile(struct jw *w, struct arena *a, const struct store_user *u,
                          const struct okta_fields *f)
{
    const char *keys[] = {"login", "email", "firstName", "lastName", "displayName"};
    const char *vals[] = {u->login ? u->login : u->name, u->email, u->first_name, u->last_name,
                          u->display_name};
    jw_key(w, "profile");
    jw_obj_begin(w);
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (vals[i] && (!f || okta_fields_profile_has(f, slice_from_cstr(keys[i]))))
            jw_kstr(w, keys[i], vals[i]);
    if (!f || f->profile_all) {
        okta_write_members(w, u->profile_json);
    } else if (u->profile_json && f->nprofile) {
        /* the requested custom attributes, in the order asked */
        json_t *custom = json_loads(u->profile_json, 0, NULL);
        for (size_t i = 0; custom && i < f->nprofile; i++) {
            const char *name = arena_strndup(a, f->profile[i].p, f->profile[i].n);
            json_t *v = name ? json_object_get(custom, name) : NULL;
            char *text = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
            if (text) {
                jw_key(w, name);
                jw_raw(w, text, strlen(text));
            }
            free(text);
        }
        json_decref(custom);
    }
    jw_obj_end(w);
}

void okta_write_user(struct jw *w, struct http_request *req, const struct store_user_detail *ou,
                     bool in_list, const struct okta_fields *f)
{
    const struct store_user *u = &ou->u;
    unsigned top = f ? f->top : ~0u;
    jw_obj_begin(w);
    jw_kstr(w, "id", u->okta_id);
    if (top & OKTA_F_STATUS)
        jw_kstr(w, "status", core_okta_status_name(u->status));
    if (top & OKTA_F_CREATED)
        write_time(w, "created", u->created);
    if (top & OKTA_F_ACTIVATED)
        write_time(w, "activated", ou->activated);
    if (top & OKTA_F_STATUS_CHANGED)
        write_time(w, "statusChanged", u->status_changed);
    if (top & OKTA_F_LAST_UPDATED)
        write_time(w, "lastUpdated", u->last_updated);
    if (top & OKTA_F_PASSWORD_CHANGED)
        write_time(w, "passwordChanged", ou->password_changed);
    if (top & OKTA_F_PROFILE)
        write_profile(w, req->arena, u, f);
    if (top & OKTA_F_CREDENTIALS) {
        jw_key(w, "credentials");
        jw_obj_begin(w);
        if (ou->has_password) {
            jw_key(w, "password"); /* write-only: a set password is the empty object */
            jw_obj_begin(w);
            jw_obj_end(w);
        }
        jw_key(w, "provider");
        jw_obj_begin(w);
        jw_kstr(w, "type", "OKTA");
        jw_kstr(w, "name", "OKTA");
        jw_obj_end(w);
        jw_obj_end(w);
    }
    if (!(top & OKTA_F_LINKS)) {
        jw_obj_end(w);
        return;
    }
    jw_key(w, "_links");
    jw_obj_begin(w);
    write_href(w, "self", okta_url(req, "/api/v1/users/%s", u->okta_id));
    if (!in_list) {
        static const struct {
            int status;
            const char *rel, *op;
        } ops[] = {
            {STORE_USER_STAGED, "activate", "activate"},
            {STORE_USER_PROVISIONED, "activate", "activate"},
            {STORE_USER_DEPROVISIONED, "activate", "activate"},
            {STORE_USER_ACTIVE, "suspend", "suspend"},
            {STORE_USER_SUSPENDED, "unsuspend", "unsuspend"},
        };
        for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
            if (ops[i].status == u->status)
                write_href(w, ops[i].rel,
                           okta_url(req, "/api/v1/users/%s/lifecycle/%s", u->okta_id, ops[i].op));
        if (u->status != STORE_USER_DEPROVISIONED)
            write_href(w, "deactivate",
                       okta_url(req, "/api/v1/users/%s/lifecycle/deactivate", u->okta_id));
    }
    jw_obj_end(w);
    jw_obj_end(w);
}

void okta_write_app(struct jw *w, struct http_request *req, const struct store_app *app)
{
    jw_obj_begin(w);
    jw_kstr(w, "id", app->okta_id);
    jw_kstr(w, "name", app->name);
    jw_kstr(w, "label", app->label);
    jw_kstr(w, "status", app->active ? "ACTIVE" : "INACTIVE");
    write_time(w, "created", app->created);
    write_time(w, "lastUpdated", app->last_updated);
    jw_kstr(w, "signOnMode", app->sign_on_mode);
    okta_write_members(w, app->body_json);
    jw_key(w, "_links");
    jw_obj_begin(w);
    write_href(w, "groups", okta_url(req, "/api/v1/apps/%s/groups", app->okta_id));
    write_href(w, "users", okta_url(req, "/api/v1/apps/%s/users", app->okta_id));
    write_href(w, app->active ? "deactivate" : "activate",
               okta_url(req, "/api/v1/apps/%s/lifecycle/%s", app->okta_id,
                        app->active ? "deactivate" : "activate"));
    jw_obj_end(w);
    jw_obj_end(w);
}

void okta_write_app_group(struct jw *w, struct http_request *req, const struct store_app_group *ag,
                          bool embed_group)
{
    jw_obj_begin(w);
    jw_kstr(w, "id", ag->group_okta_id);
    jw_kint(w, "priority", ag->priority);
    write_time(w, "lastUpdated", ag->last_updated);
    jw_key(w, "profile");
    if (ag->profile_json)
        jw_raw(w, ag->profile_json, strlen(ag->profile_json));
    else {
        jw_obj_begin(w);
        jw_obj_end(w);
    }
    jw_key(w, "_links");
    jw_obj_begin(w);
    write_href(w, "app", okta_url(req, "/api/v1/apps/%s", ag->app_okta_id));
    write_href(w, "self",
               okta_url(req, "/api/v1/apps/%s/groups/%s", ag->app_okta_id, ag->group_okta_id));
    write_href(w, "group", okta_url(req, "/api/v1/groups/%s", ag->group_okta_id));
    jw_obj_end(w);
    if (embed_group) {
        jw_key(w, "_embedded");
        jw_obj_begin(w);
        jw_key(w, "group");
        okta_write_group(w, req, &ag->group, false, 0);
        jw_obj_end(w);
    }
    jw_obj_end(w);
}
