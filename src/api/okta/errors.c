/* Okta error objects, and the one place core errors become Okta statuses and codes. */
#include <time.h>

#include "api/okta/okta.h"
#include "util/err.h"

void okta_error(struct http_request *req, struct http_response *resp, int status, const char *code,
                const char *summary, const char *cause)
{
    struct jw w;
    api_json_begin(resp, status, &w);
    jw_obj_begin(&w);
    jw_kstr(&w, "errorCode", code);
    jw_kstr(&w, "errorSummary", summary);
    jw_kstr(&w, "errorLink", code);
    jw_kstr(&w, "errorId", req && req->request_id ? req->request_id : "oae");
    jw_key(&w, "errorCauses");
    jw_arr_begin(&w);
    if (cause) {
        jw_obj_begin(&w);
        jw_kstr(&w, "errorSummary", cause);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_obj_end(&w);
    api_json_end(resp, &w);
}

void okta_validation(struct http_request *req, struct http_response *resp, const char *field,
                     const char *message)
{
    const char *summary = arena_printf(req->arena, "Api validation failed: %s", field);
    const char *cause = arena_printf(req->arena, "%s: %s", field, message);
    okta_error(req, resp, 400, "E0000001", summary ? summary : "Api validation failed", cause);
}

void okta_core_error(struct http_request *req, struct http_response *resp, int err,
                     const char *kind, const char *id)
{
    switch (err) {
    case R_ENOTFOUND: {
        const char *s = arena_printf(req->arena, "Not found: Resource not found: %s (%s)",
                                     id ? id : "", kind ? kind : "Resource");
        okta_error(req, resp, 404, "E0000007", s ? s : "Not found", NULL);
        break;
    }
    case R_EFORBIDDEN:
        okta_error(req, resp, 403, "E0000006",
                   "You do not have permission to perform the requested action", NULL);
        break;
    case R_EAUTH: okta_error(req, resp, 401, "E0000011", "Invalid token provided", NULL); break;
    case R_EINVAL: okta_error(req, resp, 400, "E0000002", "The request was not valid", NULL); break;
    case R_EEXIST:
    case R_ERESERVED: /* the built-in group is "Everyone": to Okta clients the name is taken */
        okta_validation(req, resp, "name",
                        "An object with this field already exists in the current organization");
        break;
    case R_ELIMIT:
        okta_error(req, resp, 429, "E0000047",
                   "API call exceeded rate limit due to too many requests.", NULL);
        break;
    case R_ETOOBIG:
        okta_error(req, resp, 413, "E0000003", "The request body was not well-formed.", NULL);
        break;
    case R_EBUSY:
        /* the store is busy or out of reach (it reconnects by itself): try again shortly */
        okta_error(req, resp, 503, "E0000009", "Internal Server Error", NULL);
        http_resp_header(resp, "Retry-After", "1");
        break;
    default: okta_error(req, resp, 500, "E0000009", "Internal Server Error", NULL); break;
    }
}

void okta_render_input_error(struct http_request *req, struct http_response *resp,
                             enum http_input_err kind, const char *message)
{
    (void)message;
    switch (kind) {
    case HTTP_IN_NOT_FOUND:
        okta_error(req, resp, 404, "E0000008", "The requested path was not found", NULL);
        break;
    case HTTP_IN_METHOD:
        okta_error(req, resp, 405, "E0000022",
                   "The endpoint does not support the provided HTTP method", NULL);
        break;
    case HTTP_IN_MEDIA_TYPE:
        okta_error(req, resp, 400, "E0000021",
                   "Bad request.  Accept and/or Content-Type headers likely do not match "
                   "supported values.",
                   NULL);
        break;
    case HTTP_IN_BAD_JSON:
        okta_error(req, resp, 400, "E0000003", "The request body was not well-formed.", NULL);
        break;
    case HTTP_IN_TOO_BIG: okta_core_error(req, resp, R_ETOOBIG, NULL, NULL); break;
    case HTTP_IN_HEADERS_TOO_BIG:
        okta_error(req, resp, 431, "E0000002", "The request was not valid: headers too large",
                   NULL);
        break;
    case HTTP_IN_CODING:
        okta_error(req, resp, 501, "E0000002",
                   "The request was not valid: transfer coding not implemented", NULL);
        break;
    case HTTP_IN_TARGET_TOO_LONG:
        okta_error(req, resp, 414, "E0000002", "The request was not valid: request target too long",
                   NULL);
        break;
    case HTTP_IN_INTERNAL: okta_core_error(req, resp, R_EINTERNAL, NULL, NULL); break;
    default:
        okta_error(req, resp, 400, "E0000002", "The request was not valid: malformed request",
                   NULL);
        break;
    }
}

void okta_finish(struct http_request *req, struct http_response *resp)
{
    if (req->request_id)
        http_resp_header(resp, "X-Okta-Request-Id", req->request_id);
}
