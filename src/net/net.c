/* libmicrohttpd glue: daemon options and limits, the two-phase access handler, body cap,
 * per-thread worker contexts, request ids and the buffered access log. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <malloc.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/http.h"
#include "http/internal.h"
#include "util/err.h"

#define NET_ARENA_MAX (32u << 20) /* request-scoped memory a handler may use */
#define NET_LOG_BUF 16384
#define NET_LOG_FLUSH_AT 8192
#define NET_LOG_PATH_MAX 512
#define NET_DISCARD_FACTOR 8 /* drop the connection past 8x max_body of rejected body */

/* Buffered access log shared by all workers. */
struct net_log {
    pthread_mutex_t mu; /* guards n, buf, stop */
    pthread_cond_t cond;
    pthread_t flusher;
    bool running, stop;
    size_t n;
    char buf[NET_LOG_BUF];
};

struct http_server {
    struct MHD_Daemon *mhd;
    struct http_config cfg; /* defaults filled in; string members point at copies below */
    const struct http_dialect **dialects;
    size_t ndialects;
    void *app;
    char *public_base;      /* public_url without trailing '/', or NULL */
    char *listen_authority; /* "127.0.0.1:8080" / "[::1]:8080" for a missing or odd Host */
    bool tls;
    unsigned short port;
    pthread_mutex_t workers_mu; /* guards workers, nworkers, capworkers */
    void **workers;
    size_t nworkers, capworkers;
    struct net_log log;
};

/* Per-request state: created when MHD reports the request line, freed on completion. */
struct net_req {
    struct http_request req;
    struct http_response resp;
    struct arena arena;
    struct buf body; /* capped at cfg.max_body */
    const struct http_dialect *dialect;
    struct slice target; /* raw request target (arena) */
    int input_err;
    struct timespec t0;
    bool started, too_big, oom, queued;
    size_t discarded; /* body bytes dropped after the cap was hit */
    int status;
    size_t resp_bytes;
    char request_id[33];
    char peer[64];
};

static _Thread_local struct http_server *tls_srv;
static _Thread_local void *tls_worker;
static _Thread_local uint64_t tls_rng[4];
static _Thread_local bool tls_rng_ready;

/* ---- request ids: xoshiro256** per thread, seeded from libsodium ---- */

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(void)
{
    uint64_t *s = tls_rng;
    if (!tls_rng_ready) {
        do
            randombytes_buf(tls_rng, sizeof(tls_rng));
        while (!(s[0] | s[1] | s[2] | s[3]));
        tls_rng_ready = true;
    }
    uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return r;
}

static void make_request_id(char out[33])
{
    static const char hex[] = "0123456789abcdef";
    for (int w = 0; w < 2; w++) {
        uint64_t v = rng_next();
        for (int i = 0; i < 16; i++, v >>= 4)
            out[w * 16 + i] = hex[v & 15];
    }
    out[32] = 0;
}

/* ---- access log ---- */

static void log_write_fd(const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(STDERR_FILENO, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

static void log_flush_locked(struct net_log *l)
{
    log_write_fd(l->buf, l->n);
    l->n = 0;
}

static void *log_flusher(void *arg)
{
    struct net_log *l = arg;
    pthread_mutex_lock(&l->mu);
    while (!l->stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 1;
        pthread_cond_timedwait(&l->cond, &l->mu, &ts);
        if (l->n)
            log_flush_locked(l);
    }
    pthread_mutex_unlock(&l->mu);
    return NULL;
}

static void log_append(struct net_log *l, const char *p, size_t n)
{
    pthread_mutex_lock(&l->mu);
    if (l->n + n > sizeof(l->buf))
        log_flush_locked(l);
    if (n > sizeof(l->buf)) {
        log_write_fd(p, n);
    } else {
        memcpy(l->buf + l->n, p, n);
        l->n += n;
    }
    if (l->n >= NET_LOG_FLUSH_AT)
        log_flush_locked(l);
    pthread_mutex_unlock(&l->mu);
}

/* Fixed-size line builder: appends silently stop at the end. */
struct line {
    char p[4096];
    size_t n;
};

static void line_put(struct line *l, const char *s, size_t n)
{
    if (n > sizeof(l->p) - l->n)
        n = sizeof(l->p) - l->n;
    memcpy(l->p + l->n, s, n);
    l->n += n;
}

static void line_str(struct line *l, const char *s)
{
    line_put(l, s, strlen(s));
}

/* Printable ASCII passes; spaces, controls, '\\' and bytes >= 0x7f become \xNN. */
static void line_escaped(struct line *l, const char *s, size_t n, size_t max)
{
    static const char hex[] = "0123456789abcdef";
    if (n > max)
        n = max;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c > 0x20 && c < 0x7f && c != '\\') {
            line_put(l, (const char *)&c, 1);
        } else {
            char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
            line_put(l, e, 4);
        }
    }
}

