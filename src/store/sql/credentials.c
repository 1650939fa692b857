/* The store's credentials (store/credentials.h): API keys, bearer and API tokens,
 * sealed enrollment tokens. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "store/sql/internal.h"
#include "util/err.h"

static int sql_key_read(struct arena *a, struct sql_stmt *st, void *row)
{
    (void)a;
    struct store_key *k = row;
    memset(k, 0, sizeof(*k));
    k->id = sql_col_int(st, 0);
    k->team_id = sql_col_int(st, 1);
    k->user_id = sql_col_int(st, 2);
    sql__col_copy(k->uuid, sizeof(k->uuid), st, 3);
    size_t hn;
    const void *h = sql_col_blob(st, 4, &hn);
    if (h && hn == 32)
        memcpy(k->secret_hash, h, 32);
    k->issued_at = sql_col_int(st, 5);
    k->expires_at = sql_col_int(st, 6);
    k->last_used = sql_col_int(st, 7);
    k->deleted_at = sql_col_int(st, 8);
    return 0;
}

#define KEY_COLS                                                                                   \
    "id, team_id, user_id, uuid, secret_hash, issued_at, expires_at, last_used, deleted_at"

static int sql_key_insert(struct store_conn *sc, struct store_key *k)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(c, "INSERT INTO api_keys(team_id, user_id, uuid, secret_hash, "
                                       "issued_at, expires_at) VALUES (?,?,?,?,?,?) RETURNING id");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, k->team_id);
    sql_bind_int(st, 2, k->user_id);
    sql_bind_str(st, 3, k->uuid);
    sql_bind_blob(st, 4, k->secret_hash, (size_t)32);
    sql_bind_int(st, 5, k->issued_at);
    sql_bind_int(st, 6, k->expires_at);
    return sql__insert_id(c, st, &k->id);
}

static int sql_key_get(struct store_conn *sc, int64_t team_id, const char *uuid,
                       struct store_key *out)
{
    struct sql_conn *c = SQLC(sc);
    return sql__one_by(c, NULL,
                       "SELECT " KEY_COLS " FROM api_keys WHERE uuid = ? AND "
                       "team_id = ? AND deleted_at = 0",
                       uuid, team_id, sql_key_read, out);
}

static int sql_key_list(struct store_conn *sc, struct arena *a, int64_t user_id,
                        struct store_key **out, size_t *n)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(c, "SELECT " KEY_COLS " FROM api_keys WHERE user_id = ? AND "
                                       "deleted_at = 0 ORDER BY issued_at, id LIMIT 1000");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, user_id);
    return sql__rows(c, a, st, 999, false, sizeof(**out), sql_key_read, (void **)out, n);
}

static int sql_key_delete(struct store_conn *sc, int64_t key_id, int64_t now)
{
    struct sql_conn *c = SQLC(sc);
    int rc = sql__exec2(c, "UPDATE api_keys SET deleted_at = ?2 WHERE id = ?1", key_id, now);
    if (rc)
        return rc;
    /* Tokens of a deleted key die with it. */
    return sql__exec2(c, "DELETE FROM bearer_tokens WHERE key_id = ?1", key_id, now);
}

static int sql_key_expire_others(struct store_conn *sc, int64_t user_id, int64_t keep_key_id,
                                 int64_t expires_at)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(c, "UPDATE api_keys SET expires_at = ? WHERE user_id = ? AND "
                                       "id <> ? AND deleted_at = 0 AND expires_at = 0");
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, expires_at);
    sql_bind_int(st, 2, user_id);
    sql_bind_int(st, 3, keep_key_id);
    return sql__exec_done(c, st);
}

static int sql_key_touch(struct store_conn *sc, int64_t key_id, int64_t now)
{
    return sql__exec2(SQLC(sc), "UPDATE api_keys SET last_used = ?2 WHERE id = ?1", key_id, now);
}

