/* Unit tests for groups and memberships (group.c) against a real SQLite store: create, roles,
 * soft delete and name reuse, the protected groups, and exact member counts. */
#include "helpers.h"

static struct core_page_req page100 = {.count = 100};

/* Number of groups in a listing of everything (deleted: 0 live, 1 all, 2 deleted only). */
static size_t count_groups(struct fx *f, int deleted, const char *name, size_t *with_name)
{
    struct core_group_query q = {.deleted = deleted};
    struct store_group *rows;
    size_t n;
    struct core_page_info info;
    assert_int_equal(core_group_list(&f->cx, &f->team, &q, &page100, &rows, &n, &info), 0);
    *with_name = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].name, name) == 0)
            (*with_name)++;
    return n;
}

/* Whether user_name's group list contains group. */
static bool user_in_group_list(struct fx *f, const char *user, const char *group)
{
    struct store_group *rows;
    size_t n;
    struct core_page_info info;
    assert_int_equal(core_user_groups(&f->cx, &f->team, user, NULL, &page100, &rows, &n, &info), 0);
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].name, group) == 0)
            return true;
    return false;
}

/* ---- groups ---- */

static void test_group_create_get(void **state)
{
    struct fx *f = *state;
    int64_t before = core_now_ms();
    struct store_group g = fx_group(f, "dev", STORE_ROLE_ACCESS_USER);
    assert_true(core_uuid_valid(slice_from_cstr(g.uuid)));
    assert_memory_equal(g.okta_id, "00g", 3);
    assert_int_equal(strlen(g.okta_id), 20);

    struct store_group r = fx_group_get(f, "dev");
    assert_string_equal(r.uuid, g.uuid);
    assert_string_equal(r.okta_id, g.okta_id);
    assert_string_equal(r.name, "dev");
    assert_int_equal(r.team_id, f->team.id);
    assert_int_equal(r.roles, STORE_ROLE_ACCESS_USER);
    assert_int_equal(r.type, STORE_GROUP_ORDINARY);
    assert_int_equal(r.flags, 0);
    assert_int_equal(r.deleted_at, 0);
    assert_int_equal(r.users_count, 0);
    assert_int_equal(r.human_count, 0);
    assert_null(r.description);
    assert_null(r.federated_from_team);
    assert_int_equal(r.federation_approved_at, 0);
    assert_true(r.created >= before && r.created <= core_now_ms());
    assert_int_equal(r.last_membership_updated, r.created);

    assert_int_equal(core_group_get(&f->cx, &f->team, "Dev", &r), R_ENOTFOUND);
    assert_int_equal(core_group_get(&f->cx, &f->team, "nope", &r), R_ENOTFOUND);
    /* names are byte-exact: another case is another group */
    struct store_group d2 = fx_group(f, "Dev", 0);
    assert_string_not_equal(d2.uuid, g.uuid);
}

static void test_group_create_rejects(void **state)
{
    struct fx *f = *state;
    struct store_group g;
    fx_group(f, "dev", 0);
    assert_int_equal(core_group_create(&f->cx, &f->team, SLICE_LIT("dev"), 0, &g), R_EEXIST);
    assert_int_equal(core_group_create(&f->cx, &f->team, SLICE_LIT("everyone"), 0, &g), R_EEXIST);
    assert_int_equal(core_group_create(&f->cx, &f->team, SLICE_LIT("owners"), 0, &g), R_EEXIST);
    assert_int_equal(core_group_create(&f->cx, &f->team, SLICE_LIT(""), 0, &g), R_EINVAL);
    assert_int_equal(core_group_create(&f->cx, &f->team, SLICE_LIT("-dev"), 0, &g), R_EINVAL);
    assert_int_equal(core_group_create(&f->cx, &f->team, SLICE_LIT("d v"), 0, &g), R_EINVAL);
    assert_int_equal(core_group_create(&f->cx, &f->team, SLICE_LIT("ops"), 8, &g), R_EINVAL);
    assert_int_equal(core_group_create(&f->cx, &f->team, SLICE_LIT("ops"), ~0u, &g), R_EINVAL);
    assert_int_equal(core_group_get(&f->cx, &f->team, "ops", &g), R_ENOTFOUND);
    char n[256];
    memset(n, 'g', sizeof(n));
    assert_int_equal(core_group_create(&f->cx, &f->team, (struct slice){n, 256}, 0, &g), R_EINVAL);
    assert_int_equal(core_group_create(&f->cx, &f->team, (struct slice){n, 255}, 0, &g), 0);
    assert_int_equal(strlen(g.name), 255);
    /* the name is taken from the slice, not beyond it */
    assert_int_equal(core_group_create(&f->cx, &f->team, (struct slice){"qa-team", 2}, 0, &g), 0);
    assert_string_equal(g.name, "qa");
}

