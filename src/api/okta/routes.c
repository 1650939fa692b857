/* The Okta dialect's route table: every /api/v1/ endpoint and its handler. */
#include "api/okta/okta.h"

#define G "/api/v1/groups"
#define U "/api/v1/users"
#define A "/api/v1/apps"

static const struct http_route okta_routes[] = {
    {HTTP_GET, G, okta_groups_list},
    {HTTP_POST, G, okta_groups_create},
    {HTTP_GET, G "/:group", okta_group_get},
    {HTTP_PUT, G "/:group", okta_group_replace},
    {HTTP_DELETE, G "/:group", okta_group_delete},
    {HTTP_GET, G "/:group/users", okta_group_users},
    {HTTP_PUT, G "/:group/users/:user", okta_group_user_add},
    {HTTP_DELETE, G "/:group/users/:user", okta_group_user_remove},
    {HTTP_GET, G "/:group/apps", okta_group_apps},

    {HTTP_GET, U, okta_users_list},
    {HTTP_POST, U, okta_users_create},
    {HTTP_GET, U "/:user", okta_user_get},
    {HTTP_POST, U "/:user", okta_user_update},
    {HTTP_PUT, U "/:user", okta_user_replace},
    {HTTP_DELETE, U "/:user", okta_user_delete},
    {HTTP_GET, U "/:user/groups", okta_user_groups},
    {HTTP_POST, U "/:user/lifecycle/activate", okta_user_activate},
    {HTTP_POST, U "/:user/lifecycle/deactivate", okta_user_deactivate},
    {HTTP_POST, U "/:user/lifecycle/suspend", okta_user_suspend},
    {HTTP_POST, U "/:user/lifecycle/unsuspend", okta_user_unsuspend},

    {HTTP_GET, A, okta_apps_list},
    {HTTP_POST, A, okta_apps_create},
    {HTTP_GET, A "/:app", okta_app_get},
    {HTTP_PUT, A "/:app", okta_app_replace},
    {HTTP_DELETE, A "/:app", okta_app_delete},
    {HTTP_POST, A "/:app/lifecycle/activate", okta_app_activate},
    {HTTP_POST, A "/:app/lifecycle/deactivate", okta_app_deactivate},
    {HTTP_GET, A "/:app/groups", okta_app_groups},
    {HTTP_GET, A "/:app/groups/:group", okta_app_group_get},
    {HTTP_PUT, A "/:app/groups/:group", okta_app_group_assign},
    {HTTP_DELETE, A "/:app/groups/:group", okta_app_group_unassign},
};

const struct http_dialect okta_dialect = {
    .name = "okta",
    .prefix = "/api/v1/",
    .routes = okta_routes,
    .nroutes = sizeof(okta_routes) / sizeof(okta_routes[0]),
    .render_error = okta_render_input_error,
    .finish = okta_finish,
};
