/* The store interface: every engine (sqlite default, pg for scale-out) fills a
 * struct store_ops. core calls only these; nothing above this line knows SQL. */
#ifndef ROSTER_STORE_H
#define ROSTER_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/slice.h"

/* Times are milliseconds since the UNIX epoch; 0 means "unset/never" (rendered as null). */

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

/* The user lifecycle is stored; the statuses a dialect shows are derived from it in core. */
enum store_user_status {
    STORE_USER_STAGED = 0,
    STORE_USER_PROVISIONED,
    STORE_USER_ACTIVE,
    STORE_USER_RECOVERY,
    STORE_USER_PASSWORD_EXPIRED,
    STORE_USER_LOCKED_OUT,
    STORE_USER_SUSPENDED,
    STORE_USER_DEPROVISIONED,
};
#define STORE_USER_STATUSES 8 /* how many there are */

enum store_user_type { STORE_USER_HUMAN = 0, STORE_USER_SERVICE = 1 };

struct store_team {
    int64_t id;
    const char *name;
    int64_t created;
};

struct store_user {
    int64_t id, team_id;
    char uuid[37];
    char okta_id[21];
    const char *name;  /* ASA name: unique per team, never reused */
    const char *login; /* Okta profile.login; NULL for service users */
    int user_type;     /* enum store_user_type */
    int status;        /* enum store_user_status */
    const char *email, *first_name, *last_name, *display_name;
    const char *profile_json; /* custom attributes (JSON object text) or NULL */
    int64_t created, last_updated, status_changed, deleted_at;
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

struct store_key {
    int64_t id, team_id, user_id;
    char uuid[37];
    unsigned char secret_hash[32];
    int64_t issued_at, expires_at, last_used, deleted_at;
};

/* Who is calling: resolved from a credential on every request. */
struct store_principal {
    int64_t team_id, user_id, key_id;
    const char *team_name;
    const char *user_name;
    char user_uuid[37];
    int user_status;
};

/* "Case-insensitive" below means: compared as Unicode case folds (util/fold.h), the same in
 * every engine; a value that cannot be folded (not UTF-8) is R_EINVAL. */

/* Keyset page request over (sort key, uuid). The sort key is the name. */
struct store_page {
    const char *after_name; /* cursor object's name, NULL = from the start */
    const char *after_uuid;
    bool backward;   /* return rows before the cursor (prev=true), still in display order */
    bool descending; /* display order */
    unsigned limit;  /* rows wanted; engines fetch limit+1 to know whether more remain */
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

struct store_user_filter {
    int64_t team_id;
    int64_t in_group_id;     /* > 0: explicit members of this group only */
    int64_t not_in_group_id; /* > 0: users that are not explicit members of this group */
    const char *contains;    /* case-insensitive substring of name */
    const char *starts_with; /* case-insensitive prefix of name */
    unsigned type_mask;      /* bit (1 << enum store_user_type); 0 = any */
    /* live users whose status s has bit (1u << s) set; 0 = any status */
    unsigned statuses;
    int deleted; /* 0 live users only, 1 live and deleted, 2 deleted only */
};

struct store_conn;

/* Engine operations. Every function returns 0 or a negative enum roster_err; strings in
 * results are allocated in the given arena. "_get" functions return R_ENOTFOUND. */
struct store_ops {
    const char *name;
    void (*close)(struct store_conn *c);
    /* Transactions: every write is one; begin(write=true) takes the write lock. */
    int (*begin)(struct store_conn *c, bool write);
    int (*commit)(struct store_conn *c);
    void (*rollback)(struct store_conn *c);

    int (*team_get)(struct store_conn *c, struct arena *a, const char *name,
                    struct store_team *out);
    int (*team_get_by_id)(struct store_conn *c, struct arena *a, int64_t id,
                          struct store_team *out);
    int (*team_insert)(struct store_conn *c, struct store_team *t); /* sets id */
    /* Atomically returns the next value of a per-team counter ("unix_uid", "unix_gid"). */
    int (*team_counter_next)(struct store_conn *c, int64_t team_id, const char *counter,
                             int64_t start, int64_t *out);

    int (*user_insert)(struct store_conn *c, struct store_user *u); /* sets id */
    int (*user_get_by_name)(struct store_conn *c, struct arena *a, int64_t team_id,
                            const char *name, struct store_user *out);
    int (*user_get_by_uuid)(struct store_conn *c, struct arena *a, int64_t team_id,
                            const char *uuid, struct store_user *out);
    int (*user_update_status)(struct store_conn *c, int64_t user_id, int status, int64_t deleted_at,
                              int64_t now);
    /* Lists users in the filter, in page order; *n rows (≤ limit+1) in *out. */
    int (*user_list)(struct store_conn *c, struct arena *a, const struct store_user_filter *f,
                     const struct store_page *pg, struct store_user **out, size_t *n);

