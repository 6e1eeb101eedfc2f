/* Where and how the HTTP API listens (see listen.h). */
#include "api/listen.h"

#include "util/alloc.h"
#include "util/file_read.h"
#include "util/private_dir.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PEM (1 << 20) /* bytes: a certificate chain or a key is a few KiB */

/* listen as a socket address: "HOST:PORT", "[V6]:PORT" or "PORT" (127.0.0.1). */
int ent_api_parse_listen(const char *listen, struct sockaddr_storage *ss, struct ent_error *err)
{
    char host[64] = "127.0.0.1";
    const char *port = listen, *colon = strrchr(listen, ':');
    memset(ss, 0, sizeof *ss);
    if (colon) {
        const char *h = listen;
        size_t n = (size_t)(colon - listen);
        if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
            h++;
            n -= 2;
        }
        if (n == 0 || n >= sizeof host)
            return ent_error(err, ENT_EINVALID, "api.listen \"%s\": no host before the port",
                             listen);
        memcpy(host, h, n);
        host[n] = '\0';
        port = colon + 1;
    }
    char *end = NULL;
    long p = strtol(port, &end, 10);
    if (end == port || *end != '\0' || p < 0 || p > 65535)
        return ent_error(err, ENT_EINVALID, "api.listen \"%s\": not a port (0 to 65535)", listen);
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)p);
    } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)p);
    } else {
        return ent_error(err, ENT_EINVALID,
                         "api.listen \"%s\": \"%s\" is not an IPv4 or IPv6 address", listen, host);
    }
    return 0;
}

static int has(const char *s)
{
    return s && *s;
}

int ent_api_tls_load(struct ent_api_tls *tls, const char *cert_file, const char *key_file,
                     struct ent_error *err)
{
    *tls = (struct ent_api_tls){0};
    if (!has(cert_file) && !has(key_file))
        return 0;
    if (!has(cert_file) || !has(key_file))
        return ent_error(err, ENT_EINVALID, "api.%s is set without api.%s: TLS needs both",
                         has(cert_file) ? "tls_cert" : "tls_key",
                         has(cert_file) ? "tls_key" : "tls_cert");
    if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
        return ent_error(err, ENT_EUNSUPPORTED,
                         "api.tls_cert: this libmicrohttpd was built without TLS");
    size_t len;
    if (ent_read_file_whole(cert_file, MAX_PEM, &tls->cert, &len) != 0)
        return ent_error(err, ENT_EIO, "api.tls_cert: %s: %s", cert_file,
                         errno == EINVAL ? "not a regular file of at most 1 MiB" : strerror(errno));
    int rc = ent_secret_read_whole(key_file, MAX_PEM, &tls->key, &tls->key_len, err);
    if (rc) {
        ent_api_tls_release(tls);
        return ent_error_prefix(err, "api.tls_key: ");
    }
    return 0;
}

void ent_api_tls_release(struct ent_api_tls *tls)
{
    if (!tls)
        return;
    ent_free(tls->cert);
    if (tls->key)
        explicit_bzero(tls->key, tls->key_len);
    ent_free(tls->key);
    *tls = (struct ent_api_tls){0};
}
