/* Store interface of teams: the team row, its counters, settings and stats. */
#ifndef ROSTER_STORE_TEAMS_H
#define ROSTER_STORE_TEAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

struct store_conn;

struct store_team {
    int64_t id;
    const char *name;
    int64_t created;
};

struct store_team_settings {
    bool approve_device_without_interaction, reactivate_users_via_idp;
    int user_provisioning_exact_username;                  /* -1 unset (null), 0 false, 1 true */
    int64_t client_session_duration, web_session_duration; /* seconds */
    const char *post_device_enrollment_url, *post_login_url, *post_logout_url;
    const char *include_user_sid;
};

struct store_team_stats {
    int64_t groups, human_users, service_users, projects;
};

/* Every function returns 0 or a negative enum roster_err; strings in results are allocated
 * in the given arena; "_get" functions return R_ENOTFOUND. */
struct store_team_ops {
    int (*get)(struct store_conn *c, struct arena *a, const char *name, struct store_team *out);
    int (*get_by_id)(struct store_conn *c, struct arena *a, int64_t id, struct store_team *out);
    int (*insert)(struct store_conn *c, struct store_team *t); /* sets id */
    /* Atomically returns the next value of a per-team counter ("unix_uid", "unix_gid"). */
    int (*counter_next)(struct store_conn *c, int64_t team_id, const char *counter, int64_t start,
                        int64_t *out);
    /* R_ENOTFOUND until the team's settings were first written. */
    int (*settings_get)(struct store_conn *c, struct arena *a, int64_t team_id,
                        struct store_team_settings *out);
    int (*settings_put)(struct store_conn *c, int64_t team_id,
                        const struct store_team_settings *in);
    int (*stats)(struct store_conn *c, int64_t team_id, struct store_team_stats *out);
};

#endif
