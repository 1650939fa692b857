/* Store interface of projects and their group assignments (project groups). */
#ifndef ROSTER_STORE_PROJECTS_H
#define ROSTER_STORE_PROJECTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/attributes.h"
#include "store/query.h"
#include "util/arena.h"

struct store_conn;

/* Strings are NULL when unset (rendered as null); times as in store.h (0 = never). */
struct store_project {
    int64_t id, team_id;
    char uuid[37];
    const char *name; /* unique among the team's live projects */
    bool create_server_users, force_shared_ssh_users, forward_traffic;
    bool rdp_session_recording, require_preauth_for_creds, ssh_session_recording;
    const char *gateway_selector; /* "k=v,k2=v2" */
    const char *shared_admin_user_name, *shared_standard_user_name;
    const char *ssh_certificate_type;
    int64_t next_unix_uid, next_unix_gid;
    int64_t user_on_demand_period; /* seconds; 0 = disabled */
    int64_t created, deleted_at;
};

/* A group's assignment to a project. Rows are never deleted: removal sets removed_at (and
 * deleted_at too when the group itself was deleted), a later assignment revives the row. */
struct store_project_group {
    int64_t project_id, group_id;
    char group_uuid[37];
    const char *group_name; /* kept equal to the group's name by a trigger */
    bool server_access, server_admin, create_server_group;
    const char *servers_selector;
    int64_t created, removed_at, deleted_at;
    struct store_group_attrs attrs; /* read along with the row (profile_attributes) */
};

struct store_project_filter {
    int64_t team_id;
    const char *contains; /* case-insensitive substring of the name */
    int64_t self_user_id; /* > 0: only projects a group of this user is assigned to */
};

struct store_project_group_filter {
    int64_t project_id;
    bool include_removed;
    bool create_server_group_only;
    int selectors; /* 0 any, 1 with a servers_selector, 2 without */
};

struct store_project_ops {
    int (*insert)(struct store_conn *c, struct store_project *p); /* sets id */
    /* The live project of that name. */
    int (*get_by_name)(struct store_conn *c, struct arena *a, int64_t team_id, const char *name,
                       struct store_project *out);
    /* Live or deleted (page cursors). */
    int (*get_by_uuid)(struct store_conn *c, struct arena *a, int64_t team_id, const char *uuid,
                       struct store_project *out);
    /* Writes every settable field of p (by p->id). */
    int (*update)(struct store_conn *c, const struct store_project *p);
    /* Soft delete: sets deleted_at, removes its group assignments, drops its tokens. */
    int (*delete)(struct store_conn *c, int64_t project_id, int64_t now);
    /* Page over (name, uuid); *n rows (≤ limit+1) in display order. */
    int (*list)(struct store_conn *c, struct arena *a, const struct store_project_filter *f,
                const struct store_page *pg, struct store_project **out, size_t *n);

    /* The assignment, live or removed. */
    int (*group_get)(struct store_conn *c, struct arena *a, int64_t project_id, int64_t group_id,
                     struct store_project_group *out);
    /* Inserts, or overwrites and revives an existing row (flags, selector, created). */
    int (*group_upsert)(struct store_conn *c, const struct store_project_group *pg);
    int (*group_remove)(struct store_conn *c, int64_t project_id, int64_t group_id, int64_t now);
    /* Page over (group name, group uuid). */
    int (*group_list)(struct store_conn *c, struct arena *a,
                      const struct store_project_group_filter *f, const struct store_page *pg,
                      struct store_project_group **out, size_t *n);
};

#endif
