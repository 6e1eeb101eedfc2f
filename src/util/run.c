/* Commands with a time limit. */
#include "util/run.h"

#include "util/clock.h"
#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void keep(char *out, size_t len, size_t *used, const char *data, size_t n)
{
    if (!len)
        return;
    if (n >= len - 1) {
        data += n - (len - 1);
        n = len - 1;
    }
    if (*used + n > len - 1) {
        size_t drop = *used + n - (len - 1);
        memmove(out, out + drop, *used - drop);
        *used -= drop;
    }
    memcpy(out + *used, data, n);
    *used += n;
    out[*used] = '\0';
}

int ent_run(char *const argv[], double timeout, char *out, size_t len, int *status,
            struct ent_error *err)
{
    int fds[2];
    if (len)
        out[0] = '\0';
    *status = -1;
    if (pipe2(fds, O_CLOEXEC))
        return ent_error(err, ENT_EIO, "pipe: %s", strerror(errno));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc) {
        close(fds[0]);
        return ent_error(err, ENT_EIO, "cannot run %s: %s", argv[0], strerror(rc));
    }
    size_t used = 0;
    double deadline = timeout > 0 ? ent_now() + timeout : 0;
    int timed_out = 0;
    for (;;) {
        int wait_ms = -1;
        if (deadline) {
            double left = deadline - ent_now();
            if (left <= 0) {
                timed_out = 1;
                break;
            }
            wait_ms = (int)(left * 1000) + 1;
        }
        struct pollfd p = {.fd = fds[0], .events = POLLIN};
        int n = poll(&p, 1, wait_ms);
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0)
            continue;
        char buf[4096];
        ssize_t got = read(fds[0], buf, sizeof buf);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        keep(out, len, &used, buf, (size_t)got);
    }
    close(fds[0]);
    if (timed_out) {
        kill(pid, SIGTERM);
        for (double end = ent_now() + 5; ent_now() < end;) {
            if (waitpid(pid, NULL, WNOHANG) == pid)
                return ent_error(err, ENT_ETIMEOUT, "%s: killed after %.1f s", argv[0], timeout);
            ent_sleep(0.02);
        }
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return ent_error(err, ENT_ETIMEOUT, "%s: killed after %.1f s", argv[0], timeout);
    }
    int ws;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
        ;
    *status = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
    return 0;
}
