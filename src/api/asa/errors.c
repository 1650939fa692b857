/* ASA error bodies, and the one place core errors become ASA statuses. */
#include "api/asa/asa.h"
#include "util/err.h"

void asa_error(struct http_response *resp, int status, const char *type, const char *message,
               const char *path)
{
    struct jw w;
    if (!message)
        message = "request failed";
    api_json_begin(resp, status, &w);
    jw_obj_begin(&w);
    jw_kstr(&w, "type", type);
    jw_kstr(&w, "message", message);
    jw_kint(&w, "code", status);
    jw_key(&w, "errors");
    jw_arr_begin(&w);
    if (path) {
        jw_obj_begin(&w);
        jw_kstr(&w, "path", path);
        jw_kstr(&w, "message", message);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_obj_end(&w);
    api_json_end(resp, &w);
}

void asa_core_error(struct http_response *resp, int err, const char *what)
{
    switch (err) {
    case R_EINVAL:
    case R_ERESERVED: asa_error(resp, 400, "invalid_request", what, NULL); break;
    case R_ENOTFOUND: asa_error(resp, 404, "resource_does_not_exist", what, NULL); break;
    case R_EEXIST: asa_error(resp, 409, "resource_already_exists", what, NULL); break;
    case R_EFORBIDDEN: asa_error(resp, 403, "forbidden_error", what, NULL); break;
    case R_EAUTH:
        asa_error(resp, 401, "authentication_error", "missing or invalid credentials", NULL);
        break;
    case R_ETOOBIG: asa_error(resp, 413, "invalid_request", "request body too large", NULL); break;
    case R_ELIMIT: asa_error(resp, 429, "too_many_requests", "rate limit exceeded", NULL); break;
    case R_EBUSY:
        /* the store is busy or out of reach (it reconnects by itself): try again shortly */
        asa_error(resp, 503, "service_offline", "store busy, retry", NULL);
        http_resp_header(resp, "Retry-After", "1");
        break;
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
        asa_error(resp, 413, "invalid_request", message ? message : "request body too large", NULL);
        break;
    case HTTP_IN_HEADERS_TOO_BIG:
        asa_error(resp, 431, "invalid_request", message ? message : "request headers too large",
                  NULL);
        break;
    case HTTP_IN_CODING:
        asa_error(resp, 501, "invalid_request",
                  message ? message : "transfer coding not implemented", NULL);
        break;
    case HTTP_IN_TARGET_TOO_LONG:
        asa_error(resp, 414, "invalid_request", message ? message : "request target too long",
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
