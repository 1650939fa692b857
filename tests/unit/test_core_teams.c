/* Unit tests for teams, bootstrap and credentials (team.c, auth.c) against a real SQLite
 * store: built-in groups, `roster init` twice, API key → bearer token, SSWS tokens. */
#include "helpers.h"

/* Bootstraps team (asserting success) and exchanges its key for a bearer token. */
static void bootstrap_and_token(struct fx *f, const char *team, struct core_bootstrap *b,
                                char **token)
{
    assert_int_equal(core_bootstrap(&f->cx, team, b), 0);
    int64_t exp = 0;
    assert_int_equal(
        core_token_issue(&f->cx, team, b->key_id, slice_from_cstr(b->key_secret), token, &exp), 0);
    int64_t now = core_now_ms();
    assert_true(exp > now + 3500 * 1000LL && exp <= now + 3600 * 1000LL); /* one hour */
}

static void test_team_create_builtin_groups(void **state)
{
    struct fx *f = *state;
    assert_string_equal(f->team.name, FX_TEAM);
    assert_true(f->team.id > 0);
    assert_true(f->team.created > 0);

    struct store_team t;
    assert_int_equal(core_team_get(&f->cx, FX_TEAM, &t), 0);
    assert_int_equal(t.id, f->team.id);
    assert_int_equal(core_team_get(&f->cx, "nope", &t), R_ENOTFOUND);

    struct store_group everyone = fx_group_get(f, "everyone");
    assert_int_equal(everyone.type, STORE_GROUP_BUILT_IN);
    assert_int_equal(everyone.roles, 0);
    assert_int_equal(everyone.users_count, 0);
    assert_int_equal(everyone.deleted_at, 0);
    assert_true(core_uuid_valid(slice_from_cstr(everyone.uuid)));
    assert_memory_equal(everyone.okta_id, "00g", 3);

    struct store_group owners = fx_group_get(f, "owners");
    assert_int_equal(owners.type, STORE_GROUP_ORDINARY);
    assert_int_equal(owners.roles, STORE_ROLE_ALL);
    assert_true(owners.flags & STORE_GROUP_UNDELETABLE);
    assert_int_equal(owners.users_count, 0);
    assert_string_not_equal(owners.uuid, everyone.uuid);
    assert_string_not_equal(owners.okta_id, everyone.okta_id);
}

static void test_team_create_duplicate_and_invalid(void **state)
{
    struct fx *f = *state;
    struct store_team t;
    assert_int_equal(core_team_create(&f->cx, FX_TEAM, &t), R_EEXIST);
    assert_int_equal(core_team_create(&f->cx, "Acme", &t), R_EINVAL);
    assert_int_equal(core_team_create(&f->cx, "", &t), R_EINVAL);
    assert_int_equal(core_team_create(&f->cx, "-x", &t), R_EINVAL);
    assert_int_equal(core_team_create(&f->cx, "a_b", &t), R_EINVAL);
    assert_int_equal(core_team_get(&f->cx, "Acme", &t), R_ENOTFOUND);

    /* a second team gets its own built-in groups */
    assert_int_equal(core_team_create(&f->cx, "other", &t), 0);
    assert_true(t.id != f->team.id);
    struct store_group g;
    assert_int_equal(core_group_get(&f->cx, &t, "everyone", &g), 0);
    assert_int_equal(g.team_id, t.id);
    assert_int_equal(core_group_get(&f->cx, &t, "owners", &g), 0);
    assert_int_equal(g.team_id, t.id);
    /* the failed duplicate left no half-made rows behind */
    struct core_group_query q = {0};
    struct core_page_req pr = {.count = 100};
    struct store_group *rows;
    size_t n;
    struct core_page_info info;
    assert_int_equal(core_group_list(&f->cx, &f->team, &q, &pr, &rows, &n, &info), 0);
    assert_int_equal(n, 2);
}

