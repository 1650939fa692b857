/* SQLite migration 2: ASA projects, project groups, enrollment tokens, attributes, team
 * settings. Triggers keep project groups in step with their groups inside the same
 * transaction, so group code needs to know nothing about projects. */
#ifndef ROSTER_STORE_SQLITE_SCHEMA_V2_H
#define ROSTER_STORE_SQLITE_SCHEMA_V2_H

// clang-format off: SQL text is laid out by hand

#define STORE_SQLITE_MIGRATION_2                                                                     \
    "CREATE TABLE projects ("                                                                        \
    "  id INTEGER PRIMARY KEY,"                                                                      \
    "  team_id INTEGER NOT NULL REFERENCES teams(id),"                                               \
    "  uuid TEXT NOT NULL UNIQUE,"                                                                   \
    "  name TEXT NOT NULL,"                                                                          \
    "  create_server_users INTEGER NOT NULL DEFAULT 0,"                                              \
    "  force_shared_ssh_users INTEGER NOT NULL DEFAULT 0,"                                           \
    "  forward_traffic INTEGER NOT NULL DEFAULT 0,"                                                  \
    "  rdp_session_recording INTEGER NOT NULL DEFAULT 0,"                                            \
    "  require_preauth_for_creds INTEGER NOT NULL DEFAULT 0,"                                        \
    "  ssh_session_recording INTEGER NOT NULL DEFAULT 0,"                                            \
    "  gateway_selector TEXT,"                                                                       \
    "  shared_admin_user_name TEXT,"                                                                 \
    "  shared_standard_user_name TEXT,"                                                              \
    "  ssh_certificate_type TEXT NOT NULL,"                                                          \
    "  next_unix_uid INTEGER NOT NULL,"                                                              \
    "  next_unix_gid INTEGER NOT NULL,"                                                              \
    "  user_on_demand_period INTEGER NOT NULL DEFAULT 0,"                                            \
    "  created INTEGER NOT NULL,"                                                                    \
    "  deleted_at INTEGER NOT NULL DEFAULT 0);"                                                      \
    "CREATE UNIQUE INDEX projects_live_name ON projects(team_id, name) WHERE deleted_at = 0;"        \
    "CREATE INDEX projects_name ON projects(team_id, name, uuid);"                                   \
    "CREATE TABLE project_groups ("                                                                  \
    "  project_id INTEGER NOT NULL REFERENCES projects(id),"                                         \
    "  group_id INTEGER NOT NULL REFERENCES groups(id),"                                             \
    "  group_name TEXT NOT NULL," /* the keyset order; follows renames (trigger) */                  \
    "  group_uuid TEXT NOT NULL,"                                                                    \
    "  server_access INTEGER NOT NULL DEFAULT 0,"                                                    \
    "  server_admin INTEGER NOT NULL DEFAULT 0,"                                                     \
    "  create_server_group INTEGER NOT NULL DEFAULT 0,"                                              \
    "  servers_selector TEXT,"                                                                       \
    "  created INTEGER NOT NULL,"                                                                    \
    "  removed_at INTEGER NOT NULL DEFAULT 0,"                                                       \
    "  deleted_at INTEGER NOT NULL DEFAULT 0,"                                                       \
    "  PRIMARY KEY (project_id, group_id)) WITHOUT ROWID;"                                           \
    "CREATE INDEX project_groups_order ON project_groups(project_id, group_name, group_uuid);"       \
    "CREATE INDEX project_groups_group ON project_groups(group_id);" /* Deleting a group removes     \
                                                                        it from every project, in    \
                                                                        the deleting transaction.    \
                                                                      */                             \
    "CREATE TRIGGER project_groups_group_deleted AFTER UPDATE OF deleted_at ON groups"               \
    "  WHEN OLD.deleted_at = 0 AND NEW.deleted_at <> 0 BEGIN"                                        \
    "  UPDATE project_groups SET removed_at = NEW.deleted_at, deleted_at = NEW.deleted_at"           \
    "    WHERE group_id = NEW.id AND removed_at = 0;"                                                \
    "  END;"                                                                                         \
    "CREATE TRIGGER project_groups_group_renamed AFTER UPDATE OF name ON groups"                     \
    "  WHEN OLD.name <> NEW.name BEGIN"                                                              \
    "  UPDATE project_groups SET group_name = NEW.name WHERE group_id = NEW.id;"                     \
    "  END;"                                                                                         \
    "CREATE TABLE enrollment_tokens ("                                                               \
    "  id INTEGER PRIMARY KEY,"                                                                      \
    "  project_id INTEGER NOT NULL REFERENCES projects(id),"                                         \
    "  uuid TEXT NOT NULL UNIQUE,"                                                                   \
    "  description TEXT,"                                                                            \
    "  created_by TEXT,"                                                                             \
    "  server_url TEXT NOT NULL,"                                                                    \
    "  issued_at INTEGER NOT NULL);" /* (project_id, rowid): a project's tokens in creation order    \
                                      */                                                             \
    "CREATE INDEX enrollment_tokens_project ON enrollment_tokens(project_id);"                       \
    "CREATE TABLE group_attributes ("                                                                \
    "  group_id INTEGER PRIMARY KEY REFERENCES groups(id),"                                          \
    "  unix_group_name TEXT,"                                                                        \
    "  windows_group_name TEXT,"                                                                     \
    "  unix_gid INTEGER NOT NULL DEFAULT 0);"                                                        \
    "CREATE INDEX group_attributes_gid ON group_attributes(unix_gid) WHERE unix_gid <> 0;"           \
    "CREATE TABLE user_attributes ("                                                                 \
    "  user_id INTEGER PRIMARY KEY REFERENCES users(id),"                                            \
    "  unix_user_name TEXT,"                                                                         \
    "  windows_user_name TEXT,"                                                                      \
    "  unix_uid INTEGER NOT NULL DEFAULT 0,"                                                         \
    "  unix_gid INTEGER NOT NULL DEFAULT 0);"                                                        \
    "CREATE INDEX user_attributes_uid ON user_attributes(unix_uid) WHERE unix_uid <> 0;"             \
    "CREATE INDEX user_attributes_gid ON user_attributes(unix_gid) WHERE unix_gid <> 0;" /* A hard   \
                                                                                            delete   \
                                                                                            of a     \
                                                                                            group    \
                                                                                            or       \
                                                                                            user     \
                                                                                            (the     \
                                                                                            Okta     \
                                                                                            dialect) \
                                                                                            takes    \
                                                                                            its      \
                                                                                            rows     \
                                                                                            here     \
                                                                                            with     \
                                                                                            it. */   \
    "CREATE TRIGGER project_group_rows_on_group_delete BEFORE DELETE ON groups BEGIN"                \
    "  DELETE FROM project_groups WHERE group_id = OLD.id;"                                          \
    "  DELETE FROM group_attributes WHERE group_id = OLD.id;"                                        \
    "  END;"                                                                                         \
    "CREATE TRIGGER user_attribute_rows_on_user_delete BEFORE DELETE ON users BEGIN"                 \
    "  DELETE FROM user_attributes WHERE user_id = OLD.id;"                                          \
    "  END;"                                                                                         \
    "CREATE TABLE team_settings ("                                                                   \
    "  team_id INTEGER PRIMARY KEY REFERENCES teams(id),"                                            \
    "  approve_device_without_interaction INTEGER NOT NULL,"                                         \
    "  reactivate_users_via_idp INTEGER NOT NULL,"                                                   \
    "  user_provisioning_exact_username INTEGER," /* NULL: unset */                                  \
    "  client_session_duration INTEGER NOT NULL,"                                                    \
    "  web_session_duration INTEGER NOT NULL,"                                                       \
    "  post_device_enrollment_url TEXT,"                                                             \
    "  post_login_url TEXT,"                                                                         \
    "  post_logout_url TEXT,"                                                                        \
    "  include_user_sid TEXT);"

// clang-format on

#endif
