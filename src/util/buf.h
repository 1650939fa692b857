/* Growable byte buffer with a hard maximum (owned by its creator, freed with buf_free). */
#ifndef ROSTER_BUF_H
#define ROSTER_BUF_H

#include <stddef.h>

#include "util/slice.h"

struct buf {
    char *p;
    size_t n;
    size_t cap;
    size_t max; /* 0 = unbounded */
    int oom;    /* set once an append failed; later appends are no-ops */
};

void buf_init(struct buf *b, size_t max);
int buf_append(struct buf *b, const void *p, size_t n);
int buf_append_str(struct buf *b, const char *s);
int buf_appendf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Ensures p is NUL-terminated (not counted in n). */
const char *buf_cstr(struct buf *b);
void buf_reset(struct buf *b);
void buf_free(struct buf *b);
/* Takes ownership of the bytes; the buffer is left empty. Caller frees with free(). */
char *buf_steal(struct buf *b, size_t *len);

#endif
