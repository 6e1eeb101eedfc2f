/* libFuzzer target: the QMP client reading what a QEMU might send (greeting, replies, events, in
 * any split), over a socket pair whose other end holds the input and is then shut. */
#include "proto/qmp_client.h"
#include "util/error.h"

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fds[2];
    if (size > 60000 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds))
        return 0;
    if (write(fds[1], data, size) != (ssize_t)size) {
        close(fds[0]);
        close(fds[1]);
        return 0;
    }
    shutdown(fds[1], SHUT_WR);
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    struct ent_qmp q;
    struct ent_error err;
    json_t *ret = NULL;
    if (ent_qmp_start(&q, fds[0], "fuzz", 0.05, &err) == 0) {
        if (ent_qmp_call(&q, "query-status", NULL, &ret, &err) == 0)
            json_decref(ret);
        ent_qmp_close(&q);
    }
    close(fds[1]);
    return 0;
}