static void log_request(struct http_server *s, struct net_req *r)
{
    struct line l = {.n = 0};
    struct timespec now, mono;
    clock_gettime(CLOCK_REALTIME, &now);
    clock_gettime(CLOCK_MONOTONIC, &mono);
    struct tm tm;
    gmtime_r(&now.tv_sec, &tm);
    char tbuf[64];
    size_t tn = strftime(tbuf, sizeof(tbuf), "%Y-%m-%dT%H:%M:%S", &tm);
    line_put(&l, tbuf, tn);
    long long us =
        (long long)(mono.tv_sec - r->t0.tv_sec) * 1000000 + (mono.tv_nsec - r->t0.tv_nsec) / 1000;
    char num[128];
    int nn = snprintf(num, sizeof(num), ".%03ldZ %s %s ", now.tv_nsec / 1000000, r->request_id,
                      r->peer[0] ? r->peer : "-");
    line_put(&l, num, (size_t)nn);
    if (r->req.principal && r->req.principal[0])
        line_escaped(&l, r->req.principal, strlen(r->req.principal), 128);
    else
        line_str(&l, "-");
    line_str(&l, " ");
    if (r->req.method_str)
        line_escaped(&l, r->req.method_str, strlen(r->req.method_str), 32);
    else
        line_str(&l, "-");
    line_str(&l, " ");
    if (r->target.n)
        line_escaped(&l, r->target.p, r->target.n, NET_LOG_PATH_MAX);
    else
        line_str(&l, "-");
    /* status "-": MHD answered or dropped the request itself (431, timeout, abort) */
    if (r->status)
        nn =
            snprintf(num, sizeof(num), " %d %zu %lld\n", r->status, r->resp_bytes, us < 0 ? 0 : us);
    else
        nn = snprintf(num, sizeof(num), " - 0 %lld\n", us < 0 ? 0 : us);
    if (l.n + (size_t)nn > sizeof(l.p))
        l.n = sizeof(l.p) - (size_t)nn;
    line_put(&l, num, (size_t)nn);
    log_append(&s->log, l.p, l.n);
}

/* ---- per-thread worker contexts ---- */

static void *worker_for_thread(struct http_server *s)
{
    if (tls_srv == s)
        return tls_worker;
    tls_srv = s;
    tls_worker = NULL;
    if (!s->cfg.worker_init)
        return NULL;
    void *w = s->cfg.worker_init(s->app);
    if (!w)
        return NULL;
    pthread_mutex_lock(&s->workers_mu);
    if (s->nworkers == s->capworkers) {
        size_t cap = s->capworkers ? s->capworkers * 2 : 8;
        void **p = realloc(s->workers, cap * sizeof(*p));
        if (p) {
            s->workers = p;
            s->capworkers = cap;
        }
    }
    bool kept = s->nworkers < s->capworkers;
    if (kept)
        s->workers[s->nworkers++] = w;
    pthread_mutex_unlock(&s->workers_mu);
    if (!kept) {
        /* cannot remember it for shutdown: give it back and run without one */
        if (s->cfg.worker_fini)
            s->cfg.worker_fini(s->app, w);
        return NULL;
    }
    tls_worker = w;
    return w;
}

/* ---- request helpers ---- */

const char *http_header(struct http_request *req, const char *name)
{
    if (!req || !req->conn_ctx || !name)
        return NULL;
    return MHD_lookup_connection_value(req->conn_ctx, MHD_HEADER_KIND, name);
}

