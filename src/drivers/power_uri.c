/* HOST[:PORT] in power URIs. */
#include "drivers/power_uri.h"

#include "util/number.h"

#include <string.h>

int ent_power_host_port(const char *text, char host[ENT_NAME_MAX + 1], int *port, int default_port,
                        struct ent_error *err)
{
    const char *host_start = text, *host_end, *rest;
    if (*text == '[') { /* [IPv6]:PORT */
        host_start = text + 1;
        host_end = strchr(host_start, ']');
        if (!host_end)
            return ent_error(err, ENT_EINVALID, "an IPv6 address without its closing ']'");
        rest = host_end + 1;
    } else {
        host_end = strchr(text, ':');
        if (!host_end)
            host_end = text + strlen(text);
        rest = host_end;
    }
    size_t len = (size_t)(host_end - host_start);
    if (len == 0 || len > ENT_NAME_MAX)
        return ent_error(err, ENT_EINVALID, "expected a host name of 1 to %d characters",
                         ENT_NAME_MAX);
    memcpy(host, host_start, len);
    host[len] = '\0';
    if (!ent_name_ok(host))
        return ent_error(err, ENT_EINVALID, "the host is not a plain name or address");
    *port = default_port;
    if (!*rest)
        return 0;
    double p;
    if (*rest != ':' || !ent_number_in(rest + 1, 1, 65535, &p) || p != (double)(int)p)
        return ent_error(err, ENT_EINVALID, "expected :PORT (1 to 65535) after the host");
    *port = (int)p;
    return 0;
}
