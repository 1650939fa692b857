/* Unit tests for the fixed-window rate limiter: one Reset per window, the refusal past the
 * limit, new windows, key separation, client-address keys (IPv6 /64), SipHash keying and
 * the bound on remembered keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "http/http.h"

#define T0 1700000000LL

static void test_off(void **state)
{
    (void)state;
    assert_null(http_ratelimit_new(0, 60));
    /* no limiter: everything passes */
    struct http_rl_state st;
    assert_true(http_ratelimit_take(NULL, "k", T0, &st));
    assert_int_equal(st.limit, 0);
}

static void test_window_same_reset(void **state)
{
    (void)state;
    struct http_ratelimit *rl = http_ratelimit_new(60, 60);
    struct http_rl_state st;
    assert_non_null(rl);
    /* 60 requests spread over the window: each one sees the same end of window */
    for (unsigned i = 0; i < 60; i++) {
        assert_true(http_ratelimit_take(rl, "alice", T0 + i % 60, &st));
        assert_int_equal(st.limit, 60);
        assert_int_equal(st.remaining, 59 - i);
        assert_int_equal(st.reset, T0 + 60);
    }
    /* the 61st is refused, at the start or at the last second of the window alike */
    assert_false(http_ratelimit_take(rl, "alice", T0, &st));
    assert_int_equal(st.remaining, 0);
    assert_int_equal(st.reset, T0 + 60);
    assert_false(http_ratelimit_take(rl, "alice", T0 + 59, &st));
    assert_int_equal(st.reset, T0 + 60);
    http_ratelimit_free(rl);
}

static void test_new_window(void **state)
{
    (void)state;
    struct http_ratelimit *rl = http_ratelimit_new(3, 60);
    struct http_rl_state st;
    /* windows are not aligned to the clock: the first request opens one */
    for (int i = 0; i < 3; i++)
        assert_true(http_ratelimit_take(rl, "k", T0 + 7, &st));
    assert_int_equal(st.reset, T0 + 67);
    assert_false(http_ratelimit_take(rl, "k", T0 + 66, &st));
    /* at the window's end the whole budget is back, in a window opening then */
    assert_true(http_ratelimit_take(rl, "k", T0 + 67, &st));
    assert_int_equal(st.remaining, 2);
    assert_int_equal(st.reset, T0 + 127);
    /* after a long idle time: one fresh window, not more budget */
    for (int i = 0; i < 3; i++)
        assert_true(http_ratelimit_take(rl, "k", T0 + 100000, &st));
    assert_int_equal(st.reset, T0 + 100060);
    assert_false(http_ratelimit_take(rl, "k", T0 + 100000, &st));
    /* a clock going backwards stays in the current window: no refill, no break */
    assert_false(http_ratelimit_take(rl, "k", T0, &st));
    assert_int_equal(st.reset, T0 + 100060);
    http_ratelimit_free(rl);
}

static void test_short_window_and_keys(void **state)
{
    (void)state;
    struct http_ratelimit *rl = http_ratelimit_new(2, 3);
    struct http_rl_state st;
    assert_true(http_ratelimit_take(rl, "a", T0, &st));
    assert_true(http_ratelimit_take(rl, "a", T0 + 2, &st));
    assert_false(http_ratelimit_take(rl, "a", T0 + 2, &st));
    assert_int_equal(st.reset, T0 + 3);
    /* other keys are untouched, with windows of their own */
    assert_true(http_ratelimit_take(rl, "b", T0 + 2, &st));
    assert_int_equal(st.remaining, 1);
    assert_int_equal(st.reset, T0 + 5);
    assert_true(http_ratelimit_take(rl, "a", T0 + 3, &st));
    assert_int_equal(st.reset, T0 + 6);
    http_ratelimit_free(rl);
    /* window 0 means the default minute */
    rl = http_ratelimit_new(1, 0);
    assert_true(http_ratelimit_take(rl, "a", T0, &st));
    assert_int_equal(st.reset, T0 + HTTP_RL_WINDOW_DEFAULT);
    http_ratelimit_free(rl);
}

static void assert_peer_key(const char *peer, const char *want)
{
    char key[HTTP_RL_PEER_KEY_MAX];
    http_ratelimit_peer_key(peer, key);
    assert_string_equal(key, want);
}

