/* core: the domain. Teams, users, groups, memberships, roles, credentials and paging
 * rules of DESIGN.md §2/§4 live here; no JSON, no HTTP, no SQL. */
#ifndef ROSTER_CORE_H
#define ROSTER_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/slice.h"

/* What every core call works with: the calling thread's store connection and the arena
 * that holds results (the caller owns and frees it). */
struct core_ctx {
    struct store_conn *st;
    struct arena *a;
};

/* ---- ids, time, secrets (ids.c) ---- */

int64_t core_now_ms(void);
void core_uuid(char out[37]);
/* Okta-style id: 3-character prefix ("00g", "00u", "0oa"), a time-ordered part, randomness. */
void core_okta_id(const char *prefix, char out[21]);
/* "2026-11-23T12:00:00.123Z"; out must hold 32 bytes. */
void core_format_time(int64_t ms, char out[32]);
bool core_uuid_valid(struct slice s);
/* Lower-cases a valid UUID in place: stored ids are lower case, clients may send either. */
void core_uuid_lower(char *s);
/* Random secret of n bytes, base64 (url-safe without padding when urlsafe). */
char *core_random_secret(struct arena *a, size_t nbytes, bool urlsafe);
void core_hash_secret(const char *secret, size_t n, unsigned char out[32]);

/* ---- names and roles (names.c) ---- */

/* ASA names of groups, projects and service users: ^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$ */
bool core_asa_name_valid(struct slice s);
/* Names of the built-in group (everyone / Everyone, in any ASCII case): no other group may
 * take one (R_ERESERVED). */
bool core_group_name_reserved(struct slice s);
/* Human ASA user names: [A-Za-z0-9._-], 1..255, may start with any of them except '-'. */
bool core_user_name_valid(struct slice s);
/* Team names: ^[a-z0-9][a-z0-9-]{0,62}$ */
bool core_team_name_valid(struct slice s);
/* ASA role name → bit; 0 when unknown. */
unsigned core_role_from_name(struct slice s);
/* Role names in the seeds' order, for rendering: returns count written into names. */
size_t core_role_names(unsigned roles, const char *names[3]);

enum core_asa_status { CORE_ASA_ACTIVE = 0, CORE_ASA_DISABLED, CORE_ASA_DELETED };
/* Sets of ASA statuses (status filters): bit (1u << enum core_asa_status). */
#define CORE_ASA_ACTIVE_BIT (1u << CORE_ASA_ACTIVE)
#define CORE_ASA_DISABLED_BIT (1u << CORE_ASA_DISABLED)
#define CORE_ASA_DELETED_BIT (1u << CORE_ASA_DELETED)
enum core_asa_status core_user_asa_status(const struct store_user *u);
const char *core_asa_status_name(enum core_asa_status s);
/* "ACTIVE"/"DISABLED"/"DELETED" → CORE_ASA_*_BIT; 0 when unknown. */
unsigned core_asa_status_bit(struct slice s);

/* ---- paging (page.c) ---- */

#define CORE_PAGE_DEFAULT 100
#define CORE_PAGE_MAX 1000

struct core_page_req {
    const char *cursor; /* uuid of the last object of the previous page (ASA "offset") */
    bool prev;
    bool descending;
    unsigned count; /* already clamped by the dialect */
};

struct core_page_info {
    bool has_next, has_prev;
    const char *first_uuid, *last_uuid; /* of the returned page; NULL when empty */
};

/* ---- principals and authorization (auth.c) ---- */

struct core_principal {
    struct store_principal p;
    unsigned roles;
};

/* Exchanges an API key for a bearer token (1 h). R_EAUTH on bad credentials. */
int core_token_issue(struct core_ctx *cx, const char *team_name, const char *key_id,
                     struct slice key_secret, char **token, int64_t *expires_at);
/* Resolves "Bearer <token>" for team_name; R_EAUTH when invalid, expired, its key or user
 * gone, or bound to another team. */
int core_auth_bearer(struct core_ctx *cx, const char *team_name, struct slice token,
                     struct core_principal *out);
int core_auth_ssws(struct core_ctx *cx, struct slice token, struct core_principal *out);
/* R_EFORBIDDEN unless the principal holds one of the roles in need_any. */
int core_require(const struct core_principal *p, unsigned need_any);

/* ---- teams (team.c) ---- */

int core_team_get(struct core_ctx *cx, const char *name, struct store_team *out);
/* Creates the team with its `everyone` and `owners` groups; R_EEXIST if it exists. */
int core_team_create(struct core_ctx *cx, const char *name, struct store_team *out);

