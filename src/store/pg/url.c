/* Store URLs of the PostgreSQL engine: validation through libpq's own parser, the password
 * found where it is written so that no message ever repeats it, and the SQLite placeholders
 * translated to PostgreSQL's. Pure: no connection, no globals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg/pg.h"
#include "util/buf.h"
#include "util/err.h"

bool store_pg_is_url(const char *url)
{
    return strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0;
}

/* A span [b, e) of the URL's text that holds a password. */
struct span {
    size_t b, e;
};

static void add_secret(struct store_pg_url *u, const char *p, size_t n)
{
    if (n == 0)
        return;
    for (size_t i = 0; i < sizeof(u->secret) / sizeof(u->secret[0]); i++) {
        if (u->secret[i] && strlen(u->secret[i]) == n && memcmp(u->secret[i], p, n) == 0)
            return;
        if (!u->secret[i]) {
            u->secret[i] = strndup(p, n);
            return;
        }
    }
}

/* URI form: user:PASSWORD@ before the first '/' (libpq's reading), and password=VALUE in the
 * query. */
static size_t uri_spans(const char *url, struct span *s, size_t max)
{
    size_t n = 0;
    const char *start = strstr(url, "://") + 3, *p = start;
    while (*p && *p != '@' && *p != '/')
        p++;
    if (*p == '@') {
        const char *colon = memchr(start, ':', (size_t)(p - start));
        if (colon && n < max)
            s[n++] = (struct span){(size_t)(colon + 1 - url), (size_t)(p - url)};
    }
    const char *q = strchr(url, '?');
    while (q && n < max) {
        q++;
        if (strncmp(q, "password=", 9) == 0) {
            const char *v = q + 9, *end = v + strcspn(v, "&#");
            s[n++] = (struct span){(size_t)(v - url), (size_t)(end - url)};
        }
        q = strchr(q, '&');
    }
    return n;
}

/* Keyword form: password = 'quoted \' value' or password=bare, as libpq tokenises it. */
static size_t keyword_spans(const char *s0, struct span *s, size_t max)
{
    size_t n = 0;
    const char *p = s0;
    bool broke = false;
    while (*p && n < max) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')
            p++;
        const char *k = p;
        while (*p && *p != '=' && *p != ' ' && *p != '\t' && *p != '\n')
            p++;
        size_t klen = (size_t)(p - k);
        while (*p == ' ' || *p == '\t' || *p == '\n')
            p++;
        if (*p != '=') {
            broke = true; /* malformed: libpq says so */
            break;
        }
        p++;
        while (*p == ' ' || *p == '\t' || *p == '\n')
            p++;
        const char *v = p;
        if (*p == '\'') {
            p++;
            while (*p && *p != '\'')
                p += (*p == '\\' && p[1]) ? 2 : 1;
            if (*p)
                p++;
        } else {
            while (*p && *p != ' ' && *p != '\t' && *p != '\n')
                p += (*p == '\\' && p[1]) ? 2 : 1;
        }
        if (klen == 8 && memcmp(k, "password", 8) == 0)
            s[n++] = (struct span){(size_t)(v - s0), (size_t)(p - s0)};
    }
    const char *k = strstr(s0, "password");
    if (broke && n == 0 && k) /* unparsable text that names a password: mask from there on */
        s[n++] = (struct span){(size_t)(k - s0), strlen(s0)};
    return n;
}

/* Port values are numbers (a list of them for several hosts); libpq checks only at connect. */
static bool ports_ok(const char *v)
{
    for (const char *p = v; *p; p++)
        if ((*p < '0' || *p > '9') && *p != ',')
            return false;
    return true;
}