static void test_peer_key(void **state)
{
    (void)state;
    /* IPv4: the full address, whatever the port */
    assert_peer_key("192.0.2.1:80", "ip:192.0.2.1");
    assert_peer_key("192.0.2.1:65535", "ip:192.0.2.1");
    assert_peer_key("192.0.2.2:80", "ip:192.0.2.2");
    /* IPv6: the /64, whatever the port and the interface id */
    assert_peer_key("[2001:db8::1]:443", "ip:2001:db8::/64");
    assert_peer_key("[2001:db8::2]:1", "ip:2001:db8::/64");
    assert_peer_key("[2001:db8:0:0:ffff:ffff:ffff:ffff]:9", "ip:2001:db8::/64");
    assert_peer_key("[2001:DB8::a]:9", "ip:2001:db8::/64");
    assert_peer_key("[2001:db8:0:1::1]:443", "ip:2001:db8:0:1::/64");
    assert_peer_key("[::1]:8080", "ip:::/64");
    /* an IPv4 client on a dual-stack socket is that IPv4 address, not ::ffff:0:0/64 */
    assert_peer_key("[::ffff:192.0.2.1]:80", "ip:192.0.2.1");
    assert_peer_key("[::ffff:192.0.2.7]:80", "ip:192.0.2.7");
    /* without a port too; anything else shares one key */
    assert_peer_key("192.0.2.1", "ip:192.0.2.1");
    assert_peer_key("2001:db8::1", "ip:2001:db8::/64");
    assert_peer_key(NULL, "ip:-");
    assert_peer_key("", "ip:-");
    assert_peer_key("-", "ip:-");
    assert_peer_key("[2001:db8::1:80", "ip:-");
    assert_peer_key("[]:80", "ip:-");
    assert_peer_key("example.com:80", "ip:-");
    assert_peer_key("[2001:db8::1::2]:80", "ip:-");

    /* through the limiter: two hosts of one /64 share the budget, another /64 does not */
    struct http_ratelimit *rl = http_ratelimit_new(2, 60);
    struct http_rl_state st;
    char k1[HTTP_RL_PEER_KEY_MAX], k2[HTTP_RL_PEER_KEY_MAX], k3[HTTP_RL_PEER_KEY_MAX];
    http_ratelimit_peer_key("[2001:db8::1]:5000", k1);
    http_ratelimit_peer_key("[2001:db8::2]:6000", k2);
    http_ratelimit_peer_key("[2001:db8:0:1::1]:5000", k3);
    assert_true(http_ratelimit_take(rl, k1, T0, &st));
    assert_true(http_ratelimit_take(rl, k2, T0, &st));
    assert_false(http_ratelimit_take(rl, k1, T0, &st));
    assert_true(http_ratelimit_take(rl, k3, T0, &st));
    http_ratelimit_free(rl);
}

/* Two limiters hash under different random keys; what they answer must not depend on it. */
static void test_siphash_keying_same_results(void **state)
{
    (void)state;
    struct http_ratelimit *a = http_ratelimit_new(5, 10), *b = http_ratelimit_new(5, 10);
    struct http_rl_state sa, sb;
    char key[32];
    unsigned allowed = 0;
    uint32_t x = 12345;
    for (int i = 0; i < 20000; i++) {
        x = x * 1103515245u + 12345u;
        snprintf(key, sizeof(key), "user-%u", (x >> 8) % 50);
        long long now = T0 + i / 100; /* 200 s: twenty windows */
        bool ra = http_ratelimit_take(a, key, now, &sa), rb = http_ratelimit_take(b, key, now, &sb);
        assert_int_equal(ra, rb);
        assert_int_equal(sa.remaining, sb.remaining);
        assert_int_equal(sa.reset, sb.reset);
        allowed += ra;
    }
    /* 50 keys × about 19 windows × 5: a quarter passes */
    assert_true(allowed > 2000 && allowed < 10000);
    http_ratelimit_free(a);
    http_ratelimit_free(b);
}

static void test_many_keys_bounded(void **state)
{
    (void)state;
    struct http_ratelimit *rl = http_ratelimit_new(1, 60);
    struct http_rl_state st;
    char key[32];
    assert_true(http_ratelimit_take(rl, "first", T0, &st));
    assert_false(http_ratelimit_take(rl, "first", T0, &st));
    /* far more keys than the limiter keeps: the least recently used ("first") is evicted */
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
        cmocka_unit_test(test_window_same_reset),
        cmocka_unit_test(test_new_window),
        cmocka_unit_test(test_short_window_and_keys),
        cmocka_unit_test(test_peer_key),
        cmocka_unit_test(test_siphash_keying_same_results),
        cmocka_unit_test(test_many_keys_bounded),
    };
    return cmocka_run_group_tests_name("http_ratelimit", tests, NULL, NULL);
}
