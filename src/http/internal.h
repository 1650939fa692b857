/* http's internal header: the request pipeline entry points that src/net (libmicrohttpd
 * glue) drives; not for dialects. The pipeline is kept free of MHD so it can be tested
 * without sockets. */
#ifndef ROSTER_HTTP_INTERNAL_H
#define ROSTER_HTTP_INTERNAL_H

#include "http/http.h"

/* Splits the raw request target ("/p/a?q" or absolute-form) into req->path, req->segs and
 * req->params and picks the dialect (longest prefix; first dialect when none matches; NULL
 * only when ndialects == 0). Returns 0 or the http_input_err to report once the body is in. */
int http__prepare(struct http_request *req, struct slice target,
                  const struct http_dialect *const *dialects, size_t ndialects,
                  const struct http_dialect **dialect);

/* Runs route → body checks → handler → finish, leaving the response in resp (initialised by
 * http__resp_init). input_err from http__prepare is reported first when non-zero. */
void http__dispatch(const struct http_dialect *d, struct http_request *req,
                    struct http_response *resp, int input_err, const char *content_type,
                    size_t json_max_depth);

/* Resets resp and renders an input error through the dialect, then calls its finish hook. */
void http__respond_error(const struct http_dialect *d, struct http_request *req,
                         struct http_response *resp, enum http_input_err kind, const char *message);

/* Default status for an input error kind (what a renderer normally chooses). */
int http__input_err_status(enum http_input_err kind);

#define HTTP__RESP_MAX (64u << 20) /* response body bytes before the handler's buf fails */

void http__resp_init(struct http_response *resp);

/* Maps a method token to the enum. */
enum http_method http__method_from_str(const char *m);

#endif
