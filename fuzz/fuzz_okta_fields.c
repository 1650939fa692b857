/* libFuzzer target for the users `fields` projection parser: okta_fields_parse on the input,
 * its invariants, and a print → reparse → print round trip. Build as fuzz/Makefile says. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/okta/fields.h"
#include "util/buf.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Prints f canonically: the top-level names in bit order, the profile directive last. */
static void fz_print(struct buf *b, const struct okta_fields *f)
{
    const char *sep = "";
    for (unsigned i = 0; okta_fields_top_name(i); i++) {
        if (!(f->top & (1u << i)) || (1u << i == OKTA_F_PROFILE && !f->profile_all))
            continue;
        buf_appendf(b, "%s%s", sep, okta_fields_top_name(i));
        sep = ",";
    }
    if (f->profile_all || !f->nprofile)
        return;
    buf_appendf(b, "%sprofile:(", sep);
    for (size_t i = 0; i < f->nprofile; i++) {
        buf_append_str(b, i ? "," : "");
        buf_append(b, f->profile[i].p, f->profile[i].n);
    }
    buf_append_str(b, ")");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct okta_fields f, g;
    const char *why;
    const char *text = (const char *)data;
    int rc = okta_fields_parse((struct slice){text, size}, &f, &why);
    if (rc != 0) {
        if (rc != R_EINVAL || !why || !why[0])
            abort();
        return 0;
    }
    if (why || !(f.top & OKTA_F_ID) || f.top >> 15 || f.nprofile > OKTA_FIELDS_MAX_PROFILE)
        abort();
    if ((f.nprofile || f.profile_all) && !(f.top & OKTA_F_PROFILE))
        abort();
    for (size_t i = 0; i < f.nprofile; i++) {
        const char *p = f.profile[i].p;
        if (!f.profile[i].n || p < text || p + f.profile[i].n > text + size)
            abort(); /* names point into the input */
        for (size_t j = i + 1; j < f.nprofile; j++)
            if (slice_eq(f.profile[i], f.profile[j]))
                abort(); /* each name once */
    }
    struct buf b1, b2;
    buf_init(&b1, 0);
    buf_init(&b2, 0);
    fz_print(&b1, &f);
    if (!b1.oom) {
        if (okta_fields_parse((struct slice){b1.p, b1.n}, &g, &why) != 0 || g.top != f.top ||
            g.profile_all != f.profile_all || g.nprofile != f.nprofile)
            abort();
        fz_print(&b2, &g);
        if (!b2.oom && (b1.n != b2.n || memcmp(b1.p, b2.p, b1.n) != 0))
            abort();
    }
    buf_free(&b1);
    buf_free(&b2);
    return 0;
}
