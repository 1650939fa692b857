/* core for the Okta dialect: group profiles by Okta id, users with the Okta lifecycle and
 * passwords, apps and their group assignments. The rules of DESIGN.md §2 that only this
 * dialect reaches live here; the shared ones stay in group.c/user.c. */
#ifndef ROSTER_CORE_OKTA_H
#define ROSTER_CORE_OKTA_H

#include <stdbool.h>
#include <stddef.h>

#include "core/core.h"
#include "store/store.h"

/* ---- names (okta_group.c, okta_user.c) ---- */

/* Okta group names: 1..255 characters of the BMP (valid UTF-8 of at most 3 bytes per
 * character), no control characters. */
bool core_okta_name_valid(struct slice s);
/* The ASA user name base derived from a login's local part: [A-Za-z0-9._-] kept, other
 * bytes dropped, no leading '-', at most 64 bytes, "user" when nothing is left. */
void core_okta_asa_name_base(struct slice login, char out[65]);

/* ---- passwords (password.c) ---- */

#define CORE_PASSWORD_MIN 8
#define CORE_PASSWORD_MAX 256
/* Hashes with Argon2id (libsodium crypto_pwhash_str, 19 MiB, t=2); at most two hashes run
 * at once. The string is arena-allocated. */
int core_password_hash(struct arena *a, struct slice pw, const char **out);
bool core_password_verify(const char *hash, struct slice pw);

/* ---- user lifecycle (okta_user.c) ---- */

enum core_okta_op {
    CORE_OKTA_ACTIVATE = 1,
    CORE_OKTA_DEACTIVATE,
    CORE_OKTA_SUSPEND,
    CORE_OKTA_UNSUSPEND,
    CORE_OKTA_DELETE,
};

/* Pure transition of the Okta status model. Returns 0 with *next (and *hard for a DELETE of a
 * deprovisioned user), R_EEXIST when activating an active user, R_EFORBIDDEN when the status
 * does not allow it (deactivating a deprovisioned user), R_EINVAL for suspend/unsuspend of a
 * user that is not active/suspended. */
int core_okta_next_status(int cur, enum core_okta_op op, bool has_password, int *next, bool *hard);
const char *core_okta_status_name(int status);
/* "ACTIVE" → STORE_USER_ACTIVE …; -1 when unknown. */
int core_okta_status_from_name(struct slice s);

/* ---- groups (okta_group.c) ---- */

struct core_okta_group_in {
    struct slice name;
    const char *description;  /* NULL: none */
    const char *profile_json; /* custom attributes (JSON object text) or NULL */
};

int core_okta_group_create(struct core_ctx *cx, const struct store_team *t,
                           const struct core_okta_group_in *in, struct store_group *out);
int core_okta_group_get(struct core_ctx *cx, const struct store_team *t, const char *id,
                        struct store_group *out);
/* Full profile replacement; the built-in group → R_EFORBIDDEN; a taken name → R_EEXIST. */
int core_okta_group_replace(struct core_ctx *cx, const struct store_team *t, const char *id,
                            const struct core_okta_group_in *in, struct store_group *out);
/* Removes memberships and app assignments too; built-in and undeletable → R_EFORBIDDEN. */
int core_okta_group_delete(struct core_ctx *cx, const struct store_team *t, const char *id);
/* Groups of the team (q->team_id is set here). */
int core_okta_group_list(struct core_ctx *cx, const struct store_team *t, struct store_query *q,
                         struct store_group **rows, int64_t **apps_count, size_t *n);
int core_okta_group_apps_count(struct core_ctx *cx, const struct store_group *g, int64_t *out);
/* Membership through Okta ids; the built-in group → R_EFORBIDDEN; idempotent. */
int core_okta_member_add(struct core_ctx *cx, const struct store_team *t, const char *group_id,
                         const char *user_id);
int core_okta_member_remove(struct core_ctx *cx, const struct store_team *t, const char *group_id,
                            const char *user_id);
/* Human members (every live human user for the built-in group). */
int core_okta_group_users(struct core_ctx *cx, const struct store_team *t, const char *group_id,
                          struct store_query *q, struct store_user_detail **rows, size_t *n);

