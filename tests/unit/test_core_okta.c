/* Unit tests for the Okta core (okta_group.c, okta_user.c, password.c, app.c): name rules,
 * ASA names from logins, Argon2id round trip, the status model, and store-backed rules
 * (built-in group, duplicate logins, two-step delete, group delete drops app assignments), the
 * built-in group's reserved names and derived last membership change. */
#include "helpers.h"

#include "core/okta.h"

#define S(lit) SLICE_LIT(lit)

static void test_okta_group_names(void **state)
{
    (void)state;
    assert_true(core_okta_name_valid(S("West Coast users")));
    assert_true(core_okta_name_valid(S("\xc3\x89quipe & Ops"))); /* É: 2 bytes */
    assert_true(core_okta_name_valid(S("\xe2\x82\xac")));        /* €: 3 bytes */
    assert_false(core_okta_name_valid(S("")));
    assert_false(core_okta_name_valid(S("a\x01"
                                        "b"))); /* control */
    assert_false(core_okta_name_valid(S("a\x7f")));
    assert_false(core_okta_name_valid(S("\xf0\x9f\x98\x80"))); /* outside the BMP */
    assert_false(core_okta_name_valid(S("\xc3")));             /* truncated */
    assert_false(core_okta_name_valid(S("\xc0\x80")));         /* overlong */
    assert_false(core_okta_name_valid(S("\xed\xa0\x80")));     /* surrogate */
    char big[300];
    memset(big, 'x', sizeof(big));
    assert_true(core_okta_name_valid((struct slice){big, 255}));
    assert_false(core_okta_name_valid((struct slice){big, 256}));
}

static void test_asa_name_base(void **state)
{
    (void)state;
    char out[65];
    core_okta_asa_name_base(S("isaac.brock@example.com"), out);
    assert_string_equal(out, "isaac.brock");
    core_okta_asa_name_base(S("-ada+tag@example.com"), out);
    assert_string_equal(out, "adatag");
    core_okta_asa_name_base(S("\xc3\xa9@x"), out);
    assert_string_equal(out, "user");
    char longl[200];
    memset(longl, 'a', sizeof(longl));
    core_okta_asa_name_base((struct slice){longl, sizeof(longl)}, out);
    assert_int_equal(strlen(out), 64);
    assert_true(core_user_name_valid(slice_from_cstr(out)));
}

static void test_password_round_trip(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    const char *h = NULL;
    assert_int_equal(core_password_hash(&a, S("tlpWENT2m"), &h), 0);
    assert_non_null(strstr(h, "$argon2id$"));
    assert_null(strstr(h, "tlpWENT2m"));
    assert_true(core_password_verify(h, S("tlpWENT2m")));
    assert_false(core_password_verify(h, S("tlpWENT2M")));
    const char *h2 = NULL;
    assert_int_equal(core_password_hash(&a, S("tlpWENT2m"), &h2), 0);
    assert_string_not_equal(h, h2); /* salted */
    assert_int_equal(core_password_hash(&a, S("short"), &h2), R_EINVAL);
    arena_free(&a);
}

