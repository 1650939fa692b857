/* Unit tests for the HTTP layer's pure parsers: paths, queries, media types, JSON bodies,
 * percent-encoding, query helpers and route patterns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "http/http.h"
#include "http/internal.h"
#include "util/err.h"

static struct arena A;

static int setup(void **state)
{
    (void)state;
    arena_init(&A, 1 << 20);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    arena_free(&A);
    return 0;
}

static int path(const char *raw, struct slice *segs, size_t *n)
{
    return http_parse_path(&A, slice_from_cstr(raw), segs, HTTP_MAX_SEGS, n);
}

static void test_path_basic(void **state)
{
    (void)state;
    struct slice s[HTTP_MAX_SEGS];
    size_t n;
    assert_int_equal(path("//api/v1/groups/", s, &n), 0);
    assert_int_equal(n, 3);
    assert_true(slice_eq_cstr(s[0], "api"));
    assert_true(slice_eq_cstr(s[1], "v1"));
    assert_true(slice_eq_cstr(s[2], "groups"));
    assert_int_equal(path("/v1/teams/x", s, &n), 0);
    assert_int_equal(n, 3);
    assert_true(slice_eq_cstr(s[2], "x"));
    assert_int_equal(path("/", s, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(path("//", s, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(path("", s, &n), 0);
    assert_int_equal(n, 0);
}

/* Only a doubled leading "//" and one trailing '/' are empty segments we accept; collapsing
 * any other would shift route parameters (groups//users would read a group "users"). */
