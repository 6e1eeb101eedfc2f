/* Running a command and capturing what it prints, within a time limit (the xl driver's ssh). */
#ifndef ENT_UTIL_RUN_H
#define ENT_UTIL_RUN_H

#include <stddef.h>

struct ent_error;

/* Runs argv (PATH searched), stdin from /dev/null, stdout and stderr together into out (the last
 * len - 1 bytes kept, NUL-terminated). *status is the exit status, or -1 when it was killed at
 * the timeout (seconds, 0 for none: then ENT_ETIMEOUT). */
int ent_run(char *const argv[], double timeout, char *out, size_t len, int *status,
            struct ent_error *err);

#endif
