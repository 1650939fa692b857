/* core of the ASA project area on a temporary SQLite store: projects (defaults, rules, soft
 * delete, reusable names, paging), project groups (upsert, PUT, removal, group deletion),
 * enrollment tokens, attributes (stable ids, counters), settings and stats, query plans. */
#include "helpers.h"

#include "core/project.h"

#define P "proj"

static struct store_project fx_project(struct fx *f, const char *name)
{
    struct core_project_patch in = {.v.name = name};
    struct store_project p;
    int rc = core_project_create(&f->cx, &f->team, &in, &p, NULL);
    if (rc)
        fail_msg("core_project_create(%s): %s", name, roster_err_str(rc));
    return p;
}

static void fx_assign(struct fx *f, const char *project, const char *group, bool access, bool admin)
{
    struct core_project_group_in in = {
        .group = group, .server_access = access, .server_admin = admin};
    int rc = core_project_group_put(&f->cx, &f->team, project, &in, false, NULL);
    if (rc)
        fail_msg("assign %s to %s: %s", group, project, roster_err_str(rc));
}

static void test_selector_rules(void **state)
{
    (void)state;
    static const char *const good[] = {"a=b", "env=prod,role=db", "api.k=v", "a=b c"};
    static const char *const bad[] = {"",     "a",     "a=",       "=b",   "a=b,",
                                      ",a=b", "a=b=c", "a=b,,c=d", "a=b\n"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        assert_true(core_selector_valid(slice_from_cstr(good[i])));
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(core_selector_valid(slice_from_cstr(bad[i])));
    assert_true(core_cert_type_valid("CERT_TYPE_ED25519_01"));
    assert_true(core_cert_type_valid("CERT_TYPE_ECDSA_384_01"));
    assert_false(core_cert_type_valid("cert_type_ed25519_01"));
    assert_false(core_cert_type_valid(NULL));
}

static void test_project_defaults_and_rules(void **state)
{
    struct fx *f = *state;
    struct store_project p = fx_project(f, P), got;
    assert_string_equal(p.ssh_certificate_type, CORE_CERT_TYPE_DEFAULT);
    assert_int_equal(p.next_unix_uid, 60001);
    assert_int_equal(p.next_unix_gid, 63001);
    assert_false(p.create_server_users);
    assert_null(p.gateway_selector);
    assert_int_equal(p.deleted_at, 0);
    assert_int_equal(core_project_get(&f->cx, &f->team, P, &got), 0);
    assert_string_equal(got.uuid, p.uuid);

    struct core_project_patch in = {.v.name = P};
    const char *why = NULL;
    assert_int_equal(core_project_create(&f->cx, &f->team, &in, &got, &why), R_EEXIST);

    struct {
        unsigned set;
        struct store_project v;
    } bad[] = {
        {CORE_PF_NEXT_UNIX_UID, {.next_unix_uid = 99}},
        {CORE_PF_NEXT_UNIX_GID, {.next_unix_gid = CORE_UNIX_ID_MAX + 1}},
        {CORE_PF_SSH_CERTIFICATE_TYPE, {.ssh_certificate_type = "CERT_TYPE_DSA"}},
        {CORE_PF_GATEWAY_SELECTOR, {.gateway_selector = "novalue"}},
        {CORE_PF_FORCE_SHARED_SSH_USERS, {.force_shared_ssh_users = true}},
        {CORE_PF_USER_ON_DEMAND_PERIOD, {.user_on_demand_period = -5}},
        {CORE_PF_SHARED_ADMIN_USER_NAME, {.shared_admin_user_name = "two words"}},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct core_project_patch b = {.set = bad[i].set, .v = bad[i].v};
        b.v.name = "other";
        why = NULL;
        assert_int_equal(core_project_create(&f->cx, &f->team, &b, &got, &why), R_EINVAL);
        assert_non_null(why);
        assert_int_equal(core_project_update(&f->cx, &f->team, P, &b, NULL), R_EINVAL);
    }
    struct core_project_patch noname = {0};
    assert_int_equal(core_project_create(&f->cx, &f->team, &noname, &got, NULL), R_EINVAL);
    assert_int_equal(core_project_get(&f->cx, &f->team, "other", &got), R_ENOTFOUND);
    assert_int_equal(core_project_get(&f->cx, &f->team, P, &got), 0);
    assert_int_equal(got.next_unix_uid, 60001); /* the rejected updates changed nothing */
}

static void test_project_update_partial(void **state)
{
    struct fx *f = *state;
    fx_project(f, P);
    struct core_project_patch up = {
        .set = CORE_PF_FORWARD_TRAFFIC | CORE_PF_GATEWAY_SELECTOR | CORE_PF_NEXT_UNIX_UID,
        .v = {.forward_traffic = true, .gateway_selector = "a=b", .next_unix_uid = 61000},
    };
    assert_int_equal(core_project_update(&f->cx, &f->team, P, &up, NULL), 0);
    struct store_project got;
    assert_int_equal(core_project_get(&f->cx, &f->team, P, &got), 0);
    assert_true(got.forward_traffic);
    assert_string_equal(got.gateway_selector, "a=b");
    assert_int_equal(got.next_unix_uid, 61000);
    assert_int_equal(got.next_unix_gid, 63001); /* not given: unchanged */
    /* "" clears; the same name is fine, another is a rename */
    struct core_project_patch clear = {.set = CORE_PF_GATEWAY_SELECTOR,
                                       .v = {.name = P, .gateway_selector = ""}};
    assert_int_equal(core_project_update(&f->cx, &f->team, P, &clear, NULL), 0);
    assert_int_equal(core_project_get(&f->cx, &f->team, P, &got), 0);
    assert_null(got.gateway_selector);
    struct core_project_patch rename = {.v.name = "renamed"};
    const char *why = NULL;
    assert_int_equal(core_project_update(&f->cx, &f->team, P, &rename, &why), R_EINVAL);
    assert_non_null(why);
    /* force_shared_ssh_users holds once both names are there */
    struct core_project_patch shared = {
        .set = CORE_PF_FORCE_SHARED_SSH_USERS | CORE_PF_SHARED_ADMIN_USER_NAME |
               CORE_PF_SHARED_STANDARD_USER_NAME,
        .v = {.force_shared_ssh_users = true,
              .shared_admin_user_name = "adm",
              .shared_standard_user_name = "std"},
    };
    assert_int_equal(core_project_update(&f->cx, &f->team, P, &shared, NULL), 0);
    struct core_project_patch drop = {.set = CORE_PF_SHARED_ADMIN_USER_NAME};
    assert_int_equal(core_project_update(&f->cx, &f->team, P, &drop, NULL), R_EINVAL);
    assert_int_equal(core_project_update(&f->cx, &f->team, "nope", &up, NULL), R_ENOTFOUND);
}

static void test_project_delete_and_reuse(void **state)
{
    struct fx *f = *state;
    struct store_project old = fx_project(f, P), got;
    fx_group(f, "g", 0);
    fx_assign(f, P, "g", true, false);
    struct store_enroll_token tok;
    assert_int_equal(core_enroll_token_create(&f->cx, &f->team, P, "d", "me", "http://h", &tok), 0);
    assert_int_equal(core_project_delete(&f->cx, &f->team, P), 0);
    assert_int_equal(core_project_get(&f->cx, &f->team, P, &got), R_ENOTFOUND);
    assert_int_equal(core_project_delete(&f->cx, &f->team, P), R_ENOTFOUND);
    struct store_project again = fx_project(f, P);
    assert_string_not_equal(again.uuid, old.uuid);
    struct store_project_group pg;
    assert_int_equal(core_project_group_get(&f->cx, &f->team, P, "g", &pg), R_ENOTFOUND);
    struct store_enroll_token t2;
    assert_int_equal(core_enroll_token_get(&f->cx, &f->team, P, tok.uuid, &t2), R_ENOTFOUND);
}

static void test_project_paging(void **state)
{
    struct fx *f = *state;
    static const char *const names[] = {"a1", "B2", "c3", "d4", "e5"}; /* byte order: B2 first */
    for (size_t i = 0; i < 5; i++)
        fx_project(f, names[i]);
    struct core_project_query q = {0};
    struct core_page_req pr = {.count = 2};
    struct core_page_info info;
    struct store_project *rows;
    size_t n;
    assert_int_equal(core_project_list(&f->cx, &f->team, &q, &pr, &rows, &n, &info), 0);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].name, "B2");
    assert_string_equal(rows[1].name, "a1");
    assert_true(info.has_next);
    assert_false(info.has_prev);
    pr.cursor = info.last_uuid;
    assert_int_equal(core_project_list(&f->cx, &f->team, &q, &pr, &rows, &n, &info), 0);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].name, "c3");
    assert_true(info.has_next && info.has_prev);
    pr.cursor = info.first_uuid;
    pr.prev = true;
    assert_int_equal(core_project_list(&f->cx, &f->team, &q, &pr, &rows, &n, &info), 0);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].name, "B2");
    assert_false(info.has_prev);
    struct core_page_req desc = {.count = 10, .descending = true};
    assert_int_equal(core_project_list(&f->cx, &f->team, &q, &desc, &rows, &n, &info), 0);
    assert_int_equal(n, 5);
    assert_string_equal(rows[0].name, "e5");
    assert_false(info.has_next);
    struct core_project_query c = {.contains = "C"};
    assert_int_equal(core_project_list(&f->cx, &f->team, &c, &desc, &rows, &n, &info), 0);
    assert_int_equal(n, 1);
    struct core_page_req badcur = {.count = 2, .cursor = "00000000-0000-4000-8000-000000000000"};
    assert_int_equal(core_project_list(&f->cx, &f->team, &q, &badcur, &rows, &n, &info), R_EINVAL);
}

