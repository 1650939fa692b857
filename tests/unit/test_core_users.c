/* Unit tests for users, their ASA status and service-user keys (user.c, team.c, auth.c)
 * against a real SQLite store: creation, names never reused, status changes and their effect
 * on credentials, key deletion and rotation. */
#include "helpers.h"

#define GRACE_MS (48 * 3600 * 1000LL)

/* A service user with a key, and a bearer token obtained with it. */
struct svc {
    struct store_key key;
    const char *secret;
    char *token;
};

static struct svc make_service(struct fx *f, const char *name)
{
    struct svc s;
    int64_t exp;
    fx_user(f, name, STORE_USER_SERVICE);
    assert_int_equal(core_key_create(&f->cx, &f->team, name, &s.key, &s.secret), 0);
    assert_int_equal(
        core_token_issue(&f->cx, FX_TEAM, s.key.uuid, slice_from_cstr(s.secret), &s.token, &exp),
        0);
    return s;
}

static int bearer(struct fx *f, const char *token)
{
    struct core_principal p;
    return core_auth_bearer(&f->cx, FX_TEAM, slice_from_cstr(token), &p);
}

static int set_status(struct fx *f, const struct core_principal *by, const char *name,
                      enum core_asa_status s, struct store_user *out)
{
    return core_user_set_asa_status(&f->cx, &f->team, by, name, s, -1, out);
}

static void test_user_create_human_and_service(void **state)
{
    struct fx *f = *state;
    struct core_user_new nu = {
        .name = "jdoe",
        .login = "John.Doe@example.com",
        .email = "john.doe@example.com",
        .first_name = "John",
        .last_name = "Doe",
        .user_type = STORE_USER_HUMAN,
        .status = STORE_USER_ACTIVE,
    };
    struct store_user u;
    assert_int_equal(core_user_create(&f->cx, &f->team, &nu, &u), 0);
    assert_true(core_uuid_valid(slice_from_cstr(u.uuid)));
    assert_memory_equal(u.okta_id, "00u", 3);
    assert_int_equal(strlen(u.okta_id), 20);
    assert_true(u.id > 0);

    struct store_user r;
    assert_int_equal(core_user_get(&f->cx, &f->team, "jdoe", &r), 0);
    assert_string_equal(r.uuid, u.uuid);
    assert_string_equal(r.okta_id, u.okta_id);
    assert_string_equal(r.login, "John.Doe@example.com");
    assert_string_equal(r.email, "john.doe@example.com");
    assert_string_equal(r.first_name, "John");
    assert_string_equal(r.last_name, "Doe");
    assert_null(r.display_name);
    assert_int_equal(r.user_type, STORE_USER_HUMAN);
    assert_int_equal(r.status, STORE_USER_ACTIVE);
    assert_int_equal(r.deleted_at, 0);
    assert_true(r.created > 0);
    assert_int_equal(core_user_asa_status(&r), CORE_ASA_ACTIVE);

    struct store_user by_uuid;
    assert_int_equal(core_user_get_by_uuid(&f->cx, &f->team, u.uuid, &by_uuid), 0);
    assert_string_equal(by_uuid.name, "jdoe");
    assert_int_equal(core_user_get_by_uuid(&f->cx, &f->team, "nope", &by_uuid), R_ENOTFOUND);
    char other[37];
    core_uuid(other);
    assert_int_equal(core_user_get_by_uuid(&f->cx, &f->team, other, &by_uuid), R_ENOTFOUND);

    struct store_user s = fx_user(f, "deploy-bot", STORE_USER_SERVICE);
    assert_int_equal(core_user_get(&f->cx, &f->team, "deploy-bot", &r), 0);
    assert_int_equal(r.user_type, STORE_USER_SERVICE);
    assert_null(r.login);
    assert_string_not_equal(s.uuid, u.uuid);
    assert_int_equal(core_user_get(&f->cx, &f->team, "Deploy-bot", &r), R_ENOTFOUND);

    struct store_group e = fx_group_get(f, "everyone");
    assert_int_equal(e.users_count, 2);
    assert_int_equal(e.human_count, 1);

    /* a user of another team is not visible here */
    struct store_team t2;
    assert_int_equal(core_team_create(&f->cx, "other", &t2), 0);
    assert_int_equal(core_user_get(&f->cx, &t2, "jdoe", &r), R_ENOTFOUND);
    assert_int_equal(core_user_get_by_uuid(&f->cx, &t2, u.uuid, &r), R_ENOTFOUND);
}