static void test_group_set_roles(void **state)
{
    struct fx *f = *state;
    fx_group(f, "dev", 0);
    assert_int_equal(core_group_set_roles(&f->cx, &f->team, "dev", NULL, STORE_ROLE_ALL), 0);
    assert_int_equal(fx_group_get(f, "dev").roles, STORE_ROLE_ALL);
    assert_int_equal(core_group_set_roles(&f->cx, &f->team, "dev", NULL, STORE_ROLE_REPORTING_USER),
                     0);
    assert_int_equal(fx_group_get(f, "dev").roles, STORE_ROLE_REPORTING_USER);
    assert_int_equal(core_group_set_roles(&f->cx, &f->team, "dev", NULL, 0), 0);
    assert_int_equal(fx_group_get(f, "dev").roles, 0);
    assert_int_equal(core_group_set_roles(&f->cx, &f->team, "dev", NULL, 1u << 3), R_EINVAL);
    assert_int_equal(core_group_set_roles(&f->cx, &f->team, "dev", NULL, STORE_ROLE_ALL | 16u),
                     R_EINVAL);
    assert_int_equal(fx_group_get(f, "dev").roles, 0);
    assert_int_equal(core_group_set_roles(&f->cx, &f->team, "nope", NULL, 0), R_ENOTFOUND);
    /* the built-in group's roles can be changed */
    assert_int_equal(
        core_group_set_roles(&f->cx, &f->team, "everyone", NULL, STORE_ROLE_ACCESS_USER), 0);
    assert_int_equal(fx_group_get(f, "everyone").roles, STORE_ROLE_ACCESS_USER);
}

static void test_group_soft_delete_and_reuse(void **state)
{
    struct fx *f = *state;
    struct store_group old = fx_group(f, "dev", STORE_ROLE_ACCESS_USER);
    size_t with;
    assert_int_equal(count_groups(f, 0, "dev", &with), 3);
    assert_int_equal(core_group_delete(&f->cx, &f->team, "dev"), 0);

    struct store_group r;
    assert_int_equal(core_group_get(&f->cx, &f->team, "dev", &r), R_ENOTFOUND);
    assert_int_equal(core_group_delete(&f->cx, &f->team, "dev"), R_ENOTFOUND);
    assert_int_equal(core_group_set_roles(&f->cx, &f->team, "dev", NULL, 0), R_ENOTFOUND);
    assert_int_equal(count_groups(f, 0, "dev", &with), 2);
    assert_int_equal(with, 0);

    /* deleted=1 shows it, with deleted_at set; deleted=2 shows only it */
    struct core_group_query q = {.deleted = 1};
    struct store_group *rows;
    size_t n;
    struct core_page_info info;
    assert_int_equal(core_group_list(&f->cx, &f->team, &q, &page100, &rows, &n, &info), 0);
    assert_int_equal(n, 3);
    bool found = false;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(rows[i].uuid, old.uuid) == 0) {
            found = true;
            assert_true(rows[i].deleted_at != 0);
            assert_string_equal(rows[i].name, "dev");
        } else {
            assert_int_equal(rows[i].deleted_at, 0);
        }
    }
    assert_true(found);
    q.deleted = 2;
    assert_int_equal(core_group_list(&f->cx, &f->team, &q, &page100, &rows, &n, &info), 0);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].uuid, old.uuid);

    /* the name can be reused: a new group with a new uuid */
    struct store_group again = fx_group(f, "dev", 0);
    assert_string_not_equal(again.uuid, old.uuid);
    assert_string_not_equal(again.okta_id, old.okta_id);
    r = fx_group_get(f, "dev");
    assert_string_equal(r.uuid, again.uuid);
    assert_int_equal(r.roles, 0);
    assert_int_equal(r.deleted_at, 0);
    assert_int_equal(count_groups(f, 1, "dev", &with), 4);
    assert_int_equal(with, 2);
    assert_int_equal(count_groups(f, 0, "dev", &with), 3);
    assert_int_equal(with, 1);
}