/* ---- users (okta_user.c) ---- */

struct core_okta_user_in {
    const char *login, *email, *first_name, *last_name, *display_name;
    const char *profile_json; /* custom attributes or NULL */
    const char *password;     /* NULL: unchanged / none */
};

/* Creates a human user: ASA name from the login, status from activate and the password,
 * membership in group_ids (Okta ids). Duplicate login → R_EEXIST; unknown group →
 * R_ENOTFOUND; bad password → R_EINVAL. */
int core_okta_user_create(struct core_ctx *cx, const struct store_team *t,
                          const struct core_okta_user_in *in, bool activate,
                          const char *const *group_ids, size_t ngroups,
                          struct store_user_detail *out);
int core_okta_user_get(struct core_ctx *cx, const struct store_team *t, const char *id_or_login,
                       struct store_user_detail *out);
/* Writes the whole profile of in (the dialect merges partial updates) and the password when
 * given. */
int core_okta_user_update(struct core_ctx *cx, const struct store_team *t, const char *id_or_login,
                          const struct core_okta_user_in *in, struct store_user_detail *out);
/* Lifecycle operation; *deleted is set when a DELETE removed the user for good. */
int core_okta_user_lifecycle(struct core_ctx *cx, const struct store_team *t, const char *id,
                             enum core_okta_op op, struct store_user_detail *out, bool *deleted);
/* Users of the team (q->team_id is set here). */
int core_okta_user_list(struct core_ctx *cx, const struct store_team *t, struct store_query *q,
                        struct store_user_detail **rows, size_t *n);
/* Groups of a user (explicit ones and the built-in group). */
int core_okta_user_groups(struct core_ctx *cx, const struct store_team *t, const char *id,
                          struct store_query *q, struct store_group **rows, size_t *n);

/* ---- apps (app.c) ---- */

int core_okta_app_create(struct core_ctx *cx, const struct store_team *t, struct store_app *app);
int core_okta_app_get(struct core_ctx *cx, const struct store_team *t, const char *id,
                      struct store_app *out);
/* Replaces name/label/signOnMode/body; keeps status. */
int core_okta_app_update(struct core_ctx *cx, const struct store_team *t, const char *id,
                         const struct store_app *in, struct store_app *out);
int core_okta_app_set_active(struct core_ctx *cx, const struct store_team *t, const char *id,
                             bool active);
/* Only an inactive app may be deleted (R_EFORBIDDEN otherwise). */
int core_okta_app_delete(struct core_ctx *cx, const struct store_team *t, const char *id);
/* Apps of the team, or assigned to q->in_group_id; q->team_id is set here. */
int core_okta_app_list(struct core_ctx *cx, const struct store_team *t, struct store_query *q,
                       struct store_app **rows, size_t *n);
int core_okta_app_group_assign(struct core_ctx *cx, const struct store_team *t, const char *app_id,
                               const char *group_id, int64_t priority, const char *profile_json,
                               struct store_app_group *out);
int core_okta_app_group_get(struct core_ctx *cx, const struct store_team *t, const char *app_id,
                            const char *group_id, struct store_app_group *out);
int core_okta_app_group_unassign(struct core_ctx *cx, const struct store_team *t,
                                 const char *app_id, const char *group_id);
/* Group assignments of an app (q->q: group name prefix; q->after: a group id). */
int core_okta_app_group_list(struct core_ctx *cx, const struct store_team *t, const char *app_id,
                             struct store_query *q, struct store_app_group **rows, size_t *n);

/* ---- cursors (page.c) ---- */

/* Whether id is a list cursor of the kind: 20 characters of [0-9A-Za-z] starting with the
 * kind's prefix ("00g", "00u", "0oa") and naming an object of the team, deleted ones
 * included (a page may end on an object deleted since). A list whose cursor names nothing
 * comes back empty, so callers ask only then. */
int core_okta_cursor_valid(struct core_ctx *cx, const struct store_team *t, enum store_kind kind,
                           const char *id, bool *valid);

#endif
