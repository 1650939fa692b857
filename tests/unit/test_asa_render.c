/* Unit tests for the ASA object shapes (api/asa/render.c) of groups, users and keys read from
 * a real store: every documented field present, null for "never", roles [] and never the zero
 * time that clients read as "deleted". Output is parsed back with jansson to check it. */
#include "helpers.h"

#include <jansson.h>

#include "api/asa/asa.h"
#include "util/buf.h"
#include "util/jw.h"

/* Serialises v (kept) for substring checks. Caller frees. */
static char *dump(json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
    assert_non_null(s);
    return s;
}

/* Runs one writer and parses its output: it must be exactly one valid JSON object. */
static json_t *parse(struct buf *b)
{
    json_error_t err;
    json_t *j = json_loadb(b->p, b->n, JSON_REJECT_DUPLICATES, &err);
    if (!j)
        fail_msg("invalid JSON (%s): %.*s", err.text, (int)b->n, b->p);
    assert_true(json_is_object(j));
    buf_free(b);
    return j;
}

static json_t *render_group(const struct store_group *g)
{
    struct buf b;
    struct jw w;
    buf_init(&b, 1 << 20);
    jw_init(&w, &b);
    asa_write_group(&w, g);
    return parse(&b);
}

static json_t *render_user(const struct store_user *u, const char *team)
{
    struct buf b;
    struct jw w;
    buf_init(&b, 1 << 20);
    jw_init(&w, &b);
    asa_write_user(&w, u, team);
    return parse(&b);
}

static json_t *render_key(const struct store_key *k, const char *secret)
{
    struct buf b;
    struct jw w;
    buf_init(&b, 1 << 20);
    jw_init(&w, &b);
    asa_write_key(&w, k, secret);
    return parse(&b);
}

static void assert_no_zero_time(json_t *v)
{
    char *s = dump(v);
    if (strstr(s, "0001-01-01") || strstr(s, "1970-01-01"))
        fail_msg("zero time rendered: %s", s);
    free(s);
}

static void assert_time_string(json_t *v, int64_t ms)
{
    char want[32];
    core_format_time(ms, want);
    assert_true(json_is_string(v));
    assert_string_equal(json_string_value(v), want);
}

static void test_render_live_group(void **state)
{
    struct fx *f = *state;
    fx_group(f, "dev", 0);
    struct store_group g = fx_group_get(f, "dev");
    json_t *j = render_group(&g);
    assert_non_null(j);
    assert_true(json_is_object(j));
    assert_string_equal(json_string_value(json_object_get(j, "id")), g.uuid);
    assert_string_equal(json_string_value(json_object_get(j, "name")), "dev");
    json_t *roles = json_object_get(j, "roles");
    assert_true(json_is_array(roles));
    assert_int_equal(json_array_size(roles), 0);
    /* present and null, not absent */
    const char *nulls[] = {"deleted_at", "federated_from_team", "federation_approved_at"};
    for (size_t i = 0; i < 3; i++) {
        json_t *v = json_object_get(j, nulls[i]);
        if (!v || !json_is_null(v))
            fail_msg("%s should be null", nulls[i]);
    }
    assert_no_zero_time(j);
    json_decref(j);
}

static void test_render_group_roles_and_deleted(void **state)
{
    struct fx *f = *state;
    fx_group(f, "ops", STORE_ROLE_ALL);
    struct store_group g = fx_group_get(f, "ops");
    json_t *j = render_group(&g);
    json_t *roles = json_object_get(j, "roles");
    assert_int_equal(json_array_size(roles), 3);
    assert_string_equal(json_string_value(json_array_get(roles, 0)), "access_user");
    assert_string_equal(json_string_value(json_array_get(roles, 1)), "reporting_user");
    assert_string_equal(json_string_value(json_array_get(roles, 2)), "access_admin");
    json_decref(j);

    assert_int_equal(core_group_delete(&f->cx, &f->team, "ops"), 0);
    struct core_group_query q = {.deleted = 2};
    struct core_page_req pr = {.count = 10};
    struct store_group *rows;
    size_t n;
    struct core_page_info info;
    assert_int_equal(core_group_list(&f->cx, &f->team, &q, &pr, &rows, &n, &info), 0);
    assert_int_equal(n, 1);
    j = render_group(&rows[0]);
    assert_time_string(json_object_get(j, "deleted_at"), rows[0].deleted_at);
    assert_no_zero_time(j);
    json_decref(j);
}

static void test_render_service_user(void **state)
{
    struct fx *f = *state;
    fx_user(f, "robot", STORE_USER_SERVICE);
    struct store_user u;
    assert_int_equal(core_user_get(&f->cx, &f->team, "robot", &u), 0);
    json_t *j = render_user(&u, FX_TEAM);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "id")), u.uuid);
    assert_string_equal(json_string_value(json_object_get(j, "name")), "robot");
    assert_string_equal(json_string_value(json_object_get(j, "team_name")), FX_TEAM);
    assert_string_equal(json_string_value(json_object_get(j, "status")), "ACTIVE");
    assert_string_equal(json_string_value(json_object_get(j, "user_type")), "service");
    json_t *details = json_object_get(j, "details");
    assert_non_null(details);
    assert_true(json_is_null(details));
    json_t *del = json_object_get(j, "deleted_at");
    assert_non_null(del);
    assert_true(json_is_null(del));
    assert_no_zero_time(j);
    json_decref(j);
}

