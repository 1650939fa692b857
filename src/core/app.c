/* Okta apps: a label, a sign-on mode, opaque settings, a status, and group assignments. */
#include <string.h>

#include "core/internal.h"
#include "core/okta.h"

int core_okta_app_create(struct core_ctx *cx, const struct store_team *t, struct store_app *app)
{
    if (!app->name || !app->label || !app->sign_on_mode)
        return R_EINVAL;
    app->team_id = t->id;
    app->created = app->last_updated = core_now_ms();
    core_okta_id("0oa", app->okta_id);
    int rc = core__begin(cx);
    if (rc)
        return rc;
    return core__end(cx, STORE(cx, apps)->insert(cx->st, app));
}

int core_okta_app_get(struct core_ctx *cx, const struct store_team *t, const char *id,
                      struct store_app *out)
{
    return STORE(cx, apps)->get(cx->st, cx->a, t->id, id, out);
}

int core_okta_app_update(struct core_ctx *cx, const struct store_team *t, const char *id,
                         const struct store_app *in, struct store_app *out)
{
    struct store_app app;
    if (!in->label || !in->sign_on_mode)
        return R_EINVAL;
    int rc = core__begin(cx);
    if (rc)
        return rc;
    rc = STORE(cx, apps)->get(cx->st, cx->a, t->id, id, &app);
    if (!rc) {
        if (in->name)
            app.name = in->name;
        app.label = in->label;
        app.sign_on_mode = in->sign_on_mode;
        app.body_json = in->body_json;
        app.last_updated = core_now_ms();
        rc = STORE(cx, apps)->update(cx->st, &app);
    }
    rc = core__end(cx, rc);
    if (!rc)
        *out = app;
    return rc;
}

int core_okta_app_set_active(struct core_ctx *cx, const struct store_team *t, const char *id,
                             bool active)
{
    struct store_app app;
    int rc = core__begin(cx);
    if (rc)
        return rc;
    rc = STORE(cx, apps)->get(cx->st, cx->a, t->id, id, &app);
    if (!rc && app.active != active) {
        app.active = active;
        app.last_updated = core_now_ms();
        rc = STORE(cx, apps)->update(cx->st, &app);
    }
    return core__end(cx, rc);
}

int core_okta_app_delete(struct core_ctx *cx, const struct store_team *t, const char *id)
{
    struct store_app app;
    int rc = core__begin(cx);
    if (rc)
        return rc;
    rc = STORE(cx, apps)->get(cx->st, cx->a, t->id, id, &app);
    if (!rc && app.active)
        rc = R_EFORBIDDEN; /* deactivate first */
    if (!rc)
        rc = STORE(cx, apps)->delete (cx->st, app.id);
    return core__end(cx, rc);
}

int core_okta_app_list(struct core_ctx *cx, const struct store_team *t, struct store_query *q,
                       struct store_app **rows, size_t *n)
{
    q->team_id = t->id;
    return STORE(cx, apps)->list(cx->st, cx->a, q, rows, n);
}

static int app_and_group(struct core_ctx *cx, const struct store_team *t, const char *app_id,
                         const char *group_id, struct store_app *app, struct store_group *g)
{
    int rc = STORE(cx, apps)->get(cx->st, cx->a, t->id, app_id, app);
    if (!rc)
        rc = STORE(cx, groups)->get(cx->st, cx->a, t->id, group_id, g);
    return rc;
}

int core_okta_app_group_assign(struct core_ctx *cx, const struct store_team *t, const char *app_id,
                               const char *group_id, int64_t priority, const char *profile_json,
                               struct store_app_group *out)
{
    struct store_app app;
    struct store_group g;
    int rc = core__begin(cx);
    if (rc)
        return rc;
    rc = app_and_group(cx, t, app_id, group_id, &app, &g);
    struct store_app_group ag = {
        .app_id = app.id,
        .group_id = g.id,
        .priority = priority,
        .profile_json = profile_json,
        .last_updated = core_now_ms(),
    };
    if (!rc) {
        memcpy(ag.app_okta_id, app.okta_id, sizeof(ag.app_okta_id));
        memcpy(ag.group_okta_id, g.okta_id, sizeof(ag.group_okta_id));
        ag.group = g;
        rc = STORE(cx, apps)->group_put(cx->st, &ag);
    }
    rc = core__end(cx, rc);
    if (!rc)
        *out = ag;
    return rc;
}

int core_okta_app_group_get(struct core_ctx *cx, const struct store_team *t, const char *app_id,
                            const char *group_id, struct store_app_group *out)
{
    struct store_app app;
    struct store_group g;
    int rc = app_and_group(cx, t, app_id, group_id, &app, &g);
    if (!rc)
        rc = STORE(cx, apps)->group_get(cx->st, cx->a, app.id, g.id, out);
    return rc;
}

int core_okta_app_group_unassign(struct core_ctx *cx, const struct store_team *t,
                                 const char *app_id, const char *group_id)
{
    struct store_app app;
    struct store_group g;
    bool changed;
    int rc = core__begin(cx);
    if (rc)
        return rc;
    rc = app_and_group(cx, t, app_id, group_id, &app, &g);
    if (!rc)
        rc = STORE(cx, apps)->group_delete(cx->st, app.id, g.id, &changed);
    return core__end(cx, rc);
}

int core_okta_app_group_list(struct core_ctx *cx, const struct store_team *t, const char *app_id,
                             struct store_query *q, struct store_app_group **rows, size_t *n)
{
    struct store_app app;
    q->team_id = t->id;
    int rc = STORE(cx, apps)->get(cx->st, cx->a, t->id, app_id, &app);
    if (!rc)
        rc = STORE(cx, apps)->group_list(cx->st, cx->a, app.id, q, rows, n);
    return rc;
}
