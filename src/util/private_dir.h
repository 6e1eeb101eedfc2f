/* Directories that hold state files (the lab's): ours alone. Another local user who created the
 * directory first (in a shared /tmp), or left a symbolic link in its place, must not steer what
 * Entropy writes or deletes there, as root least of all. A directory is private when it is a real
 * directory (not a symbolic link), owned by the effective user, and writable by nobody else;
 * then no one else can add, replace or link an entry in it. */
#ifndef ENT_UTIL_PRIVATE_DIR_H
#define ENT_UTIL_PRIVATE_DIR_H

#include "util/error.h"

#include <stdbool.h>
#include <stddef.h>

struct ent_error;

/* 0 when path is a private directory; with create, a missing one is made (mode 0700). Otherwise
 * ENT_EINVALID (ENT_ENOTFOUND when missing) with the reason in err, naming path. */
ENT_MUST_USE int ent_private_dir(const char *path, bool create, struct ent_error *err);

/* 0 when fd (opened from path with O_NOFOLLOW) is a regular file of the effective user's, then
 * set to mode whatever the umask was; otherwise ENT_EINVALID naming path: a pid file or a log
 * another user made (and may rewrite) in a shared directory is refused. */
ENT_MUST_USE int ent_own_file(int fd, const char *path, unsigned mode, struct ent_error *err);

/* 0 when path is a secret (a password file): a regular file of the effective user's that no one
 * else may read or write (mode 0600 or tighter), of 1 to max_len bytes before the end of its
 * first line. Otherwise ENT_EINVALID (ENT_ENOTFOUND when missing) naming path and why, never
 * what it holds. */
ENT_MUST_USE int ent_secret_file(const char *path, size_t max_len, struct ent_error *err);
/* The same, and the first line into out (max_len + 1 bytes) when out is not NULL. */
ENT_MUST_USE int ent_secret_read(const char *path, size_t max_len, char *out,
                                 struct ent_error *err);
/* A secret file of any content (a TLS private key) of at most max bytes, whole, into *body
 * (ent_malloc'd, NUL-terminated; the caller wipes and frees it). The same checks as
 * ent_secret_file. */
ENT_MUST_USE int ent_secret_read_whole(const char *path, size_t max, char **body, size_t *len,
                                       struct ent_error *err);

#endif
