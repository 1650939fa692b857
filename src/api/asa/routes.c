/* The ASA dialect's route table: every /v1/ endpoint and its handler. */
#include "api/asa/asa.h"

#define T "/v1/teams/:team"

static const struct http_route asa_routes[] = {
    {HTTP_POST, T "/service_token", asa_service_token},
    {HTTP_GET, T "/current_user", asa_current_user},

    {HTTP_GET, T "/groups", asa_groups_list},
    {HTTP_POST, T "/groups", asa_groups_create},
    {HTTP_GET, T "/groups/:group", asa_group_get},
    {HTTP_PUT, T "/groups/:group", asa_group_update},
    {HTTP_PATCH, T "/groups/:group", asa_group_update},
    {HTTP_DELETE, T "/groups/:group", asa_group_delete},
    {HTTP_GET, T "/groups/:group/users", asa_group_users},
    {HTTP_POST, T "/groups/:group/users", asa_group_user_add},
    {HTTP_DELETE, T "/groups/:group/users/:user", asa_group_user_remove},
    {HTTP_GET, T "/groups/:group/users_not_in_group", asa_group_users_not_in},

    {HTTP_GET, T "/users", asa_users_list},
    {HTTP_GET, T "/users/:user", asa_user_get},
    {HTTP_PUT, T "/users/:user", asa_user_update},
    {HTTP_GET, T "/users/:user/groups", asa_user_groups},

    {HTTP_GET, T "/service_users", asa_service_users_list},
    {HTTP_POST, T "/service_users", asa_service_users_create},
    {HTTP_GET, T "/service_users/:user", asa_service_user_get},
    {HTTP_PUT, T "/service_users/:user", asa_service_user_update},
    {HTTP_GET, T "/service_users/:user/keys", asa_keys_list},
    {HTTP_POST, T "/service_users/:user/keys", asa_keys_create},
    {HTTP_DELETE, T "/service_users/:user/keys/:key", asa_key_delete},

    {HTTP_GET, T "/groups/:group/attributes", asa_group_attrs_list},
    {HTTP_GET, T "/groups/:group/attributes/:attr", asa_group_attr_get},
    {HTTP_PUT, T "/groups/:group/attributes/:attr", asa_group_attr_put},
    {HTTP_GET, T "/users/:user/attributes", asa_user_attrs_list},
    {HTTP_GET, T "/users/:user/attributes/:attr", asa_user_attr_get},
    {HTTP_PUT, T "/users/:user/attributes/:attr", asa_user_attr_put},

    {HTTP_GET, T "/projects", asa_projects_list},
    {HTTP_POST, T "/projects", asa_projects_create},
    {HTTP_GET, T "/projects/:project", asa_project_get},
    {HTTP_PUT, T "/projects/:project", asa_project_update},
    {HTTP_DELETE, T "/projects/:project", asa_project_delete},
    {HTTP_GET, T "/projects/:project/groups", asa_project_groups_list},
    {HTTP_POST, T "/projects/:project/groups", asa_project_groups_assign},
    {HTTP_GET, T "/projects/:project/groups/:group", asa_project_group_get},
    {HTTP_PUT, T "/projects/:project/groups/:group", asa_project_group_update},
    {HTTP_DELETE, T "/projects/:project/groups/:group", asa_project_group_remove},
    {HTTP_GET, T "/projects/:project/server_enrollment_tokens", asa_enroll_tokens_list},
    {HTTP_POST, T "/projects/:project/server_enrollment_tokens", asa_enroll_tokens_create},
    {HTTP_GET, T "/projects/:project/server_enrollment_tokens/:token", asa_enroll_token_get},
    {HTTP_DELETE, T "/projects/:project/server_enrollment_tokens/:token", asa_enroll_token_delete},

    {HTTP_GET, T "/settings", asa_settings_get},
    {HTTP_PUT, T "/settings", asa_settings_put},
    {HTTP_GET, T "/team_stats", asa_team_stats},
};

const struct http_dialect asa_dialect = {
    .name = "asa",
    .prefix = "/v1/",
    .routes = asa_routes,
    .nroutes = sizeof(asa_routes) / sizeof(asa_routes[0]),
    .render_error = asa_render_input_error,
    .finish = NULL,
};
