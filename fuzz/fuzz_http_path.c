/* libFuzzer target for request targets: http_parse_path, http__prepare, http_route_match.
 * Build: clang -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Isrc fuzz/fuzz_http_path.c
 *        src/http/parse.c src/http/router.c src/util/util.c -ljansson */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "http/internal.h"

static const struct http_dialect d_asa = {.name = "asa", .prefix = "/v1/"};
static const struct http_dialect d_okta = {.name = "okta", .prefix = "/api/v1/"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *patterns[] = {"/v1/teams/:team/groups/:group", "/api/v1/groups/:id/users",
                                     "/", "/:a/:b/:c/:d/:e/:f/:g/:h/:i/:j/:k/:l/:m/:n/:o/:p"};
    struct arena a;
    arena_init(&a, 1 << 20);
    struct slice raw = {(const char *)data, size};
    struct slice segs[HTTP_MAX_SEGS], params[HTTP_MAX_SEGS];
    size_t nsegs, np;
    int rc = http_parse_path(&a, raw, segs, HTTP_MAX_SEGS, &nsegs);
    if (nsegs > HTTP_MAX_SEGS)
        abort();
    for (size_t i = 0; i < nsegs; i++)
        if (segs[i].n == 0 || memchr(segs[i].p, 0, segs[i].n) || segs[i].p[segs[i].n] != 0)
            abort(); /* decoded segments are non-empty, NUL-free and NUL-terminated */
    if (rc == 0)
        for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++)
            if (http_route_match(patterns[i], segs, nsegs, params, &np) && np > nsegs)
                abort();

    const struct http_dialect *ds[] = {&d_asa, &d_okta}, *d = NULL;
    struct http_request req;
    memset(&req, 0, sizeof(req));
    req.arena = &a;
    http__prepare(&req, raw, ds, 2, &d);
    if (d != &d_asa && d != &d_okta)
        abort();
    if (req.nsegs > HTTP_MAX_SEGS || req.nparams > HTTP_MAX_PARAMS)
        abort();
    arena_free(&a);
    return 0;
}
