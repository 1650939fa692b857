/* DESIGN.md §5 for the Okta dialect: every list shape (groups, users, members, a user's
 * groups, apps, app groups) runs on a seeded store, then every plan is checked for scans. */
#include "helpers.h"

#include "api/okta/expr.h"
#include "core/okta.h"

/* Documented exceptions, each matched as a substring of a statement's SQL. */
static const char *const allowed[] = {
    /* `co` through the FTS5 trigram tables: EXPLAIN shows the MATCH lookup as "SCAN
     * okta_*_trgm VIRTUAL TABLE INDEX 0:M…", but it reads the posting lists of the value's
     * trigrams, not the table. The candidates (every row holding all the trigrams) are then
     * probed in id order, or sorted when sortBy asks for another order: the cost is the
     * number of candidates, not the table, and no index can order a substring match. */
    "_trgm MATCH ?",
    /* A range (sw on a folded text, dates) under the default order by id: the range index
     * finds the candidates and they are sorted by id with LIMIT (SQLite keeps only the top
     * rows), so a page costs the number of matches. One index cannot both seek a range on a
     * column and give id order; sortBy on the same attribute is index-served (no exemption). */
    "_fold < ?3) ORDER BY g.id",
    "(g.created < ?3)) ORDER BY g.id",
    "(g.last_updated <= ?3)) ORDER BY g.id",
    "(g.last_updated > ?2) ORDER BY g.id",
    "(g.last_updated > ?3)) ORDER BY g.id",
    "(u.last_updated > ?2) ORDER BY u.id",
    "_fold < ?3) ORDER BY u.id",
    /* Users sortBy a nullable profile text attribute (login, email, names): the order is
     * coalesce(x_fold, '') and no index per attribute keeps it; the search's matches are
     * sorted (top rows kept). Groups sortBy profile.name, and users/groups sortBy a date,
     * are index-served. */
    "ORDER BY coalesce(u.",
    /* sortBy a custom profile attribute: its value is read from the profile's JSON and no
     * index keeps it; the search's matches are sorted the same way (top rows kept). */
    "ORDER BY coalesce(json_extract(",
};

/* ---- data ---- */

#define NGROUPS 12
#define NUSERS 12

struct seed {
    struct store_group groups[NGROUPS];
    struct store_user_detail users[NUSERS];
    struct store_group everyone;
    struct store_app app;
};

static void seed(struct fx *f, struct seed *s)
{
    for (int i = 0; i < NGROUPS; i++) {
        char name[32], desc[64];
        snprintf(name, sizeof(name), "%s-%d", i % 2 ? "seed" : "team", i);
        snprintf(desc, sizeof(desc), "group number %d of the plan test", i);
        struct core_okta_group_in in = {.name = slice_from_cstr(name), .description = desc};
        assert_int_equal(core_okta_group_create(&f->cx, &f->team, &in, &s->groups[i]), 0);
    }
    for (int i = 0; i < NUSERS; i++) {
        char login[48], first[32], last[32];
        snprintf(login, sizeof(login), "user%d@example.com", i);
        snprintf(first, sizeof(first), "First%d", i);
        snprintf(last, sizeof(last), "Last%d", i);
        struct core_okta_user_in in = {
            .login = login, .email = login, .first_name = first, .last_name = last};
        assert_int_equal(
            core_okta_user_create(&f->cx, &f->team, &in, i % 3 != 0, NULL, 0, &s->users[i]), 0);
        for (int g = 0; g < NGROUPS; g += 1 + i % 3)
            assert_int_equal(
                core_okta_member_add(&f->cx, &f->team, s->groups[g].okta_id, s->users[i].u.okta_id),
                0);
    }
    assert_int_equal(f->st->groups->get_builtin(f->st, &f->a, f->team.id, &s->everyone), 0);
    s->app = (struct store_app){
        .name = "bookmark", .label = "Bookmark", .sign_on_mode = "BOOKMARK", .active = true};
    assert_int_equal(core_okta_app_create(&f->cx, &f->team, &s->app), 0);
    struct store_app other = {
        .name = "other", .label = "Other", .sign_on_mode = "BOOKMARK", .active = true};
    assert_int_equal(core_okta_app_create(&f->cx, &f->team, &other), 0);
    for (int g = 0; g < NGROUPS; g += 2) {
        struct store_app_group ag;
        assert_int_equal(core_okta_app_group_assign(&f->cx, &f->team, s->app.okta_id,
                                                    s->groups[g].okta_id, g, NULL, &ag),
                         0);
    }
}