    int (*group_insert)(struct store_conn *c, struct store_group *g); /* sets id */
    /* Live group by name, or (include_deleted) the most recently deleted one. */
    int (*group_get_by_name)(struct store_conn *c, struct arena *a, int64_t team_id,
                             const char *name, bool include_deleted, struct store_group *out);
    int (*group_get_by_uuid)(struct store_conn *c, struct arena *a, int64_t team_id,
                             const char *uuid, struct store_group *out);
    int (*group_get_builtin)(struct store_conn *c, struct arena *a, int64_t team_id,
                             struct store_group *out);
    int (*group_update_roles)(struct store_conn *c, int64_t group_id, unsigned roles, int64_t now);
    /* Soft delete: sets deleted_at and removes memberships (counts follow). */
    int (*group_delete)(struct store_conn *c, int64_t group_id, int64_t now);
    int (*group_list)(struct store_conn *c, struct arena *a, const struct store_group_filter *f,
                      const struct store_page *pg, struct store_group **out, size_t *n);

    /* Membership changes keep the counts exact; *changed says whether a row was added or
     * removed (idempotent calls succeed with *changed = false). */
    int (*member_add)(struct store_conn *c, const struct store_group *g, const struct store_user *u,
                      int64_t now, bool *changed);
    int (*member_remove)(struct store_conn *c, const struct store_group *g,
                         const struct store_user *u, int64_t now, bool *changed);
    /* Removes a user from every group (user deletion). */
    int (*member_remove_user)(struct store_conn *c, const struct store_user *u, int64_t now);
    /* Adjusts the built-in group's counts by the deltas (user created/deleted). */
    int (*builtin_count_add)(struct store_conn *c, int64_t team_id, int64_t users, int64_t humans);

    /* Union of the roles of the live groups the user is in, plus the built-in group's. */
    int (*principal_roles)(struct store_conn *c, int64_t team_id, int64_t user_id, unsigned *roles);

    int (*key_insert)(struct store_conn *c, struct store_key *k); /* sets id */
    int (*key_get)(struct store_conn *c, int64_t team_id, const char *uuid, struct store_key *out);
    int (*key_list)(struct store_conn *c, struct arena *a, int64_t user_id, struct store_key **out,
                    size_t *n);
    int (*key_delete)(struct store_conn *c, int64_t key_id, int64_t now);
    /* Sets expires_at on the user's other live keys that have none (key rotation). */
    int (*key_expire_others)(struct store_conn *c, int64_t user_id, int64_t keep_key_id,
                             int64_t expires_at);
    int (*key_touch)(struct store_conn *c, int64_t key_id, int64_t now);

    int (*bearer_insert)(struct store_conn *c, const unsigned char hash[32], int64_t team_id,
                         int64_t key_id, int64_t expires_at);
    /* Resolves a bearer token: live, unexpired, its key live and unexpired, its user not
     * deleted. R_EAUTH otherwise. */
    int (*bearer_lookup)(struct store_conn *c, struct arena *a, const unsigned char hash[32],
                         int64_t now, struct store_principal *out);
    int (*api_token_insert)(struct store_conn *c, const unsigned char hash[32], int64_t team_id,
                            int64_t user_id, int64_t now);
    int (*api_token_lookup)(struct store_conn *c, struct arena *a, const unsigned char hash[32],
                            struct store_principal *out);
};

/* Further areas keep their operations in their own headers (store/project.h, store/okta.h)
 * so each grows without touching the others; an engine fills every table it supports. */
struct store_project_ops;
struct store_okta_ops;

struct store_conn {
    const struct store_ops *ops;
    const struct store_project_ops *project; /* store/project.h; NULL if unsupported */
    const struct store_okta_ops *okta;       /* store/okta.h; NULL if unsupported */
};

/* Opens a connection for the store URL ("sqlite:PATH" or "postgres://…"). Creates and
 * migrates the schema when needed. One connection per thread. */
int store_open(const char *url, struct store_conn **out);
void store_close(struct store_conn *c);

/* Engines. */
int store_sqlite_open(const char *path, struct store_conn **out);
/* The schema version this build migrates an SQLite store to (PRAGMA user_version). */
int store_sqlite_schema_version(void);
/* Checks the plan of every SELECT this connection has prepared: returns how many plan
 * steps do work that grows with the table (full scans, whole-result sorts), described in
 * report; statements containing one of the allowed fragments are exempt (documented
 * exceptions). -1 on error. For tests (DESIGN.md §5). */
int store_sqlite_plan_check(struct store_conn *c, const char *const *allowed, size_t nallowed,
                            char *report, size_t cap);
/* For the SELECTs this connection has prepared whose SQL contains fragment: how many have a
 * plan that does not read through index (described in report); -1 when none contains
 * fragment, or on error. For tests: a search proves it is served by the index meant. */
int store_sqlite_plan_uses(struct store_conn *c, const char *fragment, const char *index,
                           char *report, size_t cap);

#endif
