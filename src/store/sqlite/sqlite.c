/* The SQLite engine of the store: WAL, synchronous=FULL, foreign keys, one connection per
 * thread, statements prepared once per connection and cached by their SQL text. */
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/internal.h"
#include "store/project.h"
#include "store/sqlite/schema.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/fold.h"

static const struct store_ops sq_ops;

int sq__err(struct sq_conn *c, int rc)
{
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        return R_EBUSY;
    if (rc == SQLITE_CONSTRAINT)
        return R_EEXIST;
    if (rc == SQLITE_NOMEM)
        return R_ENOMEM;
    fprintf(stderr, "roster: sqlite error %d: %s\n", rc, sqlite3_errmsg(c->db));
    return R_ESTORE;
}

static unsigned long sq_hash(const char *s)
{
    unsigned long h = 1469598103934665603UL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211UL;
    return h;
}

/* Returns the cached prepared statement for sql (reset, bindings cleared), or NULL. */
sqlite3_stmt *sq__stmt(struct sq_conn *c, const char *sql)
{
    unsigned long h = sq_hash(sql);
    for (unsigned i = 0; i < STMT_CACHE; i++) {
        struct stmt_entry *e = &c->cache[(h + i) % STMT_CACHE];
        if (e->sql && strcmp(e->sql, sql) == 0) {
            sqlite3_reset(e->stmt);
            sqlite3_clear_bindings(e->stmt);
            return e->stmt;
        }
        if (!e->sql) {
            sqlite3_stmt *st = NULL;
            if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
                SQLITE_OK) {
                fprintf(stderr, "roster: prepare failed: %s\n  %s\n", sqlite3_errmsg(c->db), sql);
                return NULL;
            }
            e->sql = strdup(sql);
            if (!e->sql) {
                sqlite3_finalize(st);
                return NULL;
            }
            e->stmt = st;
            return st;
        }
    }
    /* Cache full (only with unusually many filter shapes): prepare uncached is not worth
     * the complexity; evict the home slot. */
    struct stmt_entry *e = &c->cache[h % STMT_CACHE];
    sqlite3_finalize(e->stmt);
    free(e->sql);
    e->sql = NULL;
    e->stmt = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
        return NULL;
    e->sql = strdup(sql);
    if (!e->sql) {
        sqlite3_finalize(st);
        return NULL;
    }
    e->stmt = st;
    return st;
}

void sq__bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

int sq__bind_fold(struct arena *a, sqlite3_stmt *st, int i, int hi, const char *s)
{
    struct slice f;
    int rc = fold_arena(a, slice_from_cstr(s), &f);
    if (rc)
        return rc;
    sqlite3_bind_text(st, i, f.p, (int)f.n, SQLITE_TRANSIENT);
    return hi > 0 ? sq__bind_prefix_hi(a, st, hi, f.p, f.n) : 0;
}

int sq__bind_prefix_hi(struct arena *a, sqlite3_stmt *st, int i, const char *s, size_t n)
{
    /* 0xFF never occurs in UTF-8: above every text that starts with s, below every other
     * text above s (bytewise, the BINARY collation) */
    char *hi = arena_alloc(a, n + 2);
    if (!hi)
        return R_ENOMEM;
    memcpy(hi, s, n);
    hi[n] = (char)0xff;
    sqlite3_bind_text(st, i, hi, (int)n + 1, SQLITE_TRANSIENT);
    return 0;
}

const char *sq__col_text(struct arena *a, sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        return NULL;
    const unsigned char *t = sqlite3_column_text(st, i);
    return arena_strndup(a, (const char *)t, (size_t)sqlite3_column_bytes(st, i));
}

void sq__col_copy(char *dst, size_t cap, sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    size_t n = (size_t)sqlite3_column_bytes(st, i);
    if (!t || n >= cap)
        n = 0;
    if (n)
        memcpy(dst, t, n);
    dst[n] = 0;
}

/* Runs a statement expected to produce no rows. */
int sq__one(struct sq_conn *c, struct arena *a, sqlite3_stmt *st, sq_row_reader read, void *out)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        rc = read(a, st, out);
    else
        rc = rc == SQLITE_DONE ? R_ENOTFOUND : sq__err(c, rc);
    sqlite3_reset(st);
    return rc;
}

int sq__rows(struct sq_conn *c, struct arena *a, sqlite3_stmt *st, unsigned limit, bool backward,
             size_t each, sq_row_reader read, void **out, size_t *n)
{
    size_t max = (size_t)limit + 1, cap = max < 16 ? max : 16, k = 0;
    unsigned char *rows = arena_alloc(a, each * cap);
    int rc = rows ? 0 : R_ENOMEM, s = SQLITE_DONE;
    while (!rc && k < max && (s = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap) {
            /* grow by doubling: a page is usually far shorter than its limit */
            size_t more = cap * 2 < max ? cap * 2 : max;
            unsigned char *bigger = arena_alloc(a, each * more);
            if (!bigger) {
                rc = R_ENOMEM;
                break;
            }
            memcpy(bigger, rows, each * k);
            rows = bigger;
            cap = more;
        }
        if ((rc = read(a, st, rows + k * each)))
            break;
        k++;
    }
    if (!rc && s != SQLITE_ROW && s != SQLITE_DONE)
        rc = sq__err(c, s);
    sqlite3_reset(st);
    if (rc)
        return rc;
    if (backward) {
        /* fetched nearest-first: the page itself is reversed into display order; the extra
         * row (n > limit means more remain) stays last */
        size_t page = k > limit ? limit : k;
        unsigned char *tmp = arena_alloc(a, each);
        if (!tmp && page > 1)
            return R_ENOMEM;
        for (size_t i = 0; i < page / 2; i++) {
            memcpy(tmp, rows + i * each, each);
            memcpy(rows + i * each, rows + (page - 1 - i) * each, each);
            memcpy(rows + (page - 1 - i) * each, tmp, each);
        }
    }
    *out = rows;
    *n = k;
    return 0;
}

int sq__exec_done(struct sq_conn *c, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return sq__err(c, rc);
    return 0;
}

static int sq_exec_sql(struct sq_conn *c, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        fprintf(stderr, "roster: sqlite: %s\n", msg ? msg : "?");
        sqlite3_free(msg);
        return sq__err(c, rc);
    }
    return 0;
}