/* The query model of a sortBy (what api/okta/page.c passes down). */
static struct store_sort sort_of(enum okta_expr_ctx ctx, const char *by, bool desc)
{
    struct store_sort sort = {.desc = desc};
    if (by)
        assert_int_equal(okta_query_attr(ctx, slice_from_cstr(by), &sort.field, &sort.member), 0);
    return sort;
}

static const struct expr *parse(struct fx *f, enum okta_expr_ctx ctx, const char *text)
{
    struct expr *e = NULL;
    struct okta_expr_error err;
    if (!text)
        return NULL;
    if (okta_expr_parse(&f->a, slice_from_cstr(text), ctx, 0, &e, &err) != 0)
        fail_msg("okta_expr_parse(%s): %s %s", text, err.summary, err.detail);
    assert_int_equal(okta_query_map(e, ctx), 0); /* as api/okta/page.c */
    return e;
}

/* One list request: what a query string of the dialect turns into. */
struct shape {
    enum okta_expr_ctx ctx; /* 0: no expression */
    const char *expr;
    const char *q;
    const char *sort_by; /* search only, as in api/okta/page.c */
};

static void check_plans(struct fx *f)
{
    char report[16384];
    int bad = store_sqlite_plan_check(f->st, allowed, sizeof(allowed) / sizeof(allowed[0]), report,
                                      sizeof(report));
    if (bad)
        fprintf(stderr, "unbounded plans:\n%s", report);
    assert_int_equal(bad, 0);
}

/* ---- groups ---- */

