/* Streaming JSON writer (see jw.h). */
#include <stdio.h>
#include <string.h>

#include "util/jw.h"

void jw_init(struct jw *w, struct buf *b)
{
    w->b = b;
    w->depth = 0;
    w->first[0] = true;
    w->after_key = false;
}

/* Separator before a value or key at the current level. */
static void jw_sep(struct jw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (!w->first[w->depth])
        buf_append(w->b, ",", 1);
    w->first[w->depth] = false;
}

static void jw_open(struct jw *w, char c)
{
    jw_sep(w);
    buf_append(w->b, &c, 1);
    if (w->depth < JW_MAX_DEPTH - 1)
        w->depth++;
    w->first[w->depth] = true;
}

static void jw_close(struct jw *w, char c)
{
    buf_append(w->b, &c, 1);
    if (w->depth > 0)
        w->depth--;
}

void jw_obj_begin(struct jw *w)
{
    jw_open(w, '{');
}

void jw_obj_end(struct jw *w)
{
    jw_close(w, '}');
}

void jw_arr_begin(struct jw *w)
{
    jw_open(w, '[');
}

void jw_arr_end(struct jw *w)
{
    jw_close(w, ']');
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    unsigned cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return len;
}

/* 1 for bytes that end a plain run: '"', '\\', control characters, and every non-ASCII byte
 * (checked as UTF-8 by the slow path). */
static const unsigned char jw_special[256] = {
    [0 ... 0x1f] = 1,
    ['"'] = 1,
    ['\\'] = 1,
    [0x80 ... 0xff] = 1,
};

void jw_escape(struct buf *b, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t start = 0; /* first byte of the current plain run, flushed in one append */
    size_t i = 0;
    while (i < n) {
        if (!jw_special[s[i]]) {
            i++;
            continue;
        }
        unsigned char c = s[i];
        if (c >= 0x80) {
            size_t len = utf8_seq(s + i, n - i);
            if (len) {
                i += len;
                continue;
            }
        }
        buf_append(b, s + start, i - start);
        char esc[8];
        switch (c) {
        case '"': buf_append(b, "\\\"", 2); break;
        case '\\': buf_append(b, "\\\\", 2); break;
        case '\n': buf_append(b, "\\n", 2); break;
        case '\r': buf_append(b, "\\r", 2); break;
        case '\t': buf_append(b, "\\t", 2); break;
        default:
            if (c < 0x20) {
                snprintf(esc, sizeof(esc), "\\u%04x", c);
                buf_append(b, esc, 6);
            } else {
                buf_append(b, "\\ufffd", 6); /* invalid UTF-8 byte */
            }
        }
        i++;
        start = i;
    }
    buf_append(b, s + start, n - start);
}

void jw_key(struct jw *w, const char *key)
{
    jw_sep(w);
    buf_append(w->b, "\"", 1);
    jw_escape(w->b, key, strlen(key));
    buf_append(w->b, "\":", 2);
    w->after_key = true;
}

void jw_strn(struct jw *w, const char *s, size_t n)
{
    jw_sep(w);
    buf_append(w->b, "\"", 1);
    jw_escape(w->b, s, n);
    buf_append(w->b, "\"", 1);
}

void jw_str(struct jw *w, const char *s)
{
    if (!s)
        jw_null(w);
    else
        jw_strn(w, s, strlen(s));
}

void jw_int(struct jw *w, long long v)
{
    jw_sep(w);
    buf_appendf(w->b, "%lld", v);
}

void jw_bool(struct jw *w, bool v)
{
    jw_sep(w);
    if (v)
        buf_append(w->b, "true", 4);
    else
        buf_append(w->b, "false", 5);
}

void jw_null(struct jw *w)
{
    jw_sep(w);
    buf_append(w->b, "null", 4);
}

void jw_raw(struct jw *w, const char *json, size_t n)
{
    jw_sep(w);
    buf_append(w->b, json, n);
}