/* ---- transactions ---- */

static int sq_begin(struct store_conn *sc, bool write)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, write ? "BEGIN IMMEDIATE" : "BEGIN");
    if (!st)
        return R_ESTORE;
    int rc = sq__exec_done(c, st);
    if (!rc)
        c->in_tx = 1;
    return rc;
}

static int sq_commit(struct store_conn *sc)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "COMMIT");
    if (!st)
        return R_ESTORE;
    int rc = sq__exec_done(c, st);
    if (!rc)
        c->in_tx = 0;
    return rc;
}

static void sq_rollback(struct store_conn *sc)
{
    struct sq_conn *c = SQ(sc);
    if (!sqlite3_get_autocommit(c->db)) {
        sqlite3_stmt *st = sq__stmt(c, "ROLLBACK");
        if (st)
            sq__exec_done(c, st);
    }
    c->in_tx = 0;
}

/* ---- teams ---- */

static int sq_team_row(struct sq_conn *c, struct arena *a, sqlite3_stmt *st, struct store_team *out)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return R_ENOTFOUND;
    }
    if (rc != SQLITE_ROW)
        return sq__err(c, rc);
    out->id = sqlite3_column_int64(st, 0);
    out->name = sq__col_text(a, st, 1);
    out->created = sqlite3_column_int64(st, 2);
    sqlite3_reset(st);
    return out->name ? 0 : R_ENOMEM;
}

static int sq_team_get(struct store_conn *sc, struct arena *a, const char *name,
                       struct store_team *out)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "SELECT id, name, created FROM teams WHERE name = ?");
    if (!st)
        return R_ESTORE;
    sq__bind_text(st, 1, name);
    return sq_team_row(c, a, st, out);
}

static int sq_team_get_by_id(struct store_conn *sc, struct arena *a, int64_t id,
                             struct store_team *out)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "SELECT id, name, created FROM teams WHERE id = ?");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, id);
    return sq_team_row(c, a, st, out);
}

static int sq_team_insert(struct store_conn *sc, struct store_team *t)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "INSERT INTO teams(name, created) VALUES (?, ?)");
    if (!st)
        return R_ESTORE;
    sq__bind_text(st, 1, t->name);
    sqlite3_bind_int64(st, 2, t->created);
    int rc = sq__exec_done(c, st);
    if (!rc)
        t->id = sqlite3_last_insert_rowid(c->db);
    return rc;
}

static int sq_team_counter_next(struct store_conn *sc, int64_t team_id, const char *counter,
                                int64_t start, int64_t *out)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "INSERT INTO team_counters(team_id, name, next) "
                                   "VALUES (?1, ?2, ?3 + 1) ON CONFLICT(team_id, name) "
                                   "DO UPDATE SET next = next + 1 RETURNING next - 1");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, team_id);
    sq__bind_text(st, 2, counter);
    sqlite3_bind_int64(st, 3, start);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return sq__err(c, rc);
    }
    *out = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return 0;
}

/* ---- users ---- */

int sq__user_read(struct arena *a, sqlite3_stmt *st, void *row)
{
    struct store_user *u = row;
    memset(u, 0, sizeof(*u));
    u->id = sqlite3_column_int64(st, 0);
    u->team_id = sqlite3_column_int64(st, 1);
    sq__col_copy(u->uuid, sizeof(u->uuid), st, 2);
    sq__col_copy(u->okta_id, sizeof(u->okta_id), st, 3);
    u->name = sq__col_text(a, st, 4);
    u->login = sq__col_text(a, st, 5);
    u->user_type = sqlite3_column_int(st, 6);
    u->status = sqlite3_column_int(st, 7);
    u->email = sq__col_text(a, st, 8);
    u->first_name = sq__col_text(a, st, 9);
    u->last_name = sq__col_text(a, st, 10);
    u->display_name = sq__col_text(a, st, 11);
    u->profile_json = sq__col_text(a, st, 12);
    u->created = sqlite3_column_int64(st, 13);
    u->last_updated = sqlite3_column_int64(st, 14);
    u->status_changed = sqlite3_column_int64(st, 15);
    u->deleted_at = sqlite3_column_int64(st, 16);
    return u->name ? 0 : R_ENOMEM;
}

static int sq_user_insert(struct store_conn *sc, struct store_user *u)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(
        c, "INSERT INTO users(team_id, uuid, okta_id, name, login, login_lc, user_type, status, "
           "email, first_name, last_name, display_name, profile_json, created, last_updated, "
           "status_changed, name_fold, login_fold, email_fold, first_name_fold, "
           "last_name_fold, display_name_fold) VALUES (?1,?2,?3,?4,?5,lower(?5),?6,?7,?8,?9,"
           "?10,?11,?12,?13,?14,?15,roster_fold(?4),roster_fold(?5),roster_fold(?8),"
           "roster_fold(?9),roster_fold(?10),roster_fold(?11))");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, u->team_id);
    sq__bind_text(st, 2, u->uuid);
    sq__bind_text(st, 3, u->okta_id);
    sq__bind_text(st, 4, u->name);
    sq__bind_text(st, 5, u->login);
    sqlite3_bind_int(st, 6, u->user_type);
    sqlite3_bind_int(st, 7, u->status);
    sq__bind_text(st, 8, u->email);
    sq__bind_text(st, 9, u->first_name);
    sq__bind_text(st, 10, u->last_name);
    sq__bind_text(st, 11, u->display_name);
    sq__bind_text(st, 12, u->profile_json);
    sqlite3_bind_int64(st, 13, u->created);
    sqlite3_bind_int64(st, 14, u->last_updated);
    sqlite3_bind_int64(st, 15, u->status_changed);
    int rc = sq__exec_done(c, st);
    if (!rc)
        u->id = sqlite3_last_insert_rowid(c->db);
    return rc;
}

static int sq_user_get_by_name(struct store_conn *sc, struct arena *a, int64_t team_id,
                               const char *name, struct store_user *out)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st =
        sq__stmt(c, "SELECT " USER_COLS " FROM users u WHERE u.team_id = ? AND u.name = ?");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, team_id);
    sq__bind_text(st, 2, name);
    return sq__one(c, a, st, sq__user_read, out);
}

