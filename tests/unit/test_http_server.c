/* Server test: starts http_server_start on 127.0.0.1:0 with a tiny dialect and speaks raw
 * HTTP/1.1 over loopback sockets (routing, errors, limits, pipelining, keep-alive, log). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "http/http.h"

/* ---- the test dialect ---- */

static void h_echo(struct http_request *req, struct http_response *resp)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_stringn(req->route_params[0].p, req->route_params[0].n));
    json_object_set_new(o, "base_url", json_string(req->base_url));
    json_object_set_new(o, "peer", json_string(req->peer));
    json_object_set_new(o, "has_worker", json_boolean(req->worker != NULL));
    json_object_set_new(o, "app", json_string(req->app));
    const struct slice *q = http_param(req, "q");
    if (q)
        json_object_set_new(o, "q", json_stringn(q->p, q->n));
    char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    buf_append_str(&resp->body, s);
    free(s);
    json_decref(o);
    req->principal = "tester";
}

static void h_post(struct http_request *req, struct http_response *resp)
{
    if (http_body_json(req, resp))
        return; /* the dialect's 400 */
    if (!req->json) {
        resp->status = 422;
        buf_append_str(&resp->body, "{\"error\":\"no body\"}");
        return;
    }
    char *s = json_dumps(req->json, JSON_COMPACT | JSON_SORT_KEYS);
    resp->status = 201;
    buf_append_str(&resp->body, s);
    free(s);
}

static void h_delete(struct http_request *req, struct http_response *resp)
{
    (void)req;
    resp->status = 204;
    buf_append_str(&resp->body, "ignored");
}

static void h_text(struct http_request *req, struct http_response *resp)
{
    (void)req;
    resp->content_type = "text/plain";
    buf_append_str(&resp->body, "hello");
}

static const char *kind_name(enum http_input_err kind)
{
    switch (kind) {
    case HTTP_IN_NOT_FOUND: return "not_found";
    case HTTP_IN_METHOD: return "method";
    case HTTP_IN_MEDIA_TYPE: return "media_type";
    case HTTP_IN_BAD_JSON: return "bad_json";
    case HTTP_IN_BAD_PATH: return "bad_path";
    case HTTP_IN_BAD_QUERY: return "bad_query";
    case HTTP_IN_BAD_REQUEST: return "bad_request";
    case HTTP_IN_HEADERS_TOO_BIG: return "headers_too_big";
    case HTTP_IN_TOO_BIG: return "too_big";
    default: return "internal";
    }
}

static void render_error(struct http_request *req, struct http_response *resp,
                         enum http_input_err kind, const char *message)
{
    (void)req;
    static const int status[] = {0, 404, 405, 415, 400, 400, 400, 413, 500, 400, 431};
    resp->status = (size_t)kind < sizeof(status) / sizeof(status[0]) ? status[kind] : 500;
    buf_appendf(&resp->body, "{\"test_error\":\"%s\",\"message\":\"%s\"}", kind_name(kind),
                message);
}

static void finish(struct http_request *req, struct http_response *resp)
{
    (void)req;
    http_resp_header(resp, "X-Test-Finish", "1");
}

static const struct http_route routes[] = {
    {HTTP_GET, "/v1/echo/:name", h_echo},
    {HTTP_POST, "/v1/json", h_post},
    {HTTP_DELETE, "/v1/things/:id", h_delete},
    {HTTP_GET, "/v1/text", h_text},
};

static const struct http_dialect test_dialect = {
    .name = "test",
    .prefix = "/v1/",
    .routes = routes,
    .nroutes = sizeof(routes) / sizeof(routes[0]),
    .render_error = render_error,
    .finish = finish,
};

/* ---- worker hooks ---- */

static pthread_mutex_t wmu = PTHREAD_MUTEX_INITIALIZER;
static int workers_made, workers_freed;

static void *worker_init(void *app)
{
    (void)app;
    pthread_mutex_lock(&wmu);
    workers_made++;
    pthread_mutex_unlock(&wmu);
    return malloc(16);
}

