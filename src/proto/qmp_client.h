/* A QMP client (QEMU Machine Protocol, docs/interop/qmp-spec): one UNIX socket, the greeting, the
 * capabilities negotiation, then commands answered by "return" or "error". Asynchronous events
 * that arrive between are skipped. Every read and write is bounded by the client's timeout. */
#ifndef ENT_PROTO_QMP_CLIENT_H
#define ENT_PROTO_QMP_CLIENT_H

#include "util/error.h"

#include <jansson.h>
#include <stddef.h>

struct ent_error;

struct ent_qmp {
    int fd;
    double timeout; /* seconds for each exchange */
    char *buf;      /* bytes read past the last message */
    size_t len, cap;
    char path[256];
};

/* Connects to the monitor at path and leaves it in command mode. */
ENT_MUST_USE int ent_qmp_connect(struct ent_qmp *q, const char *path, double timeout,
                                 struct ent_error *err);
/* The same on a stream already open (fd, non-blocking; what names it in messages): the greeting
 * and the capabilities negotiation. On failure fd is closed. */
ENT_MUST_USE int ent_qmp_start(struct ent_qmp *q, int fd, const char *what, double timeout,
                               struct ent_error *err);
/* Runs command with args (a JSON object, stolen; NULL for none). On success *ret (may be NULL) is
 * a new reference to the "return" value; a QMP error becomes ENT_EDRIVER with its description. */
ENT_MUST_USE int ent_qmp_call(struct ent_qmp *q, const char *command, json_t *args, json_t **ret,
                              struct ent_error *err);
void ent_qmp_close(struct ent_qmp *q);

/* The run state of the QEMU behind path ("running", "inmigrate", "postmigrate", ...) into
 * status; connects, asks and disconnects. */
ENT_MUST_USE int ent_qmp_status(const char *path, double timeout, char *status, size_t len,
                                struct ent_error *err);

#endif
