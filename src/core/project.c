/* Projects, their group assignments and server enrollment tokens (asa.md §4.5): names,
 * defaults and field rules, soft delete with reusable names, upsert on re-assignment. */
#include <string.h>

#include "core/internal.h"
#include "core/project.h"

bool core_selector_valid(struct slice s)
{
    if (s.n == 0 || s.n > 1024)
        return false;
    /* pairs separated by ',', each "key=value" with both parts non-empty */
    size_t start = 0;
    for (size_t i = 0; i <= s.n; i++) {
        if (i < s.n && s.p[i] != ',')
            continue;
        struct slice pair = {s.p + start, i - start};
        size_t eq = 0, neq = 0;
        for (size_t k = 0; k < pair.n; k++) {
            if (pair.p[k] == '=') {
                eq = k;
                neq++;
            } else if ((unsigned char)pair.p[k] < 0x20) {
                return false;
            }
        }
        if (neq != 1 || eq == 0 || eq == pair.n - 1)
            return false;
        start = i + 1;
    }
    return true;
}

bool core_cert_type_valid(const char *s)
{
    static const char *const types[] = {
        "CERT_TYPE_ED25519_01",   "CERT_TYPE_RSA_01",       "CERT_TYPE_ECDSA_521_01",
        "CERT_TYPE_ECDSA_384_01", "CERT_TYPE_ECDSA_256_01",
    };
    for (size_t i = 0; s && i < sizeof(types) / sizeof(types[0]); i++)
        if (strcmp(s, types[i]) == 0)
            return true;
    return false;
}

/* ---- projects ---- */

/* Copies the fields given in p onto dst. Empty strings unset (clients clear a selector or
 * a shared user name with ""). */
static void project_apply(const struct core_project_patch *p, struct store_project *dst)
{
    const struct store_project *v = &p->v;
#define TAKE(bit, f)                                                                               \
    if (p->set & (bit))                                                                            \
        dst->f = v->f;
#define TAKE_STR(bit, f)                                                                           \
    if (p->set & (bit))                                                                            \
        dst->f = v->f && *v->f ? v->f : NULL;
    TAKE(CORE_PF_CREATE_SERVER_USERS, create_server_users)
    TAKE(CORE_PF_FORCE_SHARED_SSH_USERS, force_shared_ssh_users)
    TAKE(CORE_PF_FORWARD_TRAFFIC, forward_traffic)
    TAKE(CORE_PF_RDP_SESSION_RECORDING, rdp_session_recording)
    TAKE(CORE_PF_REQUIRE_PREAUTH_FOR_CREDS, require_preauth_for_creds)
    TAKE(CORE_PF_SSH_SESSION_RECORDING, ssh_session_recording)
    TAKE_STR(CORE_PF_GATEWAY_SELECTOR, gateway_selector)
    TAKE_STR(CORE_PF_SHARED_ADMIN_USER_NAME, shared_admin_user_name)
    TAKE_STR(CORE_PF_SHARED_STANDARD_USER_NAME, shared_standard_user_name)
    TAKE(CORE_PF_SSH_CERTIFICATE_TYPE, ssh_certificate_type)
    TAKE(CORE_PF_NEXT_UNIX_UID, next_unix_uid)
    TAKE(CORE_PF_NEXT_UNIX_GID, next_unix_gid)
    TAKE(CORE_PF_USER_ON_DEMAND_PERIOD, user_on_demand_period)
#undef TAKE
#undef TAKE_STR
}

static bool unix_id_ok(int64_t v)
{
    return v >= CORE_UNIX_ID_MIN && v <= CORE_UNIX_ID_MAX;
}

/* The rules a project must keep; the reason of the first one broken in *why. */
static int project_check(const struct store_project *p, const char **why)
{
    const char *bad = NULL;
    if (!p->name || !core_asa_name_valid(slice_from_cstr(p->name)))
        bad = "name must be 1-255 letters, digits, '.', '_' or '-', starting with a letter or "
              "digit";
    else if (p->gateway_selector && !core_selector_valid(slice_from_cstr(p->gateway_selector)))
        bad = "gateway_selector must be key=value pairs separated by commas";
    else if (!core_cert_type_valid(p->ssh_certificate_type))
        bad = "ssh_certificate_type must be CERT_TYPE_ED25519_01, CERT_TYPE_RSA_01, "
              "CERT_TYPE_ECDSA_521_01, CERT_TYPE_ECDSA_384_01 or CERT_TYPE_ECDSA_256_01";
    else if (!unix_id_ok(p->next_unix_uid))
        bad = "next_unix_uid must be between 100 and 2147483647";
    else if (!unix_id_ok(p->next_unix_gid))
        bad = "next_unix_gid must be between 100 and 2147483647";
    else if (p->user_on_demand_period < 0 || p->user_on_demand_period > CORE_UNIX_ID_MAX)
        bad = "user_on_demand_period must be a number of seconds (0 or null: disabled)";
    else if ((p->shared_admin_user_name &&
              !core_user_name_valid(slice_from_cstr(p->shared_admin_user_name))) ||
             (p->shared_standard_user_name &&
              !core_user_name_valid(slice_from_cstr(p->shared_standard_user_name))))
        bad = "shared user names may hold letters, digits, '.', '_' and '-'";
    else if (p->force_shared_ssh_users &&
             (!p->shared_admin_user_name || !p->shared_standard_user_name))
        bad = "force_shared_ssh_users needs shared_admin_user_name and "
              "shared_standard_user_name";
    if (!bad)
        return 0;
    if (why)
        *why = bad;
    return R_EINVAL;
}