static void test_bootstrap_twice(void **state)
{
    struct fx *f = *state;
    struct core_bootstrap b1, b2;
    memset(&b1, 0, sizeof(b1));
    memset(&b2, 0, sizeof(b2));
    /* a team that does not exist yet is created */
    assert_int_equal(core_bootstrap(&f->cx, "init-team", &b1), 0);
    assert_int_equal(core_bootstrap(&f->cx, "init-team", &b2), 0);
    assert_string_equal(b1.team, "init-team");
    assert_string_equal(b2.team, "init-team");
    assert_true(core_uuid_valid(slice_from_cstr(b1.key_id)));
    assert_string_not_equal(b1.key_id, b2.key_id);
    assert_string_not_equal(b1.key_secret, b2.key_secret);
    assert_string_not_equal(b1.api_token, b2.api_token);
    /* Okta API tokens: "00" + 40 url-safe characters */
    assert_int_equal(strlen(b1.api_token), 42);
    assert_memory_equal(b1.api_token, "00", 2);

    struct store_team t;
    assert_int_equal(core_team_get(&f->cx, "init-team", &t), 0);
    struct store_group owners;
    assert_int_equal(core_group_get(&f->cx, &t, "owners", &owners), 0);
    assert_int_equal(owners.users_count, 1);
    assert_int_equal(owners.human_count, 0);
    struct store_group everyone;
    assert_int_equal(core_group_get(&f->cx, &t, "everyone", &everyone), 0);
    assert_int_equal(everyone.users_count, 1);

    struct core_user_query uq = {0};
    struct core_page_req pr = {.count = 10};
    struct store_user *rows;
    size_t n;
    struct core_page_info info;
    assert_int_equal(core_group_users(&f->cx, &t, "owners", &uq, &pr, &rows, &n, &info), 0);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].user_type, STORE_USER_SERVICE);
    assert_int_equal(core_user_list(&f->cx, &t, &uq, &pr, &rows, &n, &info), 0);
    assert_int_equal(n, 1); /* one admin user, not two */

    /* both keys work */
    char *tok1, *tok2;
    int64_t exp;
    assert_int_equal(core_token_issue(&f->cx, "init-team", b1.key_id,
                                      slice_from_cstr(b1.key_secret), &tok1, &exp),
                     0);
    assert_int_equal(core_token_issue(&f->cx, "init-team", b2.key_id,
                                      slice_from_cstr(b2.key_secret), &tok2, &exp),
                     0);
    assert_string_not_equal(tok1, tok2);
    struct store_key *keys;
    assert_int_equal(core_key_list(&f->cx, &t, rows[0].name, &keys, &n), 0);
    assert_int_equal(n, 2);
}

static void test_bootstrap_invalid_team(void **state)
{
    struct fx *f = *state;
    struct core_bootstrap b;
    assert_int_equal(core_bootstrap(&f->cx, "Bad Team", &b), R_EINVAL);
    struct store_team t;
    assert_int_equal(core_team_get(&f->cx, "Bad Team", &t), R_ENOTFOUND);
}

static void test_token_issue_and_bearer(void **state)
{
    struct fx *f = *state;
    struct core_bootstrap b;
    char *tok;
    bootstrap_and_token(f, FX_TEAM, &b, &tok);

    struct core_principal p;
    assert_int_equal(core_auth_bearer(&f->cx, FX_TEAM, slice_from_cstr(tok), &p), 0);
    assert_string_equal(p.p.team_name, FX_TEAM);
    assert_int_equal(p.p.team_id, f->team.id);
    assert_true(p.p.user_id > 0);
    assert_true(p.p.key_id > 0);
    assert_true(core_uuid_valid(slice_from_cstr(p.p.user_uuid)));
    assert_int_equal(p.roles, STORE_ROLE_ALL); /* through owners */
    assert_int_equal(core_require(&p, STORE_ROLE_ACCESS_ADMIN), 0);
    assert_int_equal(core_require(&p, STORE_ROLE_REPORTING_USER), 0);

    /* the key records its use */
    struct store_key *keys;
    size_t n;
    assert_int_equal(core_key_list(&f->cx, &f->team, p.p.user_name, &keys, &n), 0);
    assert_int_equal(n, 1);
    assert_true(keys[0].last_used > 0);
}

