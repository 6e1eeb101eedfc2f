/* The QMP client. Messages are JSON objects, one per line. */
#include "drivers/qmp_client.h"

#include "util/alloc.h"
#include "util/clock.h"
#include "util/error.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int wait_fd(struct ent_qmp *q, short events, double deadline, struct ent_error *err)
{
    for (;;) {
        double left = deadline - ent_now();
        if (left <= 0)
            return ent_error(err, ENT_ETIMEOUT, "QMP %s: no answer within %.1f s", q->path,
                             q->timeout);
        struct pollfd p = {.fd = q->fd, .events = events};
        int rc = poll(&p, 1, (int)(left * 1000) + 1);
        if (rc > 0)
            return 0;
        if (rc < 0 && errno != EINTR)
            return ent_error(err, ENT_EIO, "QMP %s: poll: %s", q->path, strerror(errno));
    }
}

static int send_all(struct ent_qmp *q, const char *data, size_t len, double deadline,
                    struct ent_error *err)
{
    while (len) {
        int rc = wait_fd(q, POLLOUT, deadline, err);
        if (rc)
            return rc;
        ssize_t n = send(q->fd, data, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return ent_error(err, ENT_EIO, "QMP %s: send: %s", q->path, strerror(errno));
        data += n;
        len -= (size_t)n;
    }
    return 0;
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
        int rc = wait_fd(q, POLLIN, deadline, err);
        if (rc)
            return rc;
        ssize_t n = recv(q->fd, q->buf + q->len, q->cap - q->len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return ent_error(err, ENT_EIO, "QMP %s: recv: %s", q->path, strerror(errno));
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
    int rc = send_all(q, text, len + 1, deadline, err);
    free(text);
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
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path)
        return ent_error(err, ENT_EINVALID, "QMP socket path too long: %s", path);
    strcpy(addr.sun_path, path);
    q->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (q->fd < 0)
        return ent_error(err, ENT_EIO, "QMP %s: socket: %s", path, strerror(errno));
    if (connect(q->fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        int e = errno;
        ent_qmp_close(q);
        return ent_error(err, ENT_EIO, "QMP %s: connect: %s", path, strerror(e));
    }
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
    if (!rc)
        rc = ent_qmp_call(&q, "query-status", NULL, &ret, err);
    if (!rc) {
        const char *s = json_string_value(json_object_get(ret, "status"));
        snprintf(status, len, "%s", s ? s : "unknown");
        json_decref(ret);
        ent_qmp_close(&q);
    }
    return rc;
}
