/* Unit tests for src/util: the arena (zeroed memory, maximum, strndup, printf), the bounded
 * growable buffer (maximum, steal, appendf) and the slice helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/slice.h"

#define S(lit) SLICE_LIT(lit)

/* ---- arena ---- */

static void test_arena_alloc_zeroed_and_aligned(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    /* Dirty a block, free it, and allocate again: memory must come back zeroed. */
    for (int round = 0; round < 2; round++) {
        for (size_t n = 1; n < 3000; n += 97) {
            unsigned char *p = arena_alloc(&a, n);
            assert_non_null(p);
            assert_int_equal((uintptr_t)p % 16, 0);
            for (size_t i = 0; i < n; i++)
                assert_int_equal(p[i], 0);
            memset(p, 0xAB, n);
        }
        arena_free(&a);
        arena_init(&a, 0);
    }
    /* larger than one block */
    unsigned char *big = arena_alloc(&a, 100000);
    assert_non_null(big);
    assert_int_equal(big[0], 0);
    assert_int_equal(big[99999], 0);
    /* small allocations still work after a big one */
    char *s = arena_strdup(&a, "after");
    assert_string_equal(s, "after");
    arena_free(&a);
}

static void test_arena_max_enforced(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 256);
    assert_non_null(arena_alloc(&a, 128));
    assert_non_null(arena_alloc(&a, 64));
    assert_non_null(arena_alloc(&a, 64)); /* exactly 256 handed out */
    assert_null(arena_alloc(&a, 1));
    assert_null(arena_strndup(&a, "x", 1));
    assert_null(arena_printf(&a, "%d", 1));
    arena_free(&a);

    arena_init(&a, 1024);
    assert_null(arena_alloc(&a, 2048));     /* one request above the max */
    assert_null(arena_alloc(&a, SIZE_MAX)); /* overflow of the rounding */
    assert_non_null(arena_alloc(&a, 1024));
    arena_free(&a);
}

static void test_arena_strndup(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    const char src[] = "hello world";
    char *p = arena_strndup(&a, src, 5);
    assert_string_equal(p, "hello");
    assert_ptr_not_equal(p, src);
    char *e = arena_strndup(&a, src, 0);
    assert_non_null(e);
    assert_string_equal(e, "");
    /* bytes after an embedded NUL are copied too; the result is NUL-terminated */
    char *z = arena_strndup(&a, "ab\0cd", 5);
    assert_memory_equal(z, "ab\0cd", 6);
    arena_free(&a);
}

static void test_arena_printf(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    char *p = arena_printf(&a, "%s-%d-%05.1f", "abc", 42, 3.14159);
    assert_string_equal(p, "abc-42-003.1");
    char *e = arena_printf(&a, "%s", "");
    assert_string_equal(e, "");
    /* a long result (beyond one block) */
    char *l = arena_printf(&a, "%*s|", 20000, "x");
    assert_non_null(l);
    assert_int_equal(strlen(l), 20001);
    assert_int_equal(l[19999], 'x');
    assert_int_equal(l[20000], '|');
    arena_free(&a);
}

/* ---- buf ---- */

static void test_buf_append_and_cstr(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 0);
    assert_string_equal(buf_cstr(&b), "");
    assert_int_equal(buf_append(&b, "ab", 2), 0);
    assert_int_equal(buf_append_str(&b, "cd"), 0);
    assert_int_equal(buf_append(&b, "", 0), 0);
    assert_int_equal(b.n, 4);
    assert_string_equal(buf_cstr(&b), "abcd");
    /* growth across several reallocations keeps the content */
    for (int i = 0; i < 1000; i++)
        assert_int_equal(buf_append(&b, "0123456789", 10), 0);
    assert_int_equal(b.n, 10004);
    assert_memory_equal(b.p + 10004 - 10, "0123456789", 10);
    buf_reset(&b);
    assert_int_equal(b.n, 0);
    assert_string_equal(buf_cstr(&b), "");
    buf_free(&b);
    assert_null(b.p);
}