static void test_project_groups_upsert_put_remove(void **state)
{
    struct fx *f = *state;
    fx_project(f, P);
    struct store_group g = fx_group(f, "ops", 0);
    struct core_project_group_in in = {.group = "ops", .server_access = true};
    /* PUT before any assignment: not found */
    assert_int_equal(core_project_group_put(&f->cx, &f->team, P, &in, true, NULL), R_ENOTFOUND);
    assert_int_equal(core_project_group_put(&f->cx, &f->team, P, &in, false, NULL), 0);
    struct store_project_group pg;
    assert_int_equal(core_project_group_get(&f->cx, &f->team, P, "ops", &pg), 0);
    assert_true(pg.server_access);
    assert_false(pg.server_admin);
    assert_null(pg.servers_selector);
    assert_string_equal(pg.group_uuid, g.uuid);
    assert_true(pg.attrs.unix_gid >= CORE_UNIX_GID_START); /* drawn at assignment */
    int64_t gid = pg.attrs.unix_gid;
    /* a second POST updates (upsert) */
    struct core_project_group_in again = {
        .group = "ops", .server_admin = true, .servers_selector = "k=v"};
    assert_int_equal(core_project_group_put(&f->cx, &f->team, P, &again, false, NULL), 0);
    assert_int_equal(core_project_group_get(&f->cx, &f->team, P, "ops", &pg), 0);
    assert_false(pg.server_access);
    assert_true(pg.server_admin);
    assert_string_equal(pg.servers_selector, "k=v");
    assert_int_equal(pg.attrs.unix_gid, gid); /* kept */
    /* by uuid; bad selector */
    struct core_project_group_in byid = {.group_id = g.uuid, .create_server_group = true};
    assert_int_equal(core_project_group_put(&f->cx, &f->team, P, &byid, true, NULL), 0);
    struct core_project_group_in badsel = {.group = "ops", .servers_selector = "k"};
    const char *why = NULL;
    assert_int_equal(core_project_group_put(&f->cx, &f->team, P, &badsel, false, &why), R_EINVAL);
    assert_non_null(why);
    struct core_project_group_in badgid = {
        .group = "ops", .attrs_set = CORE_GA_UNIX_GID, .attrs = {.unix_gid = 5}};
    assert_int_equal(core_project_group_put(&f->cx, &f->team, P, &badgid, false, NULL), R_EINVAL);
    assert_int_equal(core_project_group_get(&f->cx, &f->team, P, "ops", &pg), 0);
    assert_true(pg.create_server_group); /* the failed calls rolled back */
    assert_int_equal(pg.attrs.unix_gid, gid);
    /* missing project or group */
    assert_int_equal(core_project_group_put(&f->cx, &f->team, "nope", &in, false, NULL),
                     R_ENOTFOUND);
    struct core_project_group_in nogroup = {.group = "nope"};
    assert_int_equal(core_project_group_put(&f->cx, &f->team, P, &nogroup, false, NULL),
                     R_ENOTFOUND);
    /* removal is soft and final until the next assignment */
    assert_int_equal(core_project_group_remove(&f->cx, &f->team, P, "ops"), 0);
    assert_int_equal(core_project_group_get(&f->cx, &f->team, P, "ops", &pg), R_ENOTFOUND);
    assert_int_equal(core_project_group_remove(&f->cx, &f->team, P, "ops"), R_ENOTFOUND);
    struct core_project_group_query all = {.include_removed = true}, live = {0};
    struct core_page_req pr = {.count = 10};
    struct core_page_info info;
    struct store_project_group *rows;
    size_t n;
    assert_int_equal(core_project_group_list(&f->cx, &f->team, P, &live, &pr, &rows, &n, &info), 0);
    assert_int_equal(n, 0);
    assert_int_equal(core_project_group_list(&f->cx, &f->team, P, &all, &pr, &rows, &n, &info), 0);
    assert_int_equal(n, 1);
    assert_true(rows[0].removed_at > 0);
    assert_int_equal(rows[0].deleted_at, 0);
    assert_int_equal(core_project_group_put(&f->cx, &f->team, P, &in, false, NULL), 0);
    assert_int_equal(core_project_group_get(&f->cx, &f->team, P, "ops", &pg), 0);
    assert_int_equal(pg.removed_at, 0);
    assert_int_equal(
        core_project_group_list(&f->cx, &f->team, "nope", &live, &pr, &rows, &n, &info),
        R_ENOTFOUND);
}