static const struct shape group_shapes[] = {
    {0, NULL, NULL, NULL},
    {0, NULL, "seed-1", NULL},
    {0, NULL, "T", NULL},
    {OKTA_EXPR_GROUP_SEARCH, "profile.name sw \"seed\"", NULL, NULL},
    {OKTA_EXPR_GROUP_SEARCH, "profile.name sw \"INGÉ\"", NULL, NULL},
    {0, NULL, "ÉQUIPE", NULL},
    {OKTA_EXPR_GROUP_SEARCH, "profile.name co \"ÉN\"", NULL, NULL}, /* 2 characters, 3 bytes */
    {OKTA_EXPR_GROUP_SEARCH, "profile.name eq \"seed-3\"", NULL, NULL},
    {OKTA_EXPR_GROUP_SEARCH, "profile.name co \"eed-1\"", NULL, NULL},
    {OKTA_EXPR_GROUP_SEARCH, "profile.name co \"ee\"", NULL, NULL}, /* too short for trigrams */
    {OKTA_EXPR_GROUP_SEARCH, "profile.description sw \"group\"", NULL, NULL},
    {OKTA_EXPR_GROUP_SEARCH, "profile.description eq \"group number 3 of the plan test\"", NULL,
     NULL},
    {OKTA_EXPR_GROUP_SEARCH, "profile.description co \"number 1\"", NULL, NULL},
    {OKTA_EXPR_GROUP_SEARCH,
     "created gt \"2000-01-01T00:00:00.000Z\" and created lt \"2100-01-01T00:00:00.000Z\"", NULL,
     NULL},
    {OKTA_EXPR_GROUP_SEARCH,
     "lastUpdated ge \"2000-01-01T00:00:00.000Z\" and lastUpdated le \"2100-01-01T00:00:00.000Z\"",
     NULL, NULL},
    {OKTA_EXPR_GROUP_SEARCH, "lastMembershipUpdated gt \"2000-01-01T00:00:00.000Z\"", NULL, NULL},
    {OKTA_EXPR_GROUP_SEARCH, "type eq \"OKTA_GROUP\"", NULL, NULL},
    {OKTA_EXPR_GROUP_SEARCH, "profile.name sw \"seed\"", NULL, "profile.name"},
    {OKTA_EXPR_GROUP_SEARCH, "profile.name co \"eed\"", NULL, "profile.name"},
    {OKTA_EXPR_GROUP_SEARCH, "type eq \"OKTA_GROUP\"", NULL, "profile.name"},
    {OKTA_EXPR_GROUP_SEARCH, "type eq \"OKTA_GROUP\"", NULL, "lastUpdated"},
    {OKTA_EXPR_GROUP_SEARCH, "lastUpdated gt \"2000-01-01T00:00:00.000Z\"", NULL, "lastUpdated"},
    {OKTA_EXPR_GROUP_SEARCH, "created gt \"2000-01-01T00:00:00.000Z\"", NULL, "created"},
    {OKTA_EXPR_GROUP_SEARCH, "profile.name sw \"seed\"", NULL, "profile.costCenter"},
    {OKTA_EXPR_GROUP_SEARCH, "type eq \"OKTA_GROUP\"", NULL, "source.id"},
    {OKTA_EXPR_GROUP_SEARCH, "profile.name sw \"seed\" or profile.description co \"number\"", NULL,
     NULL},
    {OKTA_EXPR_GROUP_FILTER, "type eq \"OKTA_GROUP\"", NULL, NULL},
    {OKTA_EXPR_GROUP_FILTER, "type eq \"BUILT_IN\"", NULL, NULL},
    {OKTA_EXPR_GROUP_FILTER, "id eq \"00g000000000000000x1\"", NULL, NULL},
    {OKTA_EXPR_GROUP_FILTER, "lastUpdated gt \"2000-01-01T00:00:00.000Z\"", NULL, NULL},
    {OKTA_EXPR_GROUP_FILTER, "lastMembershipUpdated gt \"2000-01-01T00:00:00.000Z\"", NULL, NULL},
    /* the built-in group's value is derived: its own branch through groups_builtin */
    {OKTA_EXPR_GROUP_FILTER, "lastMembershipUpdated lt \"2100-01-01T00:00:00.000Z\"", NULL, NULL},
    {OKTA_EXPR_GROUP_FILTER,
     "type eq \"BUILT_IN\" and lastMembershipUpdated gt \"2000-01-01T00:00:00.000Z\"", NULL, NULL},
    {OKTA_EXPR_GROUP_FILTER,
     "type eq \"OKTA_GROUP\" and lastUpdated gt \"2000-01-01T00:00:00.000Z\"", NULL, NULL},
    {OKTA_EXPR_GROUP_FILTER,
     "lastUpdated gt \"2000-01-01T00:00:00.000Z\" or lastMembershipUpdated gt "
     "\"2000-01-01T00:00:00.000Z\"",
     NULL, NULL},
    {OKTA_EXPR_GROUP_FILTER, "type eq \"OKTA_GROUP\" or type eq \"BUILT_IN\"", NULL, NULL},
};

/* Runs group_shapes[from, to) with every cursor/order/stats variant, checking the plans after
 * each shape (the statement cache holds 128 statements; a full cache evicts). */
static void run_group_shapes(struct fx *f, size_t from, size_t to)
{
    struct seed s;
    seed(f, &s);
    struct store_group *rows;
    int64_t *counts;
    size_t n;
    const char *cursor = s.groups[NGROUPS / 2].okta_id;
    for (size_t i = from; i < to; i++) {
        const struct shape *sh = &group_shapes[i];
        for (int v = 0; v < 8; v++) {
            bool after = v & 1, desc = v & 2, stats = v & 4;
            if ((after || desc) && sh->q)
                continue; /* q is neither pageable nor sortable */
            if (desc && !sh->sort_by)
                continue; /* sortOrder needs sortBy */
            struct store_query q = {
                .team_id = f->team.id,
                .expr = parse(f, sh->ctx, sh->expr),
                .q = sh->q,
                .after = after ? cursor : NULL,
                .limit = 5,
                .sort = sort_of(sh->ctx, sh->sort_by, desc),
                .with_apps_count = stats,
            };
            assert_int_equal(core_okta_group_list(&f->cx, &f->team, &q, &rows, &counts, &n), 0);
        }
        check_plans(f);
    }
}