int core_project_create(struct core_ctx *cx, const struct store_team *t,
                        const struct core_project_patch *in, struct store_project *out,
                        const char **why)
{
    int64_t now = core_now_ms();
    struct store_project p = {
        .team_id = t->id,
        .name = in->v.name,
        .ssh_certificate_type = CORE_CERT_TYPE_DEFAULT,
        .next_unix_uid = CORE_UNIX_UID_START,
        .next_unix_gid = CORE_UNIX_GID_START,
        .created = now,
    };
    project_apply(in, &p);
    int rc = project_check(&p, why);
    if (rc)
        return rc;
    core_uuid(p.uuid);
    if ((rc = core__begin(cx)))
        return rc;
    struct store_project existing;
    /* Only live projects hold their names: a deleted project's name may be reused. */
    rc = STORE(cx, projects)->get_by_name(cx->st, cx->a, t->id, p.name, &existing);
    if (rc == 0)
        rc = R_EEXIST;
    else if (rc == R_ENOTFOUND)
        rc = STORE(cx, projects)->insert(cx->st, &p);
    rc = core__end(cx, rc);
    if (!rc)
        *out = p;
    return rc;
}

int core_project_get(struct core_ctx *cx, const struct store_team *t, const char *name,
                     struct store_project *out)
{
    return STORE(cx, projects)->get_by_name(cx->st, cx->a, t->id, name, out);
}

int core_project_update(struct core_ctx *cx, const struct store_team *t, const char *name,
                        const struct core_project_patch *in, const char **why)
{
    struct store_project p;
    int rc = core__begin(cx);
    if (rc)
        return rc;
    rc = STORE(cx, projects)->get_by_name(cx->st, cx->a, t->id, name, &p);
    if (rc)
        goto out;
    /* Clients send the name back (oktaasa, evansj); it cannot change. */
    if (in->v.name && strcmp(in->v.name, p.name) != 0) {
        if (why)
            *why = "a project cannot be renamed";
        rc = R_EINVAL;
        goto out;
    }
    project_apply(in, &p);
    if (!(rc = project_check(&p, why)))
        rc = STORE(cx, projects)->update(cx->st, &p);
out:
    return core__end(cx, rc);
}

int core_project_delete(struct core_ctx *cx, const struct store_team *t, const char *name)
{
    struct store_project p;
    int rc = core__begin(cx);
    if (rc)
        return rc;
    rc = STORE(cx, projects)->get_by_name(cx->st, cx->a, t->id, name, &p);
    if (!rc)
        rc = STORE(cx, projects)->delete (cx->st, p.id, core_now_ms());
    return core__end(cx, rc);
}

int core_project_list(struct core_ctx *cx, const struct store_team *t,
                      const struct core_project_query *q, const struct core_page_req *pr,
                      struct store_project **rows, size_t *n, struct core_page_info *info)
{
    struct store_page sp;
    struct store_project cur;
    int rc;
    if (!pr->cursor) {
        core__page_setup(pr, NULL, NULL, &sp);
    } else {
        if (!core_uuid_valid(slice_from_cstr(pr->cursor)))
            return R_EINVAL;
        rc = STORE(cx, projects)->get_by_uuid(cx->st, cx->a, t->id, pr->cursor, &cur);
        if (rc)
            return rc == R_ENOTFOUND ? R_EINVAL : rc;
        core__page_setup(pr, cur.name, pr->cursor, &sp);
    }
    struct store_project_filter f = {
        .team_id = t->id,
        .contains = q->contains,
        .self_user_id = q->self_user_id,
    };
    if ((rc = STORE(cx, projects)->list(cx->st, cx->a, &f, &sp, rows, n)))
        return rc;
    size_t k = *n > sp.limit ? sp.limit : *n;
    core__page_finish(pr, &sp, n, k ? (*rows)[0].uuid : NULL, k ? (*rows)[k - 1].uuid : NULL, info);
    return 0;
}