static void format_peer(struct MHD_Connection *conn, char *out, size_t outsz)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    out[0] = 0;
    if (!ci || !ci->client_addr)
        return;
    char host[INET6_ADDRSTRLEN];
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const void *)sa;
        if (inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host)))
            snprintf(out, outsz, "%s:%u", host, (unsigned)ntohs(in->sin_port));
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const void *)sa;
        if (inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host)))
            snprintf(out, outsz, "[%s]:%u", host, (unsigned)ntohs(in6->sin6_port));
    }
}

static bool host_ok(const char *h)
{
    size_t n = strlen(h);
    if (n == 0 || n > 255)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = h[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == ':' || c == '-' || c == '[' || c == ']'))
            return false;
    }
    return true;
}

static const char *make_base_url(struct http_server *s, struct net_req *r,
                                 struct MHD_Connection *conn)
{
    if (s->public_base)
        return s->public_base;
    const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
    if (!host || !host_ok(host))
        host = s->listen_authority;
    return arena_printf(&r->arena, "%s://%s", s->tls ? "https" : "http", host);
}

/* A request that held this much (body, parse, response) gives the memory back to the system
 * when it ends, so a burst of big bodies does not leave the process that much larger. */
#define NET_TRIM_AFTER (256 * 1024)

static void req_free(struct net_req *r)
{
    bool big = r->body.cap + r->resp.body.cap >= NET_TRIM_AFTER;
    json_decref(r->req.json);
    buf_free(&r->body);
    buf_free(&r->resp.body);
    arena_free(&r->arena);
    free(r);
    if (big)
        malloc_trim(0);
}

static struct net_req *req_new(struct http_server *s, struct MHD_Connection *conn, const char *uri)
{
    struct net_req *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    clock_gettime(CLOCK_MONOTONIC, &r->t0);
    arena_init(&r->arena, NET_ARENA_MAX);
    buf_init(&r->body, s->cfg.max_body);
    http__resp_init(&r->resp);
    r->req.arena = &r->arena;
    make_request_id(r->request_id);
    r->req.request_id = r->request_id;
    format_peer(conn, r->peer, sizeof(r->peer));
    r->req.peer = r->peer;
    r->req.app = s->app;
    r->req.conn_ctx = conn;
    size_t n = uri ? strlen(uri) : 0;
    char *t = arena_strndup(&r->arena, uri ? uri : "", n);
    if (t)
        r->target = (struct slice){t, n};
    else
        r->oom = true;
    return r;
}

/* MHD reports the raw request target (query included, nothing decoded) before parsing it;
 * the returned state becomes the request's *con_cls. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    return req_new(cls, conn, uri);
}

/* We decode paths and queries ourselves from the raw target; MHD's copies stay as sent. */
static size_t no_unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    (void)cls;
    (void)conn;
    return strlen(s);
}

/* Turns r->resp into an MHD response and queues it. */
static enum MHD_Result send_response(struct net_req *r, struct MHD_Connection *conn)
{
    struct http_response *resp = &r->resp;
    int status = resp->status;
    if (status < 100 || status > 599)
        status = 500;
    bool no_body = status == 204 || status == 304 || status < 200;
    size_t len = 0;
    char *body = NULL;
    struct MHD_Response *mr;
    if (!no_body && resp->body.n)
        body = buf_steal(&resp->body, &len);
    if (body)
        mr = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    else
        mr = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (!mr) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(mr, "X-Request-Id", r->request_id);
    const char *ct = resp->content_type;
    if (!ct && len)
        ct = "application/json";
    if (ct && !no_body)
        MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE, ct);
    for (size_t i = 0; i < resp->nheaders && i < HTTP_MAX_RESP_HEADERS; i++)
        MHD_add_response_header(mr, resp->headers[i].name, resp->headers[i].value);
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)status, mr);
    MHD_destroy_response(mr);
    if (ret == MHD_YES) {
        r->queued = true;
        r->status = status;
        r->resp_bytes = r->req.method == HTTP_HEAD ? 0 : len;
    }
    return ret;
}

static enum MHD_Result respond_error(struct net_req *r, struct MHD_Connection *conn,
                                     enum http_input_err kind)
{
    http__respond_error(r->dialect, &r->req, &r->resp, kind, NULL);
    return send_response(r, conn);
}

