/* Internals of the SQLite engine shared by its files (sqlite.c and one file per area). */
#ifndef ROSTER_STORE_SQLITE_INTERNAL_H
#define ROSTER_STORE_SQLITE_INTERNAL_H

#include <sqlite3.h>

#include "store/store.h"
#include "util/arena.h"

#define STMT_CACHE 128

struct stmt_entry {
    char *sql;
    sqlite3_stmt *stmt;
};

struct sq_conn {
    struct store_conn base;
    sqlite3 *db;
    struct stmt_entry cache[STMT_CACHE];
    int in_tx;
};

#define SQ(c) ((struct sq_conn *)(c))

/* Maps an SQLite result code to a roster error (logs unexpected ones). */
int sq__err(struct sq_conn *c, int rc);
/* The connection's prepared statement for sql (prepared once, then reset and reused). */
sqlite3_stmt *sq__stmt(struct sq_conn *c, const char *sql);
/* Binds s, or NULL for a NULL pointer. */
void sq__bind_text(sqlite3_stmt *st, int i, const char *s);
/* Column i as an arena string, or NULL for SQL NULL. */
const char *sq__col_text(struct arena *a, sqlite3_stmt *st, int i);
/* Column i copied into a fixed buffer (ids); empty when it does not fit. */
void sq__col_copy(char *dst, size_t cap, sqlite3_stmt *st, int i);
/* Steps a statement that returns no rows, then resets it. */
int sq__exec_done(struct sq_conn *c, sqlite3_stmt *st);

#endif
