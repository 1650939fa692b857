/* Slices, arena, growable buffers and error names: the small helpers every layer uses. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/slice.h"

bool slice_eq_nocase(struct slice a, struct slice b)
{
    if (a.n != b.n)
        return false;
    for (size_t i = 0; i < a.n; i++) {
        unsigned char x = (unsigned char)a.p[i], y = (unsigned char)b.p[i];
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y + 32);
        if (x != y)
            return false;
    }
    return true;
}

bool slice_contains(struct slice hay, struct slice needle)
{
    if (needle.n == 0)
        return true;
    if (needle.n > hay.n)
        return false;
    for (size_t i = 0; i + needle.n <= hay.n; i++)
        if (memcmp(hay.p + i, needle.p, needle.n) == 0)
            return true;
    return false;
}

bool slice_starts_with(struct slice s, struct slice prefix)
{
    return prefix.n <= s.n && (prefix.n == 0 || memcmp(s.p, prefix.p, prefix.n) == 0);
}

int slice_parse_u64(struct slice s, unsigned long long *out)
{
    if (s.n == 0 || s.n > 18)
        return -1;
    unsigned long long v = 0;
    for (size_t i = 0; i < s.n; i++) {
        if (s.p[i] < '0' || s.p[i] > '9')
            return -1;
        v = v * 10 + (unsigned long long)(s.p[i] - '0');
    }
    *out = v;
    return 0;
}

/* ---- arena ---- */

struct arena_block {
    struct arena_block *next;
    size_t cap, used;
    _Alignas(16) unsigned char data[];
};

#define ARENA_BLOCK 8192

void arena_init(struct arena *a, size_t max)
{
    a->head = NULL;
    a->used_total = 0;
    a->max = max;
}

void *arena_alloc(struct arena *a, size_t n)
{
    size_t need = (n + 15) & ~(size_t)15;
    if (need < n)
        return NULL;
    if (a->max && (need > a->max || a->used_total > a->max - need))
        return NULL;
    struct arena_block *b = a->head;
    if (!b || b->cap - b->used < need) {
        size_t cap = need > ARENA_BLOCK ? need : ARENA_BLOCK;
        b = malloc(sizeof(*b) + cap);
        if (!b)
            return NULL;
        b->cap = cap;
        b->used = 0;
        if (a->head && need > ARENA_BLOCK) {
            /* keep the partly used head for small allocations */
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
    }
    void *p = b->data + b->used;
    b->used += need;
    a->used_total += need;
    memset(p, 0, n);
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *p = arena_alloc(a, (size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void arena_free(struct arena *a)
{
    struct arena_block *b = a->head;
    while (b) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->used_total = 0;
}

/* ---- buf ---- */

void buf_init(struct buf *b, size_t max)
{
    b->p = NULL;
    b->n = b->cap = 0;
    b->max = max;
    b->oom = 0;
}

static int buf_reserve(struct buf *b, size_t extra)
{
    if (b->oom)
        return R_ENOMEM;
    size_t need = b->n + extra + 1;
    if (need < b->n || (b->max && need > b->max + 1)) {
        b->oom = 1;
        return R_ETOOBIG;
    }
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    if (b->max && cap > b->max + 1)
        cap = b->max + 1; /* the fast path in buf_append relies on cap never passing max */
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = 1;
        return R_ENOMEM;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

int buf_append(struct buf *b, const void *p, size_t n)
{
    if (!b->oom && b->cap - b->n > n) { /* fits: the common case, no checks beyond this */
        memcpy(b->p + b->n, p, n);
        b->n += n;
        b->p[b->n] = 0;
        return 0;
    }
    int rc = buf_reserve(b, n);
    if (rc)
        return rc;
    if (n)
        memcpy(b->p + b->n, p, n);
    b->n += n;
    b->p[b->n] = 0;
    return 0;
}

int buf_append_str(struct buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

int buf_appendf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return R_EINVAL;
    int rc = buf_reserve(b, (size_t)n);
    if (rc)
        return rc;
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)n;
    return 0;
}

const char *buf_cstr(struct buf *b)
{
    if (!b->p && buf_reserve(b, 0))
        return "";
    b->p[b->n] = 0;
    return b->p;
}

void buf_reset(struct buf *b)
{
    b->n = 0;
    b->oom = 0;
    if (b->p)
        b->p[0] = 0;
}

void buf_free(struct buf *b)
{
    free(b->p);
    buf_init(b, b->max);
}

char *buf_steal(struct buf *b, size_t *len)
{
    buf_cstr(b);
    char *p = b->p;
    if (len)
        *len = b->n;
    b->p = NULL;
    b->n = b->cap = 0;
    return p;
}

const char *roster_err_str(int err)
{
    switch (err) {
    case 0: return "ok";
    case R_ENOMEM: return "out of memory";
    case R_EINVAL: return "invalid input";
    case R_ENOTFOUND: return "not found";
    case R_EEXIST: return "already exists";
    case R_EFORBIDDEN: return "forbidden";
    case R_EAUTH: return "authentication failed";
    case R_ESTORE: return "storage error";
    case R_EBUSY: return "storage busy";
    case R_ETOOBIG: return "too large";
    case R_ELIMIT: return "rate limited";
    case R_ERESERVED: return "reserved name";
    default: return "internal error";
    }
}