static void worker_fini(void *app, void *w)
{
    (void)app;
    pthread_mutex_lock(&wmu);
    workers_freed++;
    pthread_mutex_unlock(&wmu);
    free(w);
}

/* ---- a raw HTTP client ---- */

struct conn {
    int fd;
    char buf[1 << 18];
    size_t n;
};

struct resp {
    int status;
    char head[1 << 17];
    char body[1 << 16];
    size_t body_n;
    bool closed; /* the server closed the connection after this response */
};

static struct http_server *srv;
static unsigned short port;

static struct conn *conn_open(void)
{
    struct conn *c = calloc(1, sizeof(*c));
    assert_non_null(c);
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(c->fd >= 0);
    struct timeval tv = {5, 0};
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    return c;
}

static void conn_close(struct conn *c)
{
    close(c->fd);
    free(c);
}

/* Sends everything it can; the server may close early (413), which is not an error here. */
static void send_all(struct conn *c, const void *p, size_t n)
{
    const char *s = p;
    while (n) {
        ssize_t w = send(c->fd, s, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

static void send_str(struct conn *c, const char *s)
{
    send_all(c, s, strlen(s));
}

/* Reads more bytes into c->buf; false on EOF, error or timeout. */
static bool fill(struct conn *c)
{
    if (c->n == sizeof(c->buf))
        return false;
    ssize_t r = recv(c->fd, c->buf + c->n, sizeof(c->buf) - c->n, 0);
    if (r <= 0)
        return false;
    c->n += (size_t)r;
    return true;
}

static const char *find_header(const struct resp *r, const char *name)
{
    static char val[1024];
    size_t nl = strlen(name);
    const char *p = strstr(r->head, "\r\n");
    while (p && p[2] != '\r' && p[2]) {
        const char *line = p + 2;
        const char *end = strstr(line, "\r\n");
        if (!end)
            break;
        if (strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
            const char *v = line + nl + 1;
            while (*v == ' ')
                v++;
            size_t vn = (size_t)(end - v);
            if (vn >= sizeof(val))
                vn = sizeof(val) - 1;
            memcpy(val, v, vn);
            val[vn] = 0;
            return val;
        }
        p = end;
    }
    return NULL;
}

/* Reads one response; head_only for HEAD requests and bodiless statuses. */
static bool read_response(struct conn *c, struct resp *r, bool head_only)
{
    memset(r, 0, sizeof(*r));
    char *end;
    for (;;) {
        c->buf[c->n < sizeof(c->buf) ? c->n : sizeof(c->buf) - 1] = 0;
        end = c->n ? memmem(c->buf, c->n, "\r\n\r\n", 4) : NULL;
        if (end)
            break;
        if (!fill(c))
            return false;
    }
    size_t hn = (size_t)(end - c->buf) + 4;
    if (hn >= sizeof(r->head))
        return false;
    memcpy(r->head, c->buf, hn);
    r->head[hn] = 0;
    r->status = (int)strtol(r->head + 9, NULL, 10);
    const char *cl = find_header(r, "Content-Length");
    size_t len = cl && !head_only ? (size_t)strtoul(cl, NULL, 10) : 0;
    while (c->n < hn + len)
        if (!fill(c))
            return false;
    if (len >= sizeof(r->body))
        return false;
    memcpy(r->body, c->buf + hn, len);
    r->body[len] = 0;
    r->body_n = len;
    memmove(c->buf, c->buf + hn + len, c->n - hn - len);
    c->n -= hn + len;
    const char *conn = find_header(r, "Connection");
    r->closed = conn && strcasecmp(conn, "close") == 0;
    return true;
}

static struct resp R; /* large: keep it off the stack */

static void request(const char *raw, bool head_only)
{
    struct conn *c = conn_open();
    send_str(c, raw);
    assert_true(read_response(c, &R, head_only));
    conn_close(c);
}

static int start(void **state)
{
    (void)state;
    static const struct http_dialect *const ds[] = {&test_dialect};
    struct http_config cfg = {.listen_host = "127.0.0.1",
                              .port = 0,
                              .threads = 2,
                              .worker_init = worker_init,
                              .worker_fini = worker_fini};
    srv = http_server_start(&cfg, ds, 1, "the-app");
    assert_non_null(srv);
    port = http_server_port(srv);
    assert_true(port != 0);
    return 0;
}

static int stop(void **state)
{
    (void)state;
    http_server_stop(srv);
    srv = NULL;
    return 0;
}

/* ---- tests ---- */

static void test_ok_and_headers(void **state)
{
    (void)state;
    request("GET /v1/echo/abc?q=a+b%21 HTTP/1.1\r\nHost: example.com:8443\r\n\r\n", false);
    assert_int_equal(R.status, 200);
    const char *id = find_header(&R, "X-Request-Id");
    assert_non_null(id);
    assert_int_equal(strlen(id), 32);
    assert_int_equal(strspn(id, "0123456789abcdef"), 32);
    assert_string_equal(find_header(&R, "Content-Type"), "application/json");
    assert_non_null(find_header(&R, "Date"));
    assert_string_equal(find_header(&R, "X-Test-Finish"), "1");
    assert_non_null(strstr(R.body, "\"name\":\"abc\""));
    assert_non_null(strstr(R.body, "\"q\":\"a b!\""));
    assert_non_null(strstr(R.body, "\"base_url\":\"http://example.com:8443\""));
    assert_non_null(strstr(R.body, "\"peer\":\"127.0.0.1:"));
    assert_non_null(strstr(R.body, "\"has_worker\":true"));
    assert_non_null(strstr(R.body, "\"app\":\"the-app\""));

    char id1[33];
    memcpy(id1, id, 33);
    request("GET /v1/echo/abc HTTP/1.1\r\nHost: x\r\n\r\n", false);
    assert_string_not_equal(find_header(&R, "X-Request-Id"), id1);
}

static void test_base_url_fallback(void **state)
{
    (void)state;
    char expect[64];
    snprintf(expect, sizeof(expect), "\"base_url\":\"http://127.0.0.1:%u\"", (unsigned)port);
    request("GET /v1/echo/a HTTP/1.1\r\nHost: evil.com/<x>\r\n\r\n", false);
    assert_int_equal(R.status, 200);
    assert_non_null(strstr(R.body, expect));
    request("GET /v1/echo/a HTTP/1.0\r\n\r\n", false);
    assert_int_equal(R.status, 200);
    assert_non_null(strstr(R.body, expect));
}

static void test_routing_variants(void **state)
{
    (void)state;
    request("GET //v1/echo/x/ HTTP/1.1\r\nHost: h\r\n\r\n", false);
    assert_int_equal(R.status, 200);
    assert_non_null(strstr(R.body, "\"name\":\"x\""));
    request("GET /v1/echo/a%2Fb%20c HTTP/1.1\r\nHost: h\r\n\r\n", false);
    assert_int_equal(R.status, 200);
    assert_non_null(strstr(R.body, "\"name\":\"a/b c\""));
    request("GET http://h/v1/echo/abs HTTP/1.1\r\nHost: h\r\n\r\n", false);
    assert_int_equal(R.status, 200);
    assert_non_null(strstr(R.body, "\"name\":\"abs\""));
    /* GET with a Content-Type and no body is fine */
    request("GET /v1/echo/x HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\n\r\n", false);
    assert_int_equal(R.status, 200);
}

static void test_not_found(void **state)
{
    (void)state;
    request("GET /v1/nope HTTP/1.1\r\nHost: h\r\n\r\n", false);
    assert_int_equal(R.status, 404);
    assert_non_null(strstr(R.body, "\"test_error\":\"not_found\""));
    assert_string_equal(find_header(&R, "Content-Type"), "application/json");
    assert_string_equal(find_header(&R, "X-Test-Finish"), "1");
    assert_non_null(find_header(&R, "X-Request-Id"));
    request("GET /elsewhere/x HTTP/1.1\r\nHost: h\r\n\r\n", false);
    assert_int_equal(R.status, 404);
    assert_non_null(strstr(R.body, "\"test_error\":\"not_found\""));
    request("GET / HTTP/1.1\r\nHost: h\r\n\r\n", false);
    assert_int_equal(R.status, 404);
}

static void test_method_not_allowed(void **state)
{
    (void)state;
    request("DELETE /v1/echo/abc HTTP/1.1\r\nHost: h\r\n\r\n", false);
    assert_int_equal(R.status, 405);
    assert_non_null(strstr(R.body, "\"test_error\":\"method\""));
    assert_string_equal(find_header(&R, "Allow"), "GET, HEAD");
    request("OPTIONS /v1/json HTTP/1.1\r\nHost: h\r\n\r\n", false);
    assert_int_equal(R.status, 405);
    assert_string_equal(find_header(&R, "Allow"), "POST");
}

static void test_head(void **state)
{
    (void)state;
    struct conn *c = conn_open();
    send_str(c, "HEAD /v1/echo/abc HTTP/1.1\r\nHost: h\r\n\r\n"
                "GET /v1/echo/next HTTP/1.1\r\nHost: h\r\n\r\n");
    assert_true(read_response(c, &R, true));
    assert_int_equal(R.status, 200);
    assert_true(read_response(c, &R, false));
    assert_int_equal(R.status, 200);
    assert_non_null(strstr(R.body, "\"name\":\"next\""));
    conn_close(c);
}

static void test_bad_input(void **state)
{
    (void)state;
    request("POST /v1/json HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\n"
            "Content-Length: 2\r\n\r\n{}",
            false);
    assert_int_equal(R.status, 415);
    assert_non_null(strstr(R.body, "media_type"));
    request("POST /v1/json HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
            "Content-Length: 13\r\n\r\n{\"a\":1,\"a\":2}",
            false);
    assert_int_equal(R.status, 400);
    assert_non_null(strstr(R.body, "bad_json"));
    request("POST /v1/json HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n{x}", false);
    assert_int_equal(R.status, 400);
    request("GET /v1/echo/%zz HTTP/1.1\r\nHost: h\r\n\r\n", false);
    assert_int_equal(R.status, 400);
    assert_non_null(strstr(R.body, "bad_path"));
    request("GET /v1/echo/a%00b HTTP/1.1\r\nHost: h\r\n\r\n", false);
    assert_int_equal(R.status, 400);
    request("GET /v1/echo/a?x=%G1 HTTP/1.1\r\nHost: h\r\n\r\n", false);
    assert_int_equal(R.status, 400);
    assert_non_null(strstr(R.body, "bad_query"));
}

static void test_post_json(void **state)
{
    (void)state;
    request("POST /v1/json HTTP/1.1\r\nHost: h\r\nContent-Type: Application/JSON; charset=utf-8"
            "\r\nContent-Length: 17\r\n\r\n{\"b\":[1],\"a\":\"x\"}",
            false);
    assert_int_equal(R.status, 201);
    assert_string_equal(R.body, "{\"a\":\"x\",\"b\":[1]}");
    /* curl --data sends x-www-form-urlencoded */
    request("POST /v1/json HTTP/1.1\r\nHost: h\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 2\r\n\r\n{}",
            false);
    assert_int_equal(R.status, 201);
    /* empty body: no JSON, no Content-Type check */
    request("POST /v1/json HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\n"
            "Content-Length: 0\r\n\r\n",
            false);
    assert_int_equal(R.status, 422);
    /* chunked upload */
    request("POST /v1/json HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            "4\r\n{\"k\"\r\n3\r\n:1}\r\n0\r\n\r\n",
            false);
    assert_int_equal(R.status, 201);
    assert_string_equal(R.body, "{\"k\":1}");
}

static void test_no_content_and_content_type(void **state)
{
    (void)state;
    struct conn *c = conn_open();
    send_str(c, "DELETE /v1/things/1 HTTP/1.1\r\nHost: h\r\n\r\n"
                "GET /v1/text HTTP/1.1\r\nHost: h\r\n\r\n");
    assert_true(read_response(c, &R, true));
    assert_int_equal(R.status, 204);
    assert_null(find_header(&R, "Content-Type"));
    assert_true(read_response(c, &R, false));
    assert_int_equal(R.status, 200);
    assert_string_equal(find_header(&R, "Content-Type"), "text/plain");
    assert_string_equal(R.body, "hello");
    conn_close(c);
}

static void test_body_too_big(void **state)
{
    (void)state;
    static char chunk[65536];
    memset(chunk, ' ', sizeof(chunk));

    /* announced by Content-Length: answered before the body is read */
    struct conn *c = conn_open();
    send_str(c, "POST /v1/json HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
                "Content-Length: 2097152\r\n\r\n");
    send_all(c, chunk, sizeof(chunk));
    assert_true(read_response(c, &R, false));
    assert_int_equal(R.status, 413);
    assert_non_null(strstr(R.body, "too_big"));
    assert_non_null(find_header(&R, "X-Request-Id"));
    conn_close(c);

    /* chunked: caught on the running total */
    c = conn_open();
    send_str(c, "POST /v1/json HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 24; i++) {
        send_str(c, "10000\r\n");
        send_all(c, chunk, sizeof(chunk));
        send_str(c, "\r\n");
    }
    send_str(c, "0\r\n\r\n");
    assert_true(read_response(c, &R, false));
    assert_int_equal(R.status, 413);
    conn_close(c);
}

static void test_pipelining_and_keepalive(void **state)
{
    (void)state;
    struct conn *c = conn_open();
    send_str(c, "GET /v1/echo/one HTTP/1.1\r\nHost: h\r\n\r\n"
                "GET /v1/echo/two HTTP/1.1\r\nHost: h\r\n\r\n"
                "GET /v1/echo/three HTTP/1.1\r\nHost: h\r\n\r\n");
    const char *names[] = {"one", "two", "three"};
    for (int i = 0; i < 3; i++) {
        assert_true(read_response(c, &R, false));
        assert_int_equal(R.status, 200);
        char want[32];
        snprintf(want, sizeof(want), "\"name\":\"%s\"", names[i]);
        assert_non_null(strstr(R.body, want));
        assert_false(R.closed);
    }
    /* keep-alive: more requests on the same connection, errors included */
    send_str(c, "GET /v1/missing HTTP/1.1\r\nHost: h\r\n\r\n");
    assert_true(read_response(c, &R, false));
    assert_int_equal(R.status, 404);
    assert_false(R.closed);
    send_str(c, "POST /v1/json HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}");
    assert_true(read_response(c, &R, false));
    assert_int_equal(R.status, 201);
    send_str(c, "GET /v1/echo/last HTTP/1.1\r\nHost: h\r\n\r\n");
    assert_true(read_response(c, &R, false));
    assert_int_equal(R.status, 200);
    assert_non_null(strstr(R.body, "\"name\":\"last\""));
    conn_close(c);
}

static void test_header_too_big(void **state)
{
    (void)state;
    size_t n = 100 * 1000;
    char *big = malloc(n + 256);
    assert_non_null(big);
    int off = snprintf(big, 256, "GET /v1/echo/x HTTP/1.1\r\nHost: h\r\nX-Big: ");
    memset(big + off, 'a', n);
    memcpy(big + off + n, "\r\n\r\n", 5);
    struct conn *c = conn_open();
    send_str(c, big);
    assert_true(read_response(c, &R, false));
    assert_int_equal(R.status, 431);
    /* 100 KB is past our 32 KiB limit but inside libmicrohttpd's pool: our renderer answers */
    assert_non_null(strstr(R.body, "headers_too_big"));
    conn_close(c);
    free(big);
    /* the server is still fine */
    request("GET /v1/echo/after HTTP/1.1\r\nHost: h\r\n\r\n", false);
    assert_int_equal(R.status, 200);
}

static void test_garbage(void **state)
{
    (void)state;
    struct conn *c = conn_open();
    send_str(c, "\x01\x02 nonsense \xff\r\n\r\n");
    read_response(c, &R, false); /* whatever MHD answers; it must not crash */
    conn_close(c);
    c = conn_open();
    send_str(c, "GET /v1/echo/half HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n{");
    conn_close(c); /* aborted mid-body */
    request("GET /v1/echo/still HTTP/1.1\r\nHost: h\r\n\r\n", false);
    assert_int_equal(R.status, 200);
}

/* A second server with the access log on (stderr captured) and a public URL. */
static void test_access_log_and_public_url(void **state)
{
    (void)state;
    static const struct http_dialect *const ds[] = {&test_dialect};
    char path[] = "/tmp/roster-http-log-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(stderr);
    int saved = dup(2);
    dup2(fd, 2);

    struct http_config cfg = {.listen_host = "127.0.0.1",
                              .threads = 2,
                              .access_log = true,
                              .public_url = "https://roster.example.com/"};
    struct http_server *s2 = http_server_start(&cfg, ds, 1, "the-app");
    assert_non_null(s2);
    unsigned short keep = port;
    port = http_server_port(s2);
    request("GET /v1/echo/logged?x=%01 HTTP/1.1\r\nHost: h\r\n\r\n", false);
    assert_non_null(strstr(R.body, "\"base_url\":\"https://roster.example.com\""));
    char id[33];
    memcpy(id, find_header(&R, "X-Request-Id"), 33);
    request("GET /v1/missing HTTP/1.1\r\nHost: h\r\n\r\n", false);
    http_server_stop(s2);
    port = keep;

    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char log[8192] = "";
    ssize_t n = pread(fd, log, sizeof(log) - 1, 0);
    close(fd);
    unlink(path);
    assert_true(n > 0);
    log[n] = 0;
    const char *line = strstr(log, id);
    assert_non_null(line);
    /* "<time> <id> <peer> <principal> <METHOD> <target> <status> <bytes> <µs>" */
    assert_non_null(strstr(line, " 127.0.0.1:"));
    assert_non_null(strstr(line, " tester GET /v1/echo/logged?x=%01 200 "));
    assert_non_null(strstr(log, " - GET /v1/missing 404 "));
    while (line > log && line[-1] != '\n')
        line--;
    assert_true(line[4] == '-' && line[10] == 'T' && line[23] == 'Z' && line[24] == ' ');
    assert_int_equal(strncmp(line + 25, id, 32), 0);
}

static void test_workers(void **state)
{
    (void)state;
    static const struct http_dialect *const ds[] = {&test_dialect};
    struct http_config cfg = {.listen_host = "127.0.0.1",
                              .threads = 3,
                              .worker_init = worker_init,
                              .worker_fini = worker_fini};
    pthread_mutex_lock(&wmu);
    int made0 = workers_made, freed0 = workers_freed;
    pthread_mutex_unlock(&wmu);
    struct http_server *s2 = http_server_start(&cfg, ds, 1, "the-app");
    assert_non_null(s2);
    unsigned short keep = port;
    port = http_server_port(s2);
    for (int i = 0; i < 12; i++)
        request("GET /v1/echo/w HTTP/1.1\r\nHost: h\r\n\r\n", false);
    http_server_stop(s2);
    port = keep;
    pthread_mutex_lock(&wmu);
    int made = workers_made - made0, freed = workers_freed - freed0;
    pthread_mutex_unlock(&wmu);
    assert_true(made >= 1 && made <= 3);
    assert_int_equal(made, freed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ok_and_headers),
        cmocka_unit_test(test_base_url_fallback),
        cmocka_unit_test(test_routing_variants),
        cmocka_unit_test(test_not_found),
        cmocka_unit_test(test_method_not_allowed),
        cmocka_unit_test(test_head),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_post_json),
        cmocka_unit_test(test_no_content_and_content_type),
        cmocka_unit_test(test_body_too_big),
        cmocka_unit_test(test_pipelining_and_keepalive),
        cmocka_unit_test(test_header_too_big),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_access_log_and_public_url),
        cmocka_unit_test(test_workers),
    };
    return cmocka_run_group_tests_name("http_server", tests, start, stop);
}