static void test_render_human_user(void **state)
{
    struct fx *f = *state;
    struct core_user_new nu = {
        .name = "jdoe",
        .login = "jdoe@example.com",
        .email = "jdoe@example.com",
        .first_name = "John",
        .last_name = "Doe",
        .user_type = STORE_USER_HUMAN,
        .status = STORE_USER_ACTIVE,
    };
    struct store_user u;
    assert_int_equal(core_user_create(&f->cx, &f->team, &nu, &u), 0);
    assert_int_equal(core_user_get(&f->cx, &f->team, "jdoe", &u), 0);
    json_t *j = render_user(&u, FX_TEAM);
    assert_string_equal(json_string_value(json_object_get(j, "user_type")), "human");
    json_t *d = json_object_get(j, "details");
    assert_true(json_is_object(d));
    assert_string_equal(json_string_value(json_object_get(d, "first_name")), "John");
    assert_string_equal(json_string_value(json_object_get(d, "last_name")), "Doe");
    assert_string_equal(json_string_value(json_object_get(d, "full_name")), "John Doe");
    assert_string_equal(json_string_value(json_object_get(d, "email")), "jdoe@example.com");
    assert_no_zero_time(j);
    json_decref(j);

    /* only a first name: no stray space */
    struct core_user_new one = {.name = "cher",
                                .first_name = "Cher",
                                .user_type = STORE_USER_HUMAN,
                                .status = STORE_USER_ACTIVE};
    assert_int_equal(core_user_create(&f->cx, &f->team, &one, &u), 0);
    assert_int_equal(core_user_get(&f->cx, &f->team, "cher", &u), 0);
    j = render_user(&u, FX_TEAM);
    d = json_object_get(j, "details");
    assert_string_equal(json_string_value(json_object_get(d, "full_name")), "Cher");
    assert_true(json_is_null(json_object_get(d, "last_name")));
    assert_true(json_is_null(json_object_get(d, "email")));
    json_decref(j);
}

static void test_render_user_status(void **state)
{
    struct fx *f = *state;
    fx_user(f, "alice", STORE_USER_HUMAN);
    struct store_user u;
    assert_int_equal(
        core_user_set_asa_status(&f->cx, &f->team, NULL, "alice", CORE_ASA_DISABLED, -1, &u), 0);
    assert_int_equal(core_user_get(&f->cx, &f->team, "alice", &u), 0);
    json_t *j = render_user(&u, FX_TEAM);
    assert_string_equal(json_string_value(json_object_get(j, "status")), "DISABLED");
    assert_true(json_is_null(json_object_get(j, "deleted_at")));
    json_decref(j);

    fx_user_delete(f, "alice");
    assert_int_equal(core_user_get(&f->cx, &f->team, "alice", &u), 0);
    j = render_user(&u, FX_TEAM);
    assert_string_equal(json_string_value(json_object_get(j, "status")), "DELETED");
    assert_time_string(json_object_get(j, "deleted_at"), u.deleted_at);
    assert_no_zero_time(j);
    json_decref(j);
}

static void test_render_key(void **state)
{
    struct fx *f = *state;
    fx_user(f, "robot", STORE_USER_SERVICE);
    struct store_key k;
    const char *secret;
    assert_int_equal(core_key_create(&f->cx, &f->team, "robot", &k, &secret), 0);
    json_t *j = render_key(&k, NULL);
    assert_string_equal(json_string_value(json_object_get(j, "id")), k.uuid);
    assert_time_string(json_object_get(j, "issued_at"), k.issued_at);
    assert_true(json_is_null(json_object_get(j, "expires_at")));
    assert_true(json_is_null(json_object_get(j, "last_used")));
    /* the secret is never part of a key's rendering */
    char *s = dump(j);
    assert_null(strstr(s, secret));
    assert_null(strstr(s, "secret"));
    free(s);
    assert_no_zero_time(j);
    json_decref(j);

    /* on creation the secret is shown once */
    j = render_key(&k, secret);
    assert_string_equal(json_string_value(json_object_get(j, "secret")), secret);
    json_decref(j);
}

static void test_render_escapes(void **state)
{
    (void)state;
    /* names from the Okta dialect may hold any BMP character: output stays valid JSON */
    struct store_group g = {.uuid = "0f8fad5b-d9cb-469f-a165-70867728950e",
                            .name = "a\"b\\c\n\x01 caf\xc3\xa9 \xff"};
    json_t *j = render_group(&g);
    assert_string_equal(json_string_value(json_object_get(j, "name")),
                        "a\"b\\c\n\x01 caf\xc3\xa9 \xef\xbf\xbd");
    json_decref(j);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        T(test_render_live_group),
        T(test_render_group_roles_and_deleted),
        T(test_render_service_user),
        T(test_render_human_user),
        T(test_render_user_status),
        T(test_render_key),
        cmocka_unit_test(test_render_escapes),
    };
#undef T
    return cmocka_run_group_tests_name("asa_render", tests, fx_group_setup, NULL);
}
