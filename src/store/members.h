/* Store interface of memberships: (group, user) pairs, exact counts, roles through groups. */
#ifndef ROSTER_STORE_MEMBERS_H
#define ROSTER_STORE_MEMBERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/groups.h"
#include "store/users.h"
#include "util/arena.h"

struct store_conn;

/* Membership changes keep the counts exact; *changed says whether a row was added or
 * removed (idempotent calls succeed with *changed = false). The built-in group has no rows:
 * its members are the team's live users, its counts follow user creation and deletion. */
struct store_member_ops {
    int (*add)(struct store_conn *c, const struct store_group *g, const struct store_user *u,
               int64_t now, bool *changed);
    int (*remove)(struct store_conn *c, const struct store_group *g, const struct store_user *u,
                  int64_t now, bool *changed);
    /* Removes a user from every group (user deletion). */
    int (*remove_user)(struct store_conn *c, const struct store_user *u, int64_t now);
    /* Adjusts the built-in group's counts by the deltas (user created/deleted). */
    int (*builtin_count_add)(struct store_conn *c, int64_t team_id, int64_t users, int64_t humans);
    /* Union of the roles of the live groups the user is in, plus the built-in group's. */
    int (*roles)(struct store_conn *c, int64_t team_id, int64_t user_id, unsigned *roles);
};

#endif
