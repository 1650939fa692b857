/* Unit tests for keyset paging (page.c and the listings of group.c/user.c) against a real
 * SQLite store: the ASA cursor is the uuid of the last object of a page; prev=true returns
 * the page before an object; descending reverses; contains filters case-insensitively. */
#include "helpers.h"

#define NGROUPS 25
#define NUSERS 25
#define MAXROWS 64

/* One page of any listing, reduced to what paging is about. */
struct page_out {
    const char *names[MAXROWS];
    const char *uuids[MAXROWS];
    size_t n;
    struct core_page_info info;
};

/* A listing under test: list() fills out for the page request (arg: a group or user name). */
struct lister {
    const char *what;
    int (*list)(struct fx *f, const char *arg, const char *contains, const struct core_page_req *pr,
                struct page_out *out);
    const char *arg;
};

static void take_groups(struct store_group *rows, size_t n, struct page_out *out)
{
    assert_true(n <= MAXROWS);
    out->n = n;
    for (size_t i = 0; i < n; i++) {
        out->names[i] = rows[i].name;
        out->uuids[i] = rows[i].uuid;
    }
}

static void take_users(struct store_user *rows, size_t n, struct page_out *out)
{
    assert_true(n <= MAXROWS);
    out->n = n;
    for (size_t i = 0; i < n; i++) {
        out->names[i] = rows[i].name;
        out->uuids[i] = rows[i].uuid;
    }
}

static int list_groups(struct fx *f, const char *arg, const char *contains,
                       const struct core_page_req *pr, struct page_out *out)
{
    (void)arg;
    struct core_group_query q = {.contains = contains};
    struct store_group *rows;
    size_t n;
    int rc = core_group_list(&f->cx, &f->team, &q, pr, &rows, &n, &out->info);
    if (!rc)
        take_groups(rows, n, out);
    return rc;
}

static int list_user_groups(struct fx *f, const char *arg, const char *contains,
                            const struct core_page_req *pr, struct page_out *out)
{
    struct store_group *rows;
    size_t n;
    int rc = core_user_groups(&f->cx, &f->team, arg, contains, pr, &rows, &n, &out->info);
    if (!rc)
        take_groups(rows, n, out);
    return rc;
}

static int list_group_users(struct fx *f, const char *arg, const char *contains,
                            const struct core_page_req *pr, struct page_out *out)
{
    struct core_user_query q = {.contains = contains};
    struct store_user *rows;
    size_t n;
    int rc = core_group_users(&f->cx, &f->team, arg, &q, pr, &rows, &n, &out->info);
    if (!rc)
        take_users(rows, n, out);
    return rc;
}

static int list_not_in_group(struct fx *f, const char *arg, const char *contains,
                             const struct core_page_req *pr, struct page_out *out)
{
    struct core_user_query q = {.contains = contains};
    struct store_user *rows;
    size_t n;
    int rc = core_users_not_in_group(&f->cx, &f->team, arg, &q, pr, &rows, &n, &out->info);
    if (!rc)
        take_users(rows, n, out);
    return rc;
}

/* ---- fixture: 25 groups, 25 users; "big" holds every user, "half" the first five;
 * user00 is in every group. Names mix upper and lower case. ---- */

static const char *group_name(struct fx *f, int i)
{
    static const char *const prefix[] = {"Team-", "team-", "crew_"};
    return arena_printf(&f->a, "%s%02d", prefix[i % 3], i);
}

static const char *user_name(struct fx *f, int i)
{
    return arena_printf(&f->a, "%s%02d", i % 2 ? "User" : "user", i);
}

static int paging_setup(void **state)
{
    if (fx_setup(state))
        return -1;
    struct fx *f = *state;
    for (int i = 0; i < NUSERS; i++)
        fx_user(f, user_name(f, i), i % 4 == 3 ? STORE_USER_SERVICE : STORE_USER_HUMAN);
    /* created with the "big" and "half" groups counted in below: 25 groups in all */
    fx_group(f, "big", 0);
    fx_group(f, "half", 0);
    for (int i = 2; i < NGROUPS; i++) {
        const char *g = group_name(f, i);
        fx_group(f, g, 0);
        fx_member_add(f, g, user_name(f, 0));
    }
    fx_member_add(f, "big", user_name(f, 0));
    fx_member_add(f, "half", user_name(f, 0));
    for (int i = 1; i < NUSERS; i++)
        fx_member_add(f, "big", user_name(f, i));
    for (int i = 1; i < 5; i++)
        fx_member_add(f, "half", user_name(f, i));
    return 0;
}

