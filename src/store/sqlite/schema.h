/* SQLite schema migrations, applied in order; PRAGMA user_version records the last applied. */
#ifndef ROSTER_STORE_SQLITE_SCHEMA_H
#define ROSTER_STORE_SQLITE_SCHEMA_H

// clang-format off: SQL text is laid out by hand

#include "store/sqlite/schema_v2.h"
#include "store/sqlite/schema_v3.h"
#include "store/sqlite/schema_v4.h"

static const char *const store_sqlite_migrations[] = {
    /* 1: teams, users, groups, memberships, credentials */
    "CREATE TABLE teams ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  created INTEGER NOT NULL);"
    "CREATE TABLE team_counters ("
    "  team_id INTEGER NOT NULL REFERENCES teams(id),"
    "  name TEXT NOT NULL,"
    "  next INTEGER NOT NULL,"
    "  PRIMARY KEY (team_id, name)) WITHOUT ROWID;"
    "CREATE TABLE users ("
    "  id INTEGER PRIMARY KEY,"
    "  team_id INTEGER NOT NULL REFERENCES teams(id),"
    "  uuid TEXT NOT NULL UNIQUE,"
    "  okta_id TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  login TEXT,"
    "  login_lc TEXT,"
    "  user_type INTEGER NOT NULL,"
    "  status INTEGER NOT NULL,"
    "  email TEXT, first_name TEXT, last_name TEXT, display_name TEXT,"
    "  profile_json TEXT,"
    "  password_hash TEXT,"
    "  created INTEGER NOT NULL,"
    "  last_updated INTEGER NOT NULL,"
    "  status_changed INTEGER NOT NULL DEFAULT 0,"
    "  deleted_at INTEGER NOT NULL DEFAULT 0,"
    "  UNIQUE (team_id, name));"
    "CREATE UNIQUE INDEX users_login ON users(team_id, login_lc)"
    "  WHERE deleted_at = 0 AND login_lc IS NOT NULL;"
    "CREATE TABLE groups ("
    "  id INTEGER PRIMARY KEY,"
    "  team_id INTEGER NOT NULL REFERENCES teams(id),"
    "  uuid TEXT NOT NULL UNIQUE,"
    "  okta_id TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  description TEXT,"
    "  profile_json TEXT,"
    "  roles INTEGER NOT NULL DEFAULT 0,"
    "  type INTEGER NOT NULL DEFAULT 0,"
    "  flags INTEGER NOT NULL DEFAULT 0,"
    "  federated_from_team TEXT,"
    "  federation_approved_at INTEGER NOT NULL DEFAULT 0,"
    "  created INTEGER NOT NULL,"
    "  last_updated INTEGER NOT NULL,"
    "  last_membership_updated INTEGER NOT NULL,"
    "  deleted_at INTEGER NOT NULL DEFAULT 0,"
    "  users_count INTEGER NOT NULL DEFAULT 0,"
    "  human_count INTEGER NOT NULL DEFAULT 0);"
    "CREATE UNIQUE INDEX groups_live_name ON groups(team_id, name) WHERE deleted_at = 0;"
    "CREATE INDEX groups_name ON groups(team_id, name, uuid);"
    /* the built-in group is read on every request (roles): find it without a scan */
    "CREATE UNIQUE INDEX groups_builtin ON groups(team_id) WHERE type = 1 AND deleted_at = 0;"
    "CREATE TABLE memberships ("
    "  group_id INTEGER NOT NULL REFERENCES groups(id),"
    "  user_name TEXT NOT NULL," /* ASA names never change: the keyset order of members */
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  created INTEGER NOT NULL,"
    "  PRIMARY KEY (group_id, user_name)) WITHOUT ROWID;"
    "CREATE INDEX memberships_user ON memberships(user_id, group_id);"
    "CREATE TABLE api_keys ("
    "  id INTEGER PRIMARY KEY,"
    "  team_id INTEGER NOT NULL REFERENCES teams(id),"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  uuid TEXT NOT NULL UNIQUE,"
    "  secret_hash BLOB NOT NULL,"
    "  issued_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL DEFAULT 0,"
    "  last_used INTEGER NOT NULL DEFAULT 0,"
    "  deleted_at INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX api_keys_user ON api_keys(user_id);"
    "CREATE TABLE bearer_tokens ("
    "  hash BLOB PRIMARY KEY,"
    "  team_id INTEGER NOT NULL REFERENCES teams(id),"
    "  key_id INTEGER NOT NULL REFERENCES api_keys(id),"
    "  expires_at INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX bearer_tokens_expiry ON bearer_tokens(expires_at);"
    "CREATE TABLE api_tokens ("
    "  hash BLOB PRIMARY KEY,"
    "  team_id INTEGER NOT NULL REFERENCES teams(id),"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  created INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX users_team_name ON users(team_id, name, uuid);",
    /* 2: ASA projects, project groups, enrollment tokens, attributes, team settings */
    STORE_SQLITE_MIGRATION_2,
    /* 3: the Okta dialect: user columns, apps, indexes and trigram tables for expressions */
    STORE_SQLITE_MIGRATION_3,
    /* 4: Unicode case-folded search columns and their indexes */
    STORE_SQLITE_MIGRATION_4,
    /* 5: enrollment token secrets, sealed (store/seal.h); NULL for tokens made before 5,
     * which keep their secretless value */
    "ALTER TABLE enrollment_tokens ADD COLUMN secret_box BLOB;",
};

// clang-format on

#endif