static void test_user_create_rejects(void **state)
{
    struct fx *f = *state;
    struct store_user u;
    struct core_user_new bad_human = {.name = "-x", .user_type = STORE_USER_HUMAN};
    assert_int_equal(core_user_create(&f->cx, &f->team, &bad_human, &u), R_EINVAL);
    struct core_user_new space = {.name = "a b", .user_type = STORE_USER_HUMAN};
    assert_int_equal(core_user_create(&f->cx, &f->team, &space, &u), R_EINVAL);
    /* service users follow the ASA name rule: no leading '.' */
    struct core_user_new bad_svc = {.name = ".bot", .user_type = STORE_USER_SERVICE};
    assert_int_equal(core_user_create(&f->cx, &f->team, &bad_svc, &u), R_EINVAL);
    struct core_user_new dot_human = {.name = ".bot", .user_type = STORE_USER_HUMAN};
    assert_int_equal(core_user_create(&f->cx, &f->team, &dot_human, &u), 0);

    fx_user(f, "alice", STORE_USER_HUMAN);
    struct core_user_new dup = {.name = "alice", .user_type = STORE_USER_SERVICE};
    assert_int_equal(core_user_create(&f->cx, &f->team, &dup, &u), R_EEXIST);
    assert_int_equal(fx_group_get(f, "everyone").users_count, 2); /* .bot and alice */
}

static void test_login_unique_nocase(void **state)
{
    struct fx *f = *state;
    struct store_user u;
    struct core_user_new a = {.name = "ann",
                              .login = "Ann@Example.com",
                              .user_type = STORE_USER_HUMAN,
                              .status = STORE_USER_ACTIVE};
    assert_int_equal(core_user_create(&f->cx, &f->team, &a, &u), 0);
    struct core_user_new b = {.name = "ann2",
                              .login = "ann@example.COM",
                              .user_type = STORE_USER_HUMAN,
                              .status = STORE_USER_ACTIVE};
    assert_int_equal(core_user_create(&f->cx, &f->team, &b, &u), R_EEXIST);
    /* nothing of the refused user remains, counts included */
    assert_int_equal(core_user_get(&f->cx, &f->team, "ann2", &u), R_ENOTFOUND);
    assert_int_equal(fx_group_get(f, "everyone").users_count, 1);
    /* the same login in another team is another user */
    struct store_team t2;
    assert_int_equal(core_team_create(&f->cx, "other", &t2), 0);
    assert_int_equal(core_user_create(&f->cx, &t2, &b, &u), 0);
}

static void test_user_name_never_reused(void **state)
{
    struct fx *f = *state;
    struct store_user old = fx_user(f, "alice", STORE_USER_HUMAN);
    fx_user_delete(f, "alice");
    struct store_user u;
    struct core_user_new again = {
        .name = "alice", .user_type = STORE_USER_HUMAN, .status = STORE_USER_ACTIVE};
    assert_int_equal(core_user_create(&f->cx, &f->team, &again, &u), R_EEXIST);
    again.user_type = STORE_USER_SERVICE;
    assert_int_equal(core_user_create(&f->cx, &f->team, &again, &u), R_EEXIST);
    /* the deleted user is still there, as DELETED */
    assert_int_equal(core_user_get(&f->cx, &f->team, "alice", &u), 0);
    assert_string_equal(u.uuid, old.uuid);
    assert_true(u.deleted_at != 0);
    assert_int_equal(core_user_asa_status(&u), CORE_ASA_DELETED);
    assert_int_equal(fx_group_get(f, "everyone").users_count, 0);
    /* a deleted user belongs to no group, not even the built-in one */
    struct core_page_req pr = {.count = 10};
    struct store_group *rows;
    size_t n;
    struct core_page_info info;
    assert_int_equal(core_user_groups(&f->cx, &f->team, "alice", NULL, &pr, &rows, &n, &info), 0);
    assert_int_equal(n, 0);
}