/* ---- generic checks ---- */

/* Walks every page forward from the start (or backward through descending order) and checks
 * page sizes, has_next/has_prev, page info uuids and order. Returns every name seen. */
static const char **walk(struct fx *f, const struct lister *l, bool descending, const size_t *sizes,
                         size_t npages, size_t *total)
{
    const char **all = arena_alloc(&f->a, sizeof(*all) * 256);
    struct core_page_req pr = {.count = 10, .descending = descending};
    struct page_out out;
    size_t k = 0;
    for (size_t p = 0; p < npages; p++) {
        assert_int_equal(l->list(f, l->arg, NULL, &pr, &out), 0);
        if (out.n != sizes[p])
            fail_msg("%s page %zu: %zu rows, want %zu", l->what, p, out.n, sizes[p]);
        assert_int_equal(out.info.has_next, p + 1 < npages);
        assert_int_equal(out.info.has_prev, p > 0);
        assert_string_equal(out.info.first_uuid, out.uuids[0]);
        assert_string_equal(out.info.last_uuid, out.uuids[out.n - 1]);
        for (size_t i = 0; i < out.n; i++) {
            assert_true(core_uuid_valid(slice_from_cstr(out.uuids[i])));
            all[k++] = out.names[i];
        }
        pr.cursor = out.info.last_uuid;
    }
    /* strictly ordered by bytes: no duplicates and none skipped between pages */
    for (size_t i = 1; i < k; i++) {
        int c = strcmp(all[i - 1], all[i]);
        if (descending ? c <= 0 : c >= 0)
            fail_msg("%s: '%s' then '%s' (descending=%d)", l->what, all[i - 1], all[i], descending);
    }
    /* past the last page: empty, nothing after, something before */
    assert_int_equal(l->list(f, l->arg, NULL, &pr, &out), 0);
    assert_int_equal(out.n, 0);
    assert_false(out.info.has_next);
    assert_true(out.info.has_prev);
    assert_null(out.info.last_uuid);
    *total = k;
    return all;
}

/* Pages p and p+1 of count 10: prev=true from the first item of page p+1 returns page p. */
static void check_prev(struct fx *f, const struct lister *l, bool descending, size_t npages)
{
    struct core_page_req pr = {.count = 10, .descending = descending};
    struct page_out pages[8];
    assert_true(npages <= 8);
    for (size_t p = 0; p < npages; p++) {
        assert_int_equal(l->list(f, l->arg, NULL, &pr, &pages[p]), 0);
        pr.cursor = pages[p].info.last_uuid;
    }
    for (size_t p = npages - 1; p >= 1; p--) {
        struct page_out back;
        struct core_page_req prev = {
            .count = 10, .descending = descending, .prev = true, .cursor = pages[p].uuids[0]};
        assert_int_equal(l->list(f, l->arg, NULL, &prev, &back), 0);
        if (back.n != pages[p - 1].n)
            fail_msg("%s prev from page %zu: %zu rows, want %zu", l->what, p, back.n,
                     pages[p - 1].n);
        for (size_t i = 0; i < back.n; i++)
            assert_string_equal(back.uuids[i], pages[p - 1].uuids[i]);
        assert_true(back.info.has_next);
        assert_int_equal(back.info.has_prev, p - 1 > 0);
        assert_string_equal(back.info.first_uuid, pages[p - 1].uuids[0]);
        assert_string_equal(back.info.last_uuid, pages[p - 1].uuids[back.n - 1]);
    }
    /* prev from the very first item: nothing before it */
    struct page_out none;
    struct core_page_req first = {
        .count = 10, .descending = descending, .prev = true, .cursor = pages[0].uuids[0]};
    assert_int_equal(l->list(f, l->arg, NULL, &first, &none), 0);
    assert_int_equal(none.n, 0);
    assert_false(none.info.has_prev);
}

