/* Unit tests for src/util/fold.c: the Unicode case fold that case-insensitive searches store
 * and compare (full folding, NFC), its refusal of what is not UTF-8, and its length bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>

#include "util/arena.h"
#include "util/err.h"
#include "util/fold.h"

/* fold(in) as a malloc'd string; fails the test when it cannot fold. */
static char *fold_ok(const char *in, size_t n)
{
    char *out = NULL;
    size_t outn = 0;
    assert_int_equal(fold_alloc((struct slice){in, n}, &out, &outn), 0);
    assert_non_null(out);
    assert_int_equal(out[outn], 0);
    assert_int_equal(strlen(out), outn);
    return out;
}

static void assert_folds_to(const char *in, const char *want)
{
    char *out = fold_ok(in, strlen(in));
    assert_string_equal(out, want);
    /* folding is idempotent: a stored key folds to itself */
    char *again = fold_ok(out, strlen(out));
    assert_string_equal(again, out);
    free(again);
    free(out);
}

static void assert_same_key(const char *a, const char *b)
{
    char *fa = fold_ok(a, strlen(a)), *fb = fold_ok(b, strlen(b));
    assert_string_equal(fa, fb);
    free(fa);
    free(fb);
}

static void test_latin(void **state)
{
    (void)state;
    assert_folds_to("Émile", "émile");
    assert_folds_to("ÉMILE", "émile");
    assert_same_key("Ingénierie", "INGÉNIERIE");
    assert_folds_to("ÀÇÑØÞ", "àçñøþ");
    /* diacritics still count */
    char *e = fold_ok("é", 2), *plain = fold_ok("E", 1);
    assert_string_not_equal(e, plain);
    free(e);
    free(plain);
}

static void test_sharp_s_and_ligatures_expand(void **state)
{
    (void)state;
    assert_folds_to("Straße", "strasse");
    assert_folds_to("STRASSE", "strasse");
    assert_folds_to("\xe1\xba\x9e", "ss");  /* U+1E9E LATIN CAPITAL LETTER SHARP S */
    assert_folds_to("\xef\xac\x83", "ffi"); /* U+FB03 LATIN SMALL LIGATURE FFI */
    /* U+0149 ŉ: 2 bytes fold to 3 (U+02BC U+006E) */
    assert_folds_to("\xc5\x89", "\xca\xbcn");
}

static void test_turkish_i_is_the_default_fold(void **state)
{
    (void)state;
    /* no language tailoring: I folds to i, İ to i + COMBINING DOT ABOVE, ı stays ı */
    assert_folds_to("I", "i");
    assert_folds_to("\xc4\xb0", "i\xcc\x87");
    assert_folds_to("\xc4\xb1", "\xc4\xb1");
    assert_folds_to("ISTANBUL", "istanbul");
}

static void test_greek_final_sigma(void **state)
{
    (void)state;
    assert_folds_to("ΟΔΟΣ", "οδοσ");
    assert_folds_to("οδος", "οδοσ"); /* ς (final) folds like σ */
    assert_same_key("ΣΑΣ", "σας");
}

static void test_nfc(void **state)
{
    (void)state;
    /* E + COMBINING ACUTE ACCENT and the precomposed É are one text */
    assert_folds_to("E\xcc\x81MILE", "émile");
    assert_same_key("e\xcc\x81", "\xc3\xa9");
    /* U+212B ANGSTROM SIGN is canonically Å; U+212A KELVIN SIGN folds to k */
    assert_folds_to("\xe2\x84\xab", "\xc3\xa5");
    assert_folds_to("\xe2\x84\xaaim", "kim");
    /* compatibility characters are other characters: ① is not 1 */
    assert_folds_to("\xe2\x91\xa0", "\xe2\x91\xa0");
}

static void test_ascii_fast_path_matches_libunistring(void **state)
{
    (void)state;
    char all[127];
    for (int i = 0; i < 127; i++)
        all[i] = (char)(i + 1);
    char *ours = fold_ok(all, sizeof(all));
    size_t len = 0;
    uint8_t *theirs = u8_casefold((const uint8_t *)all, sizeof(all), NULL, UNINORM_NFC, NULL, &len);
    assert_non_null(theirs);
    assert_int_equal(len, sizeof(all));
    assert_memory_equal(ours, theirs, len);
    free(theirs);
    free(ours);
    assert_folds_to("Jane.Doe+X@Example.COM", "jane.doe+x@example.com");
}