static int sql_bearer_insert(struct store_conn *sc, const unsigned char hash[32], int64_t team_id,
                             int64_t key_id, int64_t expires_at)
{
    struct sql_conn *c = SQLC(sc);
    /* Expired tokens are swept as new ones arrive: the table stays the size of live ones. */
    int rc = sql__exec2(c, "DELETE FROM bearer_tokens WHERE expires_at < ?1",
                        expires_at - 2 * 3600 * 1000LL, 0);
    if (rc)
        return rc;
    struct sql_stmt *st = sql__stmt(c, "INSERT INTO bearer_tokens(hash, team_id, key_id, "
                                       "expires_at) VALUES (?,?,?,?)");
    if (!st)
        return R_ESTORE;
    sql_bind_blob(st, 1, hash, (size_t)32);
    sql_bind_int(st, 2, team_id);
    sql_bind_int(st, 3, key_id);
    sql_bind_int(st, 4, expires_at);
    return sql__exec_done(c, st);
}

static int sql_principal_row(struct sql_conn *c, struct arena *a, struct sql_stmt *st,
                             struct store_principal *out)
{
    int rc = sql_step(c, st);
    if (rc == SQL_DONE) {
        sql_reset(st);
        return R_EAUTH;
    }
    if (rc != SQL_ROW) {
        sql_reset(st);
        return sql__fail(rc);
    }
    memset(out, 0, sizeof(*out));
    out->team_id = sql_col_int(st, 0);
    out->user_id = sql_col_int(st, 1);
    out->key_id = sql_col_int(st, 2);
    out->team_name = sql__col_text(a, st, 3);
    out->user_name = sql__col_text(a, st, 4);
    sql__col_copy(out->user_uuid, sizeof(out->user_uuid), st, 5);
    out->user_status = (int)sql_col_int(st, 6);
    sql_reset(st);
    return out->team_name && out->user_name ? 0 : R_ENOMEM;
}

static int sql_bearer_lookup(struct store_conn *sc, struct arena *a, const unsigned char hash[32],
                             int64_t now, struct store_principal *out)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(
        c, "SELECT t.id, u.id, k.id, t.name, u.name, u.uuid, u.status FROM bearer_tokens b "
           "JOIN api_keys k ON k.id = b.key_id JOIN users u ON u.id = k.user_id "
           "JOIN teams t ON t.id = b.team_id WHERE b.hash = ?1 AND b.expires_at > ?2 "
           "AND k.deleted_at = 0 AND (k.expires_at = 0 OR k.expires_at > ?2) "
           "AND u.deleted_at = 0");
    if (!st)
        return R_ESTORE;
    sql_bind_blob(st, 1, hash, (size_t)32);
    sql_bind_int(st, 2, now);
    return sql_principal_row(c, a, st, out);
}

static int sql_api_token_insert(struct store_conn *sc, const unsigned char hash[32],
                                int64_t team_id, int64_t user_id, int64_t now)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st = sql__stmt(c, "INSERT INTO api_tokens(hash, team_id, user_id, created) "
                                       "VALUES (?,?,?,?)");
    if (!st)
        return R_ESTORE;
    sql_bind_blob(st, 1, hash, (size_t)32);
    sql_bind_int(st, 2, team_id);
    sql_bind_int(st, 3, user_id);
    sql_bind_int(st, 4, now);
    return sql__exec_done(c, st);
}

static int sql_api_token_lookup(struct store_conn *sc, struct arena *a,
                                const unsigned char hash[32], struct store_principal *out)
{
    struct sql_conn *c = SQLC(sc);
    struct sql_stmt *st =
        sql__stmt(c, "SELECT t.id, u.id, 0, t.name, u.name, u.uuid, u.status FROM api_tokens x "
                     "JOIN users u ON u.id = x.user_id JOIN teams t ON t.id = x.team_id "
                     "WHERE x.hash = ?1 AND u.deleted_at = 0");
    if (!st)
        return R_ESTORE;
    sql_bind_blob(st, 1, hash, (size_t)32);
    return sql_principal_row(c, a, st, out);
}

#define TOKEN_COLS                                                                                 \
    "t.id, t.project_id, t.uuid, t.description, t.created_by, t.server_url, t.issued_at, "         \
    "t.secret_box"