/* ---- project groups ---- */

/* The live project and group named (group by name, else by uuid). */
static int pg_target(struct core_ctx *cx, const struct store_team *t, const char *project,
                     const char *group, const char *group_id, struct store_project *p,
                     struct store_group *g)
{
    int rc = STORE(cx, projects)->get_by_name(cx->st, cx->a, t->id, project, p);
    if (rc)
        return rc;
    if (group)
        return STORE(cx, groups)->get_by_name(cx->st, cx->a, t->id, group, false, g);
    if (!group_id || !core_uuid_valid(slice_from_cstr(group_id)))
        return R_ENOTFOUND;
    rc = STORE(cx, groups)->get_by_uuid(cx->st, cx->a, t->id, group_id, g);
    return !rc && g->deleted_at ? R_ENOTFOUND : rc;
}

int core_project_group_put(struct core_ctx *cx, const struct store_team *t, const char *project,
                           const struct core_project_group_in *in, bool must_exist,
                           const char **why)
{
    const char *sel = in->servers_selector && *in->servers_selector ? in->servers_selector : NULL;
    if (sel && !core_selector_valid(slice_from_cstr(sel))) {
        if (why)
            *why = "servers_selector must be key=value pairs separated by commas";
        return R_EINVAL;
    }
    struct store_project p;
    struct store_group g;
    struct store_project_group cur;
    int rc = core__begin(cx);
    if (rc)
        return rc;
    if ((rc = pg_target(cx, t, project, in->group, in->group_id, &p, &g)))
        goto out;
    rc = STORE(cx, projects)->group_get(cx->st, cx->a, p.id, g.id, &cur);
    if (rc && rc != R_ENOTFOUND)
        goto out;
    if (must_exist && (rc == R_ENOTFOUND || cur.removed_at)) {
        rc = R_ENOTFOUND;
        goto out;
    }
    struct store_project_group pg = {
        .project_id = p.id,
        .group_id = g.id,
        .group_name = g.name,
        .server_access = in->server_access,
        .server_admin = in->server_admin,
        .create_server_group = in->create_server_group,
        .servers_selector = sel,
        .created = core_now_ms(),
    };
    memcpy(pg.group_uuid, g.uuid, sizeof(pg.group_uuid));
    if ((rc = STORE(cx, projects)->group_upsert(cx->st, &pg)))
        goto out;
    /* The group's attributes (profile_attributes), and a unix gid from the team counter if
     * it has none yet, so that reading assignments never has to write. */
    rc = core__group_attrs_apply(cx, t, &g, in->attrs_set, &in->attrs, why);
out:
    return core__end(cx, rc);
}

int core_project_group_get(struct core_ctx *cx, const struct store_team *t, const char *project,
                           const char *group, struct store_project_group *out)
{
    struct store_project p;
    struct store_group g;
    int rc = pg_target(cx, t, project, group, NULL, &p, &g);
    if (!rc)
        rc = STORE(cx, projects)->group_get(cx->st, cx->a, p.id, g.id, out);
    return !rc && out->removed_at ? R_ENOTFOUND : rc;
}

int core_project_group_remove(struct core_ctx *cx, const struct store_team *t, const char *project,
                              const char *group)
{
    struct store_project p;
    struct store_group g;
    struct store_project_group cur;
    int rc = core__begin(cx);
    if (rc)
        return rc;
    rc = pg_target(cx, t, project, group, NULL, &p, &g);
    if (!rc)
        rc = STORE(cx, projects)->group_get(cx->st, cx->a, p.id, g.id, &cur);
    if (!rc && cur.removed_at)
        rc = R_ENOTFOUND;
    if (!rc)
        rc = STORE(cx, projects)->group_remove(cx->st, p.id, g.id, core_now_ms());
    return core__end(cx, rc);
}

int core_project_group_list(struct core_ctx *cx, const struct store_team *t, const char *project,
                            const struct core_project_group_query *q,
                            const struct core_page_req *pr, struct store_project_group **rows,
                            size_t *n, struct core_page_info *info)
{
    struct store_project p;
    struct store_page sp;
    int rc = STORE(cx, projects)->get_by_name(cx->st, cx->a, t->id, project, &p);
    if (rc)
        return rc;
    if (!pr->cursor) {
        core__page_setup(pr, NULL, NULL, &sp);
    } else {
        /* The cursor is the group's uuid; its name is the sort key. */
        struct store_group g;
        if (!core_uuid_valid(slice_from_cstr(pr->cursor)))
            return R_EINVAL;
        rc = STORE(cx, groups)->get_by_uuid(cx->st, cx->a, t->id, pr->cursor, &g);
        if (rc)
            return rc == R_ENOTFOUND ? R_EINVAL : rc;
        core__page_setup(pr, g.name, pr->cursor, &sp);
    }
    struct store_project_group_filter f = {
        .project_id = p.id,
        .include_removed = q->include_removed,
        .create_server_group_only = q->create_server_group_only,
        .selectors = q->selectors,
    };
    if ((rc = STORE(cx, projects)->group_list(cx->st, cx->a, &f, &sp, rows, n)))
        return rc;
    size_t k = *n > sp.limit ? sp.limit : *n;
    core__page_finish(pr, &sp, n, k ? (*rows)[0].group_uuid : NULL,
                      k ? (*rows)[k - 1].group_uuid : NULL, info);
    return 0;
}

