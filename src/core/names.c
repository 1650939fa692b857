/* Name rules, role names and the ASA view of the user lifecycle. */
#include "core/core.h"

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool core_asa_name_valid(struct slice s)
{
    if (s.n < 1 || s.n > 255 || !is_alnum(s.p[0]))
        return false;
    for (size_t i = 1; i < s.n; i++)
        if (!is_alnum(s.p[i]) && s.p[i] != '.' && s.p[i] != '_' && s.p[i] != '-')
            return false;
    return true;
}

bool core_group_name_reserved(struct slice s)
{
    /* ASA calls the built-in group `everyone`, Okta `Everyone`: a group named like it in any
     * case would look like a second built-in group to one dialect or the other */
    return slice_eq_nocase(s, SLICE_LIT("everyone"));
}

bool core_user_name_valid(struct slice s)
{
    if (s.n < 1 || s.n > 255 || s.p[0] == '-')
        return false;
    for (size_t i = 0; i < s.n; i++)
        if (!is_alnum(s.p[i]) && s.p[i] != '.' && s.p[i] != '_' && s.p[i] != '-')
            return false;
    return true;
}

bool core_team_name_valid(struct slice s)
{
    if (s.n < 1 || s.n > 63)
        return false;
    for (size_t i = 0; i < s.n; i++) {
        char c = s.p[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && c == '-');
        if (!ok)
            return false;
    }
    return true;
}

unsigned core_role_from_name(struct slice s)
{
    if (slice_eq_cstr(s, "access_admin"))
        return STORE_ROLE_ACCESS_ADMIN;
    if (slice_eq_cstr(s, "access_user"))
        return STORE_ROLE_ACCESS_USER;
    if (slice_eq_cstr(s, "reporting_user"))
        return STORE_ROLE_REPORTING_USER;
    return 0;
}

size_t core_role_names(unsigned roles, const char *names[3])
{
    size_t n = 0;
    if (roles & STORE_ROLE_ACCESS_USER)
        names[n++] = "access_user";
    if (roles & STORE_ROLE_REPORTING_USER)
        names[n++] = "reporting_user";
    if (roles & STORE_ROLE_ACCESS_ADMIN)
        names[n++] = "access_admin";
    return n;
}

enum core_asa_status core_user_asa_status(const struct store_user *u)
{
    if (u->deleted_at)
        return CORE_ASA_DELETED;
    switch (u->status) {
    case STORE_USER_ACTIVE:
    case STORE_USER_RECOVERY:
    case STORE_USER_PASSWORD_EXPIRED:
    case STORE_USER_LOCKED_OUT: return CORE_ASA_ACTIVE;
    default: return CORE_ASA_DISABLED;
    }
}

const char *core_asa_status_name(enum core_asa_status s)
{
    switch (s) {
    case CORE_ASA_ACTIVE: return "ACTIVE";
    case CORE_ASA_DISABLED: return "DISABLED";
    default: return "DELETED";
    }
}

unsigned core_asa_status_bit(struct slice s)
{
    if (slice_eq_cstr(s, "ACTIVE"))
        return CORE_ASA_ACTIVE_BIT;
    if (slice_eq_cstr(s, "DISABLED"))
        return CORE_ASA_DISABLED_BIT;
    if (slice_eq_cstr(s, "DELETED"))
        return CORE_ASA_DELETED_BIT;
    return 0;
}