static int sq_user_get_by_uuid(struct store_conn *sc, struct arena *a, int64_t team_id,
                               const char *uuid, struct store_user *out)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st =
        sq__stmt(c, "SELECT " USER_COLS " FROM users u WHERE u.uuid = ? AND u.team_id = ?");
    if (!st)
        return R_ESTORE;
    sq__bind_text(st, 1, uuid);
    sqlite3_bind_int64(st, 2, team_id);
    return sq__one(c, a, st, sq__user_read, out);
}

static int sq_user_update_status(struct store_conn *sc, int64_t user_id, int status,
                                 int64_t deleted_at, int64_t now)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "UPDATE users SET status = ?, deleted_at = ?, "
                                   "status_changed = ?3, last_updated = ?3 WHERE id = ?4");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int(st, 1, status);
    sqlite3_bind_int64(st, 2, deleted_at);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_int64(st, 4, user_id);
    return sq__exec_done(c, st);
}

/* The users' lifecycle filter: live ones (of the statuses in the set), deleted ones. */
static int sq_status_sql(struct buf *b, unsigned statuses, int deleted)
{
    if (deleted == 2)
        return buf_append_str(b, " AND u.deleted_at <> 0");
    if (!statuses)
        return deleted ? 0 : buf_append_str(b, " AND u.deleted_at = 0");
    buf_append_str(b, deleted ? " AND (u.deleted_at <> 0 OR u.status IN ("
                              : " AND u.deleted_at = 0 AND u.status IN (");
    const char *sep = "";
    for (int s = 0; s < STORE_USER_STATUSES; s++) {
        if (statuses & (1u << s)) {
            buf_appendf(b, "%s%d", sep, s);
            sep = ",";
        }
    }
    return buf_append_str(b, deleted ? "))" : ")");
}

static int sq_user_list(struct store_conn *sc, struct arena *a, const struct store_user_filter *f,
                        const struct store_page *pg, struct store_user **out, size_t *n)
{
    struct sq_conn *c = SQ(sc);
    struct buf b;
    buf_init(&b, 4096);
    int rc = 0;
    const char *key = "u.name"; /* user names are unique per team: the whole sort key */
    if (f->in_group_id > 0) {
        /* Members in name order straight from the membership key. */
        buf_append_str(&b, "SELECT " USER_COLS " FROM memberships m JOIN users u ON "
                           "u.id = m.user_id WHERE m.group_id = ?1");
        key = "m.user_name";
    } else {
        buf_append_str(&b, "SELECT " USER_COLS " FROM users u WHERE u.team_id = ?2");
    }
    if (f->in_group_id > 0)
        buf_append_str(&b, " AND u.team_id = ?2");
    if (f->not_in_group_id > 0)
        buf_append_str(&b, " AND NOT EXISTS (SELECT 1 FROM memberships x WHERE "
                           "x.group_id = ?3 AND x.user_name = u.name)");
    if (f->contains)
        buf_append_str(&b, " AND instr(u.name_fold, ?4) > 0");
    if (f->starts_with)
        buf_append_str(&b, " AND u.name_fold >= ?5 AND u.name_fold < ?8");
    if (f->type_mask == (1u << STORE_USER_HUMAN))
        buf_append_str(&b, " AND u.user_type = 0");
    else if (f->type_mask == (1u << STORE_USER_SERVICE))
        buf_append_str(&b, " AND u.user_type = 1");
    sq_status_sql(&b, f->statuses, f->deleted);
    if (pg->after_name)
        buf_appendf(&b, " AND %s %s ?6", key, (pg->descending == pg->backward) ? ">" : "<");
    bool asc = pg->descending == pg->backward;
    buf_appendf(&b, " ORDER BY %s %s LIMIT ?7", key, asc ? "ASC" : "DESC");
    if (b.oom) {
        rc = R_ENOMEM;
        goto out;
    }
    sqlite3_stmt *st = sq__stmt(c, buf_cstr(&b));
    if (!st) {
        rc = R_ESTORE;
        goto out;
    }
    if (f->in_group_id > 0)
        sqlite3_bind_int64(st, 1, f->in_group_id);
    sqlite3_bind_int64(st, 2, f->team_id);
    if (f->not_in_group_id > 0)
        sqlite3_bind_int64(st, 3, f->not_in_group_id);
    if ((f->contains && (rc = sq__bind_fold(a, st, 4, 0, f->contains))) ||
        (f->starts_with && (rc = sq__bind_fold(a, st, 5, 8, f->starts_with))))
        goto out;
    if (pg->after_name)
        sq__bind_text(st, 6, pg->after_name);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)pg->limit + 1);
    rc = sq__rows(c, a, st, pg->limit, pg->backward, sizeof(**out), sq__user_read, (void **)out, n);
out:
    buf_free(&b);
    return rc;
}

/* ---- groups ---- */

int sq__group_read(struct arena *a, sqlite3_stmt *st, void *row)
{
    struct store_group *g = row;
    memset(g, 0, sizeof(*g));
    g->id = sqlite3_column_int64(st, 0);
    g->team_id = sqlite3_column_int64(st, 1);
    sq__col_copy(g->uuid, sizeof(g->uuid), st, 2);
    sq__col_copy(g->okta_id, sizeof(g->okta_id), st, 3);
    g->name = sq__col_text(a, st, 4);
    g->description = sq__col_text(a, st, 5);
    g->profile_json = sq__col_text(a, st, 6);
    g->roles = (unsigned)sqlite3_column_int(st, 7);
    g->type = sqlite3_column_int(st, 8);
    g->flags = (unsigned)sqlite3_column_int(st, 9);
    g->federated_from_team = sq__col_text(a, st, 10);
    g->federation_approved_at = sqlite3_column_int64(st, 11);
    g->created = sqlite3_column_int64(st, 12);
    g->last_updated = sqlite3_column_int64(st, 13);
    g->last_membership_updated = sqlite3_column_int64(st, 14);
    g->deleted_at = sqlite3_column_int64(st, 15);
    g->users_count = sqlite3_column_int64(st, 16);
    g->human_count = sqlite3_column_int64(st, 17);
    return g->name ? 0 : R_ENOMEM;
}