static void test_user_status_changes(void **state)
{
    struct fx *f = *state;
    fx_user(f, "alice", STORE_USER_HUMAN);
    struct store_user u, r;

    assert_int_equal(set_status(f, NULL, "alice", CORE_ASA_DISABLED, &u), 0);
    assert_int_equal(u.status, STORE_USER_SUSPENDED);
    assert_int_equal(core_user_asa_status(&u), CORE_ASA_DISABLED);
    assert_int_equal(core_user_get(&f->cx, &f->team, "alice", &r), 0);
    assert_int_equal(r.status, STORE_USER_SUSPENDED);
    assert_int_equal(r.deleted_at, 0);
    assert_true(r.status_changed >= r.created);

    /* setting the status it already has is a success that changes nothing */
    assert_int_equal(set_status(f, NULL, "alice", CORE_ASA_DISABLED, &u), 0);
    assert_int_equal(u.status, STORE_USER_SUSPENDED);

    assert_int_equal(set_status(f, NULL, "alice", CORE_ASA_ACTIVE, &u), 0);
    assert_int_equal(u.status, STORE_USER_ACTIVE);
    assert_int_equal(core_user_get(&f->cx, &f->team, "alice", &r), 0);
    assert_int_equal(r.status, STORE_USER_ACTIVE);
    assert_int_equal(core_user_asa_status(&r), CORE_ASA_ACTIVE);

    /* disabled users are listed by status; DELETED only when asked */
    fx_user(f, "bob", STORE_USER_HUMAN);
    fx_user(f, "carol", STORE_USER_HUMAN);
    assert_int_equal(set_status(f, NULL, "bob", CORE_ASA_DISABLED, &u), 0);
    fx_user_delete(f, "carol");
    struct core_page_req pr = {.count = 100};
    struct store_user *rows;
    size_t n;
    struct core_page_info info;
    struct core_user_query q = {.status_mask = CORE_ASA_DISABLED_BIT};
    assert_int_equal(core_user_list(&f->cx, &f->team, &q, &pr, &rows, &n, &info), 0);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].name, "bob");
    q.status_mask = CORE_ASA_DELETED_BIT;
    assert_int_equal(core_user_list(&f->cx, &f->team, &q, &pr, &rows, &n, &info), 0);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].name, "carol");
    q.status_mask = 0;
    assert_int_equal(core_user_list(&f->cx, &f->team, &q, &pr, &rows, &n, &info), 0);
    assert_int_equal(n, 2);
    q.status_mask = CORE_ASA_ACTIVE_BIT | CORE_ASA_DISABLED_BIT | CORE_ASA_DELETED_BIT;
    assert_int_equal(core_user_list(&f->cx, &f->team, &q, &pr, &rows, &n, &info), 0);
    assert_int_equal(n, 3);

    assert_int_equal(set_status(f, NULL, "nobody", CORE_ASA_DISABLED, &u), R_ENOTFOUND);
}

static void test_user_status_type_filter(void **state)
{
    struct fx *f = *state;
    fx_user(f, "alice", STORE_USER_HUMAN);
    fx_user(f, "robot", STORE_USER_SERVICE);
    struct store_user u;
    /* PUT service_users/{u} does not reach a human, and the reverse */
    assert_int_equal(core_user_set_asa_status(&f->cx, &f->team, NULL, "alice", CORE_ASA_DISABLED,
                                              STORE_USER_SERVICE, &u),
                     R_ENOTFOUND);
    assert_int_equal(core_user_set_asa_status(&f->cx, &f->team, NULL, "robot", CORE_ASA_DISABLED,
                                              STORE_USER_HUMAN, &u),
                     R_ENOTFOUND);
    assert_int_equal(core_user_get(&f->cx, &f->team, "alice", &u), 0);
    assert_int_equal(u.status, STORE_USER_ACTIVE);
    assert_int_equal(core_user_set_asa_status(&f->cx, &f->team, NULL, "robot", CORE_ASA_DISABLED,
                                              STORE_USER_SERVICE, &u),
                     0);
}

