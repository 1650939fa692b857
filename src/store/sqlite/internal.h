/* Internals of the SQLite engine shared by its files (sqlite.c: the connection and helpers;
 * one file per entity; query.c: the query model compiler). */
#ifndef ROSTER_STORE_SQLITE_INTERNAL_H
#define ROSTER_STORE_SQLITE_INTERNAL_H

#include <sqlite3.h>

#include "store/seal.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"

#define STMT_CACHE 128

struct stmt_entry {
    char *sql;
    sqlite3_stmt *stmt;
};

struct sq_conn {
    struct store_conn base;
    sqlite3 *db;
    struct stmt_entry cache[STMT_CACHE];
    int in_tx;
    /* seals enrollment token secrets (store/seal.h); SQL reads them with
     * roster_unseal(public id, sealed blob) */
    unsigned char seal_key[STORE_SEAL_KEY_BYTES];
};

/* Room for an unsealed secret (enrollment token secrets are 43 characters). */
#define SQ_SECRET_MAX 256

#define SQ(c) ((struct sq_conn *)(c))

/* Maps an SQLite result code to a roster error (logs unexpected ones). */
int sq__err(struct sq_conn *c, int rc);
/* The connection's prepared statement for sql (prepared once, then reset and reused). */
sqlite3_stmt *sq__stmt(struct sq_conn *c, const char *sql);
/* Binds s, or NULL for a NULL pointer. */
void sq__bind_text(sqlite3_stmt *st, int i, const char *s);
/* Binds the Unicode case fold of s (util/fold.h) to ?i and, when hi > 0, the upper bound of
 * its prefix range to ?hi. R_EINVAL when s cannot be folded. */
int sq__bind_fold(struct arena *a, sqlite3_stmt *st, int i, int hi, const char *s);
/* Binds to ?i the upper bound of the range of texts starting with s[0..n). */
int sq__bind_prefix_hi(struct arena *a, sqlite3_stmt *st, int i, const char *s, size_t n);
/* Column i as an arena string, or NULL for SQL NULL. */
const char *sq__col_text(struct arena *a, sqlite3_stmt *st, int i);
/* Column i copied into a fixed buffer (ids); empty when it does not fit. */
void sq__col_copy(char *dst, size_t cap, sqlite3_stmt *st, int i);
/* Reads the current row of st into row. */
typedef int (*sq_row_reader)(struct arena *a, sqlite3_stmt *st, void *row);
/* Steps a statement expected to return at most one row: reads it into out, or R_ENOTFOUND;
 * the statement is reset either way. */
int sq__one(struct sq_conn *c, struct arena *a, sqlite3_stmt *st, sq_row_reader read, void *out);

/* The one row of sql (prepared once) with ?1 bound to key and ?2 to owner (the team or
 * project the key is unique in), read by read; R_ENOTFOUND when none. */
int sq__one_by(struct sq_conn *c, struct arena *a, const char *sql, const char *key, int64_t owner,
               sq_row_reader read, void *out);

/* Steps st for up to limit + 1 rows of `each` bytes, read by read, into an arena array (the
 * extra row tells that more remain); a page fetched backwards (nearest first) is reversed
 * into display order, the extra row staying last. The statement is reset either way. */
int sq__rows(struct sq_conn *c, struct arena *a, sqlite3_stmt *st, unsigned limit, bool backward,
             size_t each, sq_row_reader read, void **out, size_t *n);

/* Steps a statement that returns no rows, then resets it. */
int sq__exec_done(struct sq_conn *c, sqlite3_stmt *st);

/* Column lists and row readers of users (alias u) and groups (alias g), shared by the
 * area files so every query reads rows the same way. */
#define USER_COLS                                                                                  \
    "u.id, u.team_id, u.uuid, u.okta_id, u.name, u.login, u.user_type, u.status, u.email, "        \
    "u.first_name, u.last_name, u.display_name, u.profile_json, u.created, u.last_updated, "       \
    "u.status_changed, u.deleted_at"

/* The built-in group's last membership change, derived instead of written on every user
 * change: its members are the team's live users, so it is the latest of its own value, the
 * newest live human user's creation and the latest human user deletion (deletion is final;
 * status changes keep a user a member). Human users: the members the Okta dialect shows.
 * Each term is one seek on okta_users_created (team_id, user_type, deleted_at, created).
 * g: the alias of the groups row. */
