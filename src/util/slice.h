/* Byte slices: input moves through the server as (ptr,len), never as C strings. */
#ifndef ROSTER_SLICE_H
#define ROSTER_SLICE_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct slice {
    const char *p;
    size_t n;
};

#define SLICE_LIT(s) ((struct slice){(s), sizeof(s) - 1})
#define SLICE_NULL ((struct slice){NULL, 0})

static inline struct slice slice_from_cstr(const char *s)
{
    return (struct slice){s, s ? strlen(s) : 0};
}

static inline bool slice_eq(struct slice a, struct slice b)
{
    return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

static inline bool slice_eq_cstr(struct slice a, const char *b)
{
    return slice_eq(a, slice_from_cstr(b));
}

/* ASCII case-insensitive equality. */
bool slice_eq_nocase(struct slice a, struct slice b);
/* True when the slice contains needle (byte-exact). */
bool slice_contains(struct slice hay, struct slice needle);
bool slice_starts_with(struct slice s, struct slice prefix);
/* Parses a non-negative decimal integer of at most 18 digits; -1 on anything else. */
int slice_parse_u64(struct slice s, unsigned long long *out);

#endif
