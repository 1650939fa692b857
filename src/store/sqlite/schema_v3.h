/* SQLite migration 3: users' lifecycle columns (activation, password), the display name of
 * groups, indexes for query-model lists, trigram tables for `co`, apps and app↔group
 * assignments. Table and column names stay as first written (okta_apps, okta_name…). */
#ifndef ROSTER_STORE_SQLITE_SCHEMA_V3_H
#define ROSTER_STORE_SQLITE_SCHEMA_V3_H

// clang-format off: SQL text is laid out by hand

#define STORE_SQLITE_MIGRATION_3                                                                   \
    "ALTER TABLE users ADD COLUMN activated INTEGER NOT NULL DEFAULT 0;"                           \
    "ALTER TABLE users ADD COLUMN password_changed INTEGER NOT NULL DEFAULT 0;" /* the built-in    \
                                                                                   group is        \
                                                                                   `everyone` in   \
                                                                                   ASA and         \
                                                                                   `Everyone` here \
                                                                                 */                \
    "ALTER TABLE groups ADD COLUMN okta_name TEXT GENERATED ALWAYS AS "                            \
    "  (CASE WHEN type = 1 THEN 'Everyone' ELSE name END) VIRTUAL;"                                \
    "CREATE INDEX okta_groups_team ON groups(team_id, deleted_at);"                                \
    "CREATE INDEX okta_groups_name ON groups(team_id, deleted_at, okta_name COLLATE NOCASE);"      \
    "CREATE INDEX okta_groups_updated ON groups(team_id, deleted_at, last_updated);"               \
    "CREATE INDEX okta_groups_members_updated ON groups(team_id, deleted_at, "                     \
    "  last_membership_updated);"                                                                  \
    "CREATE INDEX okta_groups_created ON groups(team_id, deleted_at, created);"                    \
    "CREATE INDEX okta_users_team ON users(team_id, user_type, deleted_at);"                       \
    "CREATE INDEX okta_users_status ON users(team_id, user_type, deleted_at, status);"             \
    "CREATE INDEX okta_users_email ON users(team_id, user_type, deleted_at, email COLLATE "        \
    "NOCASE);"                                                                                     \
    "CREATE INDEX okta_users_first ON users(team_id, user_type, deleted_at, "                      \
    "  first_name COLLATE NOCASE);"                                                                \
    "CREATE INDEX okta_users_last ON users(team_id, user_type, deleted_at, "                       \
    "  last_name COLLATE NOCASE);"                                                                 \
    "CREATE INDEX okta_users_updated ON users(team_id, user_type, deleted_at, last_updated);"      \
    "CREATE INDEX okta_users_created ON users(team_id, user_type, deleted_at, created);"           \
    "CREATE INDEX okta_memberships_group ON memberships(group_id, user_id);"                       \
    "CREATE TABLE okta_apps ("                                                                     \
    "  id INTEGER PRIMARY KEY,"                                                                    \
    "  team_id INTEGER NOT NULL REFERENCES teams(id),"                                             \
    "  okta_id TEXT NOT NULL UNIQUE,"                                                              \
    "  name TEXT NOT NULL,"                                                                        \
    "  label TEXT NOT NULL,"                                                                       \
    "  sign_on_mode TEXT NOT NULL,"                                                                \
    "  active INTEGER NOT NULL,"                                                                   \
    "  body_json TEXT,"                                                                            \
    "  created INTEGER NOT NULL,"                                                                  \
    "  last_updated INTEGER NOT NULL);"                                                            \
    "CREATE INDEX okta_apps_team ON okta_apps(team_id);"                                           \
    "CREATE TABLE okta_app_groups ("                                                               \
    "  app_id INTEGER NOT NULL REFERENCES okta_apps(id) ON DELETE CASCADE,"                        \
    "  group_id INTEGER NOT NULL REFERENCES groups(id),"                                           \
    "  priority INTEGER NOT NULL DEFAULT 0,"                                                       \
    "  profile_json TEXT,"                                                                         \
    "  last_updated INTEGER NOT NULL,"                                                             \
    "  PRIMARY KEY (app_id, group_id)) WITHOUT ROWID;"                                             \
    "CREATE INDEX okta_app_groups_group ON okta_app_groups(group_id, app_id);" /* deleting a group \
                                                                                * (either dialect) \
                                                                                * removes its app  \
                                                                                * assignments in   \
                                                                                * the same         \
                                                                                * transaction */   \
    "CREATE TRIGGER okta_group_deleted AFTER UPDATE OF deleted_at ON groups "                      \
    "  WHEN old.deleted_at = 0 AND new.deleted_at <> 0 BEGIN "                                     \
    "  DELETE FROM okta_app_groups WHERE group_id = new.id; END;" /* trigram indexes serve `co`    \
                                                                     (contentless: rowid =         \
                                                                     groups.id / users.id) */      \
    "CREATE VIRTUAL TABLE okta_groups_trgm USING fts5(name, description, content='', "             \
    "  tokenize='trigram');"                                                                       \
    "INSERT INTO okta_groups_trgm(rowid, name, description) "                                      \
    "  SELECT id, okta_name, description FROM groups;"                                             \
    "CREATE TRIGGER okta_groups_trgm_ai AFTER INSERT ON groups BEGIN "                             \
    "  INSERT INTO okta_groups_trgm(rowid, name, description) VALUES (new.id, "                    \
    "  CASE WHEN new.type = 1 THEN 'Everyone' ELSE new.name END, new.description); END;"           \
    "CREATE TRIGGER okta_groups_trgm_au AFTER UPDATE OF name, description, type ON groups "        \
    "  BEGIN "                                                                                     \
    "  INSERT INTO okta_groups_trgm(okta_groups_trgm, rowid, name, description) VALUES "           \
    "  ('delete', old.id, CASE WHEN old.type = 1 THEN 'Everyone' ELSE old.name END, "              \
    "  old.description);"                                                                          \
    "  INSERT INTO okta_groups_trgm(rowid, name, description) VALUES (new.id, "                    \
    "  CASE WHEN new.type = 1 THEN 'Everyone' ELSE new.name END, new.description); END;"           \
    "CREATE TRIGGER okta_groups_trgm_ad AFTER DELETE ON groups BEGIN "                             \
    "  INSERT INTO okta_groups_trgm(okta_groups_trgm, rowid, name, description) VALUES "           \
    "  ('delete', old.id, CASE WHEN old.type = 1 THEN 'Everyone' ELSE old.name END, "              \
    "  old.description); END;"                                                                     \
    "CREATE VIRTUAL TABLE okta_users_trgm USING fts5(login, email, first_name, last_name, "        \
    "  content='', tokenize='trigram');"                                                           \
    "INSERT INTO okta_users_trgm(rowid, login, email, first_name, last_name) "                     \
    "  SELECT id, login, email, first_name, last_name FROM users;"                                 \
    "CREATE TRIGGER okta_users_trgm_ai AFTER INSERT ON users BEGIN "                               \
    "  INSERT INTO okta_users_trgm(rowid, login, email, first_name, last_name) VALUES "            \
    "  (new.id, new.login, new.email, new.first_name, new.last_name); END;"                        \
    "CREATE TRIGGER okta_users_trgm_au AFTER UPDATE OF login, email, first_name, last_name "       \
    "  ON users BEGIN "                                                                            \
    "  INSERT INTO okta_users_trgm(okta_users_trgm, rowid, login, email, first_name, "             \
    "  last_name) VALUES ('delete', old.id, old.login, old.email, old.first_name, "                \
    "  old.last_name);"                                                                            \
    "  INSERT INTO okta_users_trgm(rowid, login, email, first_name, last_name) VALUES "            \
    "  (new.id, new.login, new.email, new.first_name, new.last_name); END;"                        \
    "CREATE TRIGGER okta_users_trgm_ad AFTER DELETE ON users BEGIN "                               \
    "  INSERT INTO okta_users_trgm(okta_users_trgm, rowid, login, email, first_name, "             \
    "  last_name) VALUES ('delete', old.id, old.login, old.email, old.first_name, "                \
    "  old.last_name); END;"

// clang-format on

#endif
