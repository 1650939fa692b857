/* SQLite migration 4: Unicode case-folded copies of the texts that case-insensitive searches
 * compare (util/fold.h, through the roster_fold() SQL function every connection registers),
 * filled for existing rows and indexed. Every write of a source column writes its copy. */
#ifndef ROSTER_STORE_SQLITE_SCHEMA_V4_H
#define ROSTER_STORE_SQLITE_SCHEMA_V4_H

// clang-format off: SQL text is laid out by hand

#define STORE_SQLITE_MIGRATION_4                                                                   \
    "ALTER TABLE users ADD COLUMN name_fold TEXT;"                                                 \
    "ALTER TABLE users ADD COLUMN login_fold TEXT;"                                                \
    "ALTER TABLE users ADD COLUMN email_fold TEXT;"                                                \
    "ALTER TABLE users ADD COLUMN first_name_fold TEXT;"                                           \
    "ALTER TABLE users ADD COLUMN last_name_fold TEXT;"                                            \
    "ALTER TABLE users ADD COLUMN display_name_fold TEXT;"                                         \
    "UPDATE users SET name_fold = roster_fold(name), login_fold = roster_fold(login), "            \
    "  email_fold = roster_fold(email), first_name_fold = roster_fold(first_name), "               \
    "  last_name_fold = roster_fold(last_name), display_name_fold = roster_fold(display_name);"    \
    "ALTER TABLE groups ADD COLUMN name_fold TEXT;"                                                \
    "ALTER TABLE groups ADD COLUMN description_fold TEXT;"                                         \
    "UPDATE groups SET name_fold = roster_fold(name), "                                            \
    "  description_fold = roster_fold(description);"                                               \
    "ALTER TABLE projects ADD COLUMN name_fold TEXT;"                                              \
    "UPDATE projects SET name_fold = roster_fold(name);" /* the ASCII-only NOCASE indexes these    \
                                                            replace */                             \
    "DROP INDEX okta_users_email;"                                                                 \
    "DROP INDEX okta_users_first;"                                                                 \
    "DROP INDEX okta_users_last;"                                                                  \
    "DROP INDEX okta_groups_name;"                                                                 \
    "CREATE INDEX users_name_fold ON users(team_id, name_fold);"                                   \
    "CREATE INDEX okta_users_login_fold ON users(team_id, user_type, deleted_at, login_fold);"     \
    "CREATE INDEX okta_users_email_fold ON users(team_id, user_type, deleted_at, email_fold);"     \
    "CREATE INDEX okta_users_first_fold ON users(team_id, user_type, deleted_at, "                 \
    "  first_name_fold);"                                                                          \
    "CREATE INDEX okta_users_last_fold ON users(team_id, user_type, deleted_at, "                  \
    "  last_name_fold);"                                                                           \
    "CREATE INDEX okta_users_display_fold ON users(team_id, user_type, deleted_at, "               \
    "  display_name_fold);"                                                                        \
    "CREATE INDEX okta_groups_name_fold ON groups(team_id, deleted_at, name_fold);"                \
    "CREATE INDEX okta_groups_description_fold ON groups(team_id, deleted_at, "                    \
    "  description_fold);" /* the trigram indexes (`co`) hold the folded copies too, so `co` folds \
                              as eq and sw do */                                                   \
    "DROP TRIGGER okta_groups_trgm_ai;"                                                            \
    "DROP TRIGGER okta_groups_trgm_au;"                                                            \
    "DROP TRIGGER okta_groups_trgm_ad;"                                                            \
    "INSERT INTO okta_groups_trgm(okta_groups_trgm) VALUES ('delete-all');"                        \
    "INSERT INTO okta_groups_trgm(rowid, name, description) "                                      \
    "  SELECT id, name_fold, description_fold FROM groups;"                                        \
    "CREATE TRIGGER okta_groups_trgm_ai AFTER INSERT ON groups BEGIN "                             \
    "  INSERT INTO okta_groups_trgm(rowid, name, description) VALUES "                             \
    "  (new.id, new.name_fold, new.description_fold); END;"                                        \
    "CREATE TRIGGER okta_groups_trgm_au AFTER UPDATE OF name_fold, description_fold ON groups "    \
    "  BEGIN "                                                                                     \
    "  INSERT INTO okta_groups_trgm(okta_groups_trgm, rowid, name, description) VALUES "           \
    "  ('delete', old.id, old.name_fold, old.description_fold);"                                   \
    "  INSERT INTO okta_groups_trgm(rowid, name, description) VALUES "                             \
    "  (new.id, new.name_fold, new.description_fold); END;"                                        \
    "CREATE TRIGGER okta_groups_trgm_ad AFTER DELETE ON groups BEGIN "                             \
    "  INSERT INTO okta_groups_trgm(okta_groups_trgm, rowid, name, description) VALUES "           \
    "  ('delete', old.id, old.name_fold, old.description_fold); END;"                              \
    "DROP TRIGGER okta_users_trgm_ai;"                                                             \
    "DROP TRIGGER okta_users_trgm_au;"                                                             \
    "DROP TRIGGER okta_users_trgm_ad;"                                                             \
    "INSERT INTO okta_users_trgm(okta_users_trgm) VALUES ('delete-all');"                          \
    "INSERT INTO okta_users_trgm(rowid, login, email, first_name, last_name) "                     \
    "  SELECT id, login_fold, email_fold, first_name_fold, last_name_fold FROM users;"             \
    "CREATE TRIGGER okta_users_trgm_ai AFTER INSERT ON users BEGIN "                               \
    "  INSERT INTO okta_users_trgm(rowid, login, email, first_name, last_name) VALUES "            \
    "  (new.id, new.login_fold, new.email_fold, new.first_name_fold, new.last_name_fold); END;"    \
    "CREATE TRIGGER okta_users_trgm_au AFTER UPDATE OF login_fold, email_fold, first_name_fold, "  \
    "  last_name_fold ON users BEGIN "                                                             \
    "  INSERT INTO okta_users_trgm(okta_users_trgm, rowid, login, email, first_name, "             \
    "  last_name) VALUES ('delete', old.id, old.login_fold, old.email_fold, "                      \
    "  old.first_name_fold, old.last_name_fold);"                                                  \
    "  INSERT INTO okta_users_trgm(rowid, login, email, first_name, last_name) VALUES "            \
    "  (new.id, new.login_fold, new.email_fold, new.first_name_fold, new.last_name_fold); END;"    \
    "CREATE TRIGGER okta_users_trgm_ad AFTER DELETE ON users BEGIN "                               \
    "  INSERT INTO okta_users_trgm(okta_users_trgm, rowid, login, email, first_name, "             \
    "  last_name) VALUES ('delete', old.id, old.login_fold, old.email_fold, "                      \
    "  old.first_name_fold, old.last_name_fold); END;"

// clang-format on

#endif