int store_pg_url_parse(const char *url, struct store_pg_url *u, char *err, size_t errlen)
{
    memset(u, 0, sizeof(*u));
    err[0] = 0;
    struct span s[8];
    bool uri = store_pg_is_url(url);
    size_t ns = uri ? uri_spans(url, s, 8) : keyword_spans(url, s, 8);
    struct buf b;
    buf_init(&b, 0);
    size_t at = 0;
    for (size_t i = 0; i < ns; i++) {
        add_secret(u, url + s[i].b, s[i].e - s[i].b);
        if (s[i].b < at)
            continue;
        buf_append(&b, url + at, s[i].b - at);
        buf_append_str(&b, "***");
        at = s[i].e;
    }
    buf_append_str(&b, url + at);
    buf_cstr(&b);
    u->redacted = buf_steal(&b, NULL);
    u->has_password = ns > 0;
    if (!u->redacted)
        return R_ENOMEM;

    char *msg = NULL;
    PQconninfoOption *opts = PQconninfoParse(url, &msg);
    int rc = 0;
    char line[STORE_PG_ERR_MAX];
    if (!opts) {
        store_pg_scrub(u, msg ? msg : "out of memory", line, sizeof(line));
        PQfreemem(msg);
        snprintf(err, errlen, "invalid store URL %s: %s", u->redacted, line);
        return R_EINVAL;
    }
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        if (!o->val)
            continue;
        if (strcmp(o->keyword, "password") == 0 && o->val[0]) {
            add_secret(u, o->val, strlen(o->val));
            u->has_password = true;
        }
        if (strcmp(o->keyword, "port") == 0 && !ports_ok(o->val)) {
            snprintf(err, errlen, "invalid store URL %s: the port is not a number", u->redacted);
            rc = R_EINVAL;
        }
    }
    PQconninfoFree(opts);
    return rc;
}

void store_pg_url_free(struct store_pg_url *u)
{
    free(u->redacted);
    for (size_t i = 0; i < sizeof(u->secret) / sizeof(u->secret[0]); i++)
        free(u->secret[i]);
    memset(u, 0, sizeof(*u));
}

void store_pg_scrub(const struct store_pg_url *u, const char *msg, char *out, size_t n)
{
    size_t o = 0;
    if (n == 0)
        return;
    for (const char *p = msg; *p && o + 1 < n;) {
        size_t hit = 0;
        for (size_t i = 0; u && i < sizeof(u->secret) / sizeof(u->secret[0]); i++) {
            size_t l = u->secret[i] ? strlen(u->secret[i]) : 0;
            if (l && strncmp(p, u->secret[i], l) == 0 && l > hit)
                hit = l;
        }
        if (hit) {
            for (const char *m = "***"; *m && o + 1 < n; m++)
                out[o++] = *m;
            p += hit;
            continue;
        }
        char c = (*p == '\n' || *p == '\r' || *p == '\t') ? ' ' : *p;
        if (c != ' ' || (o > 0 && out[o - 1] != ' ')) /* one line, single spaces */
            out[o++] = c;
        p++;
    }
    while (o > 0 && out[o - 1] == ' ')
        o--;
    out[o] = 0;
}

/* Skips a quoted run starting at sql[i] (the quote), copying it; returns the index after it.
 * Doubled quotes stay inside; E'' strings are not used by the store's statements. */
static size_t copy_quoted(const char *sql, size_t i, struct buf *b)
{
    char q = sql[i];
    size_t j = i + 1;
    for (; sql[j]; j++) {
        if (sql[j] == q) {
            if (sql[j + 1] == q) {
                j++;
                continue;
            }
            j++;
            break;
        }
    }
    buf_append(b, sql + i, j - i);
    return j;
}

int pg__translate(const char *sql, char **out, int *nparams)
{
    struct buf b;
    buf_init(&b, 0);
    int max = 0;
    size_t i = 0;
    while (sql[i]) {
        char c = sql[i];
        if (c == '\'' || c == '"') {
            i = copy_quoted(sql, i, &b);
        } else if (c == '-' && sql[i + 1] == '-') {
            size_t e = i + strcspn(sql + i, "\n");
            buf_append(&b, sql + i, e - i);
            i = e;
        } else if (c == '/' && sql[i + 1] == '*') {
            const char *end = strstr(sql + i + 2, "*/");
            size_t e = end ? (size_t)(end + 2 - sql) : strlen(sql);
            buf_append(&b, sql + i, e - i);
            i = e;
        } else if (c == '?') {
            /* ?NNN keeps its number; a bare ? takes the next one, as in SQLite */
            size_t j = i + 1;
            int v = 0;
            while (sql[j] >= '0' && sql[j] <= '9' && v < 100000)
                v = v * 10 + (sql[j++] - '0');
            if (j == i + 1)
                v = max + 1;
            else if (v < 1 || v > 65535) {
                buf_free(&b);
                return R_EINVAL;
            }
            if (v > max)
                max = v;
            buf_appendf(&b, "$%d", v);
            i = j;
        } else {
            buf_append(&b, &c, 1);
            i++;
        }
    }
    buf_cstr(&b);
    if (b.oom) {
        buf_free(&b);
        return R_ENOMEM;
    }
    *out = buf_steal(&b, NULL);
    *nparams = max;
    return 0;
}
