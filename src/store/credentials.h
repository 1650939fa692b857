/* Store interface of credentials: service-user API keys, bearer and API tokens (hashes
 * only), server enrollment tokens (sealed), and the principal a credential resolves to. */
#ifndef ROSTER_STORE_CREDENTIALS_H
#define ROSTER_STORE_CREDENTIALS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/query.h"
#include "util/arena.h"

struct store_conn;

struct store_key {
    int64_t id, team_id, user_id;
    char uuid[37];
    unsigned char secret_hash[32];
    int64_t issued_at, expires_at, last_used, deleted_at;
};

/* Who is calling: resolved from a credential on every request. */
struct store_principal {
    int64_t team_id, user_id, key_id;
    const char *team_name;
    const char *user_name;
    char user_uuid[37];
    int user_status;
};

struct store_enroll_token {
    int64_t id, project_id;
    char uuid[37];
    const char *description;
    const char *created_by; /* the creator's ASA user name */
    const char *server_url; /* the base URL the token points servers at */
    /* Random, part of the token so that its id and URL alone do not make it; re-shown, so
     * engines keep it sealed (store/seal.h). NULL for tokens made before secrets existed. */
    const char *secret;
    int64_t issued_at;
};

struct store_credential_ops {
    int (*key_insert)(struct store_conn *c, struct store_key *k); /* sets id */
    int (*key_get)(struct store_conn *c, int64_t team_id, const char *uuid, struct store_key *out);
    int (*key_list)(struct store_conn *c, struct arena *a, int64_t user_id, struct store_key **out,
                    size_t *n);
    int (*key_delete)(struct store_conn *c, int64_t key_id, int64_t now);
    /* Sets expires_at on the user's other live keys that have none (key rotation). */
    int (*key_expire_others)(struct store_conn *c, int64_t user_id, int64_t keep_key_id,
                             int64_t expires_at);
    int (*key_touch)(struct store_conn *c, int64_t key_id, int64_t now);

    int (*bearer_insert)(struct store_conn *c, const unsigned char hash[32], int64_t team_id,
                         int64_t key_id, int64_t expires_at);
    /* Resolves a bearer token: live, unexpired, its key live and unexpired, its user not
     * deleted. R_EAUTH otherwise. */
    int (*bearer_lookup)(struct store_conn *c, struct arena *a, const unsigned char hash[32],
                         int64_t now, struct store_principal *out);
    int (*api_token_insert)(struct store_conn *c, const unsigned char hash[32], int64_t team_id,
                            int64_t user_id, int64_t now);
    int (*api_token_lookup)(struct store_conn *c, struct arena *a, const unsigned char hash[32],
                            struct store_principal *out);

    /* Server enrollment tokens of a project. */
    int (*enroll_insert)(struct store_conn *c, struct store_enroll_token *t); /* sets id */
    int (*enroll_get)(struct store_conn *c, struct arena *a, int64_t project_id, const char *uuid,
                      struct store_enroll_token *out);
    int (*enroll_delete)(struct store_conn *c, int64_t token_id);
    /* Page in creation order (the row id): pg->after_name only marks that a cursor is
     * given; after_id is the cursor token's row id. */
    int (*enroll_list)(struct store_conn *c, struct arena *a, int64_t project_id,
                       const struct store_page *pg, int64_t after_id,
                       struct store_enroll_token **out, size_t *n);
};

#endif