static void check_bad_cursors(struct fx *f, const struct lister *l)
{
    struct page_out out;
    char unknown[37];
    core_uuid(unknown);
    const char *bad[] = {"not-a-uuid", "", unknown, "0F8FAD5B-D9CB-469F-A165-70867728950X"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct core_page_req pr = {.count = 10, .cursor = bad[i]};
        if (l->list(f, l->arg, NULL, &pr, &out) != R_EINVAL)
            fail_msg("%s: cursor '%s' accepted", l->what, bad[i]);
        pr.prev = true;
        assert_int_equal(l->list(f, l->arg, NULL, &pr, &out), R_EINVAL);
    }
}

/* Full check of one listing whose unpaged result has `total` rows in `npages` pages of 10. */
static void check_listing(struct fx *f, const struct lister *l, const size_t *sizes, size_t npages,
                          size_t total)
{
    size_t na, nd;
    const char **asc = walk(f, l, false, sizes, npages, &na);
    assert_int_equal(na, total);
    /* descending: the same rows reversed, in pages of 10 from the other end */
    size_t dsizes[8];
    for (size_t p = 0; p < npages; p++)
        dsizes[p] = p + 1 < npages ? 10 : total - 10 * (npages - 1);
    const char **desc = walk(f, l, true, dsizes, npages, &nd);
    assert_int_equal(nd, total);
    for (size_t i = 0; i < total; i++)
        assert_string_equal(desc[i], asc[total - 1 - i]);
    check_prev(f, l, false, npages);
    check_prev(f, l, true, npages);
    check_bad_cursors(f, l);

    /* one page holding everything: nothing before or after */
    struct core_page_req pr = {.count = 1000};
    struct page_out out;
    assert_int_equal(l->list(f, l->arg, NULL, &pr, &out), 0);
    assert_int_equal(out.n, total);
    assert_false(out.info.has_next);
    assert_false(out.info.has_prev);
}

/* ---- the listings ---- */

static void test_group_list_paging(void **state)
{
    struct fx *f = *state;
    struct lister l = {"core_group_list", list_groups, NULL};
    const size_t sizes[] = {10, 10, 7}; /* 25 + everyone + owners */
    check_listing(f, &l, sizes, 3, 27);

    /* byte order: upper case sorts before lower case */
    struct core_page_req pr = {.count = 100};
    struct page_out out;
    assert_int_equal(list_groups(f, NULL, NULL, &pr, &out), 0);
    assert_string_equal(out.names[0], "Team-03");
    assert_string_equal(out.names[out.n - 1], "team-22");
    size_t ev = 0, tl = 0;
    for (size_t i = 0; i < out.n; i++) {
        if (strcmp(out.names[i], "everyone") == 0)
            ev = i;
        if (strcmp(out.names[i], "team-04") == 0)
            tl = i;
    }
    assert_true(ev > 0 && ev < tl);
}

static void test_group_list_contains(void **state)
{
    struct fx *f = *state;
    struct core_page_req pr = {.count = 100};
    struct page_out out;
    /* "Team-NN" (i % 3 == 0, i >= 2: 3..24 → 8) and "team-NN" (i % 3 == 1: 4..22 → 7) */
    assert_int_equal(list_groups(f, NULL, "TEAM", &pr, &out), 0);
    assert_int_equal(out.n, 15);
    for (size_t i = 0; i < out.n; i++)
        assert_true(strncmp(out.names[i], "Team-", 5) == 0 ||
                    strncmp(out.names[i], "team-", 5) == 0);
    assert_int_equal(list_groups(f, NULL, "eVeRy", &pr, &out), 0);
    assert_int_equal(out.n, 1);
    assert_string_equal(out.names[0], "everyone");
    assert_int_equal(list_groups(f, NULL, "zzz", &pr, &out), 0);
    assert_int_equal(out.n, 0);
    assert_false(out.info.has_next);
    assert_null(out.info.first_uuid);
    /* SQL wildcards are plain characters */
    assert_int_equal(list_groups(f, NULL, "%", &pr, &out), 0);
    assert_int_equal(out.n, 0);
    assert_int_equal(list_groups(f, NULL, "_", &pr, &out), 0);
    assert_int_equal(out.n, 8); /* crew_NN: 2, 5, ..., 23 */

    /* paging within a filter keeps the filter */
    struct core_page_req p1 = {.count = 10};
    assert_int_equal(list_groups(f, NULL, "team", &p1, &out), 0);
    assert_int_equal(out.n, 10);
    assert_true(out.info.has_next);
    struct core_page_req p2 = {.count = 10, .cursor = out.info.last_uuid};
    assert_int_equal(list_groups(f, NULL, "team", &p2, &out), 0);
    assert_int_equal(out.n, 5);
    assert_false(out.info.has_next);
    assert_true(out.info.has_prev);
}