static int sql_token_read(struct arena *a, struct sql_stmt *st, void *row)
{
    struct store_enroll_token *t = row;
    memset(t, 0, sizeof(*t));
    t->id = sql_col_int(st, 0);
    t->project_id = sql_col_int(st, 1);
    sql__col_copy(t->uuid, sizeof(t->uuid), st, 2);
    t->description = sql__col_text(a, st, 3);
    t->created_by = sql__col_text(a, st, 4);
    t->server_url = sql__col_text(a, st, 5);
    t->issued_at = sql_col_int(st, 6);
    if (!t->server_url)
        return R_ENOMEM;
    /* the secret, sealed for this row (store/seal.h); none for tokens made before sealing */
    size_t bn;
    const unsigned char *box = sql_col_blob(st, 7, &bn);
    if (!box)
        return 0;
    unsigned char plain[SQL_SECRET_MAX];
    size_t pn;
    if (store_unseal(st->conn->seal_key, t->uuid, box, bn, plain, sizeof(plain), &pn)) {
        fprintf(stderr,
                "roster: enrollment token %s: its sealed secret does not open with this "
                "store's key\n",
                t->uuid);
        return R_ESTORE;
    }
    t->secret = arena_strndup(a, (const char *)plain, pn);
    sodium_memzero(plain, sizeof(plain));
    return t->secret ? 0 : R_ENOMEM;
}

static int sql_token_insert(struct store_conn *sc, struct store_enroll_token *t)
{
    struct sql_conn *c = SQLC(sc);
    unsigned char box[SQL_SECRET_MAX + STORE_SEAL_OVERHEAD];
    size_t boxn = 0;
    if (t->secret &&
        store_seal(c->seal_key, t->uuid, t->secret, strlen(t->secret), box, sizeof(box), &boxn))
        return R_EINVAL;
    struct sql_stmt *st =
        sql__stmt(c, "INSERT INTO enrollment_tokens(project_id, uuid, "
                     "description, created_by, server_url, issued_at, secret_box) "
                     "VALUES (?,?,?,?,?,?,?) RETURNING id");
    if (!st)
        return R_ESTORE;
    if (t->secret)
        sql_bind_blob(st, 7, box, boxn);
    sql_bind_int(st, 1, t->project_id);
    sql_bind_str(st, 2, t->uuid);
    sql_bind_str(st, 3, t->description);
    sql_bind_str(st, 4, t->created_by);
    sql_bind_str(st, 5, t->server_url);
    sql_bind_int(st, 6, t->issued_at);
    return sql__insert_id(c, st, &t->id);
}

static int sql_token_get(struct store_conn *sc, struct arena *a, int64_t project_id,
                         const char *uuid, struct store_enroll_token *out)
{
    struct sql_conn *c = SQLC(sc);
    return sql__one_by(c, a,
                       "SELECT " TOKEN_COLS " FROM enrollment_tokens t WHERE "
                       "t.uuid = ? AND t.project_id = ?",
                       uuid, project_id, sql_token_read, out);
}

static int sql_token_delete(struct store_conn *sc, int64_t token_id)
{
    return sql__exec2(SQLC(sc), "DELETE FROM enrollment_tokens WHERE id = ?1", token_id, 0);
}

static int sql_token_list(struct store_conn *sc, struct arena *a, int64_t project_id,
                          const struct store_page *pg, int64_t after_id,
                          struct store_enroll_token **out, size_t *n)
{
    struct sql_conn *c = SQLC(sc);
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
    struct sql_stmt *st = sql__stmt(c, sql[pg->after_name != NULL][asc]);
    if (!st)
        return R_ESTORE;
    sql_bind_int(st, 1, project_id);
    if (pg->after_name)
        sql_bind_int(st, 2, after_id);
    sql_bind_int(st, 3, (int64_t)pg->limit + 1);
    return sql__rows(c, a, st, pg->limit, pg->backward, sizeof(**out), sql_token_read, (void **)out,
                     n);
}

const struct store_credential_ops store_sql_credentials = {
    .key_insert = sql_key_insert,
    .key_get = sql_key_get,
    .key_list = sql_key_list,
    .key_delete = sql_key_delete,
    .key_expire_others = sql_key_expire_others,
    .key_touch = sql_key_touch,
    .bearer_insert = sql_bearer_insert,
    .bearer_lookup = sql_bearer_lookup,
    .api_token_insert = sql_api_token_insert,
    .api_token_lookup = sql_api_token_lookup,
    .enroll_insert = sql_token_insert,
    .enroll_get = sql_token_get,
    .enroll_delete = sql_token_delete,
    .enroll_list = sql_token_list,
};
