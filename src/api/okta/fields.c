/* Parser of the users `fields` projection: top-level names and profile:(…) directives. */
#include <string.h>

#include "api/okta/fields.h"
#include "util/err.h"

/* In bit order. */
static const struct {
    const char *name;
    unsigned bit;
} top_names[] = {
    {"id", OKTA_F_ID},
    {"status", OKTA_F_STATUS},
    {"created", OKTA_F_CREATED},
    {"activated", OKTA_F_ACTIVATED},
    {"statusChanged", OKTA_F_STATUS_CHANGED},
    {"lastLogin", OKTA_F_LAST_LOGIN},
    {"lastUpdated", OKTA_F_LAST_UPDATED},
    {"passwordChanged", OKTA_F_PASSWORD_CHANGED},
    {"type", OKTA_F_TYPE},
    {"profile", OKTA_F_PROFILE},
    {"credentials", OKTA_F_CREDENTIALS},
    {"_links", OKTA_F_LINKS},
    {"_embedded", OKTA_F_EMBEDDED},
    {"transitioningToStatus", OKTA_F_TRANSITIONING},
    {"realmId", OKTA_F_REALM_ID},
};

struct fp {
    const char *p;
    size_t n, pos;
};

static void skip_ws(struct fp *s)
{
    while (s->pos < s->n && (s->p[s->pos] == ' ' || s->p[s->pos] == '\t'))
        s->pos++;
}

static bool ident_char(char c, bool first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           (!first && c >= '0' && c <= '9');
}

/* An identifier at pos (empty slice when none). */
static struct slice ident(struct fp *s)
{
    size_t start = s->pos;
    while (s->pos < s->n && ident_char(s->p[s->pos], s->pos == start))
        s->pos++;
    return (struct slice){s->p + start, s->pos - start};
}

/* "(" name ( "," name )* ")" after "profile:". */
static int profile_list(struct fp *s, struct okta_fields *out, const char **why)
{
    if (s->pos >= s->n || s->p[s->pos] != '(') {
        *why = "profile: must be followed by (names)";
        return R_EINVAL;
    }
    s->pos++;
    for (;;) {
        skip_ws(s);
        struct slice name = ident(s);
        if (!name.n) {
            *why = "expected a profile property name";
            return R_EINVAL;
        }
        if (!okta_fields_profile_has(out, name)) {
            if (out->nprofile == OKTA_FIELDS_MAX_PROFILE) {
                *why = "too many profile properties";
                return R_EINVAL;
            }
            out->profile[out->nprofile++] = name;
        }
        skip_ws(s);
        if (s->pos < s->n && s->p[s->pos] == ',') {
            s->pos++;
            continue;
        }
        if (s->pos < s->n && s->p[s->pos] == ')') {
            s->pos++;
            return 0;
        }
        *why = "expected ',' or ')' in profile:(…)";
        return R_EINVAL;
    }
}

int okta_fields_parse(struct slice text, struct okta_fields *out, const char **why)
{
    struct fp s = {text.p, text.p ? text.n : 0, 0};
    memset(out, 0, sizeof(*out));
    *why = NULL;
    for (;;) {
        skip_ws(&s);
        struct slice name = ident(&s);
        if (!name.n) {
            *why = "expected a property name";
            return R_EINVAL;
        }
        if (slice_eq_cstr(name, "profile") && s.pos < s.n && s.p[s.pos] == ':') {
            s.pos++;
            int rc = profile_list(&s, out, why);
            if (rc)
                return rc;
            out->top |= OKTA_F_PROFILE;
        } else {
            unsigned bit = 0;
            for (size_t i = 0; i < sizeof(top_names) / sizeof(top_names[0]); i++)
                if (slice_eq_cstr(name, top_names[i].name))
                    bit = top_names[i].bit;
            if (!bit) {
                *why = "not a property of a user";
                return R_EINVAL;
            }
            out->top |= bit;
            out->profile_all |= bit == OKTA_F_PROFILE;
        }
        skip_ws(&s);
        if (s.pos == s.n)
            break;
        if (s.p[s.pos] != ',') {
            *why = "expected ','";
            return R_EINVAL;
        }
        s.pos++;
    }
    out->top |= OKTA_F_ID; /* always included (the spec) */
    if (out->profile_all)
        out->nprofile = 0; /* the whole profile: the names add nothing */
    return 0;
}

const char *okta_fields_top_name(unsigned i)
{
    return i < sizeof(top_names) / sizeof(top_names[0]) ? top_names[i].name : NULL;
}

bool okta_fields_profile_has(const struct okta_fields *f, struct slice name)
{
    if (f->profile_all)
        return true;
    for (size_t i = 0; i < f->nprofile; i++)
        if (slice_eq(f->profile[i], name))
            return true;
    return false;
}
