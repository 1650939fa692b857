/* The store interface, organised by entity (teams, users, groups, memberships, credentials,
 * projects, apps, attributes: one header each): every engine (sqlite default, pg for
 * scale-out) fills one table per entity. core calls only these; nothing above knows SQL. */
#ifndef ROSTER_STORE_H
#define ROSTER_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "store/apps.h"
#include "store/attributes.h"
#include "store/credentials.h"
#include "store/groups.h"
#include "store/members.h"
#include "store/projects.h"
#include "store/query.h"
#include "store/teams.h"
#include "store/users.h"
#include "util/arena.h"
#include "util/slice.h"

/* Times are milliseconds since the UNIX epoch; 0 means "unset/never" (rendered as null).
 * Every function returns 0 or a negative enum roster_err; strings in results are allocated
 * in the given arena; "_get" functions return R_ENOTFOUND. */

struct store_conn;

/* The connection itself. */
struct store_ops {
    const char *name;
    void (*close)(struct store_conn *c);
    /* Transactions: every write is one; begin(write=true) takes the write lock. */
    int (*begin)(struct store_conn *c, bool write);
    int (*commit)(struct store_conn *c);
    void (*rollback)(struct store_conn *c);
    /* Whether id names an object of the kind in the team, deleted ones included. */
    int (*id_known)(struct store_conn *c, enum store_kind kind, int64_t team_id, const char *id,
                    bool *known);
};

/* An engine fills every table. */
struct store_conn {
    const struct store_ops *ops;
    const struct store_team_ops *teams;
    const struct store_user_ops *users;
    const struct store_group_ops *groups;
    const struct store_member_ops *members;
    const struct store_credential_ops *credentials;
    const struct store_project_ops *projects;
    const struct store_app_ops *apps;
    const struct store_attribute_ops *attributes;
};

/* Opens a connection for the store URL ("sqlite:PATH" or "postgres://…"). Creates and
 * migrates the schema when needed. One connection per thread. */
int store_open(const char *url, struct store_conn **out);
void store_close(struct store_conn *c);

/* Engines. Each prints a one-line reason when it cannot open (never a password). */
int store_sqlite_open(const char *path, struct store_conn **out);
/* A postgres:// URL or libpq keyword string: R_EINVAL malformed, R_EBUSY unreachable,
 * R_ESTORE refused (not UTF8, schema newer than this binary). */
int store_postgres_open(const char *url, struct store_conn **out);
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
