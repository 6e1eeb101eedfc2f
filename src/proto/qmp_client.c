/* The QMP client. Messages are JSON objects, one per line. */
#include "proto/qmp_client.h"

#include "proto/deadline_io.h"

#include "util/alloc.h"
#include "util/clock.h"
#include "util/error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The error for an I/O result rc of the deadline helpers. */
static int io_error(struct ent_qmp *q, int rc, const char *call, struct ent_error *err)
{
    if (rc == ENT_ETIMEOUT || errno == ETIMEDOUT)
        return ent_error(err, ENT_ETIMEOUT, "QMP %s: no answer within %.1f s", q->path, q->timeout);
    return ent_error(err, ENT_EIO, "QMP %s: %s: %s", q->path, call, strerror(errno));
}

/* The next message, whole. */
static int read_message(struct ent_qmp *q, json_t **msg, double deadline, struct ent_error *err)
{
    for (;;) {
        char *nl = q->len ? memchr(q->buf, '\n', q->len) : NULL;
        if (nl) {
            size_t line = (size_t)(nl - q->buf) + 1;
            json_error_t jerr;
            *msg = json_loadb(q->buf, line, 0, &jerr);
            memmove(q->buf, q->buf + line, q->len - line);
            q->len -= line;
            if (!*msg || !json_is_object(*msg)) {
                json_decref(*msg);
                *msg = NULL;
                return ent_error(err, ENT_EPARSE, "QMP %s: not a JSON object: %s", q->path,
                                 jerr.text);
            }
            return 0;
        }
        if (q->len + 4096 > q->cap) {
            if (q->cap >= (size_t)16 << 20)
                return ent_error(err, ENT_EPARSE, "QMP %s: a message over 16 MiB", q->path);
            q->cap = q->cap ? q->cap * 2 : 8192;
            q->buf = ent_reallocarray(q->buf, q->cap, 1);
        }
        ssize_t n = ent_io_read(q->fd, q->buf + q->len, q->cap - q->len, deadline);
        if (n < 0)
            return io_error(q, ENT_EIO, "recv", err);
        if (n == 0)
            return ent_error(err, ENT_EIO, "QMP %s: QEMU closed the connection", q->path);
        q->len += (size_t)n;
    }
}

int ent_qmp_call(struct ent_qmp *q, const char *command, json_t *args, json_t **ret,
                 struct ent_error *err)
{
    if (ret)
        *ret = NULL;
    json_t *req = json_pack("{s:s}", "execute", command);
    if (args)
        json_object_set_new(req, "arguments", args);
    char *text = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    double deadline = ent_now() + q->timeout;
    size_t len = strlen(text);
    text[len] = '\n'; /* replaces the terminator; only len + 1 bytes are sent */
    int rc = ent_io_send_all(q->fd, text, len + 1, deadline);
    free(text);
    if (rc)
        rc = io_error(q, rc, "send", err);
    while (!rc) {
        json_t *msg;
        rc = read_message(q, &msg, deadline, err);
        if (rc)
            break;
        json_t *value = json_object_get(msg, "return");
        json_t *error = json_object_get(msg, "error");
        if (value) {
            if (ret)
                *ret = json_incref(value);
            json_decref(msg);
            return 0;
        }
        if (error) {
            rc = ent_error(err, ENT_EDRIVER, "QMP %s: %s: %s", q->path, command,
                           json_string_value(json_object_get(error, "desc"))
                               ? json_string_value(json_object_get(error, "desc"))
                               : "error without description");
        }
        json_decref(msg); /* an event */
    }
    return rc;
}

/* The greeting, then the capabilities negotiation; closes q on failure. */
static int handshake(struct ent_qmp *q, struct ent_error *err)
{
    json_t *greeting = NULL;
    int rc = read_message(q, &greeting, ent_now() + q->timeout, err);
    if (!rc && !json_object_get(greeting, "QMP"))
        rc = ent_error(err, ENT_EPARSE, "QMP %s: no greeting", q->path);
    json_decref(greeting);
    if (!rc)
        rc = ent_qmp_call(q, "qmp_capabilities", NULL, NULL, err);
    if (rc)
        ent_qmp_close(q);
    return rc;
}

int ent_qmp_connect(struct ent_qmp *q, const char *path, double timeout, struct ent_error *err)
{
    memset(q, 0, sizeof *q);
    q->timeout = timeout;
    snprintf(q->path, sizeof q->path, "%s", path);
    q->fd = ent_io_connect_unix(path);
    if (q->fd < 0 && errno == ENAMETOOLONG)
        return ent_error(err, ENT_EINVALID, "QMP socket path too long: %s", path);
    if (q->fd < 0)
        return ent_error(err, ENT_EIO, "QMP %s: connect: %s", path, strerror(errno));
    return handshake(q, err);
}

int ent_qmp_start(struct ent_qmp *q, int fd, const char *what, double timeout,
                  struct ent_error *err)
{
    memset(q, 0, sizeof *q);
    q->fd = fd;
    q->timeout = timeout;
    snprintf(q->path, sizeof q->path, "%s", what);
    return handshake(q, err);
}

void ent_qmp_close(struct ent_qmp *q)
{
    if (!q)
        return;
    if (q->fd >= 0)
        close(q->fd);
    q->fd = -1;
    ent_free(q->buf);
    q->buf = NULL;
    q->len = q->cap = 0;
}

int ent_qmp_status(const char *path, double timeout, char *status, size_t len,
                   struct ent_error *err)
{
    struct ent_qmp q;
    json_t *ret = NULL;
    int rc = ent_qmp_connect(&q, path, timeout, err);
    if (rc)
        return rc; /* closed already */
    rc = ent_qmp_call(&q, "query-status", NULL, &ret, err);
    if (!rc) {
        const char *s = json_string_value(json_object_get(ret, "status"));
        snprintf(status, len, "%s", s ? s : "unknown");
        json_decref(ret);
    }
    ent_qmp_close(&q); /* also when QEMU greeted, then stopped answering */
    return rc;
}