static int sq_group_insert(struct store_conn *sc, struct store_group *g)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(
        c, "INSERT INTO groups(team_id, uuid, okta_id, name, description, profile_json, roles, "
           "type, flags, federated_from_team, federation_approved_at, created, last_updated, "
           "last_membership_updated, users_count, human_count, name_fold, description_fold) "
           "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,roster_fold(?4),"
           "roster_fold(?5))");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, g->team_id);
    sq__bind_text(st, 2, g->uuid);
    sq__bind_text(st, 3, g->okta_id);
    sq__bind_text(st, 4, g->name);
    sq__bind_text(st, 5, g->description);
    sq__bind_text(st, 6, g->profile_json);
    sqlite3_bind_int(st, 7, (int)g->roles);
    sqlite3_bind_int(st, 8, g->type);
    sqlite3_bind_int(st, 9, (int)g->flags);
    sq__bind_text(st, 10, g->federated_from_team);
    sqlite3_bind_int64(st, 11, g->federation_approved_at);
    sqlite3_bind_int64(st, 12, g->created);
    sqlite3_bind_int64(st, 13, g->last_updated);
    sqlite3_bind_int64(st, 14, g->last_membership_updated);
    sqlite3_bind_int64(st, 15, g->users_count);
    sqlite3_bind_int64(st, 16, g->human_count);
    int rc = sq__exec_done(c, st);
    if (!rc)
        g->id = sqlite3_last_insert_rowid(c->db);
    return rc;
}

static int sq_group_get_by_name(struct store_conn *sc, struct arena *a, int64_t team_id,
                                const char *name, bool include_deleted, struct store_group *out)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st =
        sq__stmt(c, include_deleted
                        ? "SELECT " GROUP_COLS " FROM groups g WHERE g.team_id = ? AND g.name = ? "
                          "ORDER BY g.deleted_at = 0 DESC, g.deleted_at DESC LIMIT 1"
                        : "SELECT " GROUP_COLS " FROM groups g WHERE g.team_id = ? AND g.name = ? "
                          "AND g.deleted_at = 0");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, team_id);
    sq__bind_text(st, 2, name);
    return sq__one(c, a, st, sq__group_read, out);
}

static int sq_group_get_by_uuid(struct store_conn *sc, struct arena *a, int64_t team_id,
                                const char *uuid, struct store_group *out)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st =
        sq__stmt(c, "SELECT " GROUP_COLS " FROM groups g WHERE g.uuid = ? AND g.team_id = ?");
    if (!st)
        return R_ESTORE;
    sq__bind_text(st, 1, uuid);
    sqlite3_bind_int64(st, 2, team_id);
    return sq__one(c, a, st, sq__group_read, out);
}

static int sq_group_get_builtin(struct store_conn *sc, struct arena *a, int64_t team_id,
                                struct store_group *out)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "SELECT " GROUP_COLS " FROM groups g INDEXED BY groups_builtin "
                                   "WHERE g.team_id = ? AND g.type = 1 AND g.deleted_at = 0");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, team_id);
    return sq__one(c, a, st, sq__group_read, out);
}

static int sq_group_update_roles(struct store_conn *sc, int64_t group_id, unsigned roles,
                                 int64_t now)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "UPDATE groups SET roles = ?, last_updated = ? WHERE id = ?");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int(st, 1, (int)roles);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_int64(st, 3, group_id);
    return sq__exec_done(c, st);
}

static int sq_group_delete(struct store_conn *sc, int64_t group_id, int64_t now)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "DELETE FROM memberships WHERE group_id = ?");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, group_id);
    int rc = sq__exec_done(c, st);
    if (rc)
        return rc;
    st = sq__stmt(c, "UPDATE groups SET deleted_at = ?, users_count = 0, human_count = 0, "
                     "last_membership_updated = ?1 WHERE id = ?");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int64(st, 2, group_id);
    return sq__exec_done(c, st);
}

static int sq_group_list(struct store_conn *sc, struct arena *a, const struct store_group_filter *f,
                         const struct store_page *pg, struct store_group **out, size_t *n)
{
    struct sq_conn *c = SQ(sc);
    struct buf b;
    buf_init(&b, 16384);
    int rc = 0;
    int param = 3;
    if (f->member_user_id > 0)
        /* A user's groups are few: fetch them by id through the membership index, then
         * sort; the built-in group joins when asked. */
        /* (+team_id keeps SQLite from walking the team's whole name index instead) */
        buf_appendf(&b,
                    "SELECT " GROUP_COLS " FROM groups g WHERE +g.team_id = ?1 AND g.id IN "
                    "(SELECT group_id FROM memberships WHERE user_id = ?2%s)",
                    f->member_builtin ? " UNION ALL SELECT id FROM groups INDEXED BY "
                                        "groups_builtin WHERE team_id = ?1 AND type = 1 AND "
                                        "deleted_at = 0"
                                      : "");
    else
        buf_append_str(&b, "SELECT " GROUP_COLS " FROM groups g WHERE g.team_id = ?1");
    if (f->deleted == 0)
        buf_append_str(&b, " AND g.deleted_at = 0");
    else if (f->deleted == 2)
        buf_append_str(&b, " AND g.deleted_at <> 0");
    if (f->contains)
        buf_appendf(&b, " AND instr(g.name_fold, ?%d) > 0", param++);
    if (f->nids) {
        buf_append_str(&b, " AND g.uuid IN (");
        for (size_t i = 0; i < f->nids; i++)
            buf_appendf(&b, "%s?%d", i ? "," : "", param++);
        buf_append_str(&b, ")");
    }
    if (f->nignore) {
        buf_append_str(&b, " AND g.name NOT IN (");
        for (size_t i = 0; i < f->nignore; i++)
            buf_appendf(&b, "%s?%d", i ? "," : "", param++);
        buf_append_str(&b, ")");
    }
    int cursor_param = param;
    bool asc = pg->descending == pg->backward;
    if (pg->after_name) {
        buf_appendf(&b, " AND (g.name, g.uuid) %s (?%d, ?%d)", asc ? ">" : "<", param, param + 1);
        param += 2;
    }
    buf_appendf(&b, " ORDER BY g.name %s, g.uuid %s LIMIT ?%d", asc ? "ASC" : "DESC",
                asc ? "ASC" : "DESC", param);
    if (b.oom) {
        rc = R_ENOMEM;
        goto out;
    }
    sqlite3_stmt *st = sq__stmt(c, buf_cstr(&b));
    if (!st) {
        rc = R_ESTORE;
        goto out;
    }
    int p = 3;
    sqlite3_bind_int64(st, 1, f->team_id);
    if (f->member_user_id > 0)
        sqlite3_bind_int64(st, 2, f->member_user_id);
    if (f->contains && (rc = sq__bind_fold(a, st, p++, 0, f->contains)))
        goto out;
    for (size_t i = 0; i < f->nids; i++)
        sq__bind_text(st, p++, f->ids[i]);
    for (size_t i = 0; i < f->nignore; i++)
        sq__bind_text(st, p++, f->ignore[i]);
    if (pg->after_name) {
        sq__bind_text(st, cursor_param, pg->after_name);
        sq__bind_text(st, cursor_param + 1, pg->after_uuid);
    }
    sqlite3_bind_int64(st, param, (sqlite3_int64)pg->limit + 1);
    rc =
        sq__rows(c, a, st, pg->limit, pg->backward, sizeof(**out), sq__group_read, (void **)out, n);
out:
    buf_free(&b);
    return rc;
}