static void test_group_list_ids_and_ignore(void **state)
{
    struct fx *f = *state;
    struct store_group a = fx_group_get(f, "big"), b = fx_group_get(f, "owners");
    const char *ids[] = {a.uuid, b.uuid};
    struct core_group_query q = {.ids = ids, .nids = 2};
    struct core_page_req pr = {.count = 100};
    struct store_group *rows;
    size_t n;
    struct core_page_info info;
    assert_int_equal(core_group_list(&f->cx, &f->team, &q, &pr, &rows, &n, &info), 0);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].name, "big");
    assert_string_equal(rows[1].name, "owners");
    const char *ignore[] = {"everyone", "Owners"};
    struct core_group_query qi = {.ignore = ignore, .nignore = 2};
    assert_int_equal(core_group_list(&f->cx, &f->team, &qi, &pr, &rows, &n, &info), 0);
    assert_int_equal(n, 26); /* "Owners" is not "owners" */
}

static void test_group_users_paging(void **state)
{
    struct fx *f = *state;
    struct lister l = {"core_group_users", list_group_users, "big"};
    const size_t sizes[] = {10, 10, 5};
    check_listing(f, &l, sizes, 3, 25);

    struct core_page_req pr = {.count = 100};
    struct page_out out;
    assert_int_equal(list_group_users(f, "big", "USER1", &pr, &out), 0);
    assert_int_equal(out.n, 10); /* User11, user10, ... 10..19 */
    assert_string_equal(out.names[0], "User11");
    assert_int_equal(list_group_users(f, "nope", NULL, &pr, &out), R_ENOTFOUND);
}

static void test_everyone_users_paging(void **state)
{
    struct fx *f = *state;
    struct lister l = {"core_group_users(everyone)", list_group_users, "everyone"};
    const size_t sizes[] = {10, 10, 5};
    check_listing(f, &l, sizes, 3, 25);
}

static void test_users_not_in_group_paging(void **state)
{
    struct fx *f = *state;
    /* half holds users 0..4: 20 others, exactly two full pages */
    struct lister l = {"core_users_not_in_group", list_not_in_group, "half"};
    const size_t sizes[] = {10, 10};
    check_listing(f, &l, sizes, 2, 20);

    struct core_page_req pr = {.count = 100};
    struct page_out out;
    assert_int_equal(list_not_in_group(f, "half", "user0", &pr, &out), 0);
    assert_int_equal(out.n, 5); /* User05..User09 and user06, user08 minus the members */
    for (size_t i = 0; i < out.n; i++)
        assert_true(strcmp(out.names[i] + 4, "05") >= 0);
    assert_int_equal(list_not_in_group(f, "big", NULL, &pr, &out), 0);
    assert_int_equal(out.n, 0);
    assert_int_equal(list_not_in_group(f, "everyone", NULL, &pr, &out), 0);
    assert_int_equal(out.n, 0);
}

static void test_user_groups_paging(void **state)
{
    struct fx *f = *state;
    /* user00 is in all 25 groups, plus everyone (implicitly); not in owners */
    struct lister l = {"core_user_groups", list_user_groups, "user00"};
    const size_t sizes[] = {10, 10, 6};
    check_listing(f, &l, sizes, 3, 26);

    struct core_page_req pr = {.count = 100};
    struct page_out out;
    assert_int_equal(list_user_groups(f, "user00", NULL, &pr, &out), 0);
    bool everyone = false;
    for (size_t i = 0; i < out.n; i++) {
        everyone |= strcmp(out.names[i], "everyone") == 0;
        assert_string_not_equal(out.names[i], "owners");
    }
    assert_true(everyone);
    /* a user in no group is still in everyone */
    assert_int_equal(list_user_groups(f, "User05", NULL, &pr, &out), 0);
    assert_int_equal(out.n, 2);
    assert_string_equal(out.names[0], "big");
    assert_string_equal(out.names[1], "everyone");
    assert_int_equal(list_user_groups(f, "user00", "CREW", &pr, &out), 0);
    assert_int_equal(out.n, 8); /* crew_02..crew_23 */
    assert_int_equal(list_user_groups(f, "nobody", NULL, &pr, &out), R_ENOTFOUND);
}