static void test_status_transitions(void **state)
{
    (void)state;
    int next;
    bool hard;
    assert_int_equal(
        core_okta_next_status(STORE_USER_STAGED, CORE_OKTA_ACTIVATE, true, &next, &hard), 0);
    assert_int_equal(next, STORE_USER_ACTIVE);
    assert_int_equal(
        core_okta_next_status(STORE_USER_STAGED, CORE_OKTA_ACTIVATE, false, &next, &hard), 0);
    assert_int_equal(next, STORE_USER_PROVISIONED);
    assert_int_equal(
        core_okta_next_status(STORE_USER_ACTIVE, CORE_OKTA_ACTIVATE, true, &next, &hard), R_EEXIST);
    assert_int_equal(
        core_okta_next_status(STORE_USER_SUSPENDED, CORE_OKTA_ACTIVATE, true, &next, &hard),
        R_EFORBIDDEN);
    assert_int_equal(
        core_okta_next_status(STORE_USER_ACTIVE, CORE_OKTA_SUSPEND, true, &next, &hard), 0);
    assert_int_equal(next, STORE_USER_SUSPENDED);
    assert_int_equal(
        core_okta_next_status(STORE_USER_STAGED, CORE_OKTA_SUSPEND, true, &next, &hard), R_EINVAL);
    assert_int_equal(
        core_okta_next_status(STORE_USER_SUSPENDED, CORE_OKTA_UNSUSPEND, true, &next, &hard), 0);
    assert_int_equal(next, STORE_USER_ACTIVE);
    assert_int_equal(
        core_okta_next_status(STORE_USER_ACTIVE, CORE_OKTA_UNSUSPEND, true, &next, &hard),
        R_EINVAL);
    assert_int_equal(
        core_okta_next_status(STORE_USER_ACTIVE, CORE_OKTA_DEACTIVATE, true, &next, &hard), 0);
    assert_int_equal(next, STORE_USER_DEPROVISIONED);
    assert_int_equal(
        core_okta_next_status(STORE_USER_DEPROVISIONED, CORE_OKTA_DEACTIVATE, true, &next, &hard),
        R_EFORBIDDEN);
    assert_int_equal(core_okta_next_status(STORE_USER_ACTIVE, CORE_OKTA_DELETE, true, &next, &hard),
                     0);
    assert_false(hard);
    assert_int_equal(
        core_okta_next_status(STORE_USER_DEPROVISIONED, CORE_OKTA_DELETE, true, &next, &hard), 0);
    assert_true(hard);
    /* the ASA view of each stored status (DESIGN.md §2) */
    struct store_user u = {0};
    u.status = STORE_USER_SUSPENDED;
    assert_int_equal(core_user_asa_status(&u), CORE_ASA_DISABLED);
    u.status = STORE_USER_LOCKED_OUT;
    assert_int_equal(core_user_asa_status(&u), CORE_ASA_ACTIVE);
    assert_string_equal(core_okta_status_name(STORE_USER_PASSWORD_EXPIRED), "PASSWORD_EXPIRED");
    assert_int_equal(core_okta_status_from_name(S("deprovisioned")), STORE_USER_DEPROVISIONED);
    assert_int_equal(core_okta_status_from_name(S("NOPE")), -1);
}