/* ---- memberships ---- */

static int sq_count_add(struct sq_conn *c, int64_t group_id, int64_t users, int64_t humans,
                        int64_t now)
{
    sqlite3_stmt *st = sq__stmt(c, "UPDATE groups SET users_count = users_count + ?, "
                                   "human_count = human_count + ?, last_membership_updated = ? "
                                   "WHERE id = ?");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, users);
    sqlite3_bind_int64(st, 2, humans);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_int64(st, 4, group_id);
    return sq__exec_done(c, st);
}

static int sq_member_add(struct store_conn *sc, const struct store_group *g,
                         const struct store_user *u, int64_t now, bool *changed)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "INSERT INTO memberships(group_id, user_name, user_id, "
                                   "created) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, g->id);
    sq__bind_text(st, 2, u->name);
    sqlite3_bind_int64(st, 3, u->id);
    sqlite3_bind_int64(st, 4, now);
    int rc = sq__exec_done(c, st);
    if (rc)
        return rc;
    *changed = sqlite3_changes(c->db) > 0;
    if (!*changed)
        return 0;
    return sq_count_add(c, g->id, 1, u->user_type == STORE_USER_HUMAN ? 1 : 0, now);
}

static int sq_member_remove(struct store_conn *sc, const struct store_group *g,
                            const struct store_user *u, int64_t now, bool *changed)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "DELETE FROM memberships WHERE group_id = ? AND user_name = ?");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, g->id);
    sq__bind_text(st, 2, u->name);
    int rc = sq__exec_done(c, st);
    if (rc)
        return rc;
    *changed = sqlite3_changes(c->db) > 0;
    if (!*changed)
        return 0;
    return sq_count_add(c, g->id, -1, u->user_type == STORE_USER_HUMAN ? -1 : 0, now);
}

static int sq_member_remove_user(struct store_conn *sc, const struct store_user *u, int64_t now)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "UPDATE groups SET users_count = users_count - 1, "
                                   "human_count = human_count - ?, last_membership_updated = ? "
                                   "WHERE id IN (SELECT group_id FROM memberships WHERE "
                                   "user_id = ?)");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, u->user_type == STORE_USER_HUMAN ? 1 : 0);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_int64(st, 3, u->id);
    int rc = sq__exec_done(c, st);
    if (rc)
        return rc;
    st = sq__stmt(c, "DELETE FROM memberships WHERE user_id = ?");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, u->id);
    return sq__exec_done(c, st);
}

static int sq_builtin_count_add(struct store_conn *sc, int64_t team_id, int64_t users,
                                int64_t humans)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "UPDATE groups INDEXED BY groups_builtin SET "
                                   "users_count = users_count + ?, human_count = human_count + "
                                   "? WHERE team_id = ? AND type = 1 AND deleted_at = 0");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, users);
    sqlite3_bind_int64(st, 2, humans);
    sqlite3_bind_int64(st, 3, team_id);
    return sq__exec_done(c, st);
}

static int sq_principal_roles(struct store_conn *sc, int64_t team_id, int64_t user_id,
                              unsigned *roles)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(
        c, "SELECT g.roles FROM memberships m JOIN groups g ON g.id = m.group_id "
           "WHERE m.user_id = ?2 AND g.deleted_at = 0 AND g.roles <> 0 "
           "UNION ALL SELECT roles FROM groups INDEXED BY groups_builtin WHERE team_id = ?1 "
           "AND type = 1 AND deleted_at = 0");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, team_id);
    sqlite3_bind_int64(st, 2, user_id);
    unsigned r = 0;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW)
        r |= (unsigned)sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    if (s != SQLITE_DONE)
        return sq__err(c, s);
    *roles = r;
    return 0;
}

/* ---- credentials ---- */

static int sq_key_read(struct arena *a, sqlite3_stmt *st, void *row)
{
    (void)a;
    struct store_key *k = row;
    memset(k, 0, sizeof(*k));
    k->id = sqlite3_column_int64(st, 0);
    k->team_id = sqlite3_column_int64(st, 1);
    k->user_id = sqlite3_column_int64(st, 2);
    sq__col_copy(k->uuid, sizeof(k->uuid), st, 3);
    const void *h = sqlite3_column_blob(st, 4);
    if (h && sqlite3_column_bytes(st, 4) == 32)
        memcpy(k->secret_hash, h, 32);
    k->issued_at = sqlite3_column_int64(st, 5);
    k->expires_at = sqlite3_column_int64(st, 6);
    k->last_used = sqlite3_column_int64(st, 7);
    k->deleted_at = sqlite3_column_int64(st, 8);
    return 0;
}

#define KEY_COLS                                                                                   \
    "id, team_id, user_id, uuid, secret_hash, issued_at, expires_at, last_used, deleted_at"

static int sq_key_insert(struct store_conn *sc, struct store_key *k)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "INSERT INTO api_keys(team_id, user_id, uuid, secret_hash, "
                                   "issued_at, expires_at) VALUES (?,?,?,?,?,?)");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, k->team_id);
    sqlite3_bind_int64(st, 2, k->user_id);
    sq__bind_text(st, 3, k->uuid);
    sqlite3_bind_blob(st, 4, k->secret_hash, 32, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 5, k->issued_at);
    sqlite3_bind_int64(st, 6, k->expires_at);
    int rc = sq__exec_done(c, st);
    if (!rc)
        k->id = sqlite3_last_insert_rowid(c->db);
    return rc;
}

