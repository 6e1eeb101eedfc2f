/* The Wake-on-LAN power driver: wol://MAC[@BROADCAST[:PORT]] sends the magic packet (six 0xff
 * bytes, then the MAC sixteen times) over UDP to the broadcast address (255.255.255.255 and port
 * 9 by default). It can only boot: power off and status go through the node's second URI. */
#include "drivers/power.h"
#include "drivers/power_uri.h"
#include "util/alloc.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAGIC_LEN 102
#define SENDS     3 /* UDP may drop one */

struct wol_target {
    unsigned char mac[6];
    char host[ENT_NAME_MAX + 1];
    int port;
};

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* "aa:bb:cc:dd:ee:ff" (or with '-'), exactly. */
static int parse_mac(const char *text, size_t len, unsigned char mac[6])
{
    if (len != 17)
        return -1;
    for (size_t i = 0; i < 6; i++) {
        int hi = hex_digit(text[3 * i]), lo = hex_digit(text[3 * i + 1]);
        if (hi < 0 || lo < 0 || (i < 5 && text[3 * i + 2] != ':' && text[3 * i + 2] != '-'))
            return -1;
        mac[i] = (unsigned char)(hi * 16 + lo);
    }
    return 0;
}

static int wol_parse(const char *rest, void **target, struct ent_error *err)
{
    struct wol_target t = {.host = "255.255.255.255", .port = 9};
    const char *at = strchr(rest, '@');
    if (parse_mac(rest, at ? (size_t)(at - rest) : strlen(rest), t.mac))
        return ent_error(err, ENT_EINVALID,
                         "expected wol://MAC[@BROADCAST[:PORT]], the MAC as "
                         "six hexadecimal pairs (aa:bb:cc:dd:ee:ff)");
    if (at) {
        int rc = ent_power_host_port(at + 1, t.host, &t.port, 9, err);
        if (rc)
            return rc;
    }
    struct wol_target *copy = ent_malloc(sizeof *copy);
    *copy = t;
    *target = copy;
    return 0;
}

static void wol_release(void *target)
{
    ent_free(target);
}

static int wol_on(void *target, const char *node, const struct ent_power_settings *s,
                  enum ent_power_state *state, struct ent_error *err)
{
    (void)node;
    (void)s;
    (void)state;
    const struct wol_target *t = target;
    unsigned char packet[MAGIC_LEN];
    memset(packet, 0xff, 6);
    for (size_t i = 0; i < 16; i++)
        memcpy(packet + 6 + 6 * i, t->mac, 6);
    char port[8];
    snprintf(port, sizeof port, "%d", t->port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_DGRAM,
                             .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV},
                    *ai;
    int gai = getaddrinfo(t->host, port, &hints, &ai);
    if (gai)
        return ent_error(err, ENT_EINVALID, "Wake-on-LAN to %s: %s (a numeric address is needed)",
                         t->host, gai_strerror(gai));
    int rc = 0, fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0), on = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof on) != 0)
        rc = ent_error(err, ENT_EIO, "Wake-on-LAN: socket: %s", strerror(errno));
    for (int i = 0; i < SENDS && !rc; i++)
        if (sendto(fd, packet, sizeof packet, 0, ai->ai_addr, ai->ai_addrlen) != MAGIC_LEN)
            rc = ent_error(err, ENT_EIO, "Wake-on-LAN to %s:%d: %s", t->host, t->port,
                           strerror(errno));
    if (fd >= 0)
        close(fd);
    freeaddrinfo(ai);
    return rc;
}

const struct ent_power_ops ent_power_wol_ops = {
    .name = "wol",
    .scheme = "wol://",
    .form = "wol://MAC[@BROADCAST[:PORT]]",
    .parse = wol_parse,
    .release = wol_release,
    .act = {[ENT_POWER_DO_ON] = wol_on},
};
