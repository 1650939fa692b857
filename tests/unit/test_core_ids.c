/* Unit tests for core ids, times, secrets and names (ids.c, names.c): UUID and Okta id shapes,
 * time formatting, the name rules of DESIGN.md §2, role names and the ASA status mapping. */
#include "helpers.h"

#define S(lit) SLICE_LIT(lit)

static bool is_b62(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* ---- ids ---- */

static void test_uuid_format(void **state)
{
    (void)state;
    char seen[8][37];
    for (int k = 0; k < 8; k++) {
        char u[37];
        memset(u, 'X', sizeof(u));
        core_uuid(u);
        assert_int_equal(strlen(u), 36);
        for (int i = 0; i < 36; i++) {
            if (i == 8 || i == 13 || i == 18 || i == 23)
                assert_int_equal(u[i], '-');
            else
                assert_non_null(strchr("0123456789abcdef", u[i])); /* lower-case hex */
        }
        assert_int_equal(u[14], '4');           /* version 4 */
        assert_non_null(strchr("89ab", u[19])); /* RFC 4122 variant */
        assert_true(core_uuid_valid(slice_from_cstr(u)));
        for (int j = 0; j < k; j++)
            assert_string_not_equal(seen[j], u);
        memcpy(seen[k], u, sizeof(u));
    }
}

static void test_uuid_valid_rejects(void **state)
{
    (void)state;
    assert_true(core_uuid_valid(S("0f8fad5b-d9cb-469f-a165-70867728950e")));
    assert_false(core_uuid_valid(S("")));
    assert_false(core_uuid_valid(SLICE_NULL));
    assert_false(core_uuid_valid(S("0f8fad5b-d9cb-469f-a165-70867728950")));   /* 35 */
    assert_false(core_uuid_valid(S("0f8fad5b-d9cb-469f-a165-70867728950ee"))); /* 37 */
    assert_false(core_uuid_valid(S("0f8fad5bxd9cb-469f-a165-70867728950e")));  /* dash */
    assert_false(core_uuid_valid(S("0f8fad5b-d9cb-469f-a165-7086772895-e")));  /* extra dash */
    assert_false(core_uuid_valid(S("0f8fad5bd-9cb-469f-a165-70867728950e")));  /* moved dash */
    assert_false(core_uuid_valid(S("0g8fad5b-d9cb-469f-a165-70867728950e")));  /* not hex */
    assert_false(core_uuid_valid(S("0f8fad5b-d9cb-469f-a165-70867728950 ")));
    assert_false(core_uuid_valid(S("{f8fad5b-d9cb-469f-a165-70867728950}")));
    assert_false(core_uuid_valid(S("0f8fad5b%2Dd9cb-469f-a165-7086772895")));
    assert_false(core_uuid_valid(S("../../../../../../../../../../etc/pa")));
    /* a valid id followed by bytes outside the slice is still judged on 36 bytes */
    struct slice s = {"0f8fad5b-d9cb-469f-a165-70867728950e;DROP", 36};
    assert_true(core_uuid_valid(s));
}

static void test_okta_id_shape(void **state)
{
    (void)state;
    const char *prefixes[] = {"00g", "00u", "0oa", "0pr"};
    for (size_t k = 0; k < 4; k++) {
        char id[21];
        memset(id, 'X', sizeof(id));
        core_okta_id(prefixes[k], id);
        assert_int_equal(strlen(id), 20);
        assert_memory_equal(id, prefixes[k], 3);
        for (int i = 0; i < 20; i++)
            assert_true(is_b62(id[i]));
    }
    char a[21], b[21];
    core_okta_id("00g", a);
    core_okta_id("00g", b);
    assert_string_not_equal(a, b); /* same millisecond still differs */
}

static void test_okta_id_sorts_by_time(void **state)
{
    (void)state;
    char prev[21], next[21];
    core_okta_id("00u", prev);
    for (int i = 0; i < 5; i++) {
        fx_sleep_ms(2);
        core_okta_id("00u", next);
        assert_true(strcmp(prev, next) < 0);
        memcpy(prev, next, sizeof(prev));
    }
}

static void test_format_time(void **state)
{
    (void)state;
    char t[32];
    core_format_time(0, t);
    assert_string_equal(t, "1970-01-01T00:00:00.000Z");
    core_format_time(1700000000123LL, t);
    assert_string_equal(t, "2023-11-14T22:13:20.123Z");
    core_format_time(1700000000999LL, t);
    assert_string_equal(t, "2023-11-14T22:13:20.999Z");
    core_format_time(951782400001LL, t); /* leap day 2000 */
    assert_string_equal(t, "2000-02-29T00:00:00.001Z");
    core_format_time(1735689599999LL, t); /* last ms of 2024 */
    assert_string_equal(t, "2024-12-31T23:59:59.999Z");
    core_format_time(4102444800000LL, t);
    assert_string_equal(t, "2100-01-01T00:00:00.000Z");
}

static void test_now_ms_is_plausible(void **state)
{
    (void)state;
    int64_t a = core_now_ms();
    assert_true(a > 1700000000000LL); /* after Nov 2023 */
    assert_true(a < 4102444800000LL); /* before 2100 */
    fx_sleep_ms(3);
    assert_true(core_now_ms() >= a + 3);
}

static void test_random_secret(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    char *s1 = core_random_secret(&a, 32, true);
    char *s2 = core_random_secret(&a, 32, true);
    assert_non_null(s1);
    assert_non_null(s2);
    assert_int_equal(strlen(s1), 43); /* 32 bytes, url-safe, unpadded */
    assert_string_not_equal(s1, s2);
    for (size_t i = 0; s1[i]; i++)
        assert_true(is_b62(s1[i]) || s1[i] == '-' || s1[i] == '_');
    char *s3 = core_random_secret(&a, 64, false);
    assert_int_equal(strlen(s3), 88);                /* 64 bytes, standard base64 with padding */
    assert_null(core_random_secret(&a, 4096, true)); /* above the bound */
    arena_free(&a);

    unsigned char h1[32], h2[32];
    core_hash_secret("abc", 3, h1);
    core_hash_secret("abc", 3, h2);
    assert_memory_equal(h1, h2, 32);
    /* SHA-256("abc") */
    static const unsigned char want[4] = {0xba, 0x78, 0x16, 0xbf};
    assert_memory_equal(h1, want, 4);
    core_hash_secret("abd", 3, h2);
    assert_memory_not_equal(h1, h2, 32);
}

/* ---- names ---- */

static void test_asa_names(void **state)
{
    (void)state;
    char n[300];
    memset(n, 'a', sizeof(n));
    assert_true(core_asa_name_valid((struct slice){n, 1}));
    assert_true(core_asa_name_valid((struct slice){n, 255}));
    assert_false(core_asa_name_valid((struct slice){n, 256}));
    assert_false(core_asa_name_valid(S("")));
    assert_true(core_asa_name_valid(S("Dev-Ops_1.x")));
    assert_true(core_asa_name_valid(S("9lives")));
    assert_false(core_asa_name_valid(S("-dev")));
    assert_false(core_asa_name_valid(S(".dev")));
    assert_false(core_asa_name_valid(S("_dev")));
    assert_false(core_asa_name_valid(S("dev ops")));
    assert_false(core_asa_name_valid(S("dev/ops")));
    assert_false(core_asa_name_valid(S("dev%20ops")));
    assert_false(core_asa_name_valid(S("caf\xc3\xa9")));   /* é */
    assert_false(core_asa_name_valid(S("\xe2\x82\xacx"))); /* € first */
    assert_false(core_asa_name_valid((struct slice){"ab\0c", 4}));
    assert_false(core_asa_name_valid(S("dev\n")));
}

static void test_user_names(void **state)
{
    (void)state;
    char n[300];
    memset(n, 'u', sizeof(n));
    assert_true(core_user_name_valid((struct slice){n, 255}));
    assert_false(core_user_name_valid((struct slice){n, 256}));
    assert_false(core_user_name_valid(S("")));
    assert_true(core_user_name_valid(S("john.doe")));
    assert_true(core_user_name_valid(S(".john"))); /* only '-' may not lead */
    assert_true(core_user_name_valid(S("_john")));
    assert_true(core_user_name_valid(S("John_Doe-2")));
    assert_false(core_user_name_valid(S("-john")));
    assert_false(core_user_name_valid(S("john doe")));
    assert_false(core_user_name_valid(S("john@example.com")));
    assert_false(core_user_name_valid(S("j\xc3\xb6rg")));
}

static void test_team_names(void **state)
{
    (void)state;
    char n[80];
    memset(n, 'a', sizeof(n));
    assert_true(core_team_name_valid(S("acme")));
    assert_true(core_team_name_valid(S("a")));
    assert_true(core_team_name_valid(S("0team")));
    assert_true(core_team_name_valid(S("my-team-2")));
    assert_true(core_team_name_valid((struct slice){n, 63}));
    assert_false(core_team_name_valid((struct slice){n, 64}));
    assert_false(core_team_name_valid(S("")));
    assert_false(core_team_name_valid(S("-acme")));
    assert_false(core_team_name_valid(S("Acme")));
    assert_false(core_team_name_valid(S("ac_me")));
    assert_false(core_team_name_valid(S("ac.me")));
    assert_false(core_team_name_valid(S("ac me")));
    assert_false(core_team_name_valid(S("acm\xc3\xa9")));
}

/* ---- roles ---- */

static void test_role_names_round_trip(void **state)
{
    (void)state;
    assert_int_equal(core_role_from_name(S("access_admin")), STORE_ROLE_ACCESS_ADMIN);
    assert_int_equal(core_role_from_name(S("access_user")), STORE_ROLE_ACCESS_USER);
    assert_int_equal(core_role_from_name(S("reporting_user")), STORE_ROLE_REPORTING_USER);
    assert_int_equal(core_role_from_name(S("Access_Admin")), 0);
    assert_int_equal(core_role_from_name(S("access_admin ")), 0);
    assert_int_equal(core_role_from_name(S("server_admin")), 0);
    assert_int_equal(core_role_from_name(S("")), 0);

    for (unsigned mask = 0; mask <= STORE_ROLE_ALL; mask++) {
        const char *names[3] = {NULL, NULL, NULL};
        size_t n = core_role_names(mask, names);
        assert_int_equal(n, (size_t)__builtin_popcount(mask));
        unsigned back = 0;
        for (size_t i = 0; i < n; i++)
            back |= core_role_from_name(slice_from_cstr(names[i]));
        assert_int_equal(back, mask);
    }
}

static void test_role_names_order(void **state)
{
    (void)state;
    /* the seeds' order: access_user, reporting_user, access_admin */
    const char *names[3];
    assert_int_equal(core_role_names(STORE_ROLE_ALL, names), 3);
    assert_string_equal(names[0], "access_user");
    assert_string_equal(names[1], "reporting_user");
    assert_string_equal(names[2], "access_admin");
    assert_int_equal(core_role_names(STORE_ROLE_ACCESS_ADMIN | STORE_ROLE_REPORTING_USER, names),
                     2);
    assert_string_equal(names[0], "reporting_user");
    assert_string_equal(names[1], "access_admin");
    assert_int_equal(core_role_names(0, names), 0);
}

/* ---- ASA status ---- */

static void test_asa_status_mapping(void **state)
{
    (void)state;
    static const struct {
        int okta;
        enum core_asa_status asa;
    } cases[] = {
        {STORE_USER_STAGED, CORE_ASA_DISABLED},
        {STORE_USER_PROVISIONED, CORE_ASA_DISABLED},
        {STORE_USER_ACTIVE, CORE_ASA_ACTIVE},
        {STORE_USER_RECOVERY, CORE_ASA_ACTIVE},
        {STORE_USER_PASSWORD_EXPIRED, CORE_ASA_ACTIVE},
        {STORE_USER_LOCKED_OUT, CORE_ASA_ACTIVE},
        {STORE_USER_SUSPENDED, CORE_ASA_DISABLED},
        {STORE_USER_DEPROVISIONED, CORE_ASA_DISABLED},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct store_user u = {.status = cases[i].okta};
        assert_int_equal(core_user_asa_status(&u), cases[i].asa);
        /* deletion wins over every lifecycle status */
        u.deleted_at = 1700000000000LL;
        assert_int_equal(core_user_asa_status(&u), CORE_ASA_DELETED);
    }
    assert_string_equal(core_asa_status_name(CORE_ASA_ACTIVE), "ACTIVE");
    assert_string_equal(core_asa_status_name(CORE_ASA_DISABLED), "DISABLED");
    assert_string_equal(core_asa_status_name(CORE_ASA_DELETED), "DELETED");
}

static void test_asa_status_bit(void **state)
{
    (void)state;
    assert_int_equal(core_asa_status_bit(S("ACTIVE")), CORE_ASA_ACTIVE_BIT);
    assert_int_equal(core_asa_status_bit(S("DISABLED")), CORE_ASA_DISABLED_BIT);
    assert_int_equal(core_asa_status_bit(S("DELETED")), CORE_ASA_DELETED_BIT);
    assert_int_equal(core_asa_status_bit(S("active")), 0);
    assert_int_equal(core_asa_status_bit(S("SUSPENDED")), 0);
    assert_int_equal(core_asa_status_bit(S("ACTIVE,DISABLED")), 0);
    assert_int_equal(core_asa_status_bit(S("")), 0);
    /* the three bits are distinct */
    assert_int_equal(CORE_ASA_ACTIVE_BIT | CORE_ASA_DISABLED_BIT | CORE_ASA_DELETED_BIT, 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uuid_format),
        cmocka_unit_test(test_uuid_valid_rejects),
        cmocka_unit_test(test_okta_id_shape),
        cmocka_unit_test(test_okta_id_sorts_by_time),
        cmocka_unit_test(test_format_time),
        cmocka_unit_test(test_now_ms_is_plausible),
        cmocka_unit_test(test_random_secret),
        cmocka_unit_test(test_asa_names),
        cmocka_unit_test(test_user_names),
        cmocka_unit_test(test_team_names),
        cmocka_unit_test(test_role_names_round_trip),
        cmocka_unit_test(test_role_names_order),
        cmocka_unit_test(test_asa_status_mapping),
        cmocka_unit_test(test_asa_status_bit),
    };
    return cmocka_run_group_tests_name("core_ids", tests, fx_group_setup, NULL);
}