static void test_users_and_groups_in_store(void **state)
{
    struct fx *f = *state;
    struct store_user_detail u, u2, got;
    struct core_okta_user_in in = {.login = "grace@example.com", .email = "grace@example.com"};
    assert_int_equal(core_okta_user_create(&f->cx, &f->team, &in, false, NULL, 0, &u), 0);
    assert_int_equal(u.u.status, STORE_USER_STAGED);
    assert_string_equal(u.u.name, "grace");
    struct core_okta_user_in dup = {.login = "GRACE@example.com", .email = "g@example.com"};
    assert_int_equal(core_okta_user_create(&f->cx, &f->team, &dup, false, NULL, 0, &u2), R_EEXIST);
    struct core_okta_user_in other = {
        .login = "grace@other.example", .email = "g@example.com", .password = "Passw0rd!"};
    assert_int_equal(core_okta_user_create(&f->cx, &f->team, &other, true, NULL, 0, &u2), 0);
    assert_string_equal(u2.u.name, "grace-2"); /* made unique with a suffix */
    assert_int_equal(u2.u.status, STORE_USER_ACTIVE);
    assert_true(u2.has_password);

    /* the built-in group refuses membership changes and renames */
    struct store_group everyone, g;
    assert_int_equal(f->st->groups->get_builtin(f->st, &f->a, f->team.id, &everyone), 0);
    assert_int_equal(core_okta_member_add(&f->cx, &f->team, everyone.okta_id, u.u.okta_id),
                     R_EFORBIDDEN);
    struct core_okta_group_in gi = {.name = S("Renamed")};
    assert_int_equal(core_okta_group_replace(&f->cx, &f->team, everyone.okta_id, &gi, &g),
                     R_EFORBIDDEN);
    assert_int_equal(core_okta_group_delete(&f->cx, &f->team, everyone.okta_id), R_EFORBIDDEN);

    /* group delete removes app assignments in the same transaction */
    struct core_okta_group_in ng = {.name = S("Apps group")};
    assert_int_equal(core_okta_group_create(&f->cx, &f->team, &ng, &g), 0);
    struct store_app app = {
        .name = "bookmark", .label = "B", .sign_on_mode = "BOOKMARK", .active = true};
    assert_int_equal(core_okta_app_create(&f->cx, &f->team, &app), 0);
    struct store_app_group ag;
    assert_int_equal(
        core_okta_app_group_assign(&f->cx, &f->team, app.okta_id, g.okta_id, 0, NULL, &ag), 0);
    int64_t n;
    assert_int_equal(core_okta_group_apps_count(&f->cx, &g, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(core_okta_group_delete(&f->cx, &f->team, g.okta_id), 0);
    assert_int_equal(core_okta_group_apps_count(&f->cx, &g, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(core_okta_app_delete(&f->cx, &f->team, app.okta_id), R_EFORBIDDEN);

    /* two-step delete frees the login, keeps the ASA name */
    bool deleted;
    assert_int_equal(
        core_okta_user_lifecycle(&f->cx, &f->team, u.u.okta_id, CORE_OKTA_DELETE, &got, &deleted),
        0);
    assert_false(deleted);
    assert_int_equal(got.u.status, STORE_USER_DEPROVISIONED);
    assert_int_equal(
        core_okta_user_lifecycle(&f->cx, &f->team, u.u.okta_id, CORE_OKTA_DELETE, &got, &deleted),
        0);
    assert_true(deleted);
    assert_int_equal(core_okta_user_get(&f->cx, &f->team, u.u.okta_id, &got), R_ENOTFOUND);
    assert_int_equal(core_okta_user_create(&f->cx, &f->team, &in, false, NULL, 0, &u), 0);
    assert_string_equal(u.u.name, "grace-3"); /* ASA names are never reused */
}

/* The built-in group's names are taken in both dialects, in any case, for creates and
 * renames; "everyone" itself is the existing group (R_EEXIST), its other spellings reserved. */
static void test_builtin_names_reserved(void **state)
{
    struct fx *f = *state;
    static const char *const spellings[] = {"Everyone", "EVERYONE", "everyOne", "eVERYONE"};
    struct store_group g, other;
    assert_int_equal(core_group_create(&f->cx, &f->team, S("everyone"), 0, &g), R_EEXIST);
    struct core_okta_group_in lower = {.name = S("everyone")};
    assert_int_equal(core_okta_group_create(&f->cx, &f->team, &lower, &g), R_EEXIST);
    struct core_okta_group_in plain = {.name = S("Plain")};
    assert_int_equal(core_okta_group_create(&f->cx, &f->team, &plain, &other), 0);
    for (size_t i = 0; i < sizeof(spellings) / sizeof(spellings[0]); i++) {
        struct slice name = slice_from_cstr(spellings[i]);
        assert_true(core_group_name_reserved(name));
        assert_int_equal(core_group_create(&f->cx, &f->team, name, 0, &g), R_ERESERVED);
        struct core_okta_group_in in = {.name = name};
        assert_int_equal(core_okta_group_create(&f->cx, &f->team, &in, &g), R_ERESERVED);
        assert_int_equal(core_okta_group_replace(&f->cx, &f->team, other.okta_id, &in, &g),
                         R_ERESERVED);
        /* ASA names cannot change at all: sending another one back is refused */
        assert_int_equal(core_group_set_roles(&f->cx, &f->team, "Plain", spellings[i], 0),
                         R_EINVAL);
    }
    assert_false(core_group_name_reserved(S("everyone2")));
    assert_false(core_group_name_reserved(S("everyon")));
    assert_int_equal(
        core_group_set_roles(&f->cx, &f->team, "Plain", "Plain", STORE_ROLE_ACCESS_USER), 0);
    assert_int_equal(core_okta_group_get(&f->cx, &f->team, other.okta_id, &g), 0);
    assert_string_equal(g.name, "Plain");
    assert_int_equal(g.roles, STORE_ROLE_ACCESS_USER);
}

/* Sleeps until the clock has moved past t (times are milliseconds). */
static int64_t after_ms(int64_t t)
{
    while (core_now_ms() <= t)
        fx_sleep_ms(1);
    return core_now_ms();
}

static int64_t builtin_members_updated(struct fx *f)
{
    struct store_group e;
    assert_int_equal(f->st->groups->get_builtin(f->st, &f->a, f->team.id, &e), 0);
    return e.last_membership_updated;
}

/* Everyone's last membership change is derived: a user's creation and deletion move it, a
 * status change (the user stays a member) does not; other groups keep theirs. */
static void test_builtin_members_updated(void **state)
{
    struct fx *f = *state;
    struct store_user_detail u, got;
    struct store_group plain, g;
    struct core_okta_group_in pin = {.name = S("Plain")};
    assert_int_equal(core_okta_group_create(&f->cx, &f->team, &pin, &plain), 0);
    int64_t t0 = builtin_members_updated(f);
    int64_t before = after_ms(t0);
    struct core_okta_user_in in = {.login = "ada@example.com", .email = "ada@example.com"};
    assert_int_equal(core_okta_user_create(&f->cx, &f->team, &in, true, NULL, 0, &u), 0);
    int64_t t1 = builtin_members_updated(f);
    assert_true(t1 >= before);
    assert_int_equal(t1, u.u.created);

    bool deleted;
    after_ms(t1);
    assert_int_equal(core_okta_user_lifecycle(&f->cx, &f->team, u.u.okta_id, CORE_OKTA_DEACTIVATE,
                                              &got, &deleted),
                     0);
    assert_int_equal(builtin_members_updated(f), t1); /* deprovisioned users stay members */
    before = after_ms(t1);
    assert_int_equal(
        core_okta_user_lifecycle(&f->cx, &f->team, u.u.okta_id, CORE_OKTA_DELETE, &got, &deleted),
        0);
    assert_true(deleted);
    int64_t t2 = builtin_members_updated(f);
    assert_true(t2 >= before);

    /* ASA: a human user's soft delete moves it; a service user (not an Okta member) does not */
    before = after_ms(t2);
    fx_user(f, "hal", STORE_USER_HUMAN);
    int64_t t3 = builtin_members_updated(f);
    assert_true(t3 >= before);
    after_ms(t3);
    fx_user(f, "robot", STORE_USER_SERVICE);
    assert_int_equal(builtin_members_updated(f), t3);
    before = after_ms(t3);
    fx_user_delete(f, "hal");
    assert_true(builtin_members_updated(f) >= before);

    /* the same value through every reader of the group */
    struct store_group e;
    assert_int_equal(f->st->groups->get_builtin(f->st, &f->a, f->team.id, &e), 0);
    assert_int_equal(core_okta_group_get(&f->cx, &f->team, e.okta_id, &g), 0);
    assert_int_equal(g.last_membership_updated, e.last_membership_updated);
    assert_int_equal(core_group_get(&f->cx, &f->team, "everyone", &g), 0);
    assert_int_equal(g.last_membership_updated, e.last_membership_updated);
    assert_int_equal(core_okta_group_get(&f->cx, &f->team, plain.okta_id, &g), 0);
    assert_int_equal(g.last_membership_updated, plain.last_membership_updated);
}

/* Cursors: an id of the right kind naming an object of the team, deleted ones included; a
 * list after a cursor of another team, or of nothing, is empty (the dialect then asks). */
static void test_cursors(void **state)
{
    struct fx *f = *state;
    struct store_team other;
    assert_int_equal(core_team_create(&f->cx, "other", &other), 0);
    struct store_group g[3], foreign;
    const char *names[] = {"c-0", "c-1", "c-2"};
    for (int i = 0; i < 3; i++) {
        struct core_okta_group_in in = {.name = slice_from_cstr(names[i])};
        assert_int_equal(core_okta_group_create(&f->cx, &f->team, &in, &g[i]), 0);
    }
    struct core_okta_group_in fin = {.name = S("c-foreign")};
    assert_int_equal(core_okta_group_create(&f->cx, &other, &fin, &foreign), 0);
    bool valid;
    assert_int_equal(
        core_okta_cursor_valid(&f->cx, &f->team, STORE_KIND_GROUP, g[0].okta_id, &valid), 0);
    assert_true(valid);
    const char *bad[] = {foreign.okta_id, "garbage", "00gAAAAAAAAAAAAAAAAA", "00g", ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        valid = true;
        assert_int_equal(core_okta_cursor_valid(&f->cx, &f->team, STORE_KIND_GROUP, bad[i], &valid),
                         0);
        assert_false(valid);
    }
    valid = true;
    assert_int_equal(
        core_okta_cursor_valid(&f->cx, &f->team, STORE_KIND_USER, g[0].okta_id, &valid), 0);
    assert_false(valid);

    /* a page may end on a group deleted since: the cursor still works */
    assert_int_equal(core_okta_group_delete(&f->cx, &f->team, g[1].okta_id), 0);
    assert_int_equal(
        core_okta_cursor_valid(&f->cx, &f->team, STORE_KIND_GROUP, g[1].okta_id, &valid), 0);
    assert_true(valid);
    struct store_group *rows;
    int64_t *counts;
    size_t n;
    struct store_query q = {.team_id = f->team.id, .after = g[1].okta_id, .limit = 10};
    assert_int_equal(core_okta_group_list(&f->cx, &f->team, &q, &rows, &counts, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].okta_id, g[2].okta_id);
    /* another team's group gives no position in this team */
    q.after = foreign.okta_id;
    assert_int_equal(core_okta_group_list(&f->cx, &f->team, &q, &rows, &counts, &n), 0);
    assert_int_equal(n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_okta_group_names),
        cmocka_unit_test(test_asa_name_base),
        cmocka_unit_test(test_password_round_trip),
        cmocka_unit_test(test_status_transitions),
        cmocka_unit_test_setup_teardown(test_users_and_groups_in_store, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_builtin_names_reserved, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_builtin_members_updated, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_cursors, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, fx_group_setup, NULL);
}
