/* Whole files read into memory: small ones (a dashboard's page, a certificate, a key), never
 * through a symbolic link, never anything but a regular file. */
#ifndef ENT_UTIL_FILE_READ_H
#define ENT_UTIL_FILE_READ_H

#include <stddef.h>

/* The whole of the regular file open on fd, of at most max bytes, into *body (ent_malloc'd,
 * NUL-terminated, *len bytes before the NUL). -1 with errno otherwise (EINVAL: not a regular
 * file, or larger than max). fd stays open. */
int ent_read_fd_whole(int fd, size_t max, char **body, size_t *len);
/* The same from path, opened with O_NOFOLLOW. */
int ent_read_file_whole(const char *path, size_t max, char **body, size_t *len);

#endif
