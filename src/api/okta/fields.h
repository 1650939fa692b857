/* Okta users `fields` projections (listUsers, okta.md §7.8): "id,status,profile:(firstName,
 * city)" keeps only the named properties of each user. A pure, bounded parser over bytes. */
#ifndef ROSTER_API_OKTA_FIELDS_H
#define ROSTER_API_OKTA_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/slice.h"

/* The top-level properties of a user (the spec's User schema). */
enum okta_user_field {
    OKTA_F_ID = 1u << 0,
    OKTA_F_STATUS = 1u << 1,
    OKTA_F_CREATED = 1u << 2,
    OKTA_F_ACTIVATED = 1u << 3,
    OKTA_F_STATUS_CHANGED = 1u << 4,
    OKTA_F_LAST_LOGIN = 1u << 5,
    OKTA_F_LAST_UPDATED = 1u << 6,
    OKTA_F_PASSWORD_CHANGED = 1u << 7,
    OKTA_F_TYPE = 1u << 8,
    OKTA_F_PROFILE = 1u << 9,
    OKTA_F_CREDENTIALS = 1u << 10,
    OKTA_F_LINKS = 1u << 11,
    OKTA_F_EMBEDDED = 1u << 12,
    OKTA_F_TRANSITIONING = 1u << 13,
    OKTA_F_REALM_ID = 1u << 14,
};

/* Names inside one profile:(…) directive; more is rejected. */
#define OKTA_FIELDS_MAX_PROFILE 64

struct okta_fields {
    unsigned top;     /* enum okta_user_field bits; OKTA_F_ID always */
    bool profile_all; /* "profile" named on its own: the whole profile */
    size_t nprofile;  /* names of profile:(…), into the text; none with profile_all */
    struct slice profile[OKTA_FIELDS_MAX_PROFILE];
};

/* Parses a comma-separated list of top-level names and profile:(a,b,…) directives (their
 * names merge; spaces allowed around names and commas). Returns 0, or R_EINVAL with *why set
 * to a short reason (an unknown name, bad syntax, an empty list, too many names). */
int okta_fields_parse(struct slice text, struct okta_fields *out, const char **why);

/* The name of the top-level property whose bit is 1u << i, or NULL past the last. */
const char *okta_fields_top_name(unsigned i);

/* True when the projection keeps the profile member named name. */
bool okta_fields_profile_has(const struct okta_fields *f, struct slice name);

#endif