static bool content_length_too_big(struct http_server *s, struct MHD_Connection *conn)
{
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
    if (!cl)
        return false;
    unsigned long long v;
    /* MHD already rejected malformed values; what we cannot parse is over 18 digits */
    return slice_parse_u64(slice_from_cstr(cl), &v) != 0 || v > s->cfg.max_body;
}

static enum MHD_Result add_header_size(void *cls, enum MHD_ValueKind kind, const char *key,
                                       const char *value)
{
    size_t *total = cls;
    (void)kind;
    *total += (key ? strlen(key) : 0) + (value ? strlen(value) : 0) + 4;
    return MHD_YES;
}

/* A header whose name or value holds a NUL (the value then has more bytes than its C string
 * shows: what follows the NUL would be cut off unseen), a CR or an LF. */
static enum MHD_Result find_bad_header_byte(void *cls, enum MHD_ValueKind kind, const char *key,
                                            size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    bool *bad = cls;
    if ((key && (strnlen(key, key_size) != key_size || memchr(key, '\r', key_size) ||
                 memchr(key, '\n', key_size))) ||
        (value && (strnlen(value, value_size) != value_size || memchr(value, '\r', value_size) ||
                   memchr(value, '\n', value_size)))) {
        *bad = true;
        return MHD_NO;
    }
    return MHD_YES;
}

static struct slice trim_ows(struct slice c)
{
    while (c.n && (c.p[0] == ' ' || c.p[0] == '\t')) {
        c.p++;
        c.n--;
    }
    while (c.n && (c.p[c.n - 1] == ' ' || c.p[c.n - 1] == '\t'))
        c.n--;
    return c;
}

/* The framing of the body, every Content-Length and Transfer-Encoding header seen. */
struct framing {
    int lengths; /* Content-Length headers */
    bool lengths_differ;
    const char *length; /* the first one's value */
    int codings;        /* transfer codings, over every Transfer-Encoding header */
    bool last_chunked;  /* the last coding is chunked */
    bool other;         /* a coding other than chunked appears */
    bool bad;           /* an empty coding, or chunked before the last */
};

static enum MHD_Result add_framing(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    (void)kind;
    struct framing *f = cls;
    if (!key || !value)
        return MHD_YES;
    if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
        if (f->lengths++ && strcmp(f->length, value) != 0)
            f->lengths_differ = true;
        if (!f->length)
            f->length = value;
    } else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
        /* a comma-separated list of codings, each maybe with parameters */
        for (const char *p = value;;) {
            size_t n = strcspn(p, ",");
            struct slice c = trim_ows((struct slice){p, n});
            size_t semi = 0;
            while (semi < c.n && c.p[semi] != ';')
                semi++;
            c = trim_ows((struct slice){c.p, semi});
            if (!c.n) {
                f->bad = true;
            } else {
                if (f->last_chunked)
                    f->bad = true; /* chunked must be last (RFC 9112 §6.1) */
                f->last_chunked = slice_eq_nocase(c, SLICE_LIT("chunked"));
                if (!f->last_chunked)
                    f->other = true;
                f->codings++;
            }
            if (!p[n])
                break;
            p += n + 1;
        }
    }
    return MHD_YES;
}

/* RFC 9112 §6: a body framed two ways, or not ending in chunked, is refused (400) before any
 * of it is read; a coding other than chunked under a final chunked is not implemented (501).
 * Either answer closes the connection: nothing after the headers can be trusted to be the
 * next request. */
static enum http_input_err check_framing(struct MHD_Connection *conn)
{
    struct framing f = {0};
    MHD_get_connection_values(conn, MHD_HEADER_KIND, add_framing, &f);
    if (f.lengths_differ || (f.codings && f.lengths) || f.bad || (f.codings && !f.last_chunked))
        return HTTP_IN_BAD_FRAMING;
    if (f.codings && f.other)
        return HTTP_IN_CODING;
    return 0;
}

/* Checks what MHD accepts but we do not: header volume, NUL/CR/LF bytes in headers, and
 * HTTP/1.1 without Host. */