static void test_path_empty_segments(void **state)
{
    (void)state;
    struct slice s[HTTP_MAX_SEGS];
    size_t n;
    static const struct {
        const char *raw;
        size_t n;
        const char *first, *last;
    } good[] = {
        {"/v1/teams/t/groups/", 4, "v1", "groups"},
        {"//v1/teams/t/groups", 4, "v1", "groups"},
        {"//v1/teams/t/groups/", 4, "v1", "groups"},
        {"v1/x", 2, "v1", "x"},
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        assert_int_equal(path(good[i].raw, s, &n), 0);
        assert_int_equal(n, good[i].n);
        assert_true(slice_eq_cstr(s[0], good[i].first));
        assert_true(slice_eq_cstr(s[n - 1], good[i].last));
    }

    static const char *const bad[] = {
        "/v1/teams/t/groups//users",
        "/v1/teams/t/groups//",
        "/v1//teams/t/groups",
        "///v1/teams/t/groups",
        "/api/v1/groups//users",
        "/api/v1/groups///",
        "//v1/teams/t//groups/",
        "/x//",
        "////",
        "v1//x",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(path(bad[i], s, &n), R_ENOTFOUND);
    /* the segments before the empty one are still reported */
    assert_int_equal(path("/v1/teams/t/groups//users", s, &n), R_ENOTFOUND);
    assert_int_equal(n, 4);
    assert_true(slice_eq_cstr(s[3], "groups"));
}

static void test_path_escapes(void **state)
{
    (void)state;
    struct slice s[HTTP_MAX_SEGS];
    size_t n;
    assert_int_equal(path("/v1/groups/a%2Fb/members", s, &n), 0);
    assert_int_equal(n, 4);
    assert_true(slice_eq_cstr(s[2], "a/b"));
    assert_int_equal(path("/g/caf%C3%A9%20x+y", s, &n), 0);
    assert_true(slice_eq_cstr(s[1], "caf\xc3\xa9 x+y")); /* '+' is literal in a path */
    assert_int_equal(s[1].p[s[1].n], 0);                 /* NUL-terminated copy */
    assert_int_not_equal(path("/g/%zz", s, &n), 0);
    assert_int_not_equal(path("/g/%4", s, &n), 0);
    assert_int_not_equal(path("/g/%", s, &n), 0);
    assert_int_not_equal(path("/g/a%00b", s, &n), 0);
}

static void test_path_too_many(void **state)
{
    (void)state;
    struct slice s[HTTP_MAX_SEGS];
    size_t n;
    char raw[256] = "";
    size_t len = 0;
    for (int i = 0; i < HTTP_MAX_SEGS + 1; i++)
        len += (size_t)snprintf(raw + len, sizeof(raw) - len, "/s%d", i);
    assert_int_not_equal(path(raw, s, &n), 0);
    assert_int_equal(n, HTTP_MAX_SEGS);
}

static int query(const char *raw, struct http_param *p, size_t max, size_t *n)
{
    return http_parse_query(&A, slice_from_cstr(raw), p, max, n);
}

static void test_query(void **state)
{
    (void)state;
    struct http_param p[HTTP_MAX_PARAMS];
    size_t n;
    assert_int_equal(query("a=b+c&d=e%20f&g=%2B", p, HTTP_MAX_PARAMS, &n), 0);
    assert_int_equal(n, 3);
    assert_true(slice_eq_cstr(p[0].key, "a"));
    assert_true(slice_eq_cstr(p[0].val, "b c"));
    assert_true(slice_eq_cstr(p[1].val, "e f"));
    assert_true(slice_eq_cstr(p[2].val, "+"));

    assert_int_equal(query("status=A&status=A&status=B", p, HTTP_MAX_PARAMS, &n), 0);
    assert_int_equal(n, 2);
    assert_true(slice_eq_cstr(p[0].val, "A"));
    assert_true(slice_eq_cstr(p[1].val, "B"));

    assert_int_equal(query("empty=&flag&&x=1", p, HTTP_MAX_PARAMS, &n), 0);
    assert_int_equal(n, 3);
    assert_true(slice_eq_cstr(p[0].key, "empty"));
    assert_int_equal(p[0].val.n, 0);
    assert_true(slice_eq_cstr(p[1].key, "flag"));
    assert_int_equal(p[1].val.n, 0);
    assert_true(slice_eq_cstr(p[2].val, "1"));

    assert_int_equal(query("", p, HTTP_MAX_PARAMS, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(query("a=1=2", p, HTTP_MAX_PARAMS, &n), 0);
    assert_true(slice_eq_cstr(p[0].val, "1=2"));

    assert_int_not_equal(query("a=%zz", p, HTTP_MAX_PARAMS, &n), 0);
    assert_int_not_equal(query("a%=1", p, HTTP_MAX_PARAMS, &n), 0);
    assert_int_not_equal(query("a=%00", p, HTTP_MAX_PARAMS, &n), 0);
}

static void test_query_too_many(void **state)
{
    (void)state;
    struct http_param p[4];
    size_t n;
    assert_int_equal(query("a=1&b=2&c=3&d=4", p, 4, &n), 0);
    assert_int_equal(n, 4);
    assert_int_equal(query("a=1&b=2&c=3&d=4&a=1&a=1", p, 4, &n), 0); /* duplicates are free */
    assert_int_not_equal(query("a=1&b=2&c=3&d=4&e=5", p, 4, &n), 0);
}

static void test_media_type(void **state)
{
    (void)state;
    assert_true(http_media_type_is_json("application/json"));
    assert_true(http_media_type_is_json("Application/JSON; charset=utf-8"));
    assert_true(http_media_type_is_json(" application/json;charset=UTF-8"));
    assert_true(http_media_type_is_json(NULL));
    assert_true(http_media_type_is_json(""));
    assert_true(http_media_type_is_json("application/x-www-form-urlencoded"));
    assert_false(http_media_type_is_json("text/plain"));
    assert_false(http_media_type_is_json("application/jsonx"));
    assert_false(http_media_type_is_json("multipart/form-data; boundary=x"));
}

static int json(const char *s, size_t depth)
{
    json_t *j = NULL;
    int rc = http_parse_json(slice_from_cstr(s), depth, 0, &j);
    assert_true(rc == 0 ? j != NULL : j == NULL);
    json_decref(j);
    return rc;
}

static void nested(char *out, size_t depth)
{
    for (size_t i = 0; i < depth; i++)
        out[i] = '[';
    for (size_t i = 0; i < depth; i++)
        out[depth + i] = ']';
    out[2 * depth] = 0;
}

static void test_json(void **state)
{
    (void)state;
    assert_int_equal(json("{}", 32), 0);
    assert_int_equal(json("{\"a\":[1,2,{\"b\":null}]} \n", 32), 0);
    assert_int_not_equal(json("{\"a\":1,\"a\":2}", 32), 0);
    assert_int_not_equal(json("{\"a\":\"\xff\"}", 32), 0);
    assert_int_not_equal(json("{\"a\":\"\xc3\"}", 32), 0);
    assert_int_not_equal(json("{} x", 32), 0);
    assert_int_not_equal(json("{}{}", 32), 0);
    assert_int_not_equal(json("{\"a\":", 32), 0);
    assert_int_not_equal(json("", 32), 0);
    assert_int_not_equal(json("{\"a\":\"\\u0000\"}", 32), 0);

    char deep[80];
    nested(deep, 32);
    assert_int_equal(json(deep, 32), 0);
    nested(deep, 33);
    assert_int_not_equal(json(deep, 32), 0);
    /* brackets inside strings do not count, escaped quotes do not end the string */
    assert_int_equal(json("{\"a\":\"[[[[\\\"{{{{\"}", 2), 0);
    assert_int_not_equal(json("[[[1]]]", 2), 0);

    /* a NUL byte inside the body */
    json_t *j = NULL;
    assert_int_not_equal(http_parse_json((struct slice){"{}\0", 3}, 32, 0, &j), 0);
    assert_null(j);
}

static void test_url_encode(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 0);
    assert_int_equal(http_url_encode(&b, slice_from_cstr("a-Z_0.9~ /?&=+%\xc3\xa9")), 0);
    assert_string_equal(buf_cstr(&b), "a-Z_0.9~%20%2F%3F%26%3D%2B%25%C3%A9");
    buf_free(&b);
}

static void set_params(struct http_request *req, const char *raw)
{
    memset(req, 0, sizeof(*req));
    assert_int_equal(
        http_parse_query(&A, slice_from_cstr(raw), req->params, HTTP_MAX_PARAMS, &req->nparams), 0);
}

static void test_params_all(void **state)
{
    (void)state;
    struct http_request req;
    struct slice out[8];
    set_params(&req, "status=ACTIVE&status=DISABLED,DELETED&status=ACTIVE&x=1&status=");
    assert_true(slice_eq_cstr(*http_param(&req, "status"), "ACTIVE"));
    assert_true(slice_eq_cstr(*http_param(&req, "x"), "1"));
    assert_null(http_param(&req, "nope"));

    size_t n = http_params_all(&req, "status", out, 8, true);
    assert_int_equal(n, 3);
    assert_true(slice_eq_cstr(out[0], "ACTIVE"));
    assert_true(slice_eq_cstr(out[1], "DISABLED"));
    assert_true(slice_eq_cstr(out[2], "DELETED"));

    n = http_params_all(&req, "status", out, 8, false);
    assert_int_equal(n, 3);
    assert_true(slice_eq_cstr(out[1], "DISABLED,DELETED"));
    assert_int_equal(out[2].n, 0);

    /* more distinct values than room: max + 1, never a silent cut; repeats do not count */
    assert_int_equal(http_params_all(&req, "status", out, 2, true), 3);
    assert_int_equal(http_params_all(&req, "status", out, 3, true), 3);
    assert_int_equal(http_params_all(&req, "nope", out, 8, true), 0);

    set_params(&req, "id=a,+b+,,c");
    n = http_params_all(&req, "id", out, 8, true);
    assert_int_equal(n, 3);
    assert_true(slice_eq_cstr(out[1], "b"));
    assert_true(slice_eq_cstr(out[2], "c"));
}

static void test_route_match(void **state)
{
    (void)state;
    struct slice segs[HTTP_MAX_SEGS], params[HTTP_MAX_SEGS];
    size_t n, np;
    assert_int_equal(path("/v1/teams/acme/groups/a%2Fb", segs, &n), 0);
    assert_true(http_route_match("/v1/teams/:team/groups/:group", segs, n, params, &np));
    assert_int_equal(np, 2);
    assert_true(slice_eq_cstr(params[0], "acme"));
    assert_true(slice_eq_cstr(params[1], "a/b"));
    assert_false(http_route_match("/v1/teams/:team/groups", segs, n, params, &np));
    assert_false(http_route_match("/v1/teams/:team/groups/:g/x", segs, n, params, &np));
    assert_false(http_route_match("/v1/teams/:team/users/:u", segs, n, params, &np));
    assert_true(http_route_match("v1/teams/:t/groups/:g/", segs, n, params, &np));

    assert_int_equal(path("/", segs, &n), 0);
    assert_true(http_route_match("/", segs, n, params, &np));
    assert_int_equal(np, 0);
}

/* http__prepare: target splitting, absolute-form and dialect choice by longest prefix */
static const struct http_dialect d_v1 = {.name = "v1", .prefix = "/v1/"};
static const struct http_dialect d_api = {.name = "api", .prefix = "/api/"};
static const struct http_dialect d_apiv1 = {.name = "apiv1", .prefix = "/api/v1/"};

static void test_prepare(void **state)
{
    (void)state;
    const struct http_dialect *ds[] = {&d_v1, &d_api, &d_apiv1};
    const struct http_dialect *d;
    struct http_request req = {.arena = &A};
    assert_int_equal(http__prepare(&req, slice_from_cstr("//api/v1/groups/?q=a+b"), ds, 3, &d), 0);
    assert_ptr_equal(d, &d_apiv1);
    assert_int_equal(req.nsegs, 3);
    assert_int_equal(req.nparams, 1);
    assert_true(slice_eq_cstr(req.path, "//api/v1/groups/"));
    assert_true(slice_eq_cstr(req.params[0].val, "a b"));

    assert_int_equal(http__prepare(&req, slice_from_cstr("/api/v2/x"), ds, 3, &d), 0);
    assert_ptr_equal(d, &d_api);
    assert_int_equal(http__prepare(&req, slice_from_cstr("/nothing"), ds, 3, &d), 0);
    assert_ptr_equal(d, &d_v1);
    assert_int_equal(http__prepare(&req, slice_from_cstr("http://h:1/v1/x?y=1"), ds, 3, &d), 0);
    assert_ptr_equal(d, &d_v1);
    assert_true(slice_eq_cstr(req.path, "/v1/x"));
    assert_int_equal(req.nparams, 1);

    assert_int_equal(http__prepare(&req, slice_from_cstr("/api/v1/%zz"), ds, 3, &d),
                     HTTP_IN_BAD_PATH);
    assert_ptr_equal(d, &d_apiv1);
    assert_int_equal(http__prepare(&req, slice_from_cstr("/api/v1/x?a=%G0"), ds, 3, &d),
                     HTTP_IN_BAD_QUERY);
    assert_ptr_equal(d, &d_apiv1);

    /* an empty segment is 404 in the dialect the raw path names */
    assert_int_equal(http__prepare(&req, slice_from_cstr("/api/v1/groups//users"), ds, 3, &d),
                     HTTP_IN_NOT_FOUND);
    assert_ptr_equal(d, &d_apiv1);
    assert_int_equal(req.nsegs, 0);
    assert_int_equal(http__prepare(&req, slice_from_cstr("//api//v1/x?q=1"), ds, 3, &d),
                     HTTP_IN_NOT_FOUND);
    assert_ptr_equal(d, &d_apiv1);
    assert_int_equal(http__prepare(&req, slice_from_cstr("/v1/teams/t/groups//"), ds, 3, &d),
                     HTTP_IN_NOT_FOUND);
    assert_ptr_equal(d, &d_v1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path_basic),   cmocka_unit_test(test_path_empty_segments),
        cmocka_unit_test(test_path_escapes), cmocka_unit_test(test_path_too_many),
        cmocka_unit_test(test_query),        cmocka_unit_test(test_query_too_many),
        cmocka_unit_test(test_media_type),   cmocka_unit_test(test_json),
        cmocka_unit_test(test_url_encode),   cmocka_unit_test(test_params_all),
        cmocka_unit_test(test_route_match),  cmocka_unit_test(test_prepare),
    };
    return cmocka_run_group_tests_name("http_parse", tests, setup, teardown);
}
