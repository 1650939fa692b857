/* Shared fixture of the core/store unit tests: a fresh SQLite store in a temporary directory,
 * an arena, a core context and one team. Header-only: each test binary includes it once. */
#ifndef ROSTER_TESTS_HELPERS_H
#define ROSTER_TESTS_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/err.h"

#define FX_TEAM "acme"

struct fx {
    char dir[64];
    char path[128];
    struct store_conn *st;
    struct arena a;
    struct core_ctx cx;
    struct store_team team; /* FX_TEAM, created by fx_setup */
};

/* Group setup: libsodium must be initialised before any id or secret is made. */
static inline int fx_group_setup(void **state)
{
    (void)state;
    return sodium_init() < 0 ? -1 : 0;
}

/* Removes dir and the files in it (the database and its -wal/-shm). */
static inline void fx_rmdir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char p[512];
            snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* A fresh store with no team: for the store tests. */
static inline int fx_setup_empty(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/roster-unit-XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof(f->path), "%s/roster.db", f->dir);
    if (store_sqlite_open(f->path, &f->st) != 0) {
        fx_rmdir(f->dir);
        free(f);
        return -1;
    }
    arena_init(&f->a, 0);
    f->cx.st = f->st;
    f->cx.a = &f->a;
    *state = f;
    return 0;
}

/* A fresh store holding the team FX_TEAM (with its everyone and owners groups). */
static inline int fx_setup(void **state)
{
    if (fx_setup_empty(state))
        return -1;
    struct fx *f = *state;
    return core_team_create(&f->cx, FX_TEAM, &f->team) == 0 ? 0 : -1;
}

static inline int fx_teardown(void **state)
{
    struct fx *f = *state;
    if (!f)
        return 0;
    store_close(f->st);
    arena_free(&f->a);
    fx_rmdir(f->dir);
    free(f);
    *state = NULL;
    return 0;
}

static inline void fx_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- shortcuts that assert success ---- */

static inline struct store_user fx_user(struct fx *f, const char *name, int type)
{
    struct core_user_new nu = {
        .name = name,
        .user_type = type,
        .status = STORE_USER_ACTIVE,
    };
    struct store_user u;
    int rc = core_user_create(&f->cx, &f->team, &nu, &u);
    if (rc)
        fail_msg("core_user_create(%s): %s", name, roster_err_str(rc));
    return u;
}

static inline struct store_group fx_group(struct fx *f, const char *name, unsigned roles)
{
    struct store_group g;
    int rc = core_group_create(&f->cx, &f->team, slice_from_cstr(name), roles, &g);
    if (rc)
        fail_msg("core_group_create(%s): %s", name, roster_err_str(rc));
    return g;
}

/* The group as the store has it now (counts included). */
static inline struct store_group fx_group_get(struct fx *f, const char *name)
{
    struct store_group g;
    int rc = core_group_get(&f->cx, &f->team, name, &g);
    if (rc)
        fail_msg("core_group_get(%s): %s", name, roster_err_str(rc));
    return g;
}

static inline void fx_member_add(struct fx *f, const char *group, const char *user)
{
    int rc = core_member_add(&f->cx, &f->team, group, user);
    if (rc)
        fail_msg("core_member_add(%s, %s): %s", group, user, roster_err_str(rc));
}

/* Deletes a user the way the ASA dialect does (no principal). */
static inline void fx_user_delete(struct fx *f, const char *name)
{
    struct store_user u;
    int rc = core_user_set_asa_status(&f->cx, &f->team, NULL, name, CORE_ASA_DELETED, -1, &u);
    if (rc)
        fail_msg("delete user %s: %s", name, roster_err_str(rc));
}

#endif