static void test_group_delete_removes_assignments(void **state)
{
    struct fx *f = *state;
    fx_project(f, "p1");
    fx_project(f, "p2");
    fx_group(f, "doomed", 0);
    fx_group(f, "stays", 0);
    fx_assign(f, "p1", "doomed", true, false);
    fx_assign(f, "p2", "doomed", false, true);
    fx_assign(f, "p1", "stays", true, true);
    assert_int_equal(core_group_delete(&f->cx, &f->team, "doomed"), 0);
    struct store_project_group pg;
    assert_int_equal(core_project_group_get(&f->cx, &f->team, "p1", "doomed", &pg), R_ENOTFOUND);
    assert_int_equal(core_project_group_get(&f->cx, &f->team, "p2", "doomed", &pg), R_ENOTFOUND);
    assert_int_equal(core_project_group_get(&f->cx, &f->team, "p1", "stays", &pg), 0);
    struct core_project_group_query all = {.include_removed = true};
    struct core_page_req pr = {.count = 10};
    struct core_page_info info;
    struct store_project_group *rows;
    size_t n;
    assert_int_equal(core_project_group_list(&f->cx, &f->team, "p2", &all, &pr, &rows, &n, &info),
                     0);
    assert_int_equal(n, 1);
    assert_true(rows[0].deleted_at > 0);
    assert_int_equal(rows[0].removed_at, rows[0].deleted_at);
}