static void test_token_issue_bad_credentials(void **state)
{
    struct fx *f = *state;
    struct core_bootstrap b;
    assert_int_equal(core_bootstrap(&f->cx, FX_TEAM, &b), 0);
    char *tok = NULL;
    int64_t exp;
    struct slice secret = slice_from_cstr(b.key_secret);

    /* wrong secret: one byte changed, truncated, empty */
    char *wrong = arena_strdup(&f->a, b.key_secret);
    wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
    assert_int_equal(
        core_token_issue(&f->cx, FX_TEAM, b.key_id, slice_from_cstr(wrong), &tok, &exp), R_EAUTH);
    assert_int_equal(core_token_issue(&f->cx, FX_TEAM, b.key_id,
                                      (struct slice){b.key_secret, secret.n - 1}, &tok, &exp),
                     R_EAUTH);
    assert_int_equal(core_token_issue(&f->cx, FX_TEAM, b.key_id, SLICE_LIT(""), &tok, &exp),
                     R_EAUTH);
    /* unknown / malformed key id, unknown team */
    char other[37];
    core_uuid(other);
    assert_int_equal(core_token_issue(&f->cx, FX_TEAM, other, secret, &tok, &exp), R_EAUTH);
    assert_int_equal(core_token_issue(&f->cx, FX_TEAM, "not-a-uuid", secret, &tok, &exp), R_EAUTH);
    assert_int_equal(core_token_issue(&f->cx, "ghost", b.key_id, secret, &tok, &exp), R_EAUTH);
    assert_null(tok);

    /* the key of one team does not work for another */
    struct store_team t2;
    assert_int_equal(core_team_create(&f->cx, "other", &t2), 0);
    assert_int_equal(core_token_issue(&f->cx, "other", b.key_id, secret, &tok, &exp), R_EAUTH);
}

static void test_bearer_of_other_team(void **state)
{
    struct fx *f = *state;
    struct core_bootstrap ba, bb;
    char *ta, *tb;
    bootstrap_and_token(f, FX_TEAM, &ba, &ta);
    bootstrap_and_token(f, "beta", &bb, &tb);

    struct core_principal p;
    assert_int_equal(core_auth_bearer(&f->cx, "beta", slice_from_cstr(ta), &p), R_EAUTH);
    assert_int_equal(core_auth_bearer(&f->cx, FX_TEAM, slice_from_cstr(tb), &p), R_EAUTH);
    assert_int_equal(core_auth_bearer(&f->cx, "beta", slice_from_cstr(tb), &p), 0);
    assert_string_equal(p.p.team_name, "beta");
    assert_int_equal(core_auth_bearer(&f->cx, "nosuchteam", slice_from_cstr(ta), &p), R_EAUTH);
}

static void test_bearer_garbage(void **state)
{
    struct fx *f = *state;
    struct core_bootstrap b;
    char *tok;
    bootstrap_and_token(f, FX_TEAM, &b, &tok);
    struct core_principal p;
    assert_int_equal(core_auth_bearer(&f->cx, FX_TEAM, SLICE_LIT(""), &p), R_EAUTH);
    assert_int_equal(core_auth_bearer(&f->cx, FX_TEAM, SLICE_LIT("garbage"), &p), R_EAUTH);
    /* the key secret and the api token are not bearer tokens */
    assert_int_equal(core_auth_bearer(&f->cx, FX_TEAM, slice_from_cstr(b.key_secret), &p), R_EAUTH);
    assert_int_equal(core_auth_bearer(&f->cx, FX_TEAM, slice_from_cstr(b.api_token), &p), R_EAUTH);
    /* a prefix of the token */
    size_t n = strlen(tok);
    assert_int_equal(core_auth_bearer(&f->cx, FX_TEAM, (struct slice){tok, n - 1}, &p), R_EAUTH);
    char big[600];
    memset(big, 'a', sizeof(big));
    assert_int_equal(core_auth_bearer(&f->cx, FX_TEAM, (struct slice){big, sizeof(big)}, &p),
                     R_EAUTH);
}

