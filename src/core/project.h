/* core for the ASA project area: projects, project groups, server enrollment tokens, group
 * and user attributes, team settings and stats (asa.md §4.1, §4.4, §4.5). */
#ifndef ROSTER_CORE_PROJECT_H
#define ROSTER_CORE_PROJECT_H

#include "core/core.h"
#include "store/store.h"

/* Unix ids: what asa.md §3.5 allows, and where the team counters start (ASA's defaults). */
#define CORE_UNIX_ID_MIN 100
#define CORE_UNIX_ID_MAX 2147483647LL
#define CORE_UNIX_UID_START 60001
#define CORE_UNIX_GID_START 63001
#define CORE_CERT_TYPE_DEFAULT "CERT_TYPE_ED25519_01"

/* A label selector "k=v,k2=v2" (servers_selector, gateway_selector): non-empty keys and
 * values without '=' or ',', at most 1024 bytes. */
bool core_selector_valid(struct slice s);
bool core_cert_type_valid(const char *s);

/* ---- projects (project.c) ---- */

enum core_project_field {
    CORE_PF_CREATE_SERVER_USERS = 1 << 0,
    CORE_PF_FORCE_SHARED_SSH_USERS = 1 << 1,
    CORE_PF_FORWARD_TRAFFIC = 1 << 2,
    CORE_PF_RDP_SESSION_RECORDING = 1 << 3,
    CORE_PF_REQUIRE_PREAUTH_FOR_CREDS = 1 << 4,
    CORE_PF_SSH_SESSION_RECORDING = 1 << 5,
    CORE_PF_GATEWAY_SELECTOR = 1 << 6,
    CORE_PF_SHARED_ADMIN_USER_NAME = 1 << 7,
    CORE_PF_SHARED_STANDARD_USER_NAME = 1 << 8,
    CORE_PF_SSH_CERTIFICATE_TYPE = 1 << 9,
    CORE_PF_NEXT_UNIX_UID = 1 << 10,
    CORE_PF_NEXT_UNIX_GID = 1 << 11,
    CORE_PF_USER_ON_DEMAND_PERIOD = 1 << 12,
};

/* Fields given by a create or update: v holds the values of the fields whose bit is in set
 * (NULL strings unset a field). v.name is the name (create; update: must match). */
struct core_project_patch {
    unsigned set;
    struct store_project v;
};

/* On R_EINVAL, *why (when why is not NULL) says which rule the input broke. */
int core_project_create(struct core_ctx *cx, const struct store_team *t,
                        const struct core_project_patch *in, struct store_project *out,
                        const char **why);
int core_project_get(struct core_ctx *cx, const struct store_team *t, const char *name,
                     struct store_project *out);
int core_project_update(struct core_ctx *cx, const struct store_team *t, const char *name,
                        const struct core_project_patch *in, const char **why);
/* Soft delete; the name is free for a new project at once. */
int core_project_delete(struct core_ctx *cx, const struct store_team *t, const char *name);

struct core_project_query {
    const char *contains;
    int64_t self_user_id; /* > 0: only projects one of this user's groups is assigned to */
};
int core_project_list(struct core_ctx *cx, const struct store_team *t,
                      const struct core_project_query *q, const struct core_page_req *pr,
                      struct store_project **rows, size_t *n, struct core_page_info *info);

/* ---- project groups (project.c) ---- */

enum core_group_attr_field {
    CORE_GA_UNIX_GROUP_NAME = 1 << 0,
    CORE_GA_WINDOWS_GROUP_NAME = 1 << 1,
    CORE_GA_UNIX_GID = 1 << 2,
};

/* An assignment as POST or PUT gives it: every flag is taken as given (absent = false);
 * attrs_set names the group attributes profile_attributes changes. */
struct core_project_group_in {
    const char *group;    /* group name, or NULL to find the group by group_id */
    const char *group_id; /* group uuid */
    bool server_access, server_admin, create_server_group;
    const char *servers_selector; /* NULL or "" = none */
    unsigned attrs_set;
    struct store_group_attrs attrs;
};

/* must_exist false (POST): assigns, or updates an existing assignment (upsert);
 * true (PUT): R_ENOTFOUND unless the group is assigned. */
int core_project_group_put(struct core_ctx *cx, const struct store_team *t, const char *project,
                           const struct core_project_group_in *in, bool must_exist,
                           const char **why);
/* The live assignment (R_ENOTFOUND for a removed one). */
int core_project_group_get(struct core_ctx *cx, const struct store_team *t, const char *project,
                           const char *group, struct store_project_group *out);
int core_project_group_remove(struct core_ctx *cx, const struct store_team *t, const char *project,
                              const char *group);

struct core_project_group_query {
    bool include_removed, create_server_group_only;
    int selectors; /* 0 any, 1 with servers_selector, 2 without */
};
/* Cursor: the group's uuid. R_ENOTFOUND for a missing project. */
int core_project_group_list(struct core_ctx *cx, const struct store_team *t, const char *project,
                            const struct core_project_group_query *q,
                            const struct core_page_req *pr, struct store_project_group **rows,
                            size_t *n, struct core_page_info *info);