static void test_enroll_tokens(void **state)
{
    struct fx *f = *state;
    fx_project(f, P);
    struct store_enroll_token t[3], got;
    for (int i = 0; i < 3; i++)
        assert_int_equal(
            core_enroll_token_create(&f->cx, &f->team, P, "d", "me", "https://h:1", &t[i]), 0);
    assert_int_equal(core_enroll_token_get(&f->cx, &f->team, P, t[1].uuid, &got), 0);
    assert_string_equal(got.server_url, "https://h:1");
    assert_string_equal(got.created_by, "me");
    struct core_page_req pr = {.count = 2};
    struct core_page_info info;
    struct store_enroll_token *rows;
    size_t n;
    assert_int_equal(core_enroll_token_list(&f->cx, &f->team, P, &pr, &rows, &n, &info), 0);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].uuid, t[0].uuid); /* creation order */
    assert_true(info.has_next);
    pr.cursor = info.last_uuid;
    assert_int_equal(core_enroll_token_list(&f->cx, &f->team, P, &pr, &rows, &n, &info), 0);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].uuid, t[2].uuid);
    assert_false(info.has_next);
    assert_int_equal(core_enroll_token_delete(&f->cx, &f->team, P, t[1].uuid), 0);
    assert_int_equal(core_enroll_token_delete(&f->cx, &f->team, P, t[1].uuid), R_ENOTFOUND);
    assert_int_equal(core_enroll_token_get(&f->cx, &f->team, P, "junk", &got), R_ENOTFOUND);
    assert_int_equal(
        core_enroll_token_create(&f->cx, &f->team, "nope", NULL, "me", "http://h", &got),
        R_ENOTFOUND);
}