#define SQ_BUILTIN_MEMBERS_UPDATED(g)                                                              \
    "max(" g ".last_membership_updated, coalesce((SELECT created FROM users INDEXED BY "           \
    "okta_users_created WHERE team_id = " g ".team_id AND user_type = 0 AND deleted_at = 0 "       \
    "ORDER BY created DESC LIMIT 1), 0), coalesce((SELECT deleted_at FROM users INDEXED BY "       \
    "okta_users_created WHERE team_id = " g ".team_id AND user_type = 0 ORDER BY deleted_at "      \
    "DESC LIMIT 1), 0))"

#define GROUP_COLS                                                                                 \
    "g.id, g.team_id, g.uuid, g.okta_id, g.name, g.description, g.profile_json, g.roles, "         \
    "g.type, g.flags, g.federated_from_team, g.federation_approved_at, g.created, "                \
    "g.last_updated, CASE WHEN g.type = 1 THEN " SQ_BUILTIN_MEMBERS_UPDATED(                       \
        "g") " ELSE g.last_membership_updated END, g.deleted_at, g.users_count, g.human_count"

/* Reads the current row into row (a struct store_user / struct store_group). */
int sq__user_read(struct arena *a, sqlite3_stmt *st, void *row);
int sq__group_read(struct arena *a, sqlite3_stmt *st, void *row);

/* Users with their lifecycle columns, apps, app assignments: columns and row readers. */
#define USER_DETAIL_COLS USER_COLS ", u.activated, u.password_changed, u.password_hash IS NOT NULL"

#define APP_COLS                                                                                   \
    "a.id, a.team_id, a.okta_id, a.name, a.label, a.sign_on_mode, a.active, a.body_json, "         \
    "a.created, a.last_updated"

/* The assigned group's columns first (sq__group_read), then the assignment's. */
#define AG_COLS                                                                                    \
    GROUP_COLS ", ag.app_id, ag.group_id, a.okta_id, ag.priority, ag.profile_json, "               \
               "ag.last_updated"
#define AG_FROM                                                                                    \
    " FROM okta_app_groups ag JOIN okta_apps a ON a.id = ag.app_id JOIN groups g ON g.id = "       \
    "ag.group_id"

int sq__user_detail_read(struct arena *a, sqlite3_stmt *st, void *row);
int sq__app_read(struct arena *a, sqlite3_stmt *st, void *row);
int sq__app_group_read(struct arena *a, sqlite3_stmt *st, void *row);

/* Appends the ids of the groups user ?user_param is an explicit member of, and, when
 * builtin, its team's (?team_param) built-in group: "(SELECT … [UNION ALL …])". */
void sq__user_group_ids(struct buf *b, int user_param, int team_param, bool builtin);

/* Binds two integers to ?1 and ?2 of sql, steps it (no rows), resets it. */
int sq__exec2(struct sq_conn *c, const char *sql, int64_t a1, int64_t a2);

/* The lists of the query model (query.c), in the entity tables below. */
int sq__group_query(struct store_conn *sc, struct arena *a, const struct store_query *q,
                    struct store_group **out, int64_t **apps_count, size_t *n);
int sq__user_query(struct store_conn *sc, struct arena *a, const struct store_query *q,
                   struct store_user_detail **out, size_t *n);
int sq__app_query(struct store_conn *sc, struct arena *a, const struct store_query *q,
                  struct store_app **out, size_t *n);
int sq__app_group_query(struct store_conn *sc, struct arena *a, int64_t app_id,
                        const struct store_query *q, struct store_app_group **out, size_t *n);

/* The engine's entity tables (one file each). */
extern const struct store_team_ops store_sqlite_teams;
extern const struct store_user_ops store_sqlite_users;
extern const struct store_group_ops store_sqlite_groups;
extern const struct store_member_ops store_sqlite_members;
extern const struct store_credential_ops store_sqlite_credentials;
extern const struct store_project_ops store_sqlite_projects;
extern const struct store_app_ops store_sqlite_apps;
extern const struct store_attribute_ops store_sqlite_attributes;

#endif