/* ---- server enrollment tokens ---- */

int core_enroll_token_create(struct core_ctx *cx, const struct store_team *t, const char *project,
                             const char *description, const char *created_by,
                             const char *server_url, struct store_enroll_token *out)
{
    if ((description && strlen(description) > 1024) || !server_url || strlen(server_url) > 2048)
        return R_EINVAL;
    struct store_project p = {0};
    int rc = core__begin(cx);
    if (rc)
        return rc;
    rc = STORE(cx, projects)->get_by_name(cx->st, cx->a, t->id, project, &p);
    struct store_enroll_token tok = {
        .project_id = p.id,
        .description = description,
        .created_by = created_by,
        .server_url = server_url,
        /* 256 random bits: the token is not made from its id and URL alone */
        .secret = core_random_secret(cx->a, CORE_ENROLL_SECRET_BYTES, true),
        .issued_at = core_now_ms(),
    };
    core_uuid(tok.uuid);
    if (!rc && !tok.secret)
        rc = R_ENOMEM;
    if (!rc)
        rc = STORE(cx, credentials)->enroll_insert(cx->st, &tok);
    rc = core__end(cx, rc);
    if (!rc)
        *out = tok;
    return rc;
}

/* The live project and its token id (any case; stored lower case). */
static int token_target(struct core_ctx *cx, const struct store_team *t, const char *project,
                        const char *id, struct store_enroll_token *out)
{
    struct store_project p;
    int rc = STORE(cx, projects)->get_by_name(cx->st, cx->a, t->id, project, &p);
    if (rc)
        return rc;
    if (!core_uuid_valid(slice_from_cstr(id)))
        return R_ENOTFOUND;
    char lower[37];
    memcpy(lower, id, sizeof(lower));
    core_uuid_lower(lower);
    return STORE(cx, credentials)->enroll_get(cx->st, cx->a, p.id, lower, out);
}

int core_enroll_token_get(struct core_ctx *cx, const struct store_team *t, const char *project,
                          const char *id, struct store_enroll_token *out)
{
    return token_target(cx, t, project, id, out);
}

int core_enroll_token_delete(struct core_ctx *cx, const struct store_team *t, const char *project,
                             const char *id)
{
    struct store_enroll_token tok;
    int rc = core__begin(cx);
    if (rc)
        return rc;
    rc = token_target(cx, t, project, id, &tok);
    if (!rc)
        rc = STORE(cx, credentials)->enroll_delete(cx->st, tok.id);
    return core__end(cx, rc);
}

int core_enroll_token_list(struct core_ctx *cx, const struct store_team *t, const char *project,
                           const struct core_page_req *pr, struct store_enroll_token **rows,
                           size_t *n, struct core_page_info *info)
{
    struct store_project p;
    struct store_page sp;
    struct store_enroll_token cur = {0};
    int rc = STORE(cx, projects)->get_by_name(cx->st, cx->a, t->id, project, &p);
    if (rc)
        return rc;
    if (!pr->cursor) {
        core__page_setup(pr, NULL, NULL, &sp);
    } else {
        if (!core_uuid_valid(slice_from_cstr(pr->cursor)))
            return R_EINVAL;
        rc = STORE(cx, credentials)->enroll_get(cx->st, cx->a, p.id, pr->cursor, &cur);
        if (rc)
            return rc == R_ENOTFOUND ? R_EINVAL : rc;
        /* Tokens page by creation (row id); after_name only marks the cursor. */
        core__page_setup(pr, pr->cursor, pr->cursor, &sp);
    }
    if ((rc = STORE(cx, credentials)->enroll_list(cx->st, cx->a, p.id, &sp, cur.id, rows, n)))
        return rc;
    size_t k = *n > sp.limit ? sp.limit : *n;
    core__page_finish(pr, &sp, n, k ? (*rows)[0].uuid : NULL, k ? (*rows)[k - 1].uuid : NULL, info);
    return 0;
}