static void test_attribute_ids_and_values(void **state)
{
    struct fx *f = *state;
    char a[37], b[37], c[37];
    core_attr_id("11111111-1111-4111-8111-111111111111", "unix_gid", a);
    core_attr_id("11111111-1111-4111-8111-111111111111", "unix_gid", b);
    core_attr_id("11111111-1111-4111-8111-111111111111", "unix_uid", c);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    assert_true(core_uuid_valid(slice_from_cstr(a)));
    assert_int_equal(a[14], '5'); /* name-based version */

    fx_group(f, "g", 0);
    struct core_attr all[CORE_ATTR_MAX], again[CORE_ATTR_MAX];
    size_t n, n2;
    assert_int_equal(core_group_attrs(&f->cx, &f->team, "g", all, &n), 0);
    assert_int_equal(n, 3);
    assert_string_equal(all[0].name, "unix_gid");
    assert_int_equal(all[0].num, CORE_UNIX_GID_START);
    assert_string_equal(all[1].str, "g");
    assert_int_equal(core_group_attrs(&f->cx, &f->team, "g", again, &n2), 0);
    assert_memory_equal(all[0].id, again[0].id, 37);
    assert_int_equal(again[0].num, all[0].num); /* drawn once */

    struct core_attr_value v = {.str = "sft_g"};
    assert_int_equal(
        core_group_attr_set(&f->cx, &f->team, "g", all[1].id, "unix_group_name", &v, NULL), 0);
    struct core_attr_value wrongtype = {.is_int = true, .num = 500};
    const char *why = NULL;
    assert_int_equal(core_group_attr_set(&f->cx, &f->team, "g", all[1].id, NULL, &wrongtype, &why),
                     R_EINVAL);
    assert_non_null(why);
    assert_int_equal(
        core_group_attr_set(&f->cx, &f->team, "g", all[0].id, "unix_group_name", &wrongtype, NULL),
        R_EINVAL);
    struct core_attr_value low = {.is_int = true, .num = 99};
    assert_int_equal(core_group_attr_set(&f->cx, &f->team, "g", all[0].id, NULL, &low, NULL),
                     R_EINVAL);
    assert_int_equal(core_group_attr_set(&f->cx, &f->team, "g", a, NULL, &v, NULL), R_ENOTFOUND);
    assert_int_equal(core_group_attrs(&f->cx, &f->team, "g", again, &n2), 0);
    assert_string_equal(again[1].str, "sft_g");

    /* users: uid and gid from the counters; a uid set by hand is skipped by the counter */
    fx_user(f, "u1", STORE_USER_HUMAN);
    fx_user(f, "u2", STORE_USER_HUMAN);
    assert_int_equal(core_user_attrs(&f->cx, &f->team, "u1", all, &n), 0);
    assert_int_equal(n, 4);
    assert_string_equal(all[1].name, "unix_uid");
    assert_int_equal(all[1].num, CORE_UNIX_UID_START);
    assert_int_not_equal(all[0].num, again[0].num); /* gid pool shared with groups */
    struct core_attr_value taken = {.is_int = true, .num = CORE_UNIX_UID_START + 1};
    assert_int_equal(
        core_user_attr_set(&f->cx, &f->team, "u1", all[1].id, "unix_uid", &taken, NULL), 0);
    assert_int_equal(core_user_attrs(&f->cx, &f->team, "u2", again, &n2), 0);
    assert_int_equal(again[1].num, CORE_UNIX_UID_START + 2);
    assert_int_equal(core_user_attrs(&f->cx, &f->team, "nope", all, &n), R_ENOTFOUND);
    assert_int_equal(core_group_attrs(&f->cx, &f->team, "nope", all, &n), R_ENOTFOUND);
}