static void test_deleted_user_is_final(void **state)
{
    struct fx *f = *state;
    fx_user(f, "alice", STORE_USER_HUMAN);
    fx_user_delete(f, "alice");
    struct store_user u;
    assert_int_equal(set_status(f, NULL, "alice", CORE_ASA_ACTIVE, &u), R_EINVAL);
    assert_int_equal(set_status(f, NULL, "alice", CORE_ASA_DISABLED, &u), R_EINVAL);
    assert_int_equal(core_user_get(&f->cx, &f->team, "alice", &u), 0);
    assert_true(u.deleted_at != 0);
    assert_int_equal(fx_group_get(f, "everyone").users_count, 0);
}

static void test_principal_cannot_disable_itself(void **state)
{
    struct fx *f = *state;
    struct core_bootstrap b;
    assert_int_equal(core_bootstrap(&f->cx, FX_TEAM, &b), 0);
    char *tok;
    int64_t exp;
    assert_int_equal(
        core_token_issue(&f->cx, FX_TEAM, b.key_id, slice_from_cstr(b.key_secret), &tok, &exp), 0);
    struct core_principal me;
    assert_int_equal(core_auth_bearer(&f->cx, FX_TEAM, slice_from_cstr(tok), &me), 0);
    const char *self = arena_strdup(&f->a, me.p.user_name);

    struct store_user u;
    assert_int_equal(set_status(f, &me, self, CORE_ASA_DISABLED, &u), R_EFORBIDDEN);
    assert_int_equal(set_status(f, &me, self, CORE_ASA_DELETED, &u), R_EFORBIDDEN);
    assert_int_equal(core_user_get(&f->cx, &f->team, self, &u), 0);
    assert_int_equal(u.status, STORE_USER_ACTIVE);
    assert_int_equal(u.deleted_at, 0);
    assert_int_equal(bearer(f, tok), 0);
    /* it may disable someone else */
    fx_user(f, "alice", STORE_USER_HUMAN);
    assert_int_equal(set_status(f, &me, "alice", CORE_ASA_DISABLED, &u), 0);
}

static void test_disabled_user_loses_access(void **state)
{
    struct fx *f = *state;
    struct svc s = make_service(f, "robot");
    const char *api;
    assert_int_equal(core_api_token_create(&f->cx, FX_TEAM, "robot", &api), 0);
    struct core_principal p;
    assert_int_equal(bearer(f, s.token), 0);
    assert_int_equal(core_auth_ssws(&f->cx, slice_from_cstr(api), &p), 0);

    struct store_user u;
    assert_int_equal(set_status(f, NULL, "robot", CORE_ASA_DISABLED, &u), 0);
    assert_int_equal(bearer(f, s.token), R_EAUTH);
    assert_int_equal(core_auth_ssws(&f->cx, slice_from_cstr(api), &p), R_EAUTH);
    char *tok2 = NULL;
    int64_t exp;
    assert_int_equal(
        core_token_issue(&f->cx, FX_TEAM, s.key.uuid, slice_from_cstr(s.secret), &tok2, &exp),
        R_EAUTH);
    assert_null(tok2);

    /* re-enabled: the same credentials work again */
    assert_int_equal(set_status(f, NULL, "robot", CORE_ASA_ACTIVE, &u), 0);
    assert_int_equal(bearer(f, s.token), 0);
    assert_int_equal(core_auth_ssws(&f->cx, slice_from_cstr(api), &p), 0);

    /* deleted: gone for good */
    fx_user_delete(f, "robot");
    assert_int_equal(bearer(f, s.token), R_EAUTH);
    assert_int_equal(core_auth_ssws(&f->cx, slice_from_cstr(api), &p), R_EAUTH);
    assert_int_equal(
        core_token_issue(&f->cx, FX_TEAM, s.key.uuid, slice_from_cstr(s.secret), &tok2, &exp),
        R_EAUTH);
    assert_int_equal(core_api_token_create(&f->cx, FX_TEAM, "robot", &api), R_ENOTFOUND);
}

