/* ASA error bodies, and the one place core errors become ASA statuses. */
#include "api/asa/asa.h"
#include "util/err.h"

void asa_error(struct http_response *resp, int status, const char *type, const char *message,
               const char *path)
{
    json_t *errs = json_array();
    if (path) {
        json_array_append_new(errs,
                              json_pack("{s:s, s:s}", "path", path, "message", message));
    }
    api_send_json(resp, status,
                  json_pack("{s:s, s:s, s:i, s:o}", "type", type, "message", message, "code",
                            status, "errors", errs));
}

void asa_core_error(struct http_response *resp, int err, const char *what)
{
    switch (err) {
    case R_EINVAL: asa_error(resp, 400, "invalid_request", what, NULL); break;
    case R_ENOTFOUND: asa_error(resp, 404, "resource_does_not_exist", what, NULL); break;
    case R_EEXIST: asa_error(resp, 409, "resource_already_exists", what, NULL); break;
    case R_EFORBIDDEN: asa_error(resp, 403, "forbidden_error", what, NULL); break;
    case R_EAUTH:
        asa_error(resp, 401, "authentication_error", "missing or invalid credentials", NULL);
        break;
    case R_ETOOBIG:
        asa_error(resp, 413, "invalid_request", "request body too large", NULL);
        break;
    case R_ELIMIT: asa_error(resp, 429, "too_many_requests", "rate limit exceeded", NULL); break;
    case R_EBUSY: asa_error(resp, 503, "service_offline", "store busy, retry", NULL); break;
    default: asa_error(resp, 500, "unknown_error", "internal error", NULL); break;
    }
}

void asa_render_input_error(struct http_request *req, struct http_response *resp,
                            enum http_input_err kind, const char *message)
{
    (void)req;
    switch (kind) {
    case HTTP_IN_NOT_FOUND:
        asa_error(resp, 404, "resource_does_not_exist", message ? message : "no such resource",
                  NULL);
        break;
    case HTTP_IN_METHOD:
        asa_error(resp, 405, "invalid_request", message ? message : "method not allowed", NULL);
        break;
    case HTTP_IN_MEDIA_TYPE:
        asa_error(resp, 415, "unsupported_content_type",
                  message ? message : "request body must be JSON", NULL);
        break;
    case HTTP_IN_TOO_BIG:
        asa_error(resp, 413, "invalid_request", message ? message : "request body too large",
                  NULL);
        break;
    case HTTP_IN_INTERNAL:
        asa_error(resp, 500, "unknown_error", message ? message : "internal error", NULL);
        break;
    default:
        asa_error(resp, 400, "invalid_request", message ? message : "malformed request", NULL);
        break;
    }
}