static int sq_key_get(struct store_conn *sc, int64_t team_id, const char *uuid,
                      struct store_key *out)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "SELECT " KEY_COLS " FROM api_keys WHERE uuid = ? AND "
                                   "team_id = ? AND deleted_at = 0");
    if (!st)
        return R_ESTORE;
    sq__bind_text(st, 1, uuid);
    sqlite3_bind_int64(st, 2, team_id);
    return sq__one(c, NULL, st, sq_key_read, out);
}

static int sq_key_list(struct store_conn *sc, struct arena *a, int64_t user_id,
                       struct store_key **out, size_t *n)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "SELECT " KEY_COLS " FROM api_keys WHERE user_id = ? AND "
                                   "deleted_at = 0 ORDER BY issued_at, id LIMIT 1000");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, user_id);
    return sq__rows(c, a, st, 999, false, sizeof(**out), sq_key_read, (void **)out, n);
}

static int sq_exec_id_time(struct sq_conn *c, const char *sql, int64_t a1, int64_t a2)
{
    sqlite3_stmt *st = sq__stmt(c, sql);
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, a1);
    sqlite3_bind_int64(st, 2, a2);
    return sq__exec_done(c, st);
}

static int sq_key_delete(struct store_conn *sc, int64_t key_id, int64_t now)
{
    struct sq_conn *c = SQ(sc);
    int rc = sq_exec_id_time(c, "UPDATE api_keys SET deleted_at = ?2 WHERE id = ?1", key_id, now);
    if (rc)
        return rc;
    /* Tokens of a deleted key die with it. */
    return sq_exec_id_time(c, "DELETE FROM bearer_tokens WHERE key_id = ?1 AND ?2 = ?2", key_id,
                           now);
}

static int sq_key_expire_others(struct store_conn *sc, int64_t user_id, int64_t keep_key_id,
                                int64_t expires_at)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "UPDATE api_keys SET expires_at = ? WHERE user_id = ? AND "
                                   "id <> ? AND deleted_at = 0 AND expires_at = 0");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, expires_at);
    sqlite3_bind_int64(st, 2, user_id);
    sqlite3_bind_int64(st, 3, keep_key_id);
    return sq__exec_done(c, st);
}

static int sq_key_touch(struct store_conn *sc, int64_t key_id, int64_t now)
{
    return sq_exec_id_time(SQ(sc), "UPDATE api_keys SET last_used = ?2 WHERE id = ?1", key_id, now);
}

static int sq_bearer_insert(struct store_conn *sc, const unsigned char hash[32], int64_t team_id,
                            int64_t key_id, int64_t expires_at)
{
    struct sq_conn *c = SQ(sc);
    /* Expired tokens are swept as new ones arrive: the table stays the size of live ones. */
    int rc = sq_exec_id_time(c, "DELETE FROM bearer_tokens WHERE expires_at < ?1 AND ?2 = ?2",
                             expires_at - 2 * 3600 * 1000LL, 0);
    if (rc)
        return rc;
    sqlite3_stmt *st = sq__stmt(c, "INSERT INTO bearer_tokens(hash, team_id, key_id, "
                                   "expires_at) VALUES (?,?,?,?)");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, team_id);
    sqlite3_bind_int64(st, 3, key_id);
    sqlite3_bind_int64(st, 4, expires_at);
    return sq__exec_done(c, st);
}

static int sq_principal_row(struct sq_conn *c, struct arena *a, sqlite3_stmt *st,
                            struct store_principal *out)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return R_EAUTH;
    }
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return sq__err(c, rc);
    }
    memset(out, 0, sizeof(*out));
    out->team_id = sqlite3_column_int64(st, 0);
    out->user_id = sqlite3_column_int64(st, 1);
    out->key_id = sqlite3_column_int64(st, 2);
    out->team_name = sq__col_text(a, st, 3);
    out->user_name = sq__col_text(a, st, 4);
    sq__col_copy(out->user_uuid, sizeof(out->user_uuid), st, 5);
    out->user_status = sqlite3_column_int(st, 6);
    sqlite3_reset(st);
    return out->team_name && out->user_name ? 0 : R_ENOMEM;
}

static int sq_bearer_lookup(struct store_conn *sc, struct arena *a, const unsigned char hash[32],
                            int64_t now, struct store_principal *out)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(
        c, "SELECT t.id, u.id, k.id, t.name, u.name, u.uuid, u.status FROM bearer_tokens b "
           "JOIN api_keys k ON k.id = b.key_id JOIN users u ON u.id = k.user_id "
           "JOIN teams t ON t.id = b.team_id WHERE b.hash = ?1 AND b.expires_at > ?2 "
           "AND k.deleted_at = 0 AND (k.expires_at = 0 OR k.expires_at > ?2) "
           "AND u.deleted_at = 0");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, now);
    return sq_principal_row(c, a, st, out);
}

static int sq_api_token_insert(struct store_conn *sc, const unsigned char hash[32], int64_t team_id,
                               int64_t user_id, int64_t now)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st = sq__stmt(c, "INSERT INTO api_tokens(hash, team_id, user_id, created) "
                                   "VALUES (?,?,?,?)");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, team_id);
    sqlite3_bind_int64(st, 3, user_id);
    sqlite3_bind_int64(st, 4, now);
    return sq__exec_done(c, st);
}

static int sq_api_token_lookup(struct store_conn *sc, struct arena *a, const unsigned char hash[32],
                               struct store_principal *out)
{
    struct sq_conn *c = SQ(sc);
    sqlite3_stmt *st =
        sq__stmt(c, "SELECT t.id, u.id, 0, t.name, u.name, u.uuid, u.status FROM api_tokens x "
                    "JOIN users u ON u.id = x.user_id JOIN teams t ON t.id = x.team_id "
                    "WHERE x.hash = ?1 AND u.deleted_at = 0");
    if (!st)
        return R_ESTORE;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_TRANSIENT);
    return sq_principal_row(c, a, st, out);
}

/* ---- open / close / migrate ---- */

