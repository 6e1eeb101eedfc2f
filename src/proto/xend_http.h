/* One request to xend's HTTP server (Xen 3.x, port 8000): GET, or POST of a form (an "op=..."
 * request on /xend/domain/NAME), the answer parsed as SXP. xend's own error, (xend.err 'message'),
 * is an error naming the URL. */
#ifndef ENT_PROTO_XEND_HTTP_H
#define ENT_PROTO_XEND_HTTP_H

#include "util/error.h"

struct ent_error;
struct ent_sxp;

/* form: NULL for GET, else the urlencoded POST body. An empty answer is an empty list for a POST
 * (xend answers some ops with nothing) and an error for a GET. timeout in seconds. */
ENT_MUST_USE int ent_xend_call(const char *url, const char *path, const char *form, double timeout,
                               struct ent_sxp *out, struct ent_error *err);

/* url as messages and logs may show it: its password left out (libcurl's URL API); a new string
 * (free with ent_free). */
char *ent_url_without_password(const char *url) __attribute__((warn_unused_result));

#endif