#define NGROUP_SHAPES (sizeof(group_shapes) / sizeof(group_shapes[0]))

static void test_group_lists(void **state)
{
    run_group_shapes(*state, 0, NGROUP_SHAPES / 2);
}

static void test_group_lists_more(void **state)
{
    run_group_shapes(*state, NGROUP_SHAPES / 2, NGROUP_SHAPES);
}

/* A user's groups: GET /api/v1/users/{id}/groups. */
static void test_user_groups(void **state)
{
    struct fx *f = *state;
    struct seed s;
    seed(f, &s);
    struct store_group *rows;
    size_t n;
    for (int after = 0; after < 2; after++) {
        struct store_query q = {.limit = 3, .after = after ? s.groups[4].okta_id : NULL};
        assert_int_equal(
            core_okta_user_groups(&f->cx, &f->team, s.users[0].u.okta_id, &q, &rows, &n), 0);
        assert_true(n > 0);
    }
    check_plans(f);
}

/* ---- users ---- */

static const struct shape user_shapes[] = {
    {0, NULL, NULL, NULL},
    {0, NULL, "user1", NULL},
    {0, NULL, "Last", NULL},
    {OKTA_EXPR_USER_FILTER, "status eq \"ACTIVE\"", NULL, NULL},
    {OKTA_EXPR_USER_FILTER, "status eq \"STAGED\" or status eq \"PROVISIONED\"", NULL, NULL},
    {OKTA_EXPR_USER_FILTER, "profile.login eq \"user3@example.com\"", NULL, NULL},
    {OKTA_EXPR_USER_FILTER, "profile.email eq \"user3@example.com\"", NULL, NULL},
    {OKTA_EXPR_USER_FILTER, "profile.firstName eq \"First3\"", NULL, NULL},
    {OKTA_EXPR_USER_FILTER, "lastUpdated gt \"2000-01-01T00:00:00.000Z\"", NULL, NULL},
    {OKTA_EXPR_USER_FILTER, "status eq \"ACTIVE\" and lastUpdated gt \"2000-01-01T00:00:00.000Z\"",
     NULL, NULL},
    {OKTA_EXPR_USER_FILTER, "id eq \"00u000000000000000x1\"", NULL, NULL},
    {OKTA_EXPR_USER_SEARCH, "profile.email co \"er1@exa\"", NULL, NULL},
    {OKTA_EXPR_USER_SEARCH, "profile.login co \"user1\"", NULL, NULL},
    {OKTA_EXPR_USER_SEARCH, "profile.login sw \"user1\"", NULL, NULL},
    {OKTA_EXPR_USER_SEARCH, "profile.email sw \"user1\"", NULL, NULL},
    {OKTA_EXPR_USER_SEARCH, "profile.lastName eq \"Last2\"", NULL, NULL},
    {OKTA_EXPR_USER_SEARCH, "profile.firstName eq \"ÉMILE\"", NULL, NULL},
    {OKTA_EXPR_USER_SEARCH, "profile.displayName sw \"ΟΔΟΣ\"", NULL, NULL},
    {0, NULL, "STRASSE", NULL},
    {OKTA_EXPR_USER_SEARCH, "status eq \"ACTIVE\"", NULL, "profile.login"},
    {OKTA_EXPR_USER_SEARCH, "status eq \"ACTIVE\"", NULL, "lastUpdated"},
    {OKTA_EXPR_USER_SEARCH, "lastUpdated gt \"2000-01-01T00:00:00.000Z\"", NULL, "lastUpdated"},
    {OKTA_EXPR_USER_SEARCH, "profile.email co \"example\"", NULL, "profile.email"},
    {OKTA_EXPR_USER_SEARCH, "created lt \"2100-01-01T00:00:00.000Z\"", NULL, "created"},
    {OKTA_EXPR_USER_SEARCH, "profile.login sw \"user\"", NULL, "profile.costCenter"},
    {OKTA_EXPR_USER_SEARCH, "profile.department eq \"x\"", NULL, "profile.department"},
};

