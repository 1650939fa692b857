/* Store interface of groups: the row, roles, profile, soft deletion and the lists. */
#ifndef ROSTER_STORE_GROUPS_H
#define ROSTER_STORE_GROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/query.h"
#include "util/arena.h"

struct store_conn;

/* Group roles (DESIGN.md §2), stored as a bit mask. */
enum store_role {
    STORE_ROLE_ACCESS_ADMIN = 1 << 0,
    STORE_ROLE_ACCESS_USER = 1 << 1,
    STORE_ROLE_REPORTING_USER = 1 << 2,
};
#define STORE_ROLE_ALL                                                                             \
    (STORE_ROLE_ACCESS_ADMIN | STORE_ROLE_ACCESS_USER | STORE_ROLE_REPORTING_USER)

enum store_group_type {
    STORE_GROUP_ORDINARY = 0, /* an ordinary group */
    STORE_GROUP_BUILT_IN = 1, /* one per team: every live user is an implicit member */
};

enum store_group_flag {
    STORE_GROUP_UNDELETABLE = 1 << 0, /* owners */
};

struct store_group {
    int64_t id, team_id;
    char uuid[37];
    char okta_id[21];
    const char *name;
    const char *description;  /* NULL when unset */
    const char *profile_json; /* custom attributes or NULL */
    unsigned roles;           /* enum store_role mask */
    int type;                 /* enum store_group_type */
    unsigned flags;           /* enum store_group_flag */
    const char *federated_from_team;
    int64_t federation_approved_at;
    int64_t created, last_updated, last_membership_updated, deleted_at;
    int64_t users_count, human_count; /* maintained; for BUILT_IN: live users of the team */
};

struct store_group_filter {
    int64_t team_id;
    const char *contains;   /* case-insensitive substring of name, or NULL */
    const char *const *ids; /* uuids (OR-ed) */
    size_t nids;
    const char *const *ignore; /* names to exclude (case-sensitive) */
    size_t nignore;
    int deleted;            /* 0 live only, 1 live and deleted, 2 deleted only */
    int64_t member_user_id; /* > 0: only groups this user is an explicit member of */
    bool member_builtin;    /* with member_user_id: add the built-in group */
};

struct store_group_ops {
    int (*insert)(struct store_conn *c, struct store_group *g); /* sets id */
    /* Live group by name, or (include_deleted) the most recently deleted one. */
    int (*get_by_name)(struct store_conn *c, struct arena *a, int64_t team_id, const char *name,
                       bool include_deleted, struct store_group *out);
    int (*get_by_uuid)(struct store_conn *c, struct arena *a, int64_t team_id, const char *uuid,
                       struct store_group *out);
    int (*get_builtin)(struct store_conn *c, struct arena *a, int64_t team_id,
                       struct store_group *out);
    /* Live group by its public id (00g…). */
    int (*get)(struct store_conn *c, struct arena *a, int64_t team_id, const char *id,
               struct store_group *out);
    int (*update_roles)(struct store_conn *c, int64_t group_id, unsigned roles, int64_t now);
    int (*update_profile)(struct store_conn *c, int64_t group_id, const char *name,
                          const char *description, const char *profile_json, int64_t now);
    /* Soft delete: sets deleted_at and removes memberships (counts follow). */
    int (*delete)(struct store_conn *c, int64_t group_id, int64_t now);
    int (*list)(struct store_conn *c, struct arena *a, const struct store_group_filter *f,
                const struct store_page *pg, struct store_group **out, size_t *n);
    /* The query model's list (store/query.h), live groups in page order; apps_count (may be
     * NULL) gets one count per row when q->with_apps_count. */
    int (*query)(struct store_conn *c, struct arena *a, const struct store_query *q,
                 struct store_group **out, int64_t **apps_count, size_t *n);
};

#endif
