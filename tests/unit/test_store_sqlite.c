/* Unit tests for the SQLite engine of the store (store/sqlite): durability across reopen,
 * schema version and journal mode as seen by another connection, transactions, counters,
 * several connections on one file, and the prepared-statement cache under many SQL shapes. */
#include "helpers.h"

#include <sqlite3.h>

#define ST(f) ((f)->st->ops)

/* One-row, one-column PRAGMA read through an independent connection. */
static char *pragma_text(const char *path, const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    char *out = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    assert_non_null(out);
    return out;
}

static void exec_other(const char *path, const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static void test_schema_version_and_wal(void **state)
{
    struct fx *f = *state;
    char *v = pragma_text(f->path, "PRAGMA user_version");
    char want[16];
    snprintf(want, sizeof(want), "%d", store_sqlite_schema_version());
    assert_true(store_sqlite_schema_version() >= 1);
    assert_string_equal(v, want);
    free(v);
    char *mode = pragma_text(f->path, "PRAGMA journal_mode");
    assert_string_equal(mode, "wal");
    free(mode);
}

static void test_reopen_keeps_data(void **state)
{
    struct fx *f = *state;
    struct store_team t;
    assert_int_equal(core_team_create(&f->cx, "acme", &t), 0);
    struct store_group g;
    assert_int_equal(core_group_create(&f->cx, &t, SLICE_LIT("dev"), STORE_ROLE_ACCESS_USER, &g),
                     0);
    struct core_user_new nu = {
        .name = "alice", .user_type = STORE_USER_HUMAN, .status = STORE_USER_ACTIVE};
    struct store_user u;
    assert_int_equal(core_user_create(&f->cx, &t, &nu, &u), 0);
    assert_int_equal(core_member_add(&f->cx, &t, "dev", "alice"), 0);

    store_close(f->st);
    f->st = NULL;
    assert_int_equal(store_sqlite_open(f->path, &f->st), 0);
    f->cx.st = f->st;

    struct store_team t2;
    assert_int_equal(core_team_get(&f->cx, "acme", &t2), 0);
    assert_int_equal(t2.id, t.id);
    assert_int_equal(t2.created, t.created);
    struct store_group g2;
    assert_int_equal(core_group_get(&f->cx, &t2, "dev", &g2), 0);
    assert_string_equal(g2.uuid, g.uuid);
    assert_string_equal(g2.okta_id, g.okta_id);
    assert_int_equal(g2.roles, STORE_ROLE_ACCESS_USER);
    assert_int_equal(g2.users_count, 1);
    assert_int_equal(g2.human_count, 1);
    struct store_user u2;
    assert_int_equal(core_user_get(&f->cx, &t2, "alice", &u2), 0);
    assert_string_equal(u2.uuid, u.uuid);
    /* opening again did not migrate again */
    char *v = pragma_text(f->path, "PRAGMA user_version");
    char want[16];
    snprintf(want, sizeof(want), "%d", store_sqlite_schema_version());
    assert_string_equal(v, want);
    free(v);
    /* and the store is writable after reopening */
    assert_int_equal(core_group_create(&f->cx, &t2, SLICE_LIT("ops"), 0, &g), 0);
}

static void test_newer_schema_refused(void **state)
{
    struct fx *f = *state;
    store_close(f->st);
    f->st = NULL;
    exec_other(f->path, "PRAGMA user_version = 99");
    struct store_conn *c = NULL;
    assert_int_equal(store_sqlite_open(f->path, &c), R_ESTORE);
    assert_null(c);
    char *v = pragma_text(f->path, "PRAGMA user_version");
    assert_string_equal(v, "99"); /* left as found */
    free(v);
    char back[64];
    snprintf(back, sizeof(back), "PRAGMA user_version = %d", store_sqlite_schema_version());
    exec_other(f->path, back);
    assert_int_equal(store_sqlite_open(f->path, &f->st), 0);
}

static void test_open_errors(void **state)
{
    struct fx *f = *state;
    struct store_conn *c = NULL;
    char p[256];
    snprintf(p, sizeof(p), "%s/missing-dir/x.db", f->dir);
    assert_int_equal(store_sqlite_open(p, &c), R_ESTORE);
    assert_null(c);
    assert_int_equal(store_open("mysql://localhost/db", &c), R_EINVAL);
    /* nothing listens on port 1: unreachable, not malformed */
    assert_int_equal(store_open("postgres://127.0.0.1:1/db", &c), R_EBUSY);
    assert_null(c);
    /* the URL form opens the same file */
    char url[256];
    snprintf(url, sizeof(url), "sqlite:%s", f->path);
    assert_int_equal(store_open(url, &c), 0);
    assert_non_null(c);
    assert_string_equal(c->ops->name, "sqlite");
    store_close(c);
    store_close(NULL); /* harmless */
}

static void test_rollback_discards(void **state)
{
    struct fx *f = *state;
    struct store_team t = {.name = "ghost", .created = 1};
    assert_int_equal(ST(f)->begin(f->st, true), 0);
    assert_int_equal(f->st->teams->insert(f->st, &t), 0);
    assert_true(t.id > 0);
    struct store_team r;
    assert_int_equal(f->st->teams->get(f->st, &f->a, "ghost", &r), 0); /* visible inside */
    ST(f)->rollback(f->st);
    assert_int_equal(f->st->teams->get(f->st, &f->a, "ghost", &r), R_ENOTFOUND);

    assert_int_equal(ST(f)->begin(f->st, true), 0);
    assert_int_equal(f->st->teams->insert(f->st, &t), 0);
    assert_int_equal(ST(f)->commit(f->st), 0);
    assert_int_equal(f->st->teams->get(f->st, &f->a, "ghost", &r), 0);
    assert_int_equal(r.created, 1);
    /* unique names: a constraint violation reads as R_EEXIST */
    struct store_team dup = {.name = "ghost", .created = 2};
    assert_int_equal(ST(f)->begin(f->st, true), 0);
    assert_int_equal(f->st->teams->insert(f->st, &dup), R_EEXIST);
    ST(f)->rollback(f->st);
    /* rollback outside a transaction is harmless */
    ST(f)->rollback(f->st);
    assert_int_equal(f->st->teams->get_by_id(f->st, &f->a, t.id, &r), 0);
    assert_string_equal(r.name, "ghost");
}

static void test_team_counter(void **state)
{
    struct fx *f = *state;
    struct store_team a = {.name = "a", .created = 1}, b = {.name = "b", .created = 1};
    assert_int_equal(ST(f)->begin(f->st, true), 0);
    assert_int_equal(f->st->teams->insert(f->st, &a), 0);
    assert_int_equal(f->st->teams->insert(f->st, &b), 0);
    int64_t v;
    assert_int_equal(f->st->teams->counter_next(f->st, a.id, "unix_uid", 60001, &v), 0);
    assert_int_equal(v, 60001);
    assert_int_equal(f->st->teams->counter_next(f->st, a.id, "unix_uid", 60001, &v), 0);
    assert_int_equal(v, 60002);
    /* counters are per team and per name */
    assert_int_equal(f->st->teams->counter_next(f->st, b.id, "unix_uid", 60001, &v), 0);
    assert_int_equal(v, 60001);
    assert_int_equal(f->st->teams->counter_next(f->st, a.id, "unix_gid", 63001, &v), 0);
    assert_int_equal(v, 63001);
    assert_int_equal(f->st->teams->counter_next(f->st, a.id, "unix_uid", 1, &v), 0);
    assert_int_equal(v, 60003); /* start only matters the first time */
    assert_int_equal(ST(f)->commit(f->st), 0);
}

static void test_two_connections(void **state)
{
    struct fx *f = *state;
    struct store_conn *c2;
    assert_int_equal(store_sqlite_open(f->path, &c2), 0);
    struct arena a2;
    arena_init(&a2, 0);
    struct core_ctx cx2 = {.st = c2, .a = &a2};

    struct store_team t;
    assert_int_equal(core_team_create(&f->cx, "acme", &t), 0);
    struct store_team t2;
    assert_int_equal(core_team_get(&cx2, "acme", &t2), 0); /* committed: visible at once */
    struct store_group g;
    assert_int_equal(core_group_create(&cx2, &t2, SLICE_LIT("dev"), 0, &g), 0);
    struct store_group r;
    assert_int_equal(core_group_get(&f->cx, &t, "dev", &r), 0);
    assert_string_equal(r.uuid, g.uuid);
    /* the unique live name holds across connections */
    assert_int_equal(core_group_create(&f->cx, &t, SLICE_LIT("dev"), 0, &r), R_EEXIST);
    /* bootstrap while another connection is open (roster init beside a server) */
    struct core_bootstrap b;
    assert_int_equal(core_bootstrap(&cx2, "acme", &b), 0);
    char *tok;
    int64_t exp;
    assert_int_equal(
        core_token_issue(&f->cx, "acme", b.key_id, slice_from_cstr(b.key_secret), &tok, &exp), 0);
    struct core_principal p;
    assert_int_equal(core_auth_bearer(&cx2, "acme", slice_from_cstr(tok), &p), 0);

    store_close(c2);
    arena_free(&a2);
}

static void test_many_statement_shapes(void **state)
{
    struct fx *f = *state;
    /* Every id-filter length is a distinct SQL text: far more than the statement cache
     * holds. Each listing must still be right, and so must the ordinary statements after. */
    struct store_team t;
    assert_int_equal(core_team_create(&f->cx, "acme", &t), 0);
    enum { NG = 40, SHAPES = 300 };
    const char *ids[SHAPES];
    char names[NG][16];
    for (int i = 0; i < NG; i++) {
        struct store_group g;
        snprintf(names[i], sizeof(names[i]), "g%02d", i);
        assert_int_equal(core_group_create(&f->cx, &t, slice_from_cstr(names[i]), 0, &g), 0);
        ids[i] = arena_strdup(&f->a, g.uuid);
    }
    for (int i = NG; i < SHAPES; i++)
        ids[i] = ids[i % NG];
    struct core_page_req pr = {.count = 100};
    for (int round = 0; round < 2; round++) {
        for (size_t k = 1; k <= SHAPES; k++) {
            struct core_group_query q = {.ids = ids, .nids = k};
            struct store_group *rows;
            size_t n;
            struct core_page_info info;
            assert_int_equal(core_group_list(&f->cx, &t, &q, &pr, &rows, &n, &info), 0);
            size_t want = k < NG ? k : NG;
            if (n != want)
                fail_msg("nids=%zu: %zu rows, want %zu", k, n, want);
            assert_string_equal(rows[0].name, "g00");
        }
        /* plain statements evicted along the way are prepared again */
        struct store_group g;
        assert_int_equal(core_group_get(&f->cx, &t, "g07", &g), 0);
        assert_int_equal(core_member_add(&f->cx, &t, "g07", "nobody"), R_ENOTFOUND);
        struct store_group tmp;
        char nm[16];
        snprintf(nm, sizeof(nm), "new%d", round);
        assert_int_equal(core_group_create(&f->cx, &t, slice_from_cstr(nm), 0, &tmp), 0);
    }
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup_empty, fx_teardown)
    const struct CMUnitTest tests[] = {
        T(test_schema_version_and_wal), T(test_reopen_keeps_data),
        T(test_newer_schema_refused),   T(test_open_errors),
        T(test_rollback_discards),      T(test_team_counter),
        T(test_two_connections),        T(test_many_statement_shapes),
    };
#undef T
    return cmocka_run_group_tests_name("store_sqlite", tests, fx_group_setup, NULL);
}
