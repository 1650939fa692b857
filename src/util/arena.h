/* Per-request arena: many small allocations, freed together in one call. */
#ifndef ROSTER_ARENA_H
#define ROSTER_ARENA_H

#include <stddef.h>

#include "util/slice.h"

struct arena_block;

struct arena {
    struct arena_block *head;
    size_t used_total; /* bytes handed out, checked against max */
    size_t max;        /* 0 = unbounded */
};

void arena_init(struct arena *a, size_t max);
/* Returns zeroed memory aligned for any type, or NULL past the arena's max. */
void *arena_alloc(struct arena *a, size_t n);
/* Copies n bytes and NUL-terminates; NULL on exhaustion. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
/* printf into the arena; NULL on exhaustion. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Frees every block; the arena may be reused after arena_init. */
void arena_free(struct arena *a);

#endif
