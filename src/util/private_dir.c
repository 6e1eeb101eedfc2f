/* Private state directories. */
#include "util/private_dir.h"

#include "util/alloc.h"
#include "util/file_read.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int ent_private_dir(const char *path, bool create, struct ent_error *err)
{
    if (create && mkdir(path, 0700) != 0 && errno != EEXIST)
        return ent_error(err, ENT_EIO, "%s: cannot create: %s", path, strerror(errno));
    struct stat st;
    if (lstat(path, &st) != 0)
        return ent_error(err, errno == ENOENT ? ENT_ENOTFOUND : ENT_EIO, "%s: %s", path,
                         strerror(errno));
    if (S_ISLNK(st.st_mode))
        return ent_error(err, ENT_EINVALID,
                         "%s is a symbolic link: refused (state directories "
                         "are never followed)",
                         path);
    if (!S_ISDIR(st.st_mode))
        return ent_error(err, ENT_EINVALID, "%s is not a directory: refused", path);
    if (st.st_uid != geteuid())
        return ent_error(err, ENT_EINVALID,
                         "%s belongs to uid %ld, not to this user (uid %ld): refused (another "
                         "user could steer what is written or deleted there)",
                         path, (long)st.st_uid, (long)geteuid());
    if (st.st_mode & (S_IWGRP | S_IWOTH))
        return ent_error(err, ENT_EINVALID,
                         "%s is writable by others (mode %03o): refused (chmod go-w it, or use "
                         "another directory)",
                         path, (unsigned)(st.st_mode & 0777));
    return 0;
}

int ent_own_file(int fd, const char *path, unsigned mode, struct ent_error *err)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return ent_error(err, ENT_EIO, "%s: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return ent_error(err, ENT_EINVALID, "%s is not a regular file: refused", path);
    if (st.st_uid != geteuid())
        return ent_error(err, ENT_EINVALID,
                         "%s belongs to uid %ld, not to this user (uid %ld): refused (its owner "
                         "could rewrite it)",
                         path, (long)st.st_uid, (long)geteuid());
    if (fchmod(fd, (mode_t)mode) != 0)
        return ent_error(err, ENT_EIO, "%s: cannot set its mode: %s", path, strerror(errno));
    return 0;
}

static int secret_length(int fd, const char *path, size_t max_len, char *out, struct ent_error *err)
{
    char buf[256];
    ssize_t got = read(fd, buf, sizeof buf);
    if (got < 0)
        return ent_error(err, ENT_EIO, "%s: %s", path, strerror(errno));
    size_t len = 0;
    while (len < (size_t)got && buf[len] != '\n' && buf[len] != '\r' && buf[len] != '\0')
        len++;
    if (len == 0)
        return ent_error(err, ENT_EINVALID, "%s: the password file is empty", path);
    if (len > max_len)
        return ent_error(err, ENT_EINVALID, "%s: the password is longer than %zu bytes", path,
                         max_len);
    if (out) {
        memcpy(out, buf, len);
        out[len] = '\0';
    }
    explicit_bzero(buf, sizeof buf);
    return 0;
}

int ent_secret_file(const char *path, size_t max_len, struct ent_error *err)
{
    return ent_secret_read(path, max_len, NULL, err);
}

/* fd, opened from path, is a secret: a regular file of the effective user's that no one else
 * may read or write. */
static int check_secret(int fd, const char *path, struct ent_error *err)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return ent_error(err, ENT_EIO, "%s: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return ent_error(err, ENT_EINVALID, "%s is not a regular file: refused", path);
    if (st.st_uid != geteuid())
        return ent_error(err, ENT_EINVALID,
                         "%s belongs to uid %ld, not to this user (uid %ld): refused (a secret "
                         "file must be its user's alone)",
                         path, (long)st.st_uid, (long)geteuid());
    if (st.st_mode & 077)
        return ent_error(err, ENT_EINVALID,
                         "%s may be read or written by others (mode %03o): refused (chmod 600 it)",
                         path, (unsigned)(st.st_mode & 0777));
    return 0;
}

static int open_secret(const char *path, int *fd, struct ent_error *err)
{
    *fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (*fd < 0)
        return ent_error(err, errno == ENOENT ? ENT_ENOTFOUND : ENT_EIO, "%s: %s", path,
                         strerror(errno));
    int rc = check_secret(*fd, path, err);
    if (rc)
        close(*fd);
    return rc;
}

int ent_secret_read(const char *path, size_t max_len, char *out, struct ent_error *err)
{
    int fd, rc = open_secret(path, &fd, err);
    if (rc)
        return rc;
    rc = secret_length(fd, path, max_len, out, err);
    close(fd);
    return rc;
}

int ent_secret_read_whole(const char *path, size_t max, char **body, size_t *len,
                          struct ent_error *err)
{
    int fd, rc = open_secret(path, &fd, err);
    if (rc)
        return rc;
    if (ent_read_fd_whole(fd, max, body, len) != 0)
        rc = ent_error(err, errno == EINVAL ? ENT_EINVALID : ENT_EIO, "%s: %s", path,
                       errno == EINVAL ? "larger than it may be" : strerror(errno));
    else if (*len == 0) {
        ent_free(*body);
        *body = NULL;
        rc = ent_error(err, ENT_EINVALID, "%s is empty", path);
    }
    close(fd);
    return rc;
}
