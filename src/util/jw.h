/* A streaming JSON writer into a struct buf: responses are written directly, without
 * building a tree (no allocation per field). Strings are escaped; invalid UTF-8 becomes
 * U+FFFD, so the output is always valid JSON. */
#ifndef ROSTER_JW_H
#define ROSTER_JW_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

#define JW_MAX_DEPTH 32

struct jw {
    struct buf *b;
    int depth;
    bool first[JW_MAX_DEPTH]; /* no element written yet at this level */
    bool after_key;
};

void jw_init(struct jw *w, struct buf *b);
void jw_obj_begin(struct jw *w);
void jw_obj_end(struct jw *w);
void jw_arr_begin(struct jw *w);
void jw_arr_end(struct jw *w);
void jw_key(struct jw *w, const char *key);
/* NULL writes null. */
void jw_str(struct jw *w, const char *s);
void jw_strn(struct jw *w, const char *s, size_t n);
void jw_int(struct jw *w, long long v);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
/* Already-serialised JSON (trusted: produced by us or validated on input). */
void jw_raw(struct jw *w, const char *json, size_t n);
/* Escapes s as the contents of a JSON string (no quotes) into b. */
void jw_escape(struct buf *b, const char *s, size_t n);

/* key + value shorthands */
static inline void jw_kstr(struct jw *w, const char *k, const char *v)
{
    jw_key(w, k);
    jw_str(w, v);
}
static inline void jw_kint(struct jw *w, const char *k, long long v)
{
    jw_key(w, k);
    jw_int(w, v);
}
static inline void jw_kbool(struct jw *w, const char *k, bool v)
{
    jw_key(w, k);
    jw_bool(w, v);
}
static inline void jw_knull(struct jw *w, const char *k)
{
    jw_key(w, k);
    jw_null(w);
}

#endif