static void test_attribute_paging(void **state)
{
    (void)state;
    struct core_attr all[4];
    static const char *const names[] = {"a", "b", "c", "d"};
    for (int i = 0; i < 4; i++) {
        core_attr_id("11111111-1111-4111-8111-111111111111", names[i], all[i].id);
        all[i].name = names[i];
    }
    struct core_attr *rows;
    size_t n;
    struct core_page_info info;
    struct core_page_req pr = {.count = 3};
    assert_int_equal(core_attr_page(all, 4, &pr, &rows, &n, &info), 0);
    assert_int_equal(n, 3);
    assert_true(info.has_next);
    assert_false(info.has_prev);
    pr.cursor = info.last_uuid;
    assert_int_equal(core_attr_page(all, 4, &pr, &rows, &n, &info), 0);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].name, "d");
    assert_false(info.has_next);
    assert_true(info.has_prev);
    struct core_page_req back = {.count = 2, .cursor = rows[0].id, .prev = true};
    assert_int_equal(core_attr_page(all, 4, &back, &rows, &n, &info), 0);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].name, "b");
    assert_true(info.has_prev && info.has_next);
    struct core_page_req bad = {.count = 2, .cursor = "00000000-0000-4000-8000-000000000000"};
    assert_int_equal(core_attr_page(all, 4, &bad, &rows, &n, &info), R_EINVAL);
}

static void test_settings_and_stats(void **state)
{
    struct fx *f = *state;
    struct store_team_settings s;
    assert_int_equal(core_team_settings_get(&f->cx, &f->team, &s), 0);
    assert_int_equal(s.client_session_duration, 36000);
    assert_int_equal(s.user_provisioning_exact_username, -1);
    assert_null(s.post_login_url);
    struct core_settings_patch p = {
        .set = CORE_SF_CLIENT_SESSION | CORE_SF_POST_LOGIN_URL | CORE_SF_EXACT_USERNAME,
        .v = {.client_session_duration = 7200,
              .post_login_url = "https://x/y",
              .user_provisioning_exact_username = 1},
    };
    assert_int_equal(core_team_settings_update(&f->cx, &f->team, &p, &s, NULL), 0);
    assert_int_equal(s.client_session_duration, 7200);
    struct core_settings_patch bad = {.set = CORE_SF_WEB_SESSION, .v = {.web_session_duration = 5}};
    const char *why = NULL;
    assert_int_equal(core_team_settings_update(&f->cx, &f->team, &bad, &s, &why), R_EINVAL);
    assert_non_null(why);
    struct core_settings_patch badurl = {.set = CORE_SF_POST_LOGOUT_URL,
                                         .v = {.post_logout_url = "javascript:x"}};
    assert_int_equal(core_team_settings_update(&f->cx, &f->team, &badurl, &s, NULL), R_EINVAL);
    assert_int_equal(core_team_settings_get(&f->cx, &f->team, &s), 0);
    assert_int_equal(s.client_session_duration, 7200);
    assert_string_equal(s.post_login_url, "https://x/y");
    assert_int_equal(s.user_provisioning_exact_username, 1);
    assert_int_equal(s.web_session_duration, 36000);

    struct store_team_stats st;
    fx_group(f, "g1", 0);
    fx_user(f, "h1", STORE_USER_HUMAN);
    fx_user(f, "s1", STORE_USER_SERVICE);
    fx_project(f, "p1");
    fx_project(f, "p2");
    assert_int_equal(core_project_delete(&f->cx, &f->team, "p2"), 0);
    assert_int_equal(core_team_stats(&f->cx, &f->team, &st), 0);
    assert_int_equal(st.groups, 3); /* everyone, owners, g1 */
    assert_int_equal(st.human_users, 1);
    assert_int_equal(st.service_users, 1);
    assert_int_equal(st.projects, 1);
}