static void test_user_lists(void **state)
{
    struct fx *f = *state;
    struct seed s;
    seed(f, &s);
    struct store_user_detail *rows;
    size_t n;
    const char *cursor = s.users[NUSERS / 2].u.okta_id;
    for (size_t i = 0; i < sizeof(user_shapes) / sizeof(user_shapes[0]); i++) {
        const struct shape *sh = &user_shapes[i];
        for (int v = 0; v < 4; v++) {
            bool after = v & 1, desc = v & 2;
            if ((after || desc) && sh->q)
                continue;
            if (desc && !sh->sort_by)
                continue;
            struct store_query q = {
                .team_id = f->team.id,
                .expr = parse(f, sh->ctx, sh->expr),
                .q = sh->q,
                .after = after ? cursor : NULL,
                .limit = 5,
                .sort = sort_of(sh->ctx, sh->sort_by, desc),
                .deprovisioned = sh->expr != NULL, /* as api/okta/users.c */
            };
            assert_int_equal(core_okta_user_list(&f->cx, &f->team, &q, &rows, &n), 0);
        }
        check_plans(f);
    }
}

/* ---- case-insensitive searches ---- */

/* A search that compares Unicode case folds, the SQL it must produce and the index on the
 * folded copy that must serve it (the team is never walked). */
struct fold_shape {
    enum okta_expr_ctx ctx; /* 0: q */
    const char *expr, *q;
    bool users;
    const char *fragment, *index;
};

static const struct fold_shape fold_shapes[] = {
    {OKTA_EXPR_GROUP_SEARCH, "profile.name eq \"ingénierie\"", NULL, false, "g.name_fold = ?",
     "okta_groups_name_fold"},
    {OKTA_EXPR_GROUP_SEARCH, "profile.name sw \"INGÉ\"", NULL, false, "g.name_fold >= ?",
     "okta_groups_name_fold"},
    {OKTA_EXPR_GROUP_SEARCH, "profile.description sw \"ÉQUIPE\"", NULL, false,
     "g.description_fold >= ?", "okta_groups_description_fold"},
    {0, NULL, "INGÉ", false, "ORDER BY g.name_fold", "okta_groups_name_fold"},
    {OKTA_EXPR_USER_SEARCH, "profile.login eq \"ÉMILE@EXAMPLE.COM\"", NULL, true,
     "u.login_fold = ?", "okta_users_login_fold"},
    {OKTA_EXPR_USER_SEARCH, "profile.email sw \"ÉMI\"", NULL, true, "u.email_fold >= ?",
     "okta_users_email_fold"},
    {OKTA_EXPR_USER_SEARCH, "profile.firstName eq \"ÉMILE\"", NULL, true, "u.first_name_fold = ?",
     "okta_users_first_fold"},
    {OKTA_EXPR_USER_SEARCH, "profile.lastName sw \"STRASS\"", NULL, true, "u.last_name_fold >= ?",
     "okta_users_last_fold"},
    {OKTA_EXPR_USER_SEARCH, "profile.displayName eq \"ΟΔΟΣ\"", NULL, true,
     "u.display_name_fold = ?", "okta_users_display_fold"},
    /* a case-sensitive filter finds its candidates through the fold too */
    {OKTA_EXPR_USER_FILTER, "profile.firstName eq \"Émile\"", NULL, true, "u.first_name_fold = ?",
     "okta_users_first_fold"},
    {OKTA_EXPR_USER_FILTER, "profile.login eq \"emile@example.com\"", NULL, true,
     "u.login_fold = ?", "okta_users_login_fold"},
    /* q: the union of three prefix ranges, each on its own index */
    {0, NULL, "ÉMI", true, "x.first_name_fold >= ?", "okta_users_first_fold"},
    {0, NULL, "ÉMI", true, "x.last_name_fold >= ?", "okta_users_last_fold"},
    {0, NULL, "ÉMI", true, "x.email_fold >= ?", "okta_users_email_fold"},
};

