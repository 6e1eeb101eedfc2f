/* Where and how the HTTP API listens: api.listen as a socket address, and TLS from api.tls_cert
 * and api.tls_key when a certificate is configured. */
#ifndef ENT_API_LISTEN_H
#define ENT_API_LISTEN_H

#include "util/error.h"

#include <stddef.h>
#include <sys/socket.h>

/* listen ("HOST:PORT", "[V6]:PORT" or "PORT", which is 127.0.0.1:PORT) as a socket address;
 * ENT_EINVALID naming it otherwise. */
ENT_MUST_USE int ent_api_parse_listen(const char *listen, struct sockaddr_storage *ss,
                                      struct ent_error *err);

/* A certificate (chain) and its private key in PEM, as libmicrohttpd takes them. */
struct ent_api_tls {
    char *cert; /* NULL: plain HTTP */
    char *key;  /* wiped when released */
    size_t key_len;
};

/* Reads cert_file (readable, at most 1 MiB) and key_file (a secret: the daemon user's, mode 0600
 * or tighter). Both empty: no TLS (0, tls->cert NULL). One without the other, a missing or
 * refused file, or a libmicrohttpd built without TLS: an error naming the key and the file. */
ENT_MUST_USE int ent_api_tls_load(struct ent_api_tls *tls, const char *cert_file,
                                  const char *key_file, struct ent_error *err);
void ent_api_tls_release(struct ent_api_tls *tls);

#endif
