/* Connect, send and read with a deadline, on non-blocking sockets and poll(2). */
#include "proto/deadline_io.h"

#include "util/clock.h"
#include "util/error.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int ent_io_wait(int fd, short events, double deadline)
{
    for (;;) {
        double left = deadline - ent_now();
        if (left <= 0) {
            errno = ETIMEDOUT;
            return ENT_ETIMEOUT;
        }
        struct pollfd p = {.fd = fd, .events = events};
        int rc = poll(&p, 1, (int)(left * 1000) + 1);
        if (rc > 0)
            return 0;
        if (rc < 0 && errno != EINTR)
            return ENT_EIO;
    }
}

/* Finishes a non-blocking connect: 0, or -1 with errno. */
static int connect_within(int fd, const struct sockaddr *addr, socklen_t len, double deadline)
{
    if (connect(fd, addr, len) == 0)
        return 0;
    if (errno != EINPROGRESS)
        return -1;
    if (ent_io_wait(fd, POLLOUT, deadline))
        return -1;
    int soerr = 0;
    socklen_t size = sizeof soerr;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &size) == 0 && soerr == 0)
        return 0;
    errno = soerr ? soerr : EIO;
    return -1;
}

int ent_io_connect_tcp(const char *host, int port, double deadline, int *gai_error)
{
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
    *gai_error = getaddrinfo(host, service, &hints, &res);
    if (*gai_error)
        return -1;
    int fd = -1;
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd >= 0 && connect_within(fd, a->ai_addr, a->ai_addrlen, deadline) < 0) {
            int e = errno;
            close(fd);
            fd = -1;
            errno = e;
        }
    }
    freeaddrinfo(res);
    return fd;
}

int ent_io_connect_unix(const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(addr.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

int ent_io_send_all(int fd, const void *data, size_t len, double deadline)
{
    const char *p = data;
    while (len) {
        int rc = ent_io_wait(fd, POLLOUT, deadline);
        if (rc)
            return rc;
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n < 0)
            return ENT_EIO;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

ssize_t ent_io_read(int fd, void *buf, size_t size, double deadline)
{
    for (;;) {
        if (ent_io_wait(fd, POLLIN, deadline))
            return -1;
        ssize_t n = read(fd, buf, size);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        return n;
    }
}