/* ---- server enrollment tokens (project.c) ---- */

/* Random bytes of a token's secret (out->secret, base64url): the part of the token that its
 * id and server URL do not give away. */
#define CORE_ENROLL_SECRET_BYTES 32

int core_enroll_token_create(struct core_ctx *cx, const struct store_team *t, const char *project,
                             const char *description, const char *created_by,
                             const char *server_url, struct store_enroll_token *out);
int core_enroll_token_get(struct core_ctx *cx, const struct store_team *t, const char *project,
                          const char *id, struct store_enroll_token *out);
int core_enroll_token_delete(struct core_ctx *cx, const struct store_team *t, const char *project,
                             const char *id);
/* In creation order; cursor: the token id. */
int core_enroll_token_list(struct core_ctx *cx, const struct store_team *t, const char *project,
                           const struct core_page_req *pr, struct store_enroll_token **rows,
                           size_t *n, struct core_page_info *info);

/* ---- attributes (attributes.c) ---- */

#define CORE_ATTR_MAX 4

/* One attribute as the API shows it. Ids are name-based UUIDs of (owner uuid, attribute
 * name): stable without a row per attribute. Names are "unset" nowhere: the owner's name is
 * the default. */
struct core_attr {
    char id[37];
    const char *name;
    bool is_int;
    const char *str;
    int64_t num;
};

/* A value given to PUT: an integer (is_int) or a string. */
struct core_attr_value {
    bool is_int;
    const char *str;
    int64_t num;
};

void core_attr_id(const char *owner_uuid, const char *attr_name, char out[37]);
/* The attribute set of a group whose stored attributes are a (defaults applied). */
size_t core_group_attr_view(const char *group_uuid, const char *group_name,
                            const struct store_group_attrs *a, struct core_attr out[]);

/* Every attribute of the group or user, in name order; unix ids missing so far are taken
 * from the team counters (and kept). */
int core_group_attrs(struct core_ctx *cx, const struct store_team *t, const char *group,
                     struct core_attr out[CORE_ATTR_MAX], size_t *n);
int core_user_attrs(struct core_ctx *cx, const struct store_team *t, const char *user,
                    struct core_attr out[CORE_ATTR_MAX], size_t *n);
/* Sets one attribute by id (R_ENOTFOUND for an id the owner does not have). name, when
 * given, must be the attribute's name. R_EINVAL for a value of the wrong type or range. */
int core_group_attr_set(struct core_ctx *cx, const struct store_team *t, const char *group,
                        const char *attr_id, const char *name, const struct core_attr_value *v,
                        const char **why);
int core_user_attr_set(struct core_ctx *cx, const struct store_team *t, const char *user,
                       const char *attr_id, const char *name, const struct core_attr_value *v,
                       const char **why);
/* Keeps, in place, the attributes whose value another group or user of the team holds too
 * (`conflicting=true`): unix ids only, names are not compared. */
int core_attrs_conflicting(struct core_ctx *cx, const struct store_team *t, struct core_attr *all,
                           size_t *n);
/* Finds attribute id among all (R_ENOTFOUND). */
int core_attr_find(struct core_attr *all, size_t n, const char *id, struct core_attr **out);
/* Pages over an attribute set (cursor: an attribute id of the set; R_EINVAL otherwise). */
int core_attr_page(struct core_attr *all, size_t nall, const struct core_page_req *pr,
                   struct core_attr **rows, size_t *n, struct core_page_info *info);

/* Checks and applies the group attributes in set (profile_attributes, attribute PUT) to
 * the group's stored attributes inside an open write transaction. */
int core__group_attrs_apply(struct core_ctx *cx, const struct store_team *t,
                            const struct store_group *g, unsigned set,
                            const struct store_group_attrs *in, const char **why);

/* ---- team settings and stats (settings.c) ---- */

enum core_settings_field {
    CORE_SF_APPROVE_DEVICE = 1 << 0,
    CORE_SF_REACTIVATE_USERS = 1 << 1,
    CORE_SF_EXACT_USERNAME = 1 << 2,
    CORE_SF_CLIENT_SESSION = 1 << 3,
    CORE_SF_WEB_SESSION = 1 << 4,
    CORE_SF_POST_DEVICE_URL = 1 << 5,
    CORE_SF_POST_LOGIN_URL = 1 << 6,
    CORE_SF_POST_LOGOUT_URL = 1 << 7,
    CORE_SF_INCLUDE_USER_SID = 1 << 8,
};

struct core_settings_patch {
    unsigned set; /* CORE_SF_* given; v holds their values */
    struct store_team_settings v;
};

/* A team's settings before any PUT. */
void core_settings_defaults(struct store_team_settings *s);
int core_team_settings_get(struct core_ctx *cx, const struct store_team *t,
                           struct store_team_settings *out);
int core_team_settings_update(struct core_ctx *cx, const struct store_team *t,
                              const struct core_settings_patch *p, struct store_team_settings *out,
                              const char **why);
int core_team_stats(struct core_ctx *cx, const struct store_team *t, struct store_team_stats *out);

#endif