static void sq_close(struct store_conn *sc)
{
    struct sq_conn *c = SQ(sc);
    if (!c)
        return;
    for (unsigned i = 0; i < STMT_CACHE; i++) {
        if (c->cache[i].stmt)
            sqlite3_finalize(c->cache[i].stmt);
        free(c->cache[i].sql);
    }
    sqlite3_close(c->db);
    sodium_memzero(c->seal_key, sizeof(c->seal_key));
    free(c);
}

int store_sqlite_schema_version(void)
{
    return (int)(sizeof(store_sqlite_migrations) / sizeof(store_sqlite_migrations[0]));
}

static int sq_migrate(struct sq_conn *c)
{
    int rc = sq_exec_sql(c, "BEGIN IMMEDIATE");
    if (rc)
        return rc;
    sqlite3_stmt *st = NULL;
    int version = 0;
    if (sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    int n = store_sqlite_schema_version();
    if (version > n) {
        fprintf(stderr, "roster: store schema version %d is newer than this build (%d)\n", version,
                n);
        sq_exec_sql(c, "ROLLBACK");
        return R_ESTORE;
    }
    for (int i = version; i < n; i++) {
        if ((rc = sq_exec_sql(c, store_sqlite_migrations[i])))
            goto fail;
        char pragma[64];
        snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", i + 1);
        if ((rc = sq_exec_sql(c, pragma)))
            goto fail;
    }
    return sq_exec_sql(c, "COMMIT");
fail:
    sq_exec_sql(c, "ROLLBACK");
    return rc;
}

/* ---- sealed secrets ---- */

/* roster_unseal(public id, blob): the secret sealed for that row, NULL for a NULL blob, an
 * error when it does not open (sq_seal_setup checked the key against the store). */
static void sq_fn_unseal(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    struct sq_conn *c = sqlite3_user_data(ctx);
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    unsigned char plain[SQ_SECRET_MAX];
    size_t n;
    const char *ad = (const char *)sqlite3_value_text(argv[0]);
    const unsigned char *blob = sqlite3_value_blob(argv[1]);
    size_t bn = (size_t)sqlite3_value_bytes(argv[1]);
    if (!ad || !blob || store_unseal(c->seal_key, ad, blob, bn, plain, sizeof(plain), &n) != 0) {
        sqlite3_result_error(ctx, "a sealed secret does not open with this store's key", -1);
        return;
    }
    sqlite3_result_text(ctx, (const char *)plain, (int)n, SQLITE_TRANSIENT);
    sodium_memzero(plain, sizeof(plain));
}

/* The key that seals enrollment token secrets: PATH.key beside the database, made by the first
 * open (roster init or serve, whichever comes first). A store that holds sealed secrets never
 * gets a new key: a missing or foreign key stops the open instead of leaving tokens that no
 * longer open. */
static int sq_seal_setup(struct sq_conn *c, const char *path)
{
    if (!*path || strcmp(path, ":memory:") == 0) {
        randombytes_buf(c->seal_key, sizeof(c->seal_key)); /* lives and dies with the database */
        return 0;
    }
    char kpath[4096];
    int n = snprintf(kpath, sizeof(kpath), "%s.key", path);
    if (n < 0 || (size_t)n >= sizeof(kpath))
        return R_EINVAL;
    /* the newest sealed secret, to try the key on */
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(c->db,
                                "SELECT uuid, secret_box FROM enrollment_tokens WHERE secret_box "
                                "IS NOT NULL ORDER BY id DESC LIMIT 1",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return sq__err(c, rc);
    bool sealed = sqlite3_step(st) == SQLITE_ROW, created;
    rc = store_seal_key_load(kpath, !sealed, c->seal_key, &created);
    if (rc == R_ENOTFOUND)
        fprintf(stderr,
                "roster: key file %s is missing and this store's enrollment tokens are sealed "
                "with it: put it back beside the database\n",
                kpath);
    if (!rc && sealed) {
        unsigned char plain[SQ_SECRET_MAX];
        size_t pn;
        const char *ad = (const char *)sqlite3_column_text(st, 0);
        const unsigned char *blob = sqlite3_column_blob(st, 1);
        size_t bn = (size_t)sqlite3_column_bytes(st, 1);
        if (!ad || !blob || store_unseal(c->seal_key, ad, blob, bn, plain, sizeof(plain), &pn)) {
            fprintf(stderr,
                    "roster: key file %s does not open this store's enrollment tokens (the key "
                    "of another store?)\n",
                    kpath);
            rc = R_EINVAL;
        }
        sodium_memzero(plain, sizeof(plain));
    }
    sqlite3_finalize(st);
    if (!rc && sqlite3_create_function(c->db, "roster_unseal", 2, SQLITE_UTF8, c, sq_fn_unseal,
                                       NULL, NULL) != SQLITE_OK)
        rc = R_ESTORE;
    return rc ? R_ESTORE : 0;
}

/* roster_fold(x): util/fold.h as an SQL function, so the statements that write a text also
 * write its folded copy, and migration 4 fills them. NULL stays NULL; a text that cannot be
 * folded (not UTF-8: no write path lets one in) is kept as it is rather than failing a write
 * or the migration. */
static void sq_fold_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    int n = sqlite3_value_bytes(argv[0]);
    if (!s) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    char *f;
    size_t fn;
    int rc = fold_alloc((struct slice){s, (size_t)n}, &f, &fn);
    if (rc == R_EINVAL)
        sqlite3_result_value(ctx, argv[0]);
    else if (rc)
        sqlite3_result_error_nomem(ctx);
    else
        sqlite3_result_text(ctx, f, (int)fn, free);
}

int store_sqlite_open(const char *path, struct store_conn **out)
{
    struct sq_conn *c = calloc(1, sizeof(*c));
    if (!c)
        return R_ENOMEM;
    c->base.ops = &sq_ops;
    c->base.project = &store_sqlite_project_ops;
    c->base.okta = &store_sqlite_okta_ops;
    int rc = sqlite3_open_v2(
        path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        fprintf(stderr, "roster: cannot open %s: %s\n", path, c->db ? sqlite3_errmsg(c->db) : "?");
        rc = R_ESTORE;
        goto fail;
    }
    sqlite3_busy_timeout(c->db, 10000);
    if (sqlite3_create_function(c->db, "roster_fold", 1,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                sq_fold_fn, NULL, NULL) != SQLITE_OK) {
        rc = R_ESTORE;
        goto fail;
    }
    if ((rc = sq_exec_sql(c, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                             "PRAGMA foreign_keys=ON; PRAGMA secure_delete=OFF")))
        goto fail;
    if ((rc = sq_migrate(c)) || (rc = sq_seal_setup(c, path)))
        goto fail;
    *out = &c->base;
    return 0;
fail:
    sq_close(&c->base);
    return rc;
}

static const struct store_ops sq_ops = {
    .name = "sqlite",
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .team_get = sq_team_get,
    .team_get_by_id = sq_team_get_by_id,
    .team_insert = sq_team_insert,
    .team_counter_next = sq_team_counter_next,
    .user_insert = sq_user_insert,
    .user_get_by_name = sq_user_get_by_name,
    .user_get_by_uuid = sq_user_get_by_uuid,
    .user_update_status = sq_user_update_status,
    .user_list = sq_user_list,
    .group_insert = sq_group_insert,
    .group_get_by_name = sq_group_get_by_name,
    .group_get_by_uuid = sq_group_get_by_uuid,
    .group_get_builtin = sq_group_get_builtin,
    .group_update_roles = sq_group_update_roles,
    .group_delete = sq_group_delete,
    .group_list = sq_group_list,
    .member_add = sq_member_add,
    .member_remove = sq_member_remove,
    .member_remove_user = sq_member_remove_user,
    .builtin_count_add = sq_builtin_count_add,
    .principal_roles = sq_principal_roles,
    .key_insert = sq_key_insert,
    .key_get = sq_key_get,
    .key_list = sq_key_list,
    .key_delete = sq_key_delete,
    .key_expire_others = sq_key_expire_others,
    .key_touch = sq_key_touch,
    .bearer_insert = sq_bearer_insert,
    .bearer_lookup = sq_bearer_lookup,
    .api_token_insert = sq_api_token_insert,
    .api_token_lookup = sq_api_token_lookup,
};

/* ---- query plans ---- */

/* True when an EXPLAIN QUERY PLAN detail line means work that grows with the table rather
 * than with the page: a full scan, or sorting a whole result for ORDER BY. */
static bool plan_line_unbounded(const char *d)
{
    if (strncmp(d, "SCAN ", 5) == 0 && !strstr(d, " USING "))
        return true;
    return strstr(d, "USE TEMP B-TREE FOR ORDER BY") != NULL ||
           strstr(d, "USE TEMP B-TREE FOR RIGHT PART OF ORDER BY") != NULL;
}

/* The EXPLAIN QUERY PLAN statement of sql (finalized by the caller), or NULL. */
static sqlite3_stmt *plan_prepare(struct sq_conn *c, const char *sql)
{
    char *q = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
    sqlite3_stmt *st = NULL;
    if (q && sqlite3_prepare_v2(c->db, q, -1, &st, NULL) != SQLITE_OK)
        st = NULL;
    sqlite3_free(q);
    return st;
}

/* How many plan lines of sql read through index; with report, appends the lines to it at
 * *used. -1 on error. */
static int plan_lines_naming(struct sq_conn *c, const char *sql, const char *index, char *report,
                             size_t cap, size_t *used)
{
    sqlite3_stmt *st = plan_prepare(c, sql);
    if (!st)
        return -1;
    int naming = 0;
    size_t n = strlen(index);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *d = (const char *)sqlite3_column_text(st, 3);
        if (!d)
            continue;
        /* "… USING INDEX name (…)" or "… USING COVERING INDEX name (…)" */
        const char *at = strstr(d, " INDEX ");
        if (at && strncmp(at + 7, index, n) == 0 && (at[7 + n] == ' ' || at[7 + n] == 0))
            naming++;
        if (report && *used < cap) {
            int k = snprintf(report + *used, cap - *used, "  plan: %s\n", d);
            *used += k > 0 ? (size_t)k : 0;
        }
    }
    sqlite3_finalize(st);
    return naming;
}