static void test_searches_use_folded_indexes(void **state)
{
    struct fx *f = *state;
    struct seed s;
    seed(f, &s);
    char report[8192];
    for (size_t i = 0; i < sizeof(fold_shapes) / sizeof(fold_shapes[0]); i++) {
        const struct fold_shape *sh = &fold_shapes[i];
        struct store_query q = {
            .team_id = f->team.id,
            .expr = parse(f, sh->ctx, sh->expr),
            .q = sh->q,
            .limit = 5,
            .deprovisioned = sh->expr != NULL,
        };
        struct store_user_detail *users;
        struct store_group *groups;
        int64_t *counts;
        size_t n;
        if (sh->users)
            assert_int_equal(core_okta_user_list(&f->cx, &f->team, &q, &users, &n), 0);
        else
            assert_int_equal(core_okta_group_list(&f->cx, &f->team, &q, &groups, &counts, &n), 0);
        int missing =
            store_sqlite_plan_uses(f->st, sh->fragment, sh->index, report, sizeof(report));
        if (missing)
            fprintf(stderr, "%s / %s: %d\n%s", sh->expr ? sh->expr : sh->q, sh->index, missing,
                    report);
        assert_int_equal(missing, 0);
    }
    check_plans(f);
    /* the check itself fails on another index, and on SQL that was never run */
    assert_true(store_sqlite_plan_uses(f->st, "u.first_name_fold = ?", "okta_users_last_fold",
                                       report, sizeof(report)) > 0);
    assert_int_equal(store_sqlite_plan_uses(f->st, "no such SQL", "okta_users_last_fold", report,
                                            sizeof(report)),
                     -1);
}

/* Members: GET /api/v1/groups/{id}/users, of a group and of the built-in group. */
static void test_group_members(void **state)
{
    struct fx *f = *state;
    struct seed s;
    seed(f, &s);
    struct store_user_detail *rows;
    size_t n;
    const char *gids[] = {s.groups[0].okta_id, s.everyone.okta_id};
    for (size_t g = 0; g < 2; g++) {
        for (int after = 0; after < 2; after++) {
            struct store_query q = {.limit = 3, .after = after ? s.users[4].u.okta_id : NULL};
            assert_int_equal(core_okta_group_users(&f->cx, &f->team, gids[g], &q, &rows, &n), 0);
            assert_true(n > 0);
        }
    }
    check_plans(f);
}

/* ---- apps ---- */

static const char *const app_filters[] = {
    NULL,
    "status eq \"ACTIVE\"",
    "status eq \"INACTIVE\" or name eq \"bookmark\"",
    "id eq \"0oa000000000000000x1\"",
    "credentials.signing.kid eq \"k\" and settings.slo.enabled eq true",
};

static void test_app_lists(void **state)
{
    struct fx *f = *state;
    struct seed s;
    seed(f, &s);
    struct store_app *apps;
    struct store_app_group *ags;
    size_t n;
    for (size_t i = 0; i < sizeof(app_filters) / sizeof(app_filters[0]); i++) {
        for (int v = 0; v < 8; v++) {
            bool after = v & 1, in_group = v & 2, q = v & 4;
            struct store_query oq = {
                .expr = parse(f, OKTA_EXPR_APP_FILTER, app_filters[i]),
                .q = q ? "book" : NULL,
                .after = after ? s.app.okta_id : NULL,
                .limit = 5,
                .in_group_id = in_group ? s.groups[0].id : 0,
            };
            assert_int_equal(core_okta_app_list(&f->cx, &f->team, &oq, &apps, &n), 0);
        }
    }
    for (int v = 0; v < 4; v++) {
        struct store_query oq = {
            .after = v & 1 ? s.groups[2].okta_id : NULL, .q = v & 2 ? "team" : NULL, .limit = 2};
        assert_int_equal(core_okta_app_group_list(&f->cx, &f->team, s.app.okta_id, &oq, &ags, &n),
                         0);
        assert_true(n > 0);
    }
    bool known;
    for (int k = STORE_KIND_GROUP; k <= STORE_KIND_APP; k++)
        assert_int_equal(core_okta_cursor_valid(&f->cx, &f->team, k, s.groups[0].okta_id, &known),
                         0);
    check_plans(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_group_lists, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_group_lists_more, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_user_groups, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_user_lists, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_searches_use_folded_indexes, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_group_members, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_app_lists, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, fx_group_setup, NULL);
}
