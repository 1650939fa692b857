/* Unit tests for sealed enrollment token secrets (store/seal.c and the SQLite engine): the
 * AEAD round trip and what it refuses, the key file beside the database (made once, 0600,
 * checked against the store on every open), secrets never stored in clear, and tokens made
 * before secrets existed (migration 5) still read, without one. */
#include "helpers.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include "core/project.h"
#include "store/seal.h"

static void test_seal_round_trip(void **state)
{
    (void)state;
    unsigned char key[STORE_SEAL_KEY_BYTES], other[STORE_SEAL_KEY_BYTES];
    randombytes_buf(key, sizeof(key));
    randombytes_buf(other, sizeof(other));
    const char *msg = "the secret";
    unsigned char a[64], b[64], out[64];
    size_t an, bn, on;
    assert_int_equal(store_seal(key, "id-1", msg, strlen(msg), a, sizeof(a), &an), 0);
    assert_int_equal(an, strlen(msg) + STORE_SEAL_OVERHEAD);
    assert_null(memmem(a, an, msg, strlen(msg)));
    assert_int_equal(store_unseal(key, "id-1", a, an, out, sizeof(out), &on), 0);
    assert_int_equal(on, strlen(msg));
    assert_memory_equal(out, msg, on);
    /* a fresh nonce each time */
    assert_int_equal(store_seal(key, "id-1", msg, strlen(msg), b, sizeof(b), &bn), 0);
    assert_memory_not_equal(a, b, an);
    /* refused: another key, another row, a flipped bit, an unknown version, short buffers */
    assert_int_equal(store_unseal(other, "id-1", a, an, out, sizeof(out), &on), R_EINVAL);
    assert_int_equal(store_unseal(key, "id-2", a, an, out, sizeof(out), &on), R_EINVAL);
    a[an - 1] ^= 1;
    assert_int_equal(store_unseal(key, "id-1", a, an, out, sizeof(out), &on), R_EINVAL);
    a[an - 1] ^= 1;
    a[0] = 2;
    assert_int_equal(store_unseal(key, "id-1", a, an, out, sizeof(out), &on), R_EINVAL);
    a[0] = 1;
    assert_int_equal(store_unseal(key, "id-1", a, STORE_SEAL_OVERHEAD - 1, out, sizeof(out), &on),
                     R_EINVAL);
    assert_int_equal(store_unseal(key, "id-1", a, an, out, 2, &on), R_EINVAL);
    assert_int_equal(store_seal(key, "id-1", msg, strlen(msg), b, STORE_SEAL_OVERHEAD, &bn),
                     R_EINVAL);
    assert_int_equal(store_unseal(key, "id-1", a, an, out, sizeof(out), &on), 0);
}

static void key_path(struct fx *f, char *out, size_t cap)
{
    snprintf(out, cap, "%s.key", f->path);
}

static void test_key_file(void **state)
{
    struct fx *f = *state;
    char kp[256];
    key_path(f, kp, sizeof(kp));
    struct stat sb;
    assert_int_equal(stat(kp, &sb), 0); /* made by the first open */
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(sb.st_size, 65);
    unsigned char k1[STORE_SEAL_KEY_BYTES], k2[STORE_SEAL_KEY_BYTES];
    bool created;
    assert_int_equal(store_seal_key_load(kp, true, k1, &created), 0);
    assert_false(created);
    assert_int_equal(store_seal_key_load(kp, false, k2, &created), 0);
    assert_memory_equal(k1, k2, sizeof(k1));
    char missing[300];
    snprintf(missing, sizeof(missing), "%s/none.key", f->dir);
    assert_int_equal(store_seal_key_load(missing, false, k2, &created), R_ENOTFOUND);
    assert_int_equal(store_seal_key_load(missing, true, k2, &created), 0);
    assert_true(created);
    assert_memory_not_equal(k1, k2, sizeof(k1));
    assert_int_equal(chmod(missing, 0640), 0);
    assert_int_equal(store_seal_key_load(missing, true, k2, &created), R_EINVAL);
    FILE *w = fopen(missing, "w");
    assert_non_null(w);
    fputs("not hex\n", w);
    fclose(w);
    assert_int_equal(chmod(missing, 0600), 0);
    assert_int_equal(store_seal_key_load(missing, true, k2, &created), R_EINVAL);
}

/* Creates project P with one token; returns it. */
static struct store_enroll_token token_made(struct fx *f)
{
    struct core_project_patch in = {.v.name = "proj"};
    struct store_project p;
    assert_int_equal(core_project_create(&f->cx, &f->team, &in, &p, NULL), 0);
    struct store_enroll_token t;
    assert_int_equal(core_enroll_token_create(&f->cx, &f->team, "proj", "d", "me", "http://h", &t),
                     0);
    return t;
}

