/* Unit tests for the token-bucket rate limiter: exhaustion, retry time, refill, key
 * separation and the bound on remembered keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>

#include "http/http.h"

#define T0 1700000000LL

static void test_off(void **state)
{
    (void)state;
    assert_null(http_ratelimit_new(0));
}

static void test_exhaust_and_retry(void **state)
{
    (void)state;
    struct http_ratelimit *rl = http_ratelimit_new(3);
    struct http_rl_state st;
    assert_non_null(rl);
    for (unsigned i = 0; i < 3; i++) {
        assert_true(http_ratelimit_take(rl, "alice", T0, &st));
        assert_int_equal(st.limit, 3);
        assert_int_equal(st.remaining, 2 - i);
    }
    /* empty: one token comes back every 20 s; full again after 60 s */
    assert_int_equal(st.reset, T0 + 60);
    assert_int_equal(st.retry_at, T0 + 20);
    assert_false(http_ratelimit_take(rl, "alice", T0, &st));
    assert_int_equal(st.remaining, 0);
    assert_int_equal(st.retry_at, T0 + 20);
    assert_int_equal(st.reset, T0 + 60);
    assert_false(http_ratelimit_take(rl, "alice", T0 + 19, &st));
    assert_int_equal(st.retry_at, T0 + 20);

    /* other keys are untouched */
    assert_true(http_ratelimit_take(rl, "bob", T0, &st));
    assert_int_equal(st.remaining, 2);

    /* at retry_at one request passes, then it is empty again */
    assert_true(http_ratelimit_take(rl, "alice", T0 + 20, &st));
    assert_int_equal(st.remaining, 0);
    assert_false(http_ratelimit_take(rl, "alice", T0 + 20, &st));
    http_ratelimit_free(rl);
}

static void test_refill(void **state)
{
    (void)state;
    struct http_ratelimit *rl = http_ratelimit_new(60);
    struct http_rl_state st;
    for (int i = 0; i < 60; i++)
        assert_true(http_ratelimit_take(rl, "k", T0, &st));
    assert_false(http_ratelimit_take(rl, "k", T0, &st));
    assert_int_equal(st.retry_at, T0 + 1);
    /* 10 s later: 10 tokens */
    for (int i = 0; i < 10; i++)
        assert_true(http_ratelimit_take(rl, "k", T0 + 10, &st));
    assert_false(http_ratelimit_take(rl, "k", T0 + 10, &st));
    /* long idle: capped at the capacity, not more */
    assert_true(http_ratelimit_take(rl, "k", T0 + 100000, &st));
    assert_int_equal(st.remaining, 59);
    assert_int_equal(st.reset, T0 + 100000 + 1);
    /* a clock going backwards neither refills nor breaks */
    assert_true(http_ratelimit_take(rl, "k", T0, &st));
    assert_int_equal(st.remaining, 58);
    http_ratelimit_free(rl);
}

static void test_many_keys_bounded(void **state)
{
    (void)state;
    struct http_ratelimit *rl = http_ratelimit_new(1);
    struct http_rl_state st;
    char key[32];
    assert_true(http_ratelimit_take(rl, "first", T0, &st));
    assert_false(http_ratelimit_take(rl, "first", T0, &st));
    /* far more keys than the limiter keeps: the oldest ("first") is evicted */
    for (int i = 0; i < 70000; i++) {
        snprintf(key, sizeof(key), "user-%d", i);
        assert_true(http_ratelimit_take(rl, key, T0, &st));
    }
    assert_true(http_ratelimit_take(rl, "first", T0, &st));
    /* a recent key is still remembered */
    assert_false(http_ratelimit_take(rl, "user-69999", T0, &st));
    http_ratelimit_free(rl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_off),
        cmocka_unit_test(test_exhaust_and_retry),
        cmocka_unit_test(test_refill),
        cmocka_unit_test(test_many_keys_bounded),
    };
    return cmocka_run_group_tests_name("http_ratelimit", tests, NULL, NULL);
}
