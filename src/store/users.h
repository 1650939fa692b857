/* Store interface of users: the row, its lifecycle, profile and password, and the lists. */
#ifndef ROSTER_STORE_USERS_H
#define ROSTER_STORE_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/query.h"
#include "util/arena.h"

struct store_conn;

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

/* A user with its lifecycle columns (activation, password), as the lifecycle operations
 * read it. */
struct store_user_detail {
    struct store_user u;
    int64_t activated, password_changed;
    bool has_password;
};

/* "Case-insensitive" below means: compared as Unicode case folds (util/fold.h), the same in
 * every engine; a value that cannot be folded (not UTF-8) is R_EINVAL. */

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

struct store_user_ops {
    int (*insert)(struct store_conn *c, struct store_user *u); /* sets id */
    int (*get_by_name)(struct store_conn *c, struct arena *a, int64_t team_id, const char *name,
                       struct store_user *out);
    int (*get_by_uuid)(struct store_conn *c, struct arena *a, int64_t team_id, const char *uuid,
                       struct store_user *out);
    int (*update_status)(struct store_conn *c, int64_t user_id, int status, int64_t deleted_at,
                         int64_t now);
    /* Lists users in the filter, in page order; *n rows (≤ limit+1) in *out. */
    int (*list)(struct store_conn *c, struct arena *a, const struct store_user_filter *f,
                const struct store_page *pg, struct store_user **out, size_t *n);

    /* Human and not deleted only. id_or_login: a public id (00u…) or a login (any case). */
    int (*get)(struct store_conn *c, struct arena *a, int64_t team_id, const char *id_or_login,
               struct store_user_detail *out);
    int (*login_taken)(struct store_conn *c, int64_t team_id, const char *login,
                       int64_t except_user_id, bool *taken);
    int (*update_profile)(struct store_conn *c, const struct store_user *u, int64_t now);
    int (*set_password)(struct store_conn *c, int64_t user_id, const char *hash, int64_t now);
    int (*get_password)(struct store_conn *c, struct arena *a, int64_t user_id, const char **hash);
    /* Sets the lifecycle status; activated also stamps the activation time. */
    int (*set_lifecycle)(struct store_conn *c, int64_t user_id, int status, bool activated,
                         int64_t now);
    /* The query model's list of human users (store/query.h). */
    int (*query)(struct store_conn *c, struct arena *a, const struct store_query *q,
                 struct store_user_detail **out, size_t *n);
};

#endif