static void test_key_delete_kills_tokens(void **state)
{
    struct fx *f = *state;
    struct svc s = make_service(f, "robot");
    /* a second key and its token stay valid */
    struct store_key k2;
    const char *sec2;
    char *tok2;
    int64_t exp;
    assert_int_equal(core_key_create(&f->cx, &f->team, "robot", &k2, &sec2), 0);
    assert_int_equal(core_token_issue(&f->cx, FX_TEAM, k2.uuid, slice_from_cstr(sec2), &tok2, &exp),
                     0);
    assert_int_equal(bearer(f, s.token), 0);

    assert_int_equal(core_key_delete(&f->cx, &f->team, "robot", s.key.uuid), 0);
    assert_int_equal(bearer(f, s.token), R_EAUTH);
    char *tok3 = NULL;
    assert_int_equal(
        core_token_issue(&f->cx, FX_TEAM, s.key.uuid, slice_from_cstr(s.secret), &tok3, &exp),
        R_EAUTH);
    assert_int_equal(bearer(f, tok2), 0);

    struct store_key *keys;
    size_t n;
    assert_int_equal(core_key_list(&f->cx, &f->team, "robot", &keys, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(keys[0].uuid, k2.uuid);

    /* deleting again, a stranger's key, a bad id */
    assert_int_equal(core_key_delete(&f->cx, &f->team, "robot", s.key.uuid), R_ENOTFOUND);
    fx_user(f, "other-bot", STORE_USER_SERVICE);
    assert_int_equal(core_key_delete(&f->cx, &f->team, "other-bot", k2.uuid), R_ENOTFOUND);
    assert_int_equal(core_key_delete(&f->cx, &f->team, "robot", "nope"), R_ENOTFOUND);
    assert_int_equal(core_key_delete(&f->cx, &f->team, "nobody", k2.uuid), R_ENOTFOUND);
    assert_int_equal(bearer(f, tok2), 0);
}

static void test_key_rotation(void **state)
{
    struct fx *f = *state;
    struct svc s = make_service(f, "robot");
    assert_int_equal(s.key.expires_at, 0);
    fx_sleep_ms(2);
    struct store_key k2;
    const char *sec2;
    assert_int_equal(core_key_create(&f->cx, &f->team, "robot", &k2, &sec2), 0);
    assert_int_equal(k2.expires_at, 0);
    assert_true(k2.issued_at > s.key.issued_at);

    struct store_key *keys;
    size_t n;
    assert_int_equal(core_key_list(&f->cx, &f->team, "robot", &keys, &n), 0);
    assert_int_equal(n, 2);
    const struct store_key *older = strcmp(keys[0].uuid, s.key.uuid) == 0 ? &keys[0] : &keys[1];
    const struct store_key *newer = older == &keys[0] ? &keys[1] : &keys[0];
    assert_string_equal(older->uuid, s.key.uuid);
    assert_string_equal(newer->uuid, k2.uuid);
    assert_int_equal(newer->expires_at, 0);
    int64_t ahead = older->expires_at - core_now_ms();
    assert_true(ahead > GRACE_MS - 60 * 1000 && ahead <= GRACE_MS); /* ~48 h */
    assert_int_equal(older->expires_at, k2.issued_at + GRACE_MS);

    /* during the grace period the older key still works */
    assert_int_equal(bearer(f, s.token), 0);
    char *tok;
    int64_t exp;
    assert_int_equal(
        core_token_issue(&f->cx, FX_TEAM, s.key.uuid, slice_from_cstr(s.secret), &tok, &exp), 0);

    /* a third key does not push back the first key's expiry */
    fx_sleep_ms(2);
    struct store_key k3;
    const char *sec3;
    assert_int_equal(core_key_create(&f->cx, &f->team, "robot", &k3, &sec3), 0);
    assert_int_equal(core_key_list(&f->cx, &f->team, "robot", &keys, &n), 0);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(keys[i].uuid, s.key.uuid) == 0)
            assert_int_equal(keys[i].expires_at, k2.issued_at + GRACE_MS);
        else if (strcmp(keys[i].uuid, k2.uuid) == 0)
            assert_int_equal(keys[i].expires_at, k3.issued_at + GRACE_MS);
        else
            assert_int_equal(keys[i].expires_at, 0);
    }
}