static void test_empty_and_nul(void **state)
{
    (void)state;
    char *out = NULL;
    size_t n = 1;
    assert_int_equal(fold_alloc((struct slice){"", 0}, &out, &n), 0);
    assert_int_equal(n, 0);
    assert_string_equal(out, "");
    free(out);
    /* an embedded NUL is a character like any other */
    assert_int_equal(fold_alloc((struct slice){"A\0\xc3\x89", 4}, &out, &n), 0);
    assert_int_equal(n, 4);
    assert_memory_equal(out, "a\0\xc3\xa9", 4);
    free(out);
}

static void test_invalid_utf8_refused(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t n;
    } bad[] = {
        {"ab\xff", 3},           /* never a UTF-8 byte */
        {"\xc3", 1},             /* truncated sequence */
        {"\xc3(", 2},            /* bad continuation */
        {"\xc0\xaf", 2},         /* overlong '/' */
        {"\xed\xa0\x80", 3},     /* UTF-16 surrogate */
        {"\xf4\x90\x80\x80", 4}, /* above U+10FFFF */
        {"\x80", 1},             /* lone continuation */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct slice s = {bad[i].s, bad[i].n};
        char *out = (char *)1;
        size_t n = 7;
        assert_false(fold_valid(s));
        assert_int_equal(fold_alloc(s, &out, &n), R_EINVAL);
        assert_null(out);
        assert_int_equal(n, 0);
        struct arena a;
        arena_init(&a, 0);
        struct slice f = {NULL, 0};
        assert_int_equal(fold_arena(&a, s, &f), R_EINVAL);
        arena_free(&a);
    }
    assert_true(fold_valid((struct slice){"\xf0\x9f\x98\x80", 4})); /* astral: valid */
}

static void test_length_bounds(void **state)
{
    (void)state;
    char *big = malloc(FOLD_MAX + 1);
    assert_non_null(big);
    memset(big, 'A', FOLD_MAX + 1);
    char *out;
    size_t n;
    assert_int_equal(fold_alloc((struct slice){big, FOLD_MAX}, &out, &n), 0);
    assert_int_equal(n, FOLD_MAX);
    assert_int_equal(out[0], 'a');
    assert_int_equal(out[FOLD_MAX - 1], 'a');
    free(out);
    assert_false(fold_valid((struct slice){big, FOLD_MAX + 1}));
    assert_int_equal(fold_alloc((struct slice){big, FOLD_MAX + 1}, &out, &n), R_EINVAL);
    /* the longest non-ASCII input, every character expanding (ŉ: 2 bytes → 3) */
    for (size_t i = 0; i + 1 < FOLD_MAX; i += 2)
        memcpy(big + i, "\xc5\x89", 2);
    assert_int_equal(fold_alloc((struct slice){big, FOLD_MAX}, &out, &n), 0);
    assert_int_equal(n, FOLD_MAX / 2 * 3);
    assert_memory_equal(out + n - 3, "\xca\xbcn", 3);
    free(out);
    free(big);
}

static void test_arena_variant(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct slice f;
    assert_int_equal(fold_arena(&a, slice_from_cstr("ÉQUIPE"), &f), 0);
    assert_int_equal(f.n, strlen("équipe"));
    assert_string_equal(f.p, "équipe");
    arena_free(&a);
    /* an exhausted arena is R_ENOMEM, not a partial key */
    arena_init(&a, 16);
    assert_int_equal(fold_arena(&a, slice_from_cstr("a text longer than sixteen bytes"), &f),
                     R_ENOMEM);
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_latin),
        cmocka_unit_test(test_sharp_s_and_ligatures_expand),
        cmocka_unit_test(test_turkish_i_is_the_default_fold),
        cmocka_unit_test(test_greek_final_sigma),
        cmocka_unit_test(test_nfc),
        cmocka_unit_test(test_ascii_fast_path_matches_libunistring),
        cmocka_unit_test(test_empty_and_nul),
        cmocka_unit_test(test_invalid_utf8_refused),
        cmocka_unit_test(test_length_bounds),
        cmocka_unit_test(test_arena_variant),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