static enum http_input_err check_headers(struct http_server *s, struct MHD_Connection *conn,
                                         const char *version)
{
    size_t total = 0;
    MHD_get_connection_values(conn, MHD_HEADER_KIND, add_header_size, &total);
    if (total > s->cfg.max_header)
        return HTTP_IN_HEADERS_TOO_BIG;
    bool bad = false;
    MHD_get_connection_values_n(conn, MHD_HEADER_KIND, find_bad_header_byte, &bad);
    if (bad)
        return HTTP_IN_BAD_HEADER;
    if (version && strcmp(version, MHD_HTTP_VERSION_1_1) == 0 &&
        !MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST))
        return HTTP_IN_BAD_REQUEST;
    return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct http_server *s = cls;
    struct net_req *r = *con_cls;
    if (!r) {
        /* on_uri could not allocate: try once more with what MHD kept */
        r = req_new(s, conn, url);
        if (!r)
            return MHD_NO;
        *con_cls = r;
    }

    if (!r->started) {
        /* call 1: headers only */
        r->started = true;
        r->req.method_str = arena_strdup(&r->arena, method ? method : "");
        r->req.method = http__method_from_str(method);
        r->req.worker = worker_for_thread(s);
        r->req.base_url = make_base_url(s, r, conn);
        if (!r->req.method_str || !r->req.base_url)
            r->oom = true;
        if (r->oom) {
            r->req.method_str = method;
            r->dialect = s->ndialects ? s->dialects[0] : NULL;
            r->input_err = HTTP_IN_INTERNAL;
            return MHD_YES;
        }
        r->input_err = http__prepare(&r->req, r->target, s->dialects, s->ndialects, &r->dialect);
        enum http_input_err herr = check_framing(conn);
        if (herr) {
            r->too_big = true; /* answered now; the connection closes after it */
            http__respond_error(r->dialect, &r->req, &r->resp, herr, NULL);
            http_resp_header(&r->resp, "Connection", "close");
            return send_response(r, conn);
        }
        herr = r->target.n > s->cfg.max_target ? HTTP_IN_TARGET_TOO_LONG
                                               : check_headers(s, conn, version);
        if (herr) {
            r->too_big = true; /* answered now; the body, if any, is discarded */
            return respond_error(r, conn, herr);
        }
        if (content_length_too_big(s, conn)) {
            /* answered before the body is read; MHD closes the connection afterwards */
            r->too_big = true;
            return respond_error(r, conn, HTTP_IN_TOO_BIG);
        }
        return MHD_YES;
    }

    if (*upload_data_size) {
        /* calls 2..n: body chunks. MHD 0.9.75 refuses a response queued mid-body, so an
         * over-long chunked body is discarded and answered 413 at its end, unless it goes on
         * far past the cap: then the connection is dropped. */
        if (r->too_big || r->oom) {
            r->discarded += *upload_data_size;
            if (r->discarded > NET_DISCARD_FACTOR * s->cfg.max_body)
                return MHD_NO;
        } else if (!r->queued) {
            int rc = buf_append(&r->body, upload_data, *upload_data_size);
            if (rc) {
                r->too_big = rc == R_ETOOBIG;
                r->oom = rc != R_ETOOBIG;
                buf_free(&r->body);
            }
        }
        *upload_data_size = 0;
        return MHD_YES;
    }

    /* last call: the whole request is in */
    if (r->queued)
        return MHD_YES;
    if (r->too_big)
        return respond_error(r, conn, HTTP_IN_TOO_BIG);
    if (r->oom)
        return respond_error(r, conn, HTTP_IN_INTERNAL);
    r->req.body = (struct slice){r->body.p, r->body.n};
    http__dispatch(r->dialect, &r->req, &r->resp, r->input_err,
                   MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type"),
                   s->cfg.json_max_depth);
    return send_response(r, conn);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct http_server *s = cls;
    struct net_req *r = *con_cls;
    (void)conn;
    (void)toe;
    if (!r)
        return;
    if (s->cfg.access_log)
        log_request(s, r);
    req_free(r);
    *con_cls = NULL;
}

__attribute__((format(printf, 2, 0))) static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    int n = vsnprintf(msg, sizeof(msg), fmt, ap);
    if (n < 0)
        return;
    size_t len = strlen(msg);
    while (len && msg[len - 1] == '\n')
        len--;
    fprintf(stderr, "roster: http: %.*s\n", (int)len, msg);
}

/* ---- start / stop ---- */