static void test_keys_only_for_live_service_users(void **state)
{
    struct fx *f = *state;
    fx_user(f, "alice", STORE_USER_HUMAN);
    struct store_key k;
    const char *sec;
    struct store_key *keys;
    size_t n;
    assert_int_equal(core_key_create(&f->cx, &f->team, "alice", &k, &sec), R_ENOTFOUND);
    assert_int_equal(core_key_list(&f->cx, &f->team, "alice", &keys, &n), R_ENOTFOUND);
    assert_int_equal(core_key_create(&f->cx, &f->team, "nobody", &k, &sec), R_ENOTFOUND);
    fx_user(f, "robot", STORE_USER_SERVICE);
    assert_int_equal(core_key_list(&f->cx, &f->team, "robot", &keys, &n), 0);
    assert_int_equal(n, 0);
    fx_user_delete(f, "robot");
    assert_int_equal(core_key_create(&f->cx, &f->team, "robot", &k, &sec), R_ENOTFOUND);
}

static void test_expired_credentials(void **state)
{
    struct fx *f = *state;
    const struct store_credential_ops *ops = f->st->credentials;
    int64_t now = core_now_ms();

    /* a key past its expiry: its tokens stop working and it issues no new ones */
    struct svc s = make_service(f, "robot");
    assert_int_equal(bearer(f, s.token), 0);
    assert_int_equal(ops->key_expire_others(f->st, s.key.user_id, -1, now - 1000), 0);
    assert_int_equal(bearer(f, s.token), R_EAUTH);
    char *tok = NULL;
    int64_t exp;
    assert_int_equal(
        core_token_issue(&f->cx, FX_TEAM, s.key.uuid, slice_from_cstr(s.secret), &tok, &exp),
        R_EAUTH);
    assert_null(tok);

    /* a bearer token past its expiry, next to a live one of the same key */
    struct svc s2 = make_service(f, "robot2");
    unsigned char old_h[32], new_h[32];
    core_hash_secret("expired-token", 13, old_h);
    core_hash_secret("fresh-token", 11, new_h);
    assert_int_equal(ops->bearer_insert(f->st, old_h, f->team.id, s2.key.id, now - 1), 0);
    assert_int_equal(ops->bearer_insert(f->st, new_h, f->team.id, s2.key.id, now + 60000), 0);
    assert_int_equal(bearer(f, "expired-token"), R_EAUTH);
    assert_int_equal(bearer(f, "fresh-token"), 0);
    assert_int_equal(bearer(f, s2.token), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        T(test_user_create_human_and_service),
        T(test_user_create_rejects),
        T(test_login_unique_nocase),
        T(test_user_name_never_reused),
        T(test_user_status_changes),
        T(test_user_status_type_filter),
        T(test_deleted_user_is_final),
        T(test_principal_cannot_disable_itself),
        T(test_disabled_user_loses_access),
        T(test_key_delete_kills_tokens),
        T(test_key_rotation),
        T(test_keys_only_for_live_service_users),
        T(test_expired_credentials),
    };
#undef T
    return cmocka_run_group_tests_name("core_users", tests, fx_group_setup, NULL);
}
