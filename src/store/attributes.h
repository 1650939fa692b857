/* Store interface of attributes: the unix/windows names and ids of groups and users. */
#ifndef ROSTER_STORE_ATTRIBUTES_H
#define ROSTER_STORE_ATTRIBUTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

struct store_conn;

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

/* A missing row reads as all unset. */
struct store_attribute_ops {
    int (*group_get)(struct store_conn *c, struct arena *a, int64_t group_id,
                     struct store_group_attrs *out);
    int (*group_put)(struct store_conn *c, int64_t group_id, const struct store_group_attrs *in);
    int (*user_get)(struct store_conn *c, struct arena *a, int64_t user_id,
                    struct store_user_attrs *out);
    int (*user_put)(struct store_conn *c, int64_t user_id, const struct store_user_attrs *in);
    /* How many of the team's owners hold a unix id ("unix_uid": users; "unix_gid": groups
     * and users), counting to 2 at most: the counters skip ids set by hand, and 2 means a
     * conflict. */
    int (*unix_id_holders)(struct store_conn *c, int64_t team_id, const char *kind, int64_t id,
                           int *holders);
};

#endif
