/* Store operations of the Okta dialect's areas: groups by Okta id and profile, users with
 * their Okta lifecycle and password, apps and app↔group assignments, expression queries. */
#ifndef ROSTER_STORE_OKTA_H
#define ROSTER_STORE_OKTA_H

#include <stdbool.h>
#include <stdint.h>

#include "store/query.h"
#include "store/store.h"

/* A user as the Okta dialect shows it: the shared row plus its Okta-only columns. */
struct store_okta_user {
    struct store_user u;
    int64_t activated, password_changed;
    bool has_password;
};

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

/* What an Okta id names: its table, and the type prefix of its ids. */
enum store_kind {
    STORE_KIND_GROUP = 1, /* "00g" */
    STORE_KIND_USER,      /* "00u" */
    STORE_KIND_APP,       /* "0oa" */
};

/* A list query of the query model (store/query.h), scoped by core to its team. The dialect
 * has validated the expression and mapped it onto canonical attributes and typed values
 * (unknown status and type values are -1). Engines compile it through a whitelist of each
 * entity's attributes; one the entity lacks gives R_EINVAL. */
struct store_okta_query {
    int64_t team_id;
    const struct expr *expr;
    const char *q; /* case-insensitive prefix (groups: name; users: first/last/email) */
    /* Okta id of the last row of the previous page, or NULL. One that names no row of the
     * team (deleted rows included) gives an empty page. */
    const char *after;
    unsigned limit;         /* rows wanted; engines return up to limit + 1 */
    struct store_sort sort; /* groups and users; field 0: the default order */
    /* groups */
    int64_t member_user_id; /* > 0: groups of this user, plus the built-in group */
    bool with_apps_count;
    /* users: > 0: explicit members of this group; apps: assigned to this group */
    int64_t in_group_id;
    bool deprovisioned;           /* include DEPROVISIONED users */
    bool exclude_deprovisioned_q; /* with q */
};

struct store_okta_ops {
    /* Groups (live only unless stated). */
    int (*group_get)(struct store_conn *c, struct arena *a, int64_t team_id, const char *okta_id,
                     struct store_group *out);
    int (*group_update_profile)(struct store_conn *c, int64_t group_id, const char *name,
                                const char *description, const char *profile_json, int64_t now);
    int (*group_apps_count)(struct store_conn *c, int64_t group_id, int64_t *out);
    /* Rows in page order; apps_count (may be NULL) gets one count per row when asked. */
    int (*group_list)(struct store_conn *c, struct arena *a, const struct store_okta_query *q,
                      struct store_group **out, int64_t **apps_count, size_t *n);

    /* Users: human and not deleted only. id_or_login: an Okta id or a login (any case). */
    int (*user_get)(struct store_conn *c, struct arena *a, int64_t team_id, const char *id_or_login,
                    struct store_okta_user *out);
    int (*user_login_taken)(struct store_conn *c, int64_t team_id, const char *login,
                            int64_t except_user_id, bool *taken);
    int (*user_update_profile)(struct store_conn *c, const struct store_user *u, int64_t now);
    int (*user_set_password)(struct store_conn *c, int64_t user_id, const char *hash, int64_t now);
    int (*user_get_password)(struct store_conn *c, struct arena *a, int64_t user_id,
                             const char **hash);
    int (*user_set_status)(struct store_conn *c, int64_t user_id, int status, bool activated,
                           int64_t now);
    int (*user_list)(struct store_conn *c, struct arena *a, const struct store_okta_query *q,
                     struct store_okta_user **out, size_t *n);

    /* Apps. */
    int (*app_insert)(struct store_conn *c, struct store_app *app); /* sets id */
    int (*app_get)(struct store_conn *c, struct arena *a, int64_t team_id, const char *okta_id,
                   struct store_app *out);
    int (*app_update)(struct store_conn *c, const struct store_app *app);
    int (*app_delete)(struct store_conn *c, int64_t app_id);
    /* Apps of the team (or assigned to q->in_group_id) matching q->q (name or label prefix)
     * and q->expr, by id after the cursor. */
    int (*app_list)(struct store_conn *c, struct arena *a, const struct store_okta_query *q,
                    struct store_app **out, size_t *n);
    int (*app_group_put)(struct store_conn *c, const struct store_app_group *ag);
    int (*app_group_get)(struct store_conn *c, struct arena *a, int64_t app_id, int64_t group_id,
                         struct store_app_group *out);
    int (*app_group_delete)(struct store_conn *c, int64_t app_id, int64_t group_id, bool *changed);
    /* Assignments of an app in group order; q->q: a group name prefix; q->after: a group. */
    int (*app_group_list)(struct store_conn *c, struct arena *a, int64_t app_id,
                          const struct store_okta_query *q, struct store_app_group **out,
                          size_t *n);

    /* Whether okta_id names an object of the kind in the team, deleted ones included. */
    int (*id_known)(struct store_conn *c, enum store_kind kind, int64_t team_id,
                    const char *okta_id, bool *known);
};

#endif
