/* DESIGN.md §5: list queries are served by indexes, with work bounded by the page. Runs
 * every listing the ASA dialect uses, every filter shape, then asks SQLite for the plan of
 * each statement the connection prepared. */
#include "helpers.h"

/* Documented exceptions: a user's own groups are few; they are fetched through the
 * membership index and sorted (store/sqlite/sqlite.c, sq_group_list). */
static const char *const allowed[] = {
    "FROM memberships WHERE user_id = ?2",
    /* starts_with: the range on the folded name (users_name_fold) finds the matches; ASA
     * pages in name order, which no index of folded names gives, so the matches are sorted
     * with LIMIT (top rows kept): a page costs the number of matches, not the team. */
    "u.name_fold < ?8",
};

static void run_every_listing(struct fx *f)
{
    struct core_page_req pr = {.count = 10};
    struct core_page_info info;
    struct store_group *g;
    struct store_user *u;
    size_t n;
    fx_group(f, "alpha", STORE_ROLE_ACCESS_USER);
    fx_group(f, "beta", 0);
    fx_user(f, "ann", STORE_USER_HUMAN);
    fx_user(f, "svc", STORE_USER_SERVICE);
    fx_member_add(f, "alpha", "ann");
    fx_member_add(f, "alpha", "svc");
    struct store_group first = fx_group_get(f, "alpha");
    const char *ids[] = {first.uuid};
    const char *ign[] = {"beta"};
    struct core_group_query gq[] = {
        {0},
        {.contains = "al"},
        {.contains = "ÉQ"},
        {.ids = ids, .nids = 1},
        {.ignore = ign, .nignore = 1},
        {.deleted = 1},
        {.deleted = 2},
    };
    struct core_user_query uq[] = {
        {0},
        {.contains = "an"},
        {.starts_with = "a"},
        {.starts_with = "\u212A"}, /* KELVIN SIGN, folds to k */
        {.contains = "Ä"},
        {.type_mask = 1u << STORE_USER_HUMAN},
        {.status_mask = CORE_ASA_ACTIVE_BIT | CORE_ASA_DELETED_BIT},
        {.status_mask = CORE_ASA_DISABLED_BIT},
    };
    for (int desc = 0; desc < 2; desc++) {
        for (int cur = 0; cur < 3; cur++) {
            pr.descending = desc;
            pr.cursor = cur ? first.uuid : NULL;
            pr.prev = cur == 2;
            for (size_t i = 0; i < sizeof(gq) / sizeof(gq[0]); i++)
                assert_int_equal(core_group_list(&f->cx, &f->team, &gq[i], &pr, &g, &n, &info), 0);
            assert_int_equal(core_user_groups(&f->cx, &f->team, "ann", NULL, &pr, &g, &n, &info),
                             0);
            struct store_user ann;
            assert_int_equal(core_user_get(&f->cx, &f->team, "ann", &ann), 0);
            pr.cursor = cur ? ann.uuid : NULL;
            for (size_t i = 0; i < sizeof(uq) / sizeof(uq[0]); i++) {
                assert_int_equal(core_user_list(&f->cx, &f->team, &uq[i], &pr, &u, &n, &info), 0);
                assert_int_equal(
                    core_group_users(&f->cx, &f->team, "alpha", &uq[i], &pr, &u, &n, &info), 0);
                assert_int_equal(
                    core_users_not_in_group(&f->cx, &f->team, "alpha", &uq[i], &pr, &u, &n, &info),
                    0);
            }
        }
    }
}

static void test_list_plans_use_indexes(void **state)
{
    struct fx *f = *state;
    char report[8192];
    run_every_listing(f);
    int bad = store_sqlite_plan_check(f->st, allowed, sizeof(allowed) / sizeof(allowed[0]), report,
                                      sizeof(report));
    if (bad)
        fprintf(stderr, "unbounded plans:\n%s", report);
    assert_int_equal(bad, 0);
}

/* starts_with reads the folded names through their index, for the team's users and for the
 * users outside a group; a member listing walks the group's members instead. */
static void test_starts_with_uses_folded_index(void **state)
{
    struct fx *f = *state;
    struct core_page_req pr = {.count = 10};
    struct core_page_info info;
    struct store_user *u;
    size_t n;
    fx_group(f, "alpha", 0);
    fx_user(f, "Kim", STORE_USER_HUMAN);
    fx_user(f, "ann", STORE_USER_HUMAN);
    struct core_user_query q = {.starts_with = "\u212Ai"};
    assert_int_equal(core_user_list(&f->cx, &f->team, &q, &pr, &u, &n, &info), 0);
    assert_int_equal(n, 1);
    assert_string_equal(u[0].name, "Kim");
    assert_int_equal(core_users_not_in_group(&f->cx, &f->team, "alpha", &q, &pr, &u, &n, &info), 0);
    assert_int_equal(n, 1);
    char report[8192];
    int missing = store_sqlite_plan_uses(f->st, "u.name_fold >= ?5", "users_name_fold", report,
                                         sizeof(report));
    if (missing)
        fprintf(stderr, "%s", report);
    assert_int_equal(missing, 0);
}

static void test_plan_check_can_fail(void **state)
{
    /* The checker itself flags a full scan and a whole-result sort when it sees one. */
    struct fx *f = *state;
    struct store_user *u;
    struct store_user_filter uf = {.team_id = f->team.id};
    struct store_page pg = {.limit = 5};
    size_t n;
    assert_int_equal(f->st->users->list(f->st, &f->a, &uf, &pg, &u, &n), 0);
    char report[4096];
    /* no exemption: the query above is index-served, so nothing is flagged … */
    assert_int_equal(store_sqlite_plan_check(f->st, NULL, 0, report, sizeof(report)), 0);
    /* … while a statement sorting on an unindexed column is. */
    struct store_group *g;
    struct store_group_filter gf = {.team_id = f->team.id, .member_user_id = 1};
    assert_int_equal(f->st->groups->list(f->st, &f->a, &gf, &pg, &g, &n), 0);
    assert_true(store_sqlite_plan_check(f->st, NULL, 0, report, sizeof(report)) > 0);
    assert_non_null(strstr(report, "TEMP B-TREE"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_list_plans_use_indexes, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_starts_with_uses_folded_index, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_plan_check_can_fail, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, fx_group_setup, NULL);
}
