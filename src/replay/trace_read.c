/* Reading a trace from a path: a folder, or a CSV file read whole. */
#include "replay/trace.h"

#include "util/alloc.h"
#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The whole of a regular file, NUL-terminated, at most 1 GiB. */
static int read_whole(const char *path, char **out, size_t *len, struct ent_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ent_error(err, ENT_EIO, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (1L << 30)) {
        close(fd);
        return ent_error(err, ENT_EINVALID, "%s: not a regular file of at most 1 GiB", path);
    }
    char *buf = ent_malloc((size_t)st.st_size + 1);
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n <= 0) {
            close(fd);
            ent_free(buf);
            return ent_error(err, ENT_EIO, "%s: %s", path, n < 0 ? strerror(errno) : "cut short");
        }
        got += (size_t)n;
    }
    close(fd);
    buf[got] = '\0';
    *out = buf;
    *len = got;
    return 0;
}

int ent_trace_read(struct ent_trace *t, const char *path, double step_seconds,
                   struct ent_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return ent_error(err, ENT_EIO, "%s: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return ent_trace_read_dir(t, path, step_seconds, err);
    char *text = NULL;
    size_t len = 0;
    int rc = read_whole(path, &text, &len, err);
    if (rc)
        return rc;
    rc = ent_trace_read_csv(t, text, len, path, err);
    ent_free(text);
    return rc;
}
