/* The SQL both engines share (DESIGN.md §1: the store): the entity tables of the store
 * interface are written once, here, on an engine-neutral statement API; each engine (sqlite/,
 * pg/) is a driver of that API plus its schema. Statements are SQL text with ?N placeholders,
 * prepared once per connection and cached by their text. Where the engines spell a thing
 * differently, the driver answers (struct sql_driver's dialect hooks); the few SQLite
 * spellings PostgreSQL is taught instead are listed in docs/decisions.md. */
#ifndef ROSTER_STORE_SQL_INTERNAL_H
#define ROSTER_STORE_SQL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/seal.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"

struct sql_conn;
struct sql_stmt; /* an engine's prepared statement */

/* What sql_step returns besides a negative roster error. */
enum { SQL_DONE = 0, SQL_ROW = 1 };

/* The comparison a prefix range is written under: bytewise (the folded copies) or NOCASE. */
enum sql_range { SQL_RANGE_BYTES, SQL_RANGE_NOCASE };

struct sql_driver {
    /* The connection's prepared statement for sql, reset and with no values bound; NULL
     * when it does not prepare (logged). */
    struct sql_stmt *(*stmt)(struct sql_conn *c, const char *sql);
    void (*bind_int)(struct sql_stmt *st, int i, int64_t v);
    void (*bind_double)(struct sql_stmt *st, int i, double v);
    /* s == NULL binds NULL */
    void (*bind_text)(struct sql_stmt *st, int i, const char *s, size_t n);
    void (*bind_blob)(struct sql_stmt *st, int i, const void *p, size_t n);
    /* The next row: SQL_ROW, SQL_DONE, or a roster error (R_EEXIST for a constraint, R_EBUSY
     * for a busy or unreachable database). */
    int (*step)(struct sql_conn *c, struct sql_stmt *st);
    void (*reset)(struct sql_stmt *st);
    /* Of the current row. Texts and blobs stay valid until the next step or reset. */
    int (*ncols)(struct sql_stmt *st);
    bool (*col_null)(struct sql_stmt *st, int i);
    int64_t (*col_int)(struct sql_stmt *st, int i);
    const char *(*col_text)(struct sql_stmt *st, int i, size_t *n);
    const void *(*col_blob)(struct sql_stmt *st, int i, size_t *n);
    /* Rows the statement's last run inserted, updated or deleted. */
    int64_t (*changes)(struct sql_conn *c, struct sql_stmt *st);

    /* ---- what the engines spell differently (the query compiler, query.c) ---- */
    /* The bytes appended to a prefix so that the result bounds, from above, every text that
     * starts with the prefix under the range's comparison. */
    const char *(*prefix_hi)(enum sql_range r, size_t *n);
    /* Appends the SQL of member `path` (?path_param, a JSON path "$.a" or '$."a"') of the
     * JSON document doc; as_text: compared with a text, else with a number. */
    void (*doc_member)(struct buf *b, const char *doc, int path_param, bool as_text);
    /* Appends a sort key of a document member: never NULL; every missing value first. */
    void (*doc_sort_key)(struct buf *b, const char *doc, int path_param);
    /* Appends a condition that row alias's folded column fold_col contains the folded text
     * whose bound value (contains_value's) is ?param, served by the engine's trigram index
     * (SQLite: the FTS5 table fts_table, rowid = alias.id). */
    void (*contains)(struct buf *b, const char *alias, const char *fts_table, const char *fold_col,
                     int param);
    /* The bound value of a `contains` search for the folded text v[0..n) in the column
     * fts_col of the FTS table (SQLite: an FTS5 phrase; PostgreSQL: a LIKE pattern). */
    const char *(*contains_value)(struct arena *a, const char *fts_col, const char *v, size_t n);
    /* The SQL function folding a text on the fly (document members have no folded copy). */
    const char *fold_fn;
};

/* A connection of either engine: the store's tables and the driver. */
struct sql_conn {
    struct store_conn base;
    const struct sql_driver *drv;
    /* seals enrollment token secrets (store/seal.h) */
    unsigned char seal_key[STORE_SEAL_KEY_BYTES];
};

/* Every engine's statement starts with its connection, so the helpers below reach the
 * driver from a statement alone. */
