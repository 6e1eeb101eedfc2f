/* One request to xend's HTTP server (Xen 3.x, port 8000): GET, or POST of a form (an "op=..."
 * request on /xend/domain/NAME), the answer parsed as SXP. xend's own error, (xend.err 'message'),
 * is an error naming the URL. */
#ifndef ENT_PROTO_XEND_HTTP_H
#define ENT_PROTO_XEND_HTTP_H

#include "util/error.h"

#include <stddef.h>

struct ent_error;
struct ent_sxp;

/* form: NULL for GET, else the urlencoded POST body. An empty answer is an empty list for a POST
 * (xend answers some ops with nothing) and an error for a GET. timeout in seconds. */
ENT_MUST_USE int ent_xend_call(const char *url, const char *path, const char *form, double timeout,
                               struct ent_sxp *out, struct ent_error *err);

/* The domains of an answer to GET /xend/domain?detail=1: a list of (domain ...), or a single
 * one. *out is a new array of pointers into answer (free with ent_free). */
void ent_xend_domains(const struct ent_sxp *answer, const struct ent_sxp ***out, size_t *n);

/* xend 3.x renames a domain migrating-NAME while it migrates, and leaves it so after a migration
 * it gave up on: NAME when name is such a transient name, else NULL. */
const char *ent_xend_in_flight(const char *name);

/* The host of url as a peer names it: no user or password, no port, an IPv6 address without
 * its brackets; NULL when url does not parse (libcurl's URL API). Free with ent_free. */
char *ent_url_host(const char *url) __attribute__((warn_unused_result));

/* url as messages and logs may show it: its password left out (libcurl's URL API); a new string
 * (free with ent_free). */
char *ent_url_without_password(const char *url) __attribute__((warn_unused_result));

#endif