static void test_page_count_default(void **state)
{
    struct fx *f = *state;
    /* count 0 means the default page size (100): everything fits */
    struct core_page_req pr = {0};
    struct page_out out;
    assert_int_equal(list_groups(f, NULL, NULL, &pr, &out), 0);
    assert_int_equal(out.n, 27);
    assert_false(out.info.has_next);
    /* count 1 pages one by one */
    struct core_page_req one = {.count = 1};
    size_t pages = 0;
    do {
        assert_int_equal(list_groups(f, NULL, NULL, &one, &out), 0);
        assert_int_equal(out.n, 1);
        one.cursor = out.info.last_uuid;
        pages++;
    } while (out.info.has_next && pages < 100);
    assert_int_equal(pages, 27);
}

static void test_paging_over_reused_names(void **state)
{
    struct fx *f = *state;
    /* deleted=1 lists a deleted group and a live one of the same name: the cursor's uuid
     * breaks the tie, so paging one by one sees each exactly once, in (name, uuid) order */
    for (int i = 0; i < 3; i++) {
        fx_group(f, "dup", 0);
        assert_int_equal(core_group_delete(&f->cx, &f->team, "dup"), 0);
    }
    struct store_group live = fx_group(f, "dup", 0);
    struct core_group_query q = {.deleted = 1};
    struct core_page_req pr = {.count = 1};
    struct store_group *rows;
    size_t n, k = 0;
    struct core_page_info info;
    const char *uuids[16];
    const char *names[16];
    do {
        assert_int_equal(core_group_list(&f->cx, &f->team, &q, &pr, &rows, &n, &info), 0);
        assert_int_equal(n, 1);
        uuids[k] = rows[0].uuid;
        names[k] = rows[0].name;
        k++;
        pr.cursor = info.last_uuid;
    } while (info.has_next && k < 16);
    assert_int_equal(k, 6); /* 4 × dup, everyone, owners */
    bool seen_live = false;
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(names[i], "dup");
        if (i)
            assert_true(strcmp(uuids[i - 1], uuids[i]) < 0);
        seen_live |= strcmp(uuids[i], live.uuid) == 0;
    }
    assert_true(seen_live);
    /* prev from the third dup returns the second */
    struct core_page_req back = {.count = 1, .prev = true, .cursor = uuids[2]};
    assert_int_equal(core_group_list(&f->cx, &f->team, &q, &back, &rows, &n, &info), 0);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].uuid, uuids[1]);
    assert_true(info.has_prev);
    /* a deleted group is a valid cursor for the live listing too */
    struct core_group_query live_only = {0};
    struct core_page_req from_deleted = {.count = 10, .cursor = uuids[0]};
    assert_int_equal(core_group_list(&f->cx, &f->team, &live_only, &from_deleted, &rows, &n, &info),
                     0);
    bool has_live = false;
    for (size_t i = 0; i < n; i++)
        has_live |= strcmp(rows[i].uuid, live.uuid) == 0;
    assert_int_equal(has_live, strcmp(live.uuid, uuids[0]) > 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, paging_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        T(test_group_list_paging),
        T(test_group_list_contains),
        T(test_group_list_ids_and_ignore),
        T(test_group_users_paging),
        T(test_everyone_users_paging),
        T(test_users_not_in_group_paging),
        T(test_user_groups_paging),
        T(test_page_count_default),
        cmocka_unit_test_setup_teardown(test_paging_over_reused_names, fx_setup, fx_teardown),
    };
#undef T
    return cmocka_run_group_tests_name("core_paging", tests, fx_group_setup, NULL);
}
