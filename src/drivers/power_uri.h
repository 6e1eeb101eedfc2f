/* The pieces power URIs share: HOST[:PORT] (IPv6 in brackets), checked. */
#ifndef ENT_DRIVERS_POWER_URI_H
#define ENT_DRIVERS_POWER_URI_H

#include "util/error.h"
#include "util/names.h"

/* Splits text into host (a plain name, at most ENT_NAME_MAX bytes) and *port (1..65535;
 * default_port when absent). */
ENT_MUST_USE int ent_power_host_port(const char *text, char host[ENT_NAME_MAX + 1], int *port,
                                     int default_port, struct ent_error *err);

#endif
