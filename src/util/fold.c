/* Unicode case folding through libunistring (u8_casefold, NFC), with an ASCII fast path. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <uninorm.h>
#include <unistr.h>

#include "util/err.h"
#include "util/fold.h"

static bool fold_ascii(struct slice s)
{
    for (size_t i = 0; i < s.n; i++)
        if ((unsigned char)s.p[i] >= 0x80)
            return false;
    return true;
}

bool fold_valid(struct slice s)
{
    if (s.n > FOLD_MAX)
        return false;
    return fold_ascii(s) || u8_check((const uint8_t *)s.p, s.n) == NULL;
}

int fold_alloc(struct slice s, char **out, size_t *outn)
{
    *out = NULL;
    *outn = 0;
    if (!fold_valid(s))
        return R_EINVAL;
    if (fold_ascii(s)) {
        /* ASCII folds to its lower case and is already NFC: what u8_casefold gives */
        char *p = malloc(s.n + 1);
        if (!p)
            return R_ENOMEM;
        for (size_t i = 0; i < s.n; i++) {
            char c = s.p[i];
            p[i] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
        }
        p[s.n] = 0;
        *out = p;
        *outn = s.n;
        return 0;
    }
    size_t len = 0;
    /* NULL language: the default full folding (no Turkish/Lithuanian tailoring) */
    uint8_t *r = u8_casefold((const uint8_t *)s.p, s.n, NULL, UNINORM_NFC, NULL, &len);
    if (!r)
        return R_ENOMEM;
    char *p = realloc(r, len + 1);
    if (!p) {
        free(r);
        return R_ENOMEM;
    }
    p[len] = 0;
    *out = p;
    *outn = len;
    return 0;
}

int fold_arena(struct arena *a, struct slice s, struct slice *out)
{
    char *p;
    size_t n;
    int rc = fold_alloc(s, &p, &n);
    if (rc)
        return rc;
    char *copy = arena_strndup(a, p, n);
    free(p);
    if (!copy)
        return R_ENOMEM;
    *out = (struct slice){copy, n};
    return 0;
}