static void raise_nofile(rlim_t need)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= need)
        return;
    struct rlimit want = {need, rl.rlim_max >= need ? rl.rlim_max : need};
    if (setrlimit(RLIMIT_NOFILE, &want) == 0)
        return;
    want = (struct rlimit){rl.rlim_max, rl.rlim_max};
    if (setrlimit(RLIMIT_NOFILE, &want) != 0 || rl.rlim_max < need)
        fprintf(stderr, "roster: http: open-file limit %llu is below the %llu needed\n",
                (unsigned long long)(rl.rlim_max > rl.rlim_cur ? rl.rlim_max : rl.rlim_cur),
                (unsigned long long)need);
}

/* Bound, listening, non-blocking socket for ai; returns the fd or -errno. */
static int listen_socket(const struct addrinfo *ai, unsigned short *port)
{
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -errno;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (ai->ai_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 1024) != 0 ||
        getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    *port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                           : ((struct sockaddr_in *)&ss)->sin_port);
    return fd;
}

/* libmicrohttpd's per-connection pool holds headers and the read buffer: room for four
 * times our header limit, so requests just over the limit reach check_headers and get a
 * JSON 431 rather than libmicrohttpd's own page. */
static size_t net_pool_size(size_t max_header)
{
    size_t n = max_header * 4;
    return n < (128u << 10) ? (128u << 10) : n;
}

static void server_free(struct http_server *s)
{
    if (!s)
        return;
    if (s->log.running) {
        pthread_mutex_lock(&s->log.mu);
        s->log.stop = true;
        pthread_cond_signal(&s->log.cond);
        pthread_mutex_unlock(&s->log.mu);
        pthread_join(s->log.flusher, NULL);
    }
    pthread_mutex_lock(&s->log.mu);
    log_flush_locked(&s->log);
    pthread_mutex_unlock(&s->log.mu);
    for (size_t i = 0; i < s->nworkers; i++)
        if (s->cfg.worker_fini)
            s->cfg.worker_fini(s->app, s->workers[i]);
    free(s->workers);
    pthread_mutex_destroy(&s->workers_mu);
    pthread_mutex_destroy(&s->log.mu);
    pthread_cond_destroy(&s->log.cond);
    free(s->dialects);
    free(s->public_base);
    free(s->listen_authority);
    free(s);
}

