/* Roster's OpenAPI document (the api/ folder, bundled at build time) and the route serving it. */
#ifndef ROSTER_API_OPENAPI_H
#define ROSTER_API_OPENAPI_H

#include <stddef.h>

#include "http/http.h"

/* The bundled document as JSON text (NUL-terminated; len excludes the NUL). Generated into
 * $(BUILD)/gen/openapi.c by tools/openapi-bundle. */
extern const unsigned char api_openapi_doc[];
extern const size_t api_openapi_doc_len;

/* Routes outside the dialects (GET /openapi.json); they need no credentials. */
extern const struct http_route api_meta_routes[];
extern const size_t api_meta_nroutes;

#endif
