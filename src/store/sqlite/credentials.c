/* The SQLite engine's credentials (store/credentials.h): API keys, bearer and API tokens,
 * sealed enrollment tokens. */
#include <sqlite3.h>
#include <string.h>

#include "store/sqlite/internal.h"
#include "util/err.h"

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
    return sq__one_by(c, NULL,
                      "SELECT " KEY_COLS " FROM api_keys WHERE uuid = ? AND "
                      "team_id = ? AND deleted_at = 0",
                      uuid, team_id, sq_key_read, out);
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

static int sq_key_delete(struct store_conn *sc, int64_t key_id, int64_t now)
{
    struct sq_conn *c = SQ(sc);
    int rc = sq__exec2(c, "UPDATE api_keys SET deleted_at = ?2 WHERE id = ?1", key_id, now);
    if (rc)
        return rc;
    /* Tokens of a deleted key die with it. */
    return sq__exec2(c, "DELETE FROM bearer_tokens WHERE key_id = ?1 AND ?2 = ?2", key_id, now);
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
    return sq__exec2(SQ(sc), "UPDATE api_keys SET last_used = ?2 WHERE id = ?1", key_id, now);
}

static int sq_bearer_insert(struct store_conn *sc, const unsigned char hash[32], int64_t team_id,
                            int64_t key_id, int64_t expires_at)
{
    struct sq_conn *c = SQ(sc);
    /* Expired tokens are swept as new ones arrive: the table stays the size of live ones. */
    int rc = sq__exec2(c, "DELETE FROM bearer_tokens WHERE expires_at < ?1 AND ?2 = ?2",
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

#define TOKEN_COLS                                                                                 \
    "t.id, t.project_id, t.uuid, t.description, t.created_by, t.server_url, t.issued_at, "         \
    "roster_unseal(t.uuid, t.secret_box)"

static int sq_token_read(struct arena *a, sqlite3_stmt *st, void *row)
{
    struct store_enroll_token *t = row;
    memset(t, 0, sizeof(*t));
    t->id = sqlite3_column_int64(st, 0);
    t->project_id = sqlite3_column_int64(st, 1);
    sq__col_copy(t->uuid, sizeof(t->uuid), st, 2);
    t->description = sq__col_text(a, st, 3);
    t->created_by = sq__col_text(a, st, 4);
    t->server_url = sq__col_text(a, st, 5);
    t->issued_at = sqlite3_column_int64(st, 6);
    t->secret = sq__col_text(a, st, 7);
    return t->server_url && (t->secret || sqlite3_column_type(st, 7) == SQLITE_NULL) ? 0 : R_ENOMEM;
}

static int sq_token_insert(struct store_conn *sc, struct store_enroll_token *t)
{
    struct sq_conn *c = SQ(sc);
    unsigned char box[SQ_SECRET_MAX + STORE_SEAL_OVERHEAD];
    size_t boxn = 0;
    if (t->secret &&
        store_seal(c->seal_key, t->uuid, t->secret, strlen(t->secret), box, sizeof(box), &boxn))
        return R_EINVAL;
    sqlite3_stmt *st = sq__stmt(c, "INSERT INTO enrollment_tokens(project_id, uuid, "
                                   "description, created_by, server_url, issued_at, secret_box) "
                                   "VALUES (?,?,?,?,?,?,?)");
    if (!st)
        return R_ESTORE;
    if (t->secret)
        sqlite3_bind_blob(st, 7, box, (int)boxn, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 1, t->project_id);
    sq__bind_text(st, 2, t->uuid);
    sq__bind_text(st, 3, t->description);
    sq__bind_text(st, 4, t->created_by);
    sq__bind_text(st, 5, t->server_url);
    sqlite3_bind_int64(st, 6, t->issued_at);
    int rc = sq__exec_done(c, st);
    if (!rc)
        t->id = sqlite3_last_insert_rowid(c->db);
    return rc;
}

static int sq_token_get(struct store_conn *sc, struct arena *a, int64_t project_id,
                        const char *uuid, struct store_enroll_token *out)
{
    struct sq_conn *c = SQ(sc);
    return sq__one_by(c, a,
                      "SELECT " TOKEN_COLS " FROM enrollment_tokens t WHERE "
                      "t.uuid = ? AND t.project_id = ?",
                      uuid, project_id, sq_token_read, out);
}

static int sq_token_delete(struct store_conn *sc, int64_t token_id)
{
    return sq__exec2(SQ(sc), "DELETE FROM enrollment_tokens WHERE id = ?1 AND ?2 = ?2", token_id,
                     0);
}

static int sq_token_list(struct store_conn *sc, struct arena *a, int64_t project_id,
                         const struct store_page *pg, int64_t after_id,
                         struct store_enroll_token **out, size_t *n)
{
    struct sq_conn *c = SQ(sc);
    bool asc = pg->descending == pg->backward;
    /* Row ids grow with creation: the keyset is the row id alone. */
    static const char *const sql[2][2] = {
        {"SELECT " TOKEN_COLS " FROM enrollment_tokens t WHERE t.project_id = ?1 "
         "ORDER BY t.id DESC LIMIT ?3",
         "SELECT " TOKEN_COLS " FROM enrollment_tokens t WHERE t.project_id = ?1 "
         "ORDER BY t.id ASC LIMIT ?3"},
        {"SELECT " TOKEN_COLS " FROM enrollment_tokens t WHERE t.project_id = ?1 AND "
         "t.id < ?2 ORDER BY t.id DESC LIMIT ?3",
         "SELECT " TOKEN_COLS " FROM enrollment_tokens t WHERE t.project_id = ?1 AND "
         "t.id > ?2 ORDER BY t.id ASC LIMIT ?3"},
    };
    sqlite3_stmt *st = sq__stmt(c, sql[pg->after_name != NULL][asc]);
    if (!st)
        return R_ESTORE;
    sqlite3_bind_int64(st, 1, project_id);
    if (pg->after_name)
        sqlite3_bind_int64(st, 2, after_id);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)pg->limit + 1);
    return sq__rows(c, a, st, pg->limit, pg->backward, sizeof(**out), sq_token_read, (void **)out,
                    n);
}

const struct store_credential_ops store_sqlite_credentials = {
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
    .enroll_insert = sq_token_insert,
    .enroll_get = sq_token_get,
    .enroll_delete = sq_token_delete,
    .enroll_list = sq_token_list,
};