struct sql_stmt {
    struct sql_conn *conn;
};

#define SQLC(c) ((struct sql_conn *)(c))
/* Room for an unsealed secret (enrollment token secrets are 43 characters). */
#define SQL_SECRET_MAX 256

static inline void sql_bind_int(struct sql_stmt *st, int i, int64_t v)
{
    st->conn->drv->bind_int(st, i, v);
}
static inline void sql_bind_double(struct sql_stmt *st, int i, double v)
{
    st->conn->drv->bind_double(st, i, v);
}
static inline void sql_bind_text(struct sql_stmt *st, int i, const char *s, size_t n)
{
    st->conn->drv->bind_text(st, i, s, n);
}
/* A C string, or NULL for a NULL pointer. */
void sql_bind_str(struct sql_stmt *st, int i, const char *s);
static inline void sql_bind_blob(struct sql_stmt *st, int i, const void *p, size_t n)
{
    st->conn->drv->bind_blob(st, i, p, n);
}
static inline int sql_step(struct sql_conn *c, struct sql_stmt *st)
{
    return c->drv->step(c, st);
}
static inline void sql_reset(struct sql_stmt *st)
{
    st->conn->drv->reset(st);
}
static inline int sql_ncols(struct sql_stmt *st)
{
    return st->conn->drv->ncols(st);
}
static inline bool sql_col_null(struct sql_stmt *st, int i)
{
    return st->conn->drv->col_null(st, i);
}
static inline int64_t sql_col_int(struct sql_stmt *st, int i)
{
    return st->conn->drv->col_int(st, i);
}
static inline const void *sql_col_blob(struct sql_stmt *st, int i, size_t *n)
{
    return st->conn->drv->col_blob(st, i, n);
}
static inline int64_t sql_changes(struct sql_conn *c, struct sql_stmt *st)
{
    return c->drv->changes(c, st);
}

/* ---- helpers on the API (sql.c) ---- */

/* A step's result that is not the expected row: its error, or R_ESTORE. */
static inline int sql__fail(int rc)
{
    return rc < 0 ? rc : R_ESTORE;
}

/* The connection's statement for sql. */
struct sql_stmt *sql__stmt(struct sql_conn *c, const char *sql);
/* Binds the Unicode case fold of s (util/fold.h) to ?i and, when hi > 0, the upper bound of
 * its prefix range to ?hi. R_EINVAL when s cannot be folded. */
int sql__bind_fold(struct arena *a, struct sql_stmt *st, int i, int hi, const char *s);
/* Binds the fold of s (NULL for NULL) to ?i; a text that does not fold is bound as it is
 * (no write path lets one in). */
int sql__bind_folded(struct sql_stmt *st, int i, const char *s);
/* Binds to ?i the upper bound of the range of texts starting with s[0..n). */
int sql__bind_prefix_hi(struct arena *a, struct sql_stmt *st, int i, const char *s, size_t n,
                        enum sql_range r);
/* Column i as an arena string, or NULL for SQL NULL. */
const char *sql__col_text(struct arena *a, struct sql_stmt *st, int i);
/* Column i copied into a fixed buffer (ids); empty when it does not fit. */
void sql__col_copy(char *dst, size_t cap, struct sql_stmt *st, int i);
/* Reads the current row of st into row. */
typedef int (*sql_row_reader)(struct arena *a, struct sql_stmt *st, void *row);
/* Steps a statement expected to return at most one row: reads it into out, or R_ENOTFOUND;
 * the statement is reset either way. */
int sql__one(struct sql_conn *c, struct arena *a, struct sql_stmt *st, sql_row_reader read,
             void *out);
/* The one row of sql (prepared once) with ?1 bound to key and ?2 to owner (the team or
 * project the key is unique in), read by read; R_ENOTFOUND when none. */
int sql__one_by(struct sql_conn *c, struct arena *a, const char *sql, const char *key,
                int64_t owner, sql_row_reader read, void *out);
/* Steps st for up to limit + 1 rows of `each` bytes, read by read, into an arena array (the
 * extra row tells that more remain); a page fetched backwards (nearest first) is reversed
 * into display order, the extra row staying last. The statement is reset either way. */