static void test_group_protected(void **state)
{
    struct fx *f = *state;
    fx_user(f, "alice", STORE_USER_HUMAN);
    assert_int_equal(core_group_delete(&f->cx, &f->team, "everyone"), R_EFORBIDDEN);
    assert_int_equal(core_group_delete(&f->cx, &f->team, "owners"), R_EFORBIDDEN);
    assert_int_equal(fx_group_get(f, "everyone").deleted_at, 0);
    assert_int_equal(fx_group_get(f, "owners").deleted_at, 0);
    assert_int_equal(core_member_add(&f->cx, &f->team, "everyone", "alice"), R_EFORBIDDEN);
    assert_int_equal(core_member_remove(&f->cx, &f->team, "everyone", "alice"), R_EFORBIDDEN);
    assert_int_equal(fx_group_get(f, "everyone").users_count, 1); /* unchanged */
    /* owners is an ordinary group for memberships */
    assert_int_equal(core_member_add(&f->cx, &f->team, "owners", "alice"), 0);
    assert_int_equal(fx_group_get(f, "owners").users_count, 1);
    assert_int_equal(core_member_remove(&f->cx, &f->team, "owners", "alice"), 0);
    assert_int_equal(fx_group_get(f, "owners").users_count, 0);
}

/* ---- memberships and counts ---- */

static void test_member_counts(void **state)
{
    struct fx *f = *state;
    fx_user(f, "alice", STORE_USER_HUMAN);
    fx_user(f, "robot", STORE_USER_SERVICE);
    struct store_group g0 = fx_group(f, "dev", 0);
    fx_sleep_ms(2);
    fx_member_add(f, "dev", "alice");
    fx_member_add(f, "dev", "robot");
    struct store_group g = fx_group_get(f, "dev");
    assert_int_equal(g.users_count, 2);
    assert_int_equal(g.human_count, 1);
    assert_true(g.last_membership_updated > g0.last_membership_updated);

    /* re-adding is an idempotent success */
    assert_int_equal(core_member_add(&f->cx, &f->team, "dev", "alice"), 0);
    assert_int_equal(core_member_add(&f->cx, &f->team, "dev", "robot"), 0);
    g = fx_group_get(f, "dev");
    assert_int_equal(g.users_count, 2);
    assert_int_equal(g.human_count, 1);

    /* removing a non-member is an idempotent success */
    fx_user(f, "bob", STORE_USER_HUMAN);
    assert_int_equal(core_member_remove(&f->cx, &f->team, "dev", "bob"), 0);
    g = fx_group_get(f, "dev");
    assert_int_equal(g.users_count, 2);
    assert_int_equal(g.human_count, 1);

    assert_int_equal(core_member_remove(&f->cx, &f->team, "dev", "alice"), 0);
    g = fx_group_get(f, "dev");
    assert_int_equal(g.users_count, 1);
    assert_int_equal(g.human_count, 0);
    assert_int_equal(core_member_remove(&f->cx, &f->team, "dev", "alice"), 0);
    assert_int_equal(fx_group_get(f, "dev").users_count, 1);

    /* unknown group or user */
    assert_int_equal(core_member_add(&f->cx, &f->team, "nope", "alice"), R_ENOTFOUND);
    assert_int_equal(core_member_add(&f->cx, &f->team, "dev", "nobody"), R_ENOTFOUND);
    assert_int_equal(core_member_remove(&f->cx, &f->team, "dev", "nobody"), R_ENOTFOUND);
    assert_int_equal(fx_group_get(f, "dev").users_count, 1);
}

static void test_user_delete_leaves_groups(void **state)
{
    struct fx *f = *state;
    fx_user(f, "alice", STORE_USER_HUMAN);
    fx_user(f, "robot", STORE_USER_SERVICE);
    fx_user(f, "carol", STORE_USER_HUMAN);
    fx_group(f, "dev", 0);
    fx_group(f, "ops", 0);
    fx_member_add(f, "dev", "alice");
    fx_member_add(f, "dev", "robot");
    fx_member_add(f, "dev", "carol");
    fx_member_add(f, "ops", "alice");
    struct store_group e = fx_group_get(f, "everyone");
    assert_int_equal(e.users_count, 3);
    assert_int_equal(e.human_count, 2);

    fx_user_delete(f, "alice");
    struct store_group dev = fx_group_get(f, "dev");
    assert_int_equal(dev.users_count, 2);
    assert_int_equal(dev.human_count, 1);
    struct store_group ops = fx_group_get(f, "ops");
    assert_int_equal(ops.users_count, 0);
    assert_int_equal(ops.human_count, 0);
    e = fx_group_get(f, "everyone");
    assert_int_equal(e.users_count, 2);
    assert_int_equal(e.human_count, 1);
    assert_false(user_in_group_list(f, "alice", "dev"));
    assert_false(user_in_group_list(f, "alice", "everyone"));

    fx_user_delete(f, "robot");
    dev = fx_group_get(f, "dev");
    assert_int_equal(dev.users_count, 1);
    assert_int_equal(dev.human_count, 1);
    e = fx_group_get(f, "everyone");
    assert_int_equal(e.users_count, 1);
    assert_int_equal(e.human_count, 1);

    /* deleting again changes nothing; a deleted user cannot join a group */
    fx_user_delete(f, "robot");
    assert_int_equal(fx_group_get(f, "everyone").users_count, 1);
    assert_int_equal(core_member_add(&f->cx, &f->team, "dev", "alice"), R_ENOTFOUND);
    assert_int_equal(fx_group_get(f, "dev").users_count, 1);
}