/* The bytes of the database file and its WAL, NUL-free search with memmem. */
static bool file_has(const char *path, const void *needle, size_t n)
{
    FILE *r = fopen(path, "rb");
    if (!r)
        return false;
    static char buf[1 << 22];
    size_t len = fread(buf, 1, sizeof(buf), r);
    fclose(r);
    return memmem(buf, len, needle, n) != NULL;
}

static void test_secret_sealed(void **state)
{
    struct fx *f = *state;
    struct store_enroll_token t = token_made(f), got;
    assert_non_null(t.secret);
    unsigned char raw[64];
    size_t rawn;
    assert_int_equal(sodium_base642bin(raw, sizeof(raw), t.secret, strlen(t.secret), NULL, &rawn,
                                       NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                     0);
    assert_int_equal(rawn, CORE_ENROLL_SECRET_BYTES);
    assert_int_equal(core_enroll_token_get(&f->cx, &f->team, "proj", t.uuid, &got), 0);
    assert_string_equal(got.secret, t.secret);
    struct store_enroll_token t2;
    assert_int_equal(
        core_enroll_token_create(&f->cx, &f->team, "proj", "d2", "me", "http://h", &t2), 0);
    assert_string_not_equal(t2.secret, t.secret);

    char wal[200];
    snprintf(wal, sizeof(wal), "%s-wal", f->path);
    assert_true(file_has(wal, t.uuid, strlen(t.uuid)) || file_has(f->path, t.uuid, 36));
    for (const char *p = f->path; p; p = p == f->path ? wal : NULL) {
        assert_false(file_has(p, t.secret, strlen(t.secret)));
        assert_false(file_has(p, raw, rawn));
    }

    /* a new connection reads it back; the key survives reopening */
    store_close(f->st);
    assert_int_equal(store_sqlite_open(f->path, &f->st), 0);
    f->cx.st = f->st;
    assert_int_equal(core_enroll_token_get(&f->cx, &f->team, "proj", t.uuid, &got), 0);
    assert_string_equal(got.secret, t.secret);
}

static void test_key_checked_on_open(void **state)
{
    struct fx *f = *state;
    token_made(f);
    store_close(f->st);
    f->st = NULL;
    char kp[256], saved[300];
    key_path(f, kp, sizeof(kp));
    snprintf(saved, sizeof(saved), "%s.saved", kp);
    assert_int_equal(rename(kp, saved), 0);
    struct store_conn *c = NULL;
    /* sealed tokens and no key: refused, and no new key made */
    assert_int_equal(store_sqlite_open(f->path, &c), R_ESTORE);
    assert_null(c);
    struct stat sb;
    assert_int_equal(stat(kp, &sb), -1);
    /* another key: refused */
    unsigned char k[STORE_SEAL_KEY_BYTES];
    bool created;
    assert_int_equal(store_seal_key_load(kp, true, k, &created), 0);
    assert_true(created);
    assert_int_equal(store_sqlite_open(f->path, &c), R_ESTORE);
    assert_null(c);
    /* its own key: opens */
    assert_int_equal(rename(saved, kp), 0);
    assert_int_equal(store_sqlite_open(f->path, &f->st), 0);
    f->cx.st = f->st;
}

/* A token made before migration 5 keeps reading, without a secret (its value unchanged). */
static void test_legacy_token(void **state)
{
    struct fx *f = *state;
    struct store_enroll_token t = token_made(f), got;
    store_close(f->st);
    f->st = NULL;
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    /* back to the schema before migration 5, with the token as it was stored then */
    assert_int_equal(sqlite3_exec(db,
                                  "ALTER TABLE enrollment_tokens DROP COLUMN secret_box;"
                                  "PRAGMA user_version = 4;",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(store_sqlite_open(f->path, &f->st), 0);
    f->cx.st = f->st;
    char *v = NULL;
    assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    v = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    char want[16];
    snprintf(want, sizeof(want), "%d", store_sqlite_schema_version());
    assert_string_equal(v, want);
    free(v);
    assert_int_equal(core_enroll_token_get(&f->cx, &f->team, "proj", t.uuid, &got), 0);
    assert_null(got.secret);
    assert_string_equal(got.server_url, "http://h");
    /* new tokens get one */
    struct store_enroll_token t2;
    assert_int_equal(
        core_enroll_token_create(&f->cx, &f->team, "proj", "d2", "me", "http://h", &t2), 0);
    assert_int_equal(core_enroll_token_get(&f->cx, &f->team, "proj", t2.uuid, &got), 0);
    assert_string_equal(got.secret, t2.secret);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seal_round_trip),
        T(test_key_file),
        T(test_secret_sealed),
        T(test_key_checked_on_open),
        T(test_legacy_token),
    };
#undef T
    return cmocka_run_group_tests_name("store_seal", tests, fx_group_setup, NULL);
}
