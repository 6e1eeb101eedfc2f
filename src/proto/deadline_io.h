/* Socket I/O that gives up at a deadline (seconds on ent_now()'s clock): the one place where the
 * clients of the outside world (QMP, gmond/gmetad, the daemon's status socket) connect, send and
 * read, so that a peer that stops answering costs a clear error, never a hung caller. The calls
 * say what happened through their result and errno; the callers word the message. */
#ifndef ENT_PROTO_DEADLINE_IO_H
#define ENT_PROTO_DEADLINE_IO_H

#include <stddef.h>
#include <sys/types.h>

/* 0 when fd is ready for events (POLLIN, POLLOUT); ENT_ETIMEOUT at the deadline; ENT_EIO with
 * errno on a poll error. Interrupted waits resume. */
int ent_io_wait(int fd, short events, double deadline) __attribute__((warn_unused_result));

/* A connected non-blocking TCP socket to host:port, trying every address, or -1: then *gai_error
 * holds a getaddrinfo error (0 when the name resolved) and errno why the last address failed
 * (ETIMEDOUT at the deadline). */
int ent_io_connect_tcp(const char *host, int port, double deadline, int *gai_error)
    __attribute__((warn_unused_result));

/* A connected non-blocking UNIX stream socket to path, or -1 with errno (ENAMETOOLONG for a path
 * longer than a socket address holds). */
int ent_io_connect_unix(const char *path) __attribute__((warn_unused_result));

/* Sends all len bytes (never SIGPIPE): 0, ENT_ETIMEOUT, or ENT_EIO with errno. */
int ent_io_send_all(int fd, const void *data, size_t len, double deadline)
    __attribute__((warn_unused_result));

/* Reads what is there, up to size bytes, waiting until the deadline: the bytes read (0 at the end
 * of the stream), or -1 with errno (ETIMEDOUT at the deadline). */
ssize_t ent_io_read(int fd, void *buf, size_t size, double deadline)
    __attribute__((warn_unused_result));

#endif