/* Every listing of the project area is index-served (DESIGN.md §5). */
static void test_list_plans(void **state)
{
    struct fx *f = *state;
    struct store_user u = fx_user(f, "u", STORE_USER_HUMAN);
    struct store_project p0 = fx_project(f, P);
    fx_project(f, "q");
    fx_group(f, "g", 0);
    fx_assign(f, P, "g", true, false);
    struct store_enroll_token tok;
    assert_int_equal(core_enroll_token_create(&f->cx, &f->team, P, NULL, "u", "http://h", &tok), 0);
    struct store_group g = fx_group_get(f, "g");
    struct store_project *pr_rows;
    struct store_project_group *pg_rows;
    struct store_enroll_token *t_rows;
    struct core_page_info info;
    size_t n;
    struct core_project_query pq[] = {{0}, {.contains = "r"}, {.self_user_id = u.id}};
    struct core_project_group_query gq[] = {{0},
                                            {.include_removed = true},
                                            {.create_server_group_only = true},
                                            {.selectors = 1},
                                            {.selectors = 2}};
    for (int desc = 0; desc < 2; desc++) {
        for (int cur = 0; cur < 3; cur++) {
            struct core_page_req pr = {.count = 10, .descending = desc, .prev = cur == 2};
            pr.cursor = cur ? p0.uuid : NULL;
            for (size_t i = 0; i < sizeof(pq) / sizeof(pq[0]); i++)
                assert_int_equal(
                    core_project_list(&f->cx, &f->team, &pq[i], &pr, &pr_rows, &n, &info), 0);
            pr.cursor = cur ? g.uuid : NULL;
            for (size_t i = 0; i < sizeof(gq) / sizeof(gq[0]); i++)
                assert_int_equal(
                    core_project_group_list(&f->cx, &f->team, P, &gq[i], &pr, &pg_rows, &n, &info),
                    0);
            pr.cursor = cur ? tok.uuid : NULL;
            assert_int_equal(core_enroll_token_list(&f->cx, &f->team, P, &pr, &t_rows, &n, &info),
                             0);
        }
    }
    struct core_attr all[CORE_ATTR_MAX];
    assert_int_equal(core_group_attrs(&f->cx, &f->team, "g", all, &n), 0);
    assert_int_equal(core_user_attrs(&f->cx, &f->team, "u", all, &n), 0);
    assert_int_equal(core_attrs_conflicting(&f->cx, &f->team, all, &n), 0);
    struct store_team_stats st;
    assert_int_equal(core_team_stats(&f->cx, &f->team, &st), 0);
    char report[8192];
    int bad = store_sqlite_plan_check(f->st, NULL, 0, report, sizeof(report));
    if (bad)
        fprintf(stderr, "unbounded plans:\n%s", report);
    assert_int_equal(bad, 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_selector_rules),
        T(test_project_defaults_and_rules),
        T(test_project_update_partial),
        T(test_project_delete_and_reuse),
        T(test_project_paging),
        T(test_project_groups_upsert_put_remove),
        T(test_group_delete_removes_assignments),
        T(test_enroll_tokens),
        T(test_attribute_ids_and_values),
        cmocka_unit_test(test_attribute_paging),
        T(test_settings_and_stats),
        T(test_list_plans),
    };
#undef T
    return cmocka_run_group_tests(tests, fx_group_setup, NULL);
}