struct core_bootstrap {
    const char *team;
    char key_id[37];
    const char *key_secret;
    const char *api_token;
};
/* roster init: team (created when missing), admin service user in owners, a new API key
 * and a new Okta API token. */
int core_bootstrap(struct core_ctx *cx, const char *team_name, struct core_bootstrap *out);
/* Mints another Okta API token for an existing user. */
int core_api_token_create(struct core_ctx *cx, const char *team_name, const char *user_name,
                          const char **token);

/* ---- groups (group.c) ---- */

int core_group_create(struct core_ctx *cx, const struct store_team *t, struct slice name,
                      unsigned roles, struct store_group *out);
int core_group_get(struct core_ctx *cx, const struct store_team *t, const char *name,
                   struct store_group *out);
/* PUT/PATCH groups/{name}: sets the roles. sent_name is the name the client sent back, or
 * NULL: ASA group names cannot change, so another one is R_EINVAL. */
int core_group_set_roles(struct core_ctx *cx, const struct store_team *t, const char *name,
                         const char *sent_name, unsigned roles);
int core_group_delete(struct core_ctx *cx, const struct store_team *t, const char *name);

struct core_group_query {
    const char *contains;
    const char *const *ids;
    size_t nids;
    const char *const *ignore;
    size_t nignore;
    int deleted; /* 0 live, 1 include deleted, 2 only deleted */
};
int core_group_list(struct core_ctx *cx, const struct store_team *t,
                    const struct core_group_query *q, const struct core_page_req *pr,
                    struct store_group **rows, size_t *n, struct core_page_info *info);
/* Groups the user belongs to (explicitly, plus the built-in group), by name. */
int core_user_groups(struct core_ctx *cx, const struct store_team *t, const char *user_name,
                     const char *contains, const struct core_page_req *pr,
                     struct store_group **rows, size_t *n, struct core_page_info *info);

/* ---- memberships ---- */

int core_member_add(struct core_ctx *cx, const struct store_team *t, const char *group,
                    const char *user);
int core_member_remove(struct core_ctx *cx, const struct store_team *t, const char *group,
                       const char *user);

struct core_user_query {
    const char *contains;
    const char *starts_with;
    unsigned type_mask;   /* bits of (1 << enum store_user_type); 0 = any */
    unsigned status_mask; /* CORE_ASA_*_BIT; 0 = live users */
};
/* Members of a group (the built-in group lists every user of the team). */
int core_group_users(struct core_ctx *cx, const struct store_team *t, const char *group,
                     const struct core_user_query *q, const struct core_page_req *pr,
                     struct store_user **rows, size_t *n, struct core_page_info *info);
int core_users_not_in_group(struct core_ctx *cx, const struct store_team *t, const char *group,
                            const struct core_user_query *q, const struct core_page_req *pr,
                            struct store_user **rows, size_t *n, struct core_page_info *info);

/* ---- users (user.c) ---- */

struct core_user_new {
    const char *name; /* ASA name */
    const char *login;
    const char *email, *first_name, *last_name, *display_name;
    int user_type;
    int status;
};
int core_user_create(struct core_ctx *cx, const struct store_team *t,
                     const struct core_user_new *nu, struct store_user *out);
/* The user's full name into out: the display name, else "first last" (either may be
 * missing). false when there is none (rendered as null). */
bool core_user_full_name(const struct store_user *u, struct buf *out);
int core_user_get(struct core_ctx *cx, const struct store_team *t, const char *name,
                  struct store_user *out);
int core_user_get_by_uuid(struct core_ctx *cx, const struct store_team *t, const char *uuid,
                          struct store_user *out);
int core_user_list(struct core_ctx *cx, const struct store_team *t, const struct core_user_query *q,
                   const struct core_page_req *pr, struct store_user **rows, size_t *n,
                   struct core_page_info *info);
/* ASA status change (PUT users/{u}, service_users/{u}): DISABLED → SUSPENDED, ACTIVE →
 * ACTIVE, DELETED → soft delete. A principal cannot disable or delete itself. */
int core_user_set_asa_status(struct core_ctx *cx, const struct store_team *t,
                             const struct core_principal *by, const char *name,
                             enum core_asa_status status, int want_type, struct store_user *out);

/* ---- service users and keys ---- */

int core_key_create(struct core_ctx *cx, const struct store_team *t, const char *user_name,
                    struct store_key *out, const char **secret);
int core_key_list(struct core_ctx *cx, const struct store_team *t, const char *user_name,
                  struct store_key **rows, size_t *n);
int core_key_delete(struct core_ctx *cx, const struct store_team *t, const char *user_name,
                    const char *key_uuid);

#endif
