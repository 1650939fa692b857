/* libFuzzer target for query strings: http_parse_query, http_params_all, and a round trip
 * through http_url_encode. Build as fuzz/fuzz_http_path.c says. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena a;
    arena_init(&a, 1 << 20);
    struct http_request req;
    memset(&req, 0, sizeof(req));
    int rc = http_parse_query(&a, (struct slice){(const char *)data, size}, req.params,
                              HTTP_MAX_PARAMS, &req.nparams);
    if (req.nparams > HTTP_MAX_PARAMS)
        abort();
    if (rc == 0) {
        for (size_t i = 0; i < req.nparams; i++)
            for (size_t j = i + 1; j < req.nparams; j++)
                if (slice_eq(req.params[i].key, req.params[j].key) &&
                    slice_eq(req.params[i].val, req.params[j].val))
                    abort(); /* identical pairs are kept once */
        struct slice out[8];
        if (req.nparams) {
            char *key = arena_strndup(&a, req.params[0].key.p, req.params[0].key.n);
            if (key && !memchr(req.params[0].key.p, 0, req.params[0].key.n)) {
                http_params_all(&req, key, out, 8, true);
                http_params_all(&req, key, out, 8, false);
            }
            /* encode the first pair and parse it back: the same pair comes out */
            struct buf b;
            buf_init(&b, 0);
            http_url_encode(&b, req.params[0].key);
            buf_append_str(&b, "=");
            http_url_encode(&b, req.params[0].val);
            struct http_param back[2];
            size_t nback;
            if (!b.oom) {
                if (http_parse_query(&a, (struct slice){b.p, b.n}, back, 2, &nback) != 0)
                    abort();
                if (req.params[0].key.n &&
                    (nback != 1 || !slice_eq(back[0].key, req.params[0].key) ||
                     !slice_eq(back[0].val, req.params[0].val)))
                    abort();
            }
            buf_free(&b);
        }
    }
    arena_free(&a);
    return 0;
}
