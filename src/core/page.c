/* Keyset paging: the ASA cursor is the UUID of the last object of the page, the Okta one
 * its Okta id. */
#include <string.h>

#include "core/internal.h"
#include "core/okta.h"

void core__page_setup(const struct core_page_req *pr, const char *cur_name, const char *cur_uuid,
                      struct store_page *sp)
{
    sp->after_name = cur_name;
    sp->after_uuid = cur_uuid;
    sp->backward = pr->prev && cur_name;
    sp->descending = pr->descending;
    sp->limit = pr->count ? pr->count : CORE_PAGE_DEFAULT;
}

void core__page_finish(const struct core_page_req *pr, const struct store_page *sp, size_t *n,
                       const char *first_uuid, const char *last_uuid, struct core_page_info *info)
{
    (void)pr;
    bool more = *n > sp->limit;
    if (more)
        *n = sp->limit;
    if (sp->backward) {
        info->has_prev = more;
        info->has_next = true; /* the cursor object itself follows this page */
    } else {
        info->has_next = more;
        info->has_prev = sp->after_name != NULL;
    }
    info->first_uuid = *n ? first_uuid : NULL;
    info->last_uuid = *n ? last_uuid : NULL;
}

int core_okta_cursor_valid(struct core_ctx *cx, const struct store_team *t, enum store_kind kind,
                           const char *id, bool *valid)
{
    static const char *const prefixes[] = {
        [STORE_KIND_GROUP] = "00g", [STORE_KIND_USER] = "00u", [STORE_KIND_APP] = "0oa"};
    *valid = false;
    if (kind < STORE_KIND_GROUP || kind > STORE_KIND_APP || strlen(id) != 20 ||
        memcmp(id, prefixes[kind], 3) != 0)
        return 0;
    for (const char *p = id; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')))
            return 0;
    return cx->st->ops->id_known(cx->st, kind, t->id, id, valid);
}
