/* A growable string: what composed messages, lists of names and paths are built in, so that
 * nothing is cut to a fixed buffer without saying so. */
#ifndef ENT_UTIL_STR_H
#define ENT_UTIL_STR_H

#include <stdarg.h>
#include <stddef.h>

struct ent_str {
    char *buf; /* NUL-terminated once anything was added; NULL before */
    size_t len, cap;
};

#define ENT_STR_INIT                                                                               \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

/* Appends the formatted text. */
void ent_str_addf(struct ent_str *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ent_str_vaddf(struct ent_str *s, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* The text so far ("" when nothing was added); valid until the next change. */
const char *ent_str_cstr(const struct ent_str *s) __attribute__((warn_unused_result));
/* The text, now the caller's (free with ent_free); s is empty again. */
char *ent_str_take(struct ent_str *s) __attribute__((warn_unused_result));
void ent_str_release(struct ent_str *s);

/* A new formatted string (free with ent_free). */
char *ent_strdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)))
__attribute__((warn_unused_result));

/* s as one word for a POSIX shell: in single quotes, each ' written '\''. A new string (free with
 * ent_free). For ssh, which joins its arguments into a remote shell command. */
char *ent_shell_quote(const char *s) __attribute__((warn_unused_result));

/* Formats into buf of size bytes; a text that does not fit is cut and ends in "...", so that a
 * reader sees it was cut. Returns whether it fitted. For the bounded buffers that remain on
 * purpose (error messages, labels). */
int ent_str_fit(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