static void test_buf_max_enforced(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 8);
    assert_int_equal(buf_append(&b, "12345678", 8), 0); /* exactly max */
    assert_int_equal(buf_append(&b, "9", 1), R_ETOOBIG);
    assert_int_equal(b.n, 8);
    assert_true(b.oom);
    /* once failed, later appends are refused and change nothing */
    assert_true(buf_append(&b, "", 0) < 0);
    assert_true(buf_appendf(&b, "%d", 1) < 0);
    assert_int_equal(b.n, 8);
    assert_string_equal(buf_cstr(&b), "12345678");
    /* reset clears the error */
    buf_reset(&b);
    assert_int_equal(buf_appendf(&b, "%s", "abcdefgh"), 0);
    assert_int_equal(buf_appendf(&b, "%s", "i"), R_ETOOBIG);
    assert_string_equal(buf_cstr(&b), "abcdefgh");
    buf_free(&b);

    /* appendf alone over the max */
    buf_init(&b, 4);
    assert_int_equal(buf_appendf(&b, "%d", 12345), R_ETOOBIG);
    assert_int_equal(b.n, 0);
    buf_free(&b);
}

/* Byte-at-a-time appends (the fast path) stop exactly at max. */
static void test_buf_max_small_appends(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 300);
    size_t ok = 0;
    for (int i = 0; i < 1000; i++)
        if (buf_append(&b, "x", 1) == 0)
            ok++;
    assert_int_equal(ok, 300);
    assert_int_equal(b.n, 300);
    assert_true(b.cap <= 301);
    buf_free(&b);
}

static void test_buf_appendf(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 0);
    assert_int_equal(buf_appendf(&b, "x=%d", 7), 0);
    assert_int_equal(buf_appendf(&b, ",%s=%u", "y", 8u), 0);
    assert_int_equal(buf_appendf(&b, "%s", ""), 0);
    assert_string_equal(buf_cstr(&b), "x=7,y=8");
    assert_int_equal(b.n, 7);
    /* a long formatted append after a short one */
    assert_int_equal(buf_appendf(&b, "%*d", 1000, 1), 0);
    assert_int_equal(b.n, 1007);
    assert_int_equal(b.p[1006], '1');
    assert_int_equal(b.p[1007], 0);
    buf_free(&b);
}

static void test_buf_steal(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 100);
    assert_int_equal(buf_append_str(&b, "owned"), 0);
    size_t len = 0;
    char *p = buf_steal(&b, &len);
    assert_non_null(p);
    assert_int_equal(len, 5);
    assert_string_equal(p, "owned");
    /* the buffer is empty and reusable, independent of the stolen bytes */
    assert_null(b.p);
    assert_int_equal(b.n, 0);
    assert_int_equal(buf_append_str(&b, "new"), 0);
    assert_string_equal(buf_cstr(&b), "new");
    assert_string_equal(p, "owned");
    free(p);
    buf_free(&b);

    /* stealing an empty buffer gives an empty string */
    buf_init(&b, 0);
    p = buf_steal(&b, &len);
    assert_non_null(p);
    assert_int_equal(len, 0);
    assert_string_equal(p, "");
    free(p);
    buf_free(&b);
}

/* ---- slices ---- */

static void test_slice_eq_nocase(void **state)
{
    (void)state;
    assert_true(slice_eq_nocase(S("HeLLo"), S("hello")));
    assert_true(slice_eq_nocase(S(""), S("")));
    assert_true(slice_eq_nocase(S("A-Z_09"), S("a-z_09")));
    assert_false(slice_eq_nocase(S("hello"), S("hell")));
    assert_false(slice_eq_nocase(S("hello"), S("hellp")));
    /* only ASCII letters fold: '@' / '`' and '[' / '{' differ by 32 but are not letters */
    assert_false(slice_eq_nocase(S("@"), S("`")));
    assert_false(slice_eq_nocase(S("["), S("{")));
    /* bytes past the slice length are not looked at */
    struct slice a = {"abcX", 3}, b = {"ABCY", 3};
    assert_true(slice_eq_nocase(a, b));
}

