/* GET /openapi.json: the document built into the binary, so what is served is what the tree
 * says. */
#include "api/openapi.h"

static void openapi_get(struct http_request *req, struct http_response *resp)
{
    (void)req;
    resp->status = 200;
    resp->content_type = "application/json";
    buf_reset(&resp->body);
    buf_append(&resp->body, (const char *)api_openapi_doc, api_openapi_doc_len);
    http_resp_header(resp, "Cache-Control", "no-cache");
}

const struct http_route api_meta_routes[] = {
    {HTTP_GET, "/openapi.json", openapi_get},
};
const size_t api_meta_nroutes = sizeof(api_meta_routes) / sizeof(api_meta_routes[0]);