struct http_server *http_server_start(const struct http_config *cfg,
                                      const struct http_dialect *const *dialects, size_t ndialects,
                                      void *app)
{
    struct http_server *s = NULL;
    struct addrinfo *ai = NULL;
    int lfd = -1;
    if (sodium_init() < 0) {
        fprintf(stderr, "roster: http: libsodium failed to initialise\n");
        return NULL;
    }
    s = calloc(1, sizeof(*s));
    if (!s)
        goto oom;
    pthread_mutex_init(&s->workers_mu, NULL);
    pthread_mutex_init(&s->log.mu, NULL);
    pthread_cond_init(&s->log.cond, NULL);
    s->cfg = *cfg;
    s->app = app;
    if (!s->cfg.max_body)
        s->cfg.max_body = 1u << 20;
    if (!s->cfg.max_header)
        s->cfg.max_header = 32u << 10;
    if (!s->cfg.max_target)
        s->cfg.max_target = 16u << 10;
    if (!s->cfg.idle_timeout)
        s->cfg.idle_timeout = 30;
    if (!s->cfg.max_connections)
        s->cfg.max_connections = 1024;
    if (!s->cfg.json_max_depth)
        s->cfg.json_max_depth = 32;
    if (!s->cfg.listen_host || !*s->cfg.listen_host)
        s->cfg.listen_host = "127.0.0.1";
    unsigned threads = s->cfg.threads;
    if (!threads) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n < 2 ? 2 : (n > 256 ? 256 : (unsigned)n);
    }
    s->cfg.threads = threads;

    s->dialects = calloc(ndialects ? ndialects : 1, sizeof(*s->dialects));
    if (!s->dialects)
        goto oom;
    for (size_t i = 0; i < ndialects; i++)
        s->dialects[i] = dialects[i];
    s->ndialects = ndialects;

    if (cfg->public_url && *cfg->public_url) {
        size_t n = strlen(cfg->public_url);
        while (n && cfg->public_url[n - 1] == '/')
            n--;
        s->public_base = strndup(cfg->public_url, n);
        if (!s->public_base)
            goto oom;
    }

    s->tls = cfg->tls_cert_pem || cfg->tls_key_pem;
    if (s->tls && (!cfg->tls_cert_pem || !cfg->tls_key_pem)) {
        fprintf(stderr, "roster: http: TLS needs both a certificate and a key\n");
        goto fail;
    }
    if (s->tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        fprintf(stderr, "roster: http: this libmicrohttpd has no TLS support\n");
        goto fail;
    }

    struct addrinfo hints = {
        .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
    char portstr[8];
    snprintf(portstr, sizeof(portstr), "%u", (unsigned)s->cfg.port);
    int gai = getaddrinfo(s->cfg.listen_host, portstr, &hints, &ai);
    if (gai != 0) {
        fprintf(stderr, "roster: http: cannot resolve listen host %s: %s\n", s->cfg.listen_host,
                gai_strerror(gai));
        goto fail;
    }
    bool v6 = ai->ai_family == AF_INET6;

    /* sockets: connections, listener, ITC pairs, epoll fds, plus room for the store */
    raise_nofile((rlim_t)s->cfg.max_connections + 4 * threads + 256);

    /* our own listener, so the real port (and the fallback base URL) is known before the
     * first request can arrive */
    lfd = listen_socket(ai, &s->port);
    if (lfd < 0) {
        fprintf(stderr, "roster: http: cannot listen on %s port %u: %s\n", s->cfg.listen_host,
                (unsigned)s->cfg.port, strerror(-lfd));
        goto fail;
    }
    char host[INET6_ADDRSTRLEN] = "127.0.0.1";
    if (v6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)(void *)ai->ai_addr)->sin6_addr, host,
                  sizeof(host));
    else
        inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)ai->ai_addr)->sin_addr, host,
                  sizeof(host));
    char auth[INET6_ADDRSTRLEN + 16];
    snprintf(auth, sizeof(auth), v6 ? "[%s]:%u" : "%s:%u", host, (unsigned)s->port);
    s->listen_authority = strdup(auth);
    if (!s->listen_authority)
        goto oom;

    unsigned flags =
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (v6)
        flags |= MHD_USE_IPv6;
    if (s->tls)
        flags |= MHD_USE_TLS;
    struct MHD_OptionItem extra[12];
    size_t ne = 0;
    if (threads > 1)
        extra[ne++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, threads, NULL};
    if (s->tls) {
        extra[ne++] =
            (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)cfg->tls_cert_pem};
        extra[ne++] =
            (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)cfg->tls_key_pem};
    }
    /* one address cannot take every connection slot (a slowloris from one host) */
    if (s->cfg.max_per_address)
        extra[ne++] = (struct MHD_OptionItem){MHD_OPTION_PER_IP_CONNECTION_LIMIT,
                                              (intptr_t)s->cfg.max_per_address, NULL};
    extra[ne++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};

    s->mhd = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
        MHD_OPTION_LISTEN_SOCKET, lfd, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)s->cfg.idle_timeout,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)s->cfg.max_connections,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, net_pool_size(s->cfg.max_header),
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
        MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL, MHD_OPTION_ARRAY, extra, MHD_OPTION_END);
    if (!s->mhd) {
        fprintf(stderr, "roster: http: cannot start the HTTP daemon on %s\n", auth);
        goto fail;
    }
    lfd = -1; /* the daemon owns it now */

    if (s->cfg.access_log) {
        if (pthread_create(&s->log.flusher, NULL, log_flusher, &s->log) == 0)
            s->log.running = true;
    }
    freeaddrinfo(ai);
    return s;

oom:
    fprintf(stderr, "roster: http: out of memory\n");
fail:
    if (lfd >= 0)
        close(lfd);
    if (ai)
        freeaddrinfo(ai);
    server_free(s);
    return NULL;
}

unsigned short http_server_port(struct http_server *s)
{
    return s ? s->port : 0;
}

void http_server_stop(struct http_server *s)
{
    if (!s)
        return;
    MHD_stop_daemon(s->mhd); /* completes outstanding requests (their log lines too) */
    s->mhd = NULL;
    server_free(s);
}