static void test_slice_contains(void **state)
{
    (void)state;
    assert_true(slice_contains(S("engineering"), S("gin")));
    assert_true(slice_contains(S("engineering"), S("eng")));
    assert_true(slice_contains(S("engineering"), S("ring")));
    assert_true(slice_contains(S("engineering"), S("")));
    assert_true(slice_contains(S(""), S("")));
    assert_false(slice_contains(S("engineering"), S("GIN"))); /* byte-exact */
    assert_false(slice_contains(S("eng"), S("engineering")));
    assert_false(slice_contains(S(""), S("a")));
    struct slice hay = {"abcdef", 3};
    assert_false(slice_contains(hay, S("cd"))); /* beyond the slice */
}

static void test_slice_starts_with(void **state)
{
    (void)state;
    assert_true(slice_starts_with(S("Bearer abc"), S("Bearer ")));
    assert_true(slice_starts_with(S("abc"), S("")));
    assert_true(slice_starts_with(S("abc"), S("abc")));
    assert_false(slice_starts_with(S("ab"), S("abc")));
    assert_false(slice_starts_with(S("bearer abc"), S("Bearer")));
    assert_false(slice_starts_with(S(""), S("a")));
}

static void test_slice_parse_u64(void **state)
{
    (void)state;
    unsigned long long v = 99;
    assert_int_equal(slice_parse_u64(S("0"), &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(slice_parse_u64(S("1234"), &v), 0);
    assert_int_equal(v, 1234);
    assert_int_equal(slice_parse_u64(S("007"), &v), 0);
    assert_int_equal(v, 7);
    assert_int_equal(slice_parse_u64(S("999999999999999999"), &v), 0); /* 18 digits */
    assert_true(v == 999999999999999999ULL);

    v = 42;
    assert_int_equal(slice_parse_u64(S("1000000000000000000"), &v), -1); /* 19 digits */
    assert_int_equal(slice_parse_u64(S("99999999999999999999999"), &v), -1);
    assert_int_equal(slice_parse_u64(S(""), &v), -1);
    assert_int_equal(slice_parse_u64(S("12a"), &v), -1);
    assert_int_equal(slice_parse_u64(S("a12"), &v), -1);
    assert_int_equal(slice_parse_u64(S("-1"), &v), -1);
    assert_int_equal(slice_parse_u64(S("+1"), &v), -1);
    assert_int_equal(slice_parse_u64(S(" 1"), &v), -1);
    assert_int_equal(slice_parse_u64(S("1 "), &v), -1);
    assert_int_equal(slice_parse_u64(S("1.0"), &v), -1);
    assert_int_equal(slice_parse_u64(S("0x10"), &v), -1);
    assert_int_equal(slice_parse_u64(SLICE_NULL, &v), -1);
    assert_int_equal(v, 42); /* untouched on failure */

    /* only the slice's bytes count */
    struct slice part = {"12345", 3};
    assert_int_equal(slice_parse_u64(part, &v), 0);
    assert_int_equal(v, 123);
}

static void test_err_str(void **state)
{
    (void)state;
    assert_string_equal(roster_err_str(0), "ok");
    assert_string_equal(roster_err_str(R_ENOTFOUND), "not found");
    assert_string_equal(roster_err_str(R_EEXIST), "already exists");
    assert_string_equal(roster_err_str(-999), "internal error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena_alloc_zeroed_and_aligned),
        cmocka_unit_test(test_arena_max_enforced),
        cmocka_unit_test(test_arena_strndup),
        cmocka_unit_test(test_arena_printf),
        cmocka_unit_test(test_buf_append_and_cstr),
        cmocka_unit_test(test_buf_max_enforced),
        cmocka_unit_test(test_buf_max_small_appends),
        cmocka_unit_test(test_buf_appendf),
        cmocka_unit_test(test_buf_steal),
        cmocka_unit_test(test_slice_eq_nocase),
        cmocka_unit_test(test_slice_contains),
        cmocka_unit_test(test_slice_starts_with),
        cmocka_unit_test(test_slice_parse_u64),
        cmocka_unit_test(test_err_str),
    };
    return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
