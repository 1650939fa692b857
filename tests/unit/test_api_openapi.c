/* The OpenAPI document built into the binary against the route tables: every route is in the
 * document with its method, every operation is routed, and path parameters are declared. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "api/asa/asa.h"
#include "api/okta/okta.h"
#include "api/openapi.h"

static const char *const methods[] = {"get", "put", "post", "delete", "patch", "head", "options"};

struct table {
    const struct http_route *routes;
    size_t n;
};

static struct table tables[3];

static json_t *doc;

static int load(void **state)
{
    (void)state;
    tables[0] = (struct table){asa_dialect.routes, asa_dialect.nroutes};
    tables[1] = (struct table){okta_dialect.routes, okta_dialect.nroutes};
    tables[2] = (struct table){api_meta_routes, api_meta_nroutes};
    json_error_t e;
    doc = json_loadb((const char *)api_openapi_doc, api_openapi_doc_len, 0, &e);
    if (!doc)
        fprintf(stderr, "embedded document: %s (line %d)\n", e.text, e.line);
    return doc ? 0 : -1;
}

static int unload(void **state)
{
    (void)state;
    json_decref(doc);
    return 0;
}

/* "/v1/teams/:team/groups" → "/v1/teams/{team}/groups" */
static void to_openapi(const char *pattern, char *out, size_t cap)
{
    size_t o = 0;
    for (const char *p = pattern; *p && o + 2 < cap; p++) {
        if (*p == ':' && (p == pattern || p[-1] == '/')) {
            out[o++] = '{';
            while (p[1] && p[1] != '/' && o + 2 < cap)
                out[o++] = *++p;
            out[o++] = '}';
        } else {
            out[o++] = *p;
        }
    }
    out[o] = 0;
}

static const char *method_key(enum http_method m)
{
    switch (m) {
    case HTTP_GET: return "get";
    case HTTP_POST: return "post";
    case HTTP_PUT: return "put";
    case HTTP_PATCH: return "patch";
    case HTTP_DELETE: return "delete";
    case HTTP_HEAD: return "head";
    case HTTP_OPTIONS: return "options";
    default: return "?";
    }
}

static void every_route_is_documented(void **state)
{
    (void)state;
    json_t *paths = json_object_get(doc, "paths");
    assert_non_null(paths);
    size_t total = 0;
    for (size_t t = 0; t < 3; t++) {
        for (size_t i = 0; i < tables[t].n; i++) {
            char p[512];
            to_openapi(tables[t].routes[i].pattern, p, sizeof(p));
            const char *m = method_key(tables[t].routes[i].method);
            json_t *op = json_object_get(json_object_get(paths, p), m);
            if (!json_is_object(op))
                fail_msg("route %s %s is not in the OpenAPI document", m, p);
            assert_true(json_is_string(json_object_get(op, "operationId")));
            assert_true(json_is_object(json_object_get(op, "responses")));
            total++;
        }
    }
    assert_true(total > 70);
}

static bool routed(const char *path, const char *method)
{
    for (size_t t = 0; t < 3; t++)
        for (size_t i = 0; i < tables[t].n; i++) {
            char p[512];
            to_openapi(tables[t].routes[i].pattern, p, sizeof(p));
            if (!strcmp(p, path) && !strcmp(method_key(tables[t].routes[i].method), method))
                return true;
        }
    return false;
}

static bool declares_path_param(json_t *params, const char *name)
{
    size_t i;
    json_t *prm;
    json_array_foreach(params, i, prm)
    {
        const char *in = json_string_value(json_object_get(prm, "in"));
        const char *n = json_string_value(json_object_get(prm, "name"));
        /* a $ref'd parameter: resolve through components.parameters */
        const char *ref = json_string_value(json_object_get(prm, "$ref"));
        if (ref && !strncmp(ref, "#/components/parameters/", 24)) {
            json_t *r = json_object_get(
                json_object_get(json_object_get(doc, "components"), "parameters"), ref + 24);
            in = json_string_value(json_object_get(r, "in"));
            n = json_string_value(json_object_get(r, "name"));
        }
        if (in && n && !strcmp(in, "path") && !strcmp(n, name))
            return true;
    }
    return false;
}

static void every_operation_is_routed(void **state)
{
    (void)state;
    json_t *paths = json_object_get(doc, "paths"), *item;
    const char *path;
    json_t *ids = json_object();
    json_object_foreach(paths, path, item)
    {
        size_t nops = 0;
        for (size_t m = 0; m < sizeof(methods) / sizeof(methods[0]); m++) {
            json_t *op = json_object_get(item, methods[m]);
            if (!op)
                continue;
            nops++;
            if (!routed(path, methods[m]))
                fail_msg("the document has %s %s, which no route serves", methods[m], path);
            const char *id = json_string_value(json_object_get(op, "operationId"));
            assert_non_null(id);
            if (json_object_get(ids, id))
                fail_msg("operationId %s is used twice", id);
            json_object_set_new(ids, id, json_true());
            /* every {name} of the path is declared as a path parameter */
            for (const char *p = strchr(path, '{'); p; p = strchr(p + 1, '{')) {
                const char *end = strchr(p, '}');
                assert_non_null(end);
                char name[64];
                size_t n = (size_t)(end - p - 1);
                assert_true(n > 0 && n < sizeof(name));
                memcpy(name, p + 1, n);
                name[n] = 0;
                if (!declares_path_param(json_object_get(op, "parameters"), name) &&
                    !declares_path_param(json_object_get(item, "parameters"), name))
                    fail_msg("%s %s does not declare its path parameter %s", methods[m], path,
                             name);
            }
        }
        if (!nops)
            fail_msg("path %s has no operation", path);
    }
    json_decref(ids);
}

static void document_is_openapi_3_1(void **state)
{
    (void)state;
    assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
    assert_true(json_is_object(json_object_get(doc, "info")));
    assert_true(json_is_object(json_object_get(
        json_object_get(json_object_get(doc, "components"), "schemas"), "AsaError")));
    assert_true(json_is_object(json_object_get(
        json_object_get(json_object_get(doc, "components"), "schemas"), "OktaError")));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(document_is_openapi_3_1),
        cmocka_unit_test(every_route_is_documented),
        cmocka_unit_test(every_operation_is_routed),
    };
    return cmocka_run_group_tests(tests, load, unload);
}
