/* Store operations of the ASA project area: projects, project groups, server enrollment
 * tokens, group/user attributes, team settings and team stats (struct store_conn.project). */
#ifndef ROSTER_STORE_PROJECT_H
#define ROSTER_STORE_PROJECT_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

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

/* A group's attributes as stored: NULL names and 0 ids are "not set" (core supplies the
 * defaults: the group's name, an id from the team counter). */
struct store_group_attrs {
    const char *unix_group_name, *windows_group_name;
    int64_t unix_gid;
};

struct store_user_attrs {
    const char *unix_user_name, *windows_user_name;
    int64_t unix_uid, unix_gid;
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

struct store_enroll_token {
    int64_t id, project_id;
    char uuid[37];
    const char *description;
    const char *created_by; /* the creator's ASA user name */
    const char *server_url; /* the base URL the token points servers at */
    /* Random, part of the token so that its id and URL alone do not make it; re-shown, so
     * engines keep it sealed (store/seal.h). NULL for tokens made before secrets existed. */
    const char *secret;
    int64_t issued_at;
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

/* Every function returns 0 or a negative enum roster_err; "_get" functions R_ENOTFOUND. */
struct store_project_ops {
    int (*project_insert)(struct store_conn *c, struct store_project *p); /* sets id */
    /* The live project of that name. */
    int (*project_get_by_name)(struct store_conn *c, struct arena *a, int64_t team_id,
                               const char *name, struct store_project *out);
    /* Live or deleted (page cursors). */
    int (*project_get_by_uuid)(struct store_conn *c, struct arena *a, int64_t team_id,
                               const char *uuid, struct store_project *out);
    /* Writes every settable field of p (by p->id). */
    int (*project_update)(struct store_conn *c, const struct store_project *p);
    /* Soft delete: sets deleted_at, removes its group assignments, drops its tokens. */
    int (*project_delete)(struct store_conn *c, int64_t project_id, int64_t now);
    /* Page over (name, uuid); *n rows (≤ limit+1) in display order. */
    int (*project_list)(struct store_conn *c, struct arena *a, const struct store_project_filter *f,
                        const struct store_page *pg, struct store_project **out, size_t *n);

    /* The assignment, live or removed. */
    int (*pg_get)(struct store_conn *c, struct arena *a, int64_t project_id, int64_t group_id,
                  struct store_project_group *out);
    /* Inserts, or overwrites and revives an existing row (flags, selector, created). */
    int (*pg_upsert)(struct store_conn *c, const struct store_project_group *pg);
    int (*pg_remove)(struct store_conn *c, int64_t project_id, int64_t group_id, int64_t now);
    /* Page over (group name, group uuid). */
    int (*pg_list)(struct store_conn *c, struct arena *a,
                   const struct store_project_group_filter *f, const struct store_page *pg,
                   struct store_project_group **out, size_t *n);

    int (*token_insert)(struct store_conn *c, struct store_enroll_token *t); /* sets id */
    int (*token_get)(struct store_conn *c, struct arena *a, int64_t project_id, const char *uuid,
                     struct store_enroll_token *out);
    int (*token_delete)(struct store_conn *c, int64_t token_id);
    /* Page in creation order (the row id): pg->after_name only marks that a cursor is
     * given; after_id is the cursor token's row id. */
    int (*token_list)(struct store_conn *c, struct arena *a, int64_t project_id,
                      const struct store_page *pg, int64_t after_id,
                      struct store_enroll_token **out, size_t *n);

    /* Attributes: a missing row reads as all unset. */
    int (*group_attrs_get)(struct store_conn *c, struct arena *a, int64_t group_id,
                           struct store_group_attrs *out);
    int (*group_attrs_put)(struct store_conn *c, int64_t group_id,
                           const struct store_group_attrs *in);
    int (*user_attrs_get)(struct store_conn *c, struct arena *a, int64_t user_id,
                          struct store_user_attrs *out);
    int (*user_attrs_put)(struct store_conn *c, int64_t user_id, const struct store_user_attrs *in);
    /* How many of the team's owners hold a unix id ("unix_uid": users; "unix_gid": groups
     * and users), counting to 2 at most: the counters skip ids set by hand, and 2 means a
     * conflict. */
    int (*unix_id_holders)(struct store_conn *c, int64_t team_id, const char *kind, int64_t id,
                           int *holders);

    /* R_ENOTFOUND until the team's settings were first written. */
    int (*settings_get)(struct store_conn *c, struct arena *a, int64_t team_id,
                        struct store_team_settings *out);
    int (*settings_put)(struct store_conn *c, int64_t team_id,
                        const struct store_team_settings *in);
    int (*team_stats)(struct store_conn *c, int64_t team_id, struct store_team_stats *out);
};

/* The SQLite engine's table (store/sqlite/project.c). */
extern const struct store_project_ops store_sqlite_project_ops;

#endif
