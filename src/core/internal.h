/* Helpers shared by the core modules only. */
#ifndef ROSTER_CORE_INTERNAL_H
#define ROSTER_CORE_INTERNAL_H

#include "core/core.h"
#include "util/err.h"

/* The connection's own operations (transactions), and an entity's table:
 * STORE(cx, groups)->get_by_name(cx->st, …). */
#define ST(cx) ((cx)->st->ops)
#define STORE(cx, entity) ((cx)->st->entity)

/* Starts a write transaction. */
static inline int core__begin(struct core_ctx *cx)
{
    return ST(cx)->begin(cx->st, true);
}

/* Commits when rc is 0, rolls back otherwise; returns the final result. */
static inline int core__end(struct core_ctx *cx, int rc)
{
    if (rc == 0) {
        rc = ST(cx)->commit(cx->st);
        if (rc == 0)
            return 0;
    }
    ST(cx)->rollback(cx->st);
    return rc;
}

/* Who is an implicit member of the built-in group: every live user. Decided here only;
 * the store is told (member_builtin), never asked to decide. */
static inline bool core__builtin_member(const struct store_user *u)
{
    return u->deleted_at == 0;
}

/* Turns a page request into a store keyset page (cursor resolved to cur_name/cur_uuid). */
void core__page_setup(const struct core_page_req *pr, const char *cur_name, const char *cur_uuid,
                      struct store_page *sp);
/* Trims the fetched rows to the page and fills info. */
void core__page_finish(const struct core_page_req *pr, const struct store_page *sp, size_t *n,
                       const char *first_uuid, const char *last_uuid, struct core_page_info *info);

/* Whether a group of the team may take name (inside a transaction): R_EEXIST when another
 * live group than self_id has it (byte-exact), R_ERESERVED when it is a name of the built-in
 * group (core_group_name_reserved), else 0 (group.c). */
int core__group_name_free(struct core_ctx *cx, int64_t team_id, const char *name, int64_t self_id);
/* Inserts a new ordinary group (ids and times set here) in its own transaction unless its name
 * is not free (core__group_name_free) (group.c). g->name NULL → R_ENOMEM. */
int core__group_insert(struct core_ctx *cx, struct store_group *g, struct store_group *out);

/* Creates a user inside an open write transaction (user.c). */
int core__user_create_tx(struct core_ctx *cx, const struct store_team *t,
                         const struct core_user_new *nu, struct store_user *out);
#endif
