/* Whole files read into memory (see file_read.h). */
#include "util/file_read.h"

#include "util/alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int ent_read_fd_whole(int fd, size_t max, char **body, size_t *len)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return -1;
    if (!S_ISREG(st.st_mode) || (size_t)st.st_size > max) {
        errno = EINVAL;
        return -1;
    }
    *body = ent_malloc((size_t)st.st_size + 1);
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, *body + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    (*body)[got] = '\0';
    *len = got;
    return 0;
}

int ent_read_file_whole(const char *path, size_t max, char **body, size_t *len)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return -1;
    int rc = ent_read_fd_whole(fd, max, body, len);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}
