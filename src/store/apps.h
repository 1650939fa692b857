/* Store interface of apps (settings kept as opaque JSON) and their group assignments. */
#ifndef ROSTER_STORE_APPS_H
#define ROSTER_STORE_APPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/groups.h"
#include "util/arena.h"

struct store_conn;

struct store_app {
    int64_t id, team_id;
    char okta_id[21];
    const char *name, *label, *sign_on_mode;
    bool active;
    const char *body_json; /* the other members of the app object as sent (JSON object) */
    int64_t created, last_updated;
};

struct store_app_group {
    int64_t app_id, group_id;
    char app_okta_id[21], group_okta_id[21];
    int64_t priority;
    const char *profile_json; /* NULL: {} */
    int64_t last_updated;
    struct store_group group; /* the assigned group */
};

struct store_app_ops {
    int (*insert)(struct store_conn *c, struct store_app *app); /* sets id */
    int (*get)(struct store_conn *c, struct arena *a, int64_t team_id, const char *id,
               struct store_app *out);
    int (*update)(struct store_conn *c, const struct store_app *app);
    /* Removes its group assignments too. */
    int (*delete)(struct store_conn *c, int64_t app_id);
    /* Apps of the team (or assigned to q->in_group_id) matching q->q (name or label prefix)
     * and q->expr, by id after the cursor. */
    int (*list)(struct store_conn *c, struct arena *a, const struct store_query *q,
                struct store_app **out, size_t *n);
    int (*group_put)(struct store_conn *c, const struct store_app_group *ag);
    int (*group_get)(struct store_conn *c, struct arena *a, int64_t app_id, int64_t group_id,
                     struct store_app_group *out);
    int (*group_delete)(struct store_conn *c, int64_t app_id, int64_t group_id, bool *changed);
    /* Assignments of an app in group order; q->q: a group name prefix; q->after: a group. */
    int (*group_list)(struct store_conn *c, struct arena *a, int64_t app_id,
                      const struct store_query *q, struct store_app_group **out, size_t *n);
    /* How many apps a group is assigned to. */
    int (*group_apps_count)(struct store_conn *c, int64_t group_id, int64_t *out);
};

#endif