int store_sqlite_plan_uses(struct store_conn *sc, const char *fragment, const char *index,
                           char *report, size_t cap)
{
    struct sq_conn *c = SQ(sc);
    int seen = 0, missing = 0;
    size_t used = 0;
    if (cap)
        report[0] = 0;
    for (unsigned i = 0; i < STMT_CACHE; i++) {
        const char *sql = c->cache[i].sql;
        if (!sql || strncmp(sql, "SELECT", 6) != 0 || !strstr(sql, fragment))
            continue;
        seen++;
        int naming = plan_lines_naming(c, sql, index, NULL, 0, NULL);
        if (naming < 0)
            return -1;
        if (naming > 0)
            continue;
        missing++;
        if (used < cap) {
            int k = snprintf(report + used, cap - used, "%s\n", sql);
            used += k > 0 ? (size_t)k : 0;
        }
        plan_lines_naming(c, sql, index, report, cap, &used);
    }
    return seen ? missing : -1;
}

int store_sqlite_plan_check(struct store_conn *sc, const char *const *allowed, size_t nallowed,
                            char *report, size_t cap)
{
    struct sq_conn *c = SQ(sc);
    int flagged = 0;
    size_t used = 0;
    if (cap)
        report[0] = 0;
    for (unsigned i = 0; i < STMT_CACHE; i++) {
        const char *sql = c->cache[i].sql;
        if (!sql || strncmp(sql, "SELECT", 6) != 0)
            continue;
        bool ok_listed = false;
        for (size_t k = 0; k < nallowed; k++)
            if (strstr(sql, allowed[k]))
                ok_listed = true;
        sqlite3_stmt *st = plan_prepare(c, sql);
        if (!st)
            return -1;
        bool dump = getenv("ROSTER_PLAN_DUMP") != NULL;
        if (dump)
            fprintf(stderr, "%s\n", sql);
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *d = (const char *)sqlite3_column_text(st, 3);
            if (dump && d)
                fprintf(stderr, "    %s\n", d);
            if (!d || !plan_line_unbounded(d) || ok_listed)
                continue;
            flagged++;
            if (used < cap) {
                int n = snprintf(report + used, cap - used, "%s\n  plan: %s\n", sql, d);
                used += n > 0 ? (size_t)n : 0;
            }
        }
        sqlite3_finalize(st);
    }
    return flagged;
}
