/* Error codes and the error object that carries the human detail (libuv errno map, libvirt
 * virReportError). */
#ifndef ENT_UTIL_ERROR_H
#define ENT_UTIL_ERROR_H

#include <stdarg.h>

#define ENT_ERRNO_MAP(X)                                                                           \
    X(NOMEM, -1, "out of memory")                                                                  \
    X(IO, -2, "input/output error")                                                                \
    X(PARSE, -3, "malformed input")                                                                \
    X(INVALID, -4, "invalid or inconsistent input")                                                \
    X(NOTFOUND, -5, "not found")                                                                   \
    X(UNSUPPORTED, -6, "unsupported")                                                              \
    X(INFEASIBLE, -7, "no solution")                                                               \
    X(TIMEOUT, -8, "timed out")                                                                    \
    X(DRIVER, -9, "driver failure")                                                                \
    X(USAGE, -10, "bad usage")                                                                     \
    X(EXISTS, -11, "already exists")

enum ent_errno {
    ENT_OK = 0,
#define ENT_ERRNO_ENUM(name, value, text) ENT_E##name = value,
    ENT_ERRNO_MAP(ENT_ERRNO_ENUM)
#undef ENT_ERRNO_ENUM
};

/* On a function whose result says whether it worked: ignoring it is a compile error. */
#define ENT_MUST_USE __attribute__((warn_unused_result))

#define ENT_ERROR_MSG_MAX 1024

/* The detail of the last failure: which file, line or field, and what is wrong. */
struct ent_error {
    int code;
    char msg[ENT_ERROR_MSG_MAX];
};

void ent_error_init(struct ent_error *err);

/* Records code and message in err (which may be NULL) and returns code, for `return
 * ent_error(...)`. */
int ent_error(struct ent_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int ent_verror(struct ent_error *err, int code, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* Puts "prefix: " in front of the message already recorded, keeping the code. */
int ent_error_prefix(struct ent_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

const char *ent_strerror(int code);

#endif
