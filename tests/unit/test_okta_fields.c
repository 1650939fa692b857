/* Unit tests for src/api/okta/fields.c: the users `fields` projection parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "api/okta/fields.h"
#include "util/err.h"

static struct okta_fields parse_ok(const char *text)
{
    struct okta_fields f;
    const char *why = "unset";
    if (okta_fields_parse(slice_from_cstr(text), &f, &why) != 0)
        fail_msg("'%s' refused: %s", text, why);
    assert_null(why);
    return f;
}

static void test_documented_example(void **state)
{
    (void)state;
    struct okta_fields f = parse_ok("id,status,profile:(firstName,lastName,city)");
    assert_int_equal(f.top, OKTA_F_ID | OKTA_F_STATUS | OKTA_F_PROFILE);
    assert_false(f.profile_all);
    assert_int_equal(f.nprofile, 3);
    assert_true(slice_eq_cstr(f.profile[0], "firstName"));
    assert_true(slice_eq_cstr(f.profile[2], "city"));
    assert_true(okta_fields_profile_has(&f, SLICE_LIT("lastName")));
    assert_false(okta_fields_profile_has(&f, SLICE_LIT("login")));
    assert_false(okta_fields_profile_has(&f, SLICE_LIT("last")));
    /* the spec's description writes a space after the comma */
    f = parse_ok("profile:(firstName, city)");
    assert_int_equal(f.top, OKTA_F_ID | OKTA_F_PROFILE);
    assert_int_equal(f.nprofile, 2);
    assert_true(slice_eq_cstr(f.profile[1], "city"));
}

static void test_id_always(void **state)
{
    (void)state;
    struct okta_fields f = parse_ok("status");
    assert_int_equal(f.top, OKTA_F_ID | OKTA_F_STATUS);
    f = parse_ok(" lastUpdated , _links,credentials ");
    assert_int_equal(f.top, OKTA_F_ID | OKTA_F_LAST_UPDATED | OKTA_F_LINKS | OKTA_F_CREDENTIALS);
}

static void test_whole_profile(void **state)
{
    (void)state;
    struct okta_fields f = parse_ok("profile");
    assert_true(f.profile_all);
    assert_true(okta_fields_profile_has(&f, SLICE_LIT("anything")));
    f = parse_ok("profile:(city),profile");
    assert_true(f.profile_all);
    assert_int_equal(f.nprofile, 0);
    f = parse_ok("profile:(city),profile:(zip,city)"); /* merged, once each */
    assert_int_equal(f.nprofile, 2);
}

static void test_every_top_name(void **state)
{
    (void)state;
    const char *names[] = {"id",
                           "status",
                           "created",
                           "activated",
                           "statusChanged",
                           "lastLogin",
                           "lastUpdated",
                           "passwordChanged",
                           "type",
                           "profile",
                           "credentials",
                           "_links",
                           "_embedded",
                           "transitioningToStatus",
                           "realmId"};
    unsigned all = 0;
    for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
        struct okta_fields f = parse_ok(names[i]);
        assert_int_equal(__builtin_popcount(f.top & ~(unsigned)OKTA_F_ID), i ? 1 : 0);
        all |= f.top;
        unsigned bit = i ? f.top & ~(unsigned)OKTA_F_ID : (unsigned)OKTA_F_ID;
        assert_string_equal(okta_fields_top_name((unsigned)__builtin_ctz(bit)), names[i]);
    }
    assert_int_equal(all, (1u << 15) - 1);
    assert_null(okta_fields_top_name(15));
}

static void test_refused(void **state)
{
    (void)state;
    const char *bad[] = {"",
                         " ",
                         "nosuch",
                         "Status",
                         "id,",
                         ",id",
                         "id,,status",
                         "id status",
                         "profile:",
                         "profile:(",
                         "profile:()",
                         "profile:(a b)",
                         "profile:(a,)",
                         "profile:(a",
                         "profile:firstName",
                         "profile.firstName",
                         "profile:(a)x",
                         "profile:(9a)",
                         "profile:(a-b)",
                         "status:(a)",
                         "id\n",
                         "id,\xc3\xa9"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        struct okta_fields f;
        const char *why = NULL;
        if (okta_fields_parse(slice_from_cstr(bad[i]), &f, &why) != R_EINVAL)
            fail_msg("'%s' accepted", bad[i]);
        assert_non_null(why);
    }
    struct okta_fields f;
    const char *why;
    assert_int_equal(okta_fields_parse(SLICE_NULL, &f, &why), R_EINVAL);
    /* a NUL inside the slice is a byte like any other */
    assert_int_equal(okta_fields_parse((struct slice){"id\0", 3}, &f, &why), R_EINVAL);
}

static void test_profile_bound(void **state)
{
    (void)state;
    char text[4096] = "profile:(";
    size_t n = strlen(text);
    for (int i = 0; i < OKTA_FIELDS_MAX_PROFILE; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "%sa%d", i ? "," : "", i);
    snprintf(text + n, sizeof(text) - n, ")");
    struct okta_fields f = parse_ok(text);
    assert_int_equal(f.nprofile, OKTA_FIELDS_MAX_PROFILE);
    snprintf(text + n, sizeof(text) - n, ",more)");
    const char *why;
    assert_int_equal(okta_fields_parse(slice_from_cstr(text), &f, &why), R_EINVAL);
    /* a name repeated past the bound is still one name */
    n = strlen("profile:(");
    text[n] = 0;
    for (int i = 0; i < 2 * OKTA_FIELDS_MAX_PROFILE; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "%sa", i ? "," : "");
    snprintf(text + n, sizeof(text) - n, ")");
    f = parse_ok(text);
    assert_int_equal(f.nprofile, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_documented_example),
        cmocka_unit_test(test_id_always),
        cmocka_unit_test(test_whole_profile),
        cmocka_unit_test(test_every_top_name),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_profile_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