static void test_group_delete_clears_members(void **state)
{
    struct fx *f = *state;
    fx_user(f, "alice", STORE_USER_HUMAN);
    fx_user(f, "robot", STORE_USER_SERVICE);
    struct store_group old = fx_group(f, "dev", 0);
    fx_member_add(f, "dev", "alice");
    fx_member_add(f, "dev", "robot");
    assert_true(user_in_group_list(f, "alice", "dev"));
    assert_int_equal(core_group_delete(&f->cx, &f->team, "dev"), 0);
    assert_false(user_in_group_list(f, "alice", "dev"));
    assert_false(user_in_group_list(f, "robot", "dev"));

    struct core_group_query q = {.deleted = 2};
    struct store_group *rows;
    size_t n;
    struct core_page_info info;
    assert_int_equal(core_group_list(&f->cx, &f->team, &q, &page100, &rows, &n, &info), 0);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].uuid, old.uuid);
    assert_int_equal(rows[0].users_count, 0);
    assert_int_equal(rows[0].human_count, 0);

    /* no membership outlives the group: deleting a former member leaves its counts at 0 */
    fx_user_delete(f, "alice");
    assert_int_equal(core_group_list(&f->cx, &f->team, &q, &page100, &rows, &n, &info), 0);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].users_count, 0);
    assert_int_equal(rows[0].human_count, 0);

    /* a new group of the same name starts empty */
    fx_group(f, "dev", 0);
    assert_int_equal(fx_group_get(f, "dev").users_count, 0);
    struct core_user_query uq = {0};
    struct store_user *users;
    assert_int_equal(core_group_users(&f->cx, &f->team, "dev", &uq, &page100, &users, &n, &info),
                     0);
    assert_int_equal(n, 0);
    /* the users themselves are untouched (alice was deleted above) */
    assert_int_equal(fx_group_get(f, "everyone").users_count, 1);
    assert_false(user_in_group_list(f, "robot", "dev"));
}

static void test_everyone_counts_live_users(void **state)
{
    struct fx *f = *state;
    char name[16];
    for (int i = 0; i < 7; i++) {
        snprintf(name, sizeof(name), "h%d", i);
        fx_user(f, name, STORE_USER_HUMAN);
    }
    for (int i = 0; i < 3; i++) {
        snprintf(name, sizeof(name), "s%d", i);
        fx_user(f, name, STORE_USER_SERVICE);
    }
    fx_user_delete(f, "h1");
    fx_user_delete(f, "s2");
    /* a disabled user is still a live user */
    struct store_user u;
    assert_int_equal(
        core_user_set_asa_status(&f->cx, &f->team, NULL, "h2", CORE_ASA_DISABLED, -1, &u), 0);

    struct core_user_query uq = {0};
    struct store_user *rows;
    size_t n;
    struct core_page_info info;
    assert_int_equal(core_user_list(&f->cx, &f->team, &uq, &page100, &rows, &n, &info), 0);
    assert_int_equal(n, 8);
    size_t humans = 0;
    for (size_t i = 0; i < n; i++)
        humans += rows[i].user_type == STORE_USER_HUMAN;
    struct store_group e = fx_group_get(f, "everyone");
    assert_int_equal(e.users_count, (int64_t)n);
    assert_int_equal(e.human_count, (int64_t)humans);
    /* and listing everyone's members gives the same users */
    assert_int_equal(
        core_group_users(&f->cx, &f->team, "everyone", &uq, &page100, &rows, &n, &info), 0);
    assert_int_equal(n, 8);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        T(test_group_create_get),
        T(test_group_create_rejects),
        T(test_group_set_roles),
        T(test_group_soft_delete_and_reuse),
        T(test_group_protected),
        T(test_member_counts),
        T(test_user_delete_leaves_groups),
        T(test_group_delete_clears_members),
        T(test_everyone_counts_live_users),
    };
#undef T
    return cmocka_run_group_tests_name("core_groups", tests, fx_group_setup, NULL);
}