int sql__rows(struct sql_conn *c, struct arena *a, struct sql_stmt *st, unsigned limit,
              bool backward, size_t each, sql_row_reader read, void **out, size_t *n);
/* Steps a statement that returns no rows, then resets it. */
int sql__exec_done(struct sql_conn *c, struct sql_stmt *st);
/* Steps a statement that returns no rows: how many rows it changed into *changed. */
int sql__exec_count(struct sql_conn *c, struct sql_stmt *st, int64_t *changed);
/* Steps an INSERT … RETURNING id: the new row's id into *id. */
int sql__insert_id(struct sql_conn *c, struct sql_stmt *st, int64_t *id);
/* Binds two integers to ?1 and ?2 of sql, steps it (no rows), resets it. */
int sql__exec2(struct sql_conn *c, const char *sql, int64_t a1, int64_t a2);
/* Whether id names an object of the kind in the team (store_ops.id_known). */
int sql__id_known(struct store_conn *sc, enum store_kind kind, int64_t team_id, const char *id,
                  bool *known);
/* Fills the connection's entity tables with the shared ones. */
void sql__init(struct sql_conn *c, const struct store_ops *ops, const struct sql_driver *drv);

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
    "greatest(" g ".last_membership_updated, coalesce((SELECT created FROM users INDEXED BY "      \
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
int sql__user_read(struct arena *a, struct sql_stmt *st, void *row);
int sql__group_read(struct arena *a, struct sql_stmt *st, void *row);

/* Users with their lifecycle columns, apps, app assignments: columns and row readers. */
#define USER_DETAIL_COLS USER_COLS ", u.activated, u.password_changed, u.password_hash IS NOT NULL"

#define APP_COLS                                                                                   \
    "a.id, a.team_id, a.okta_id, a.name, a.label, a.sign_on_mode, a.active, a.body_json, "         \
    "a.created, a.last_updated"

/* The assigned group's columns first (sql__group_read), then the assignment's. */
#define AG_COLS                                                                                    \
    GROUP_COLS ", ag.app_id, ag.group_id, a.okta_id, ag.priority, ag.profile_json, "               \
               "ag.last_updated"
#define AG_FROM                                                                                    \
    " FROM okta_app_groups ag JOIN okta_apps a ON a.id = ag.app_id JOIN groups g ON g.id = "       \
    "ag.group_id"

int sql__user_detail_read(struct arena *a, struct sql_stmt *st, void *row);
int sql__app_read(struct arena *a, struct sql_stmt *st, void *row);
int sql__app_group_read(struct arena *a, struct sql_stmt *st, void *row);

/* Appends the ids of the groups user ?user_param is an explicit member of, and, when
 * builtin, its team's (?team_param) built-in group: "(SELECT … [UNION ALL …])". */
void sql__user_group_ids(struct buf *b, int user_param, int team_param, bool builtin);

/* Binds two integers to ?1 and ?2 of sql, steps it (no rows), resets it. */
int sql__exec2(struct sql_conn *c, const char *sql, int64_t a1, int64_t a2);

/* The lists of the query model (query.c), in the entity tables below. */
int sql__group_query(struct store_conn *sc, struct arena *a, const struct store_query *q,
                     struct store_group **out, int64_t **apps_count, size_t *n);
int sql__user_query(struct store_conn *sc, struct arena *a, const struct store_query *q,
                    struct store_user_detail **out, size_t *n);
int sql__app_query(struct store_conn *sc, struct arena *a, const struct store_query *q,
                   struct store_app **out, size_t *n);
int sql__app_group_query(struct store_conn *sc, struct arena *a, int64_t app_id,
                         const struct store_query *q, struct store_app_group **out, size_t *n);

/* The shared entity tables (one file each). */
extern const struct store_team_ops store_sql_teams;
extern const struct store_user_ops store_sql_users;
extern const struct store_group_ops store_sql_groups;
extern const struct store_member_ops store_sql_members;
extern const struct store_credential_ops store_sql_credentials;
extern const struct store_project_ops store_sql_projects;
extern const struct store_app_ops store_sql_apps;
extern const struct store_attribute_ops store_sql_attributes;

#endif
