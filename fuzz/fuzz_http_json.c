/* libFuzzer target for request bodies: the depth pre-scan and strict JSON parse, plus the
 * Content-Type check. Build as fuzz/fuzz_http_path.c says. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *j = NULL;
    int rc = http_parse_json((struct slice){(const char *)data, size}, 32, 0, &j);
    if ((rc == 0) != (j != NULL))
        abort();
    if (j) {
        /* what was accepted serialises and parses back */
        char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
        json_t *k = NULL;
        if (!s || http_parse_json(slice_from_cstr(s), 33, 0, &k) != 0 || !json_equal(j, k))
            abort();
        json_decref(k);
        free(s);
        json_decref(j);
    }
    char ct[128];
    size_t n = size < sizeof(ct) - 1 ? size : sizeof(ct) - 1;
    memcpy(ct, data, n);
    ct[n] = 0;
    http_media_type_is_json(ct);
    return 0;
}