static void test_ssws(void **state)
{
    struct fx *f = *state;
    struct core_bootstrap b;
    assert_int_equal(core_bootstrap(&f->cx, FX_TEAM, &b), 0);
    struct core_principal p;
    assert_int_equal(core_auth_ssws(&f->cx, slice_from_cstr(b.api_token), &p), 0);
    assert_string_equal(p.p.team_name, FX_TEAM);
    assert_int_equal(p.roles, STORE_ROLE_ALL);
    const char *admin = p.p.user_name;
    assert_int_equal(core_auth_ssws(&f->cx, SLICE_LIT("garbage"), &p), R_EAUTH);
    assert_int_equal(core_auth_ssws(&f->cx, SLICE_LIT(""), &p), R_EAUTH);
    assert_int_equal(core_auth_ssws(&f->cx, slice_from_cstr(b.key_secret), &p), R_EAUTH);
    size_t n = strlen(b.api_token);
    assert_int_equal(core_auth_ssws(&f->cx, (struct slice){b.api_token, n - 1}, &p), R_EAUTH);

    /* another token for the same user */
    const char *t2;
    assert_int_equal(core_api_token_create(&f->cx, FX_TEAM, admin, &t2), 0);
    assert_string_not_equal(t2, b.api_token);
    assert_int_equal(core_auth_ssws(&f->cx, slice_from_cstr(t2), &p), 0);
    assert_int_equal(core_api_token_create(&f->cx, FX_TEAM, "nobody", &t2), R_ENOTFOUND);
}

static void test_principal_roles_follow_groups(void **state)
{
    struct fx *f = *state;
    struct core_bootstrap b;
    assert_int_equal(core_bootstrap(&f->cx, FX_TEAM, &b), 0);
    /* a service user outside owners starts with everyone's roles: none */
    fx_user(f, "robot", STORE_USER_SERVICE);
    const char *tok;
    assert_int_equal(core_api_token_create(&f->cx, FX_TEAM, "robot", &tok), 0);
    struct core_principal p;
    assert_int_equal(core_auth_ssws(&f->cx, slice_from_cstr(tok), &p), 0);
    assert_int_equal(p.roles, 0);
    assert_int_equal(core_require(&p, STORE_ROLE_ALL), R_EFORBIDDEN);

    fx_group(f, "readers", STORE_ROLE_REPORTING_USER);
    fx_member_add(f, "readers", "robot");
    assert_int_equal(core_auth_ssws(&f->cx, slice_from_cstr(tok), &p), 0);
    assert_int_equal(p.roles, STORE_ROLE_REPORTING_USER);
    assert_int_equal(core_require(&p, STORE_ROLE_ACCESS_ADMIN), R_EFORBIDDEN);

    /* everyone's roles apply to every user */
    assert_int_equal(
        core_group_set_roles(&f->cx, &f->team, "everyone", NULL, STORE_ROLE_ACCESS_USER), 0);
    assert_int_equal(core_auth_ssws(&f->cx, slice_from_cstr(tok), &p), 0);
    assert_int_equal(p.roles, STORE_ROLE_REPORTING_USER | STORE_ROLE_ACCESS_USER);

    /* a deleted group no longer grants its roles */
    assert_int_equal(core_group_delete(&f->cx, &f->team, "readers"), 0);
    assert_int_equal(core_auth_ssws(&f->cx, slice_from_cstr(tok), &p), 0);
    assert_int_equal(p.roles, STORE_ROLE_ACCESS_USER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_team_create_builtin_groups, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_team_create_duplicate_and_invalid, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_bootstrap_twice, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_bootstrap_invalid_team, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_token_issue_and_bearer, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_token_issue_bad_credentials, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_bearer_of_other_team, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_bearer_garbage, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_ssws, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_principal_roles_follow_groups, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests_name("core_teams", tests, fx_group_setup, NULL);
}
