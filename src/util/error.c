/* Error codes and messages. */
#include "util/error.h"

#include "util/str.h"

#include <stdio.h>
#include <string.h>

void ent_error_init(struct ent_error *err)
{
    err->code = ENT_OK;
    err->msg[0] = '\0';
}

int ent_verror(struct ent_error *err, int code, const char *fmt, va_list ap)
{
    if (err) {
        err->code = code;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    }
    return code;
}

int ent_error(struct ent_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ent_verror(err, code, fmt, ap);
    va_end(ap);
    return code;
}

int ent_error_prefix(struct ent_error *err, const char *fmt, ...)
{
    if (!err)
        return ENT_EINVALID;
    struct ent_str msg = ENT_STR_INIT;
    va_list ap;
    va_start(ap, fmt);
    ent_str_vaddf(&msg, fmt, ap);
    va_end(ap);
    ent_str_addf(&msg, ": %s", err->msg);
    ent_str_fit(err->msg, sizeof err->msg, "%s", ent_str_cstr(&msg));
    ent_str_release(&msg);
    return err->code;
}

const char *ent_strerror(int code)
{
    switch (code) {
    case ENT_OK:
        return "success";
#define ENT_ERRNO_TEXT(name, value, text)                                                          \
    case ENT_E##name:                                                                              \
        return text;
        ENT_ERRNO_MAP(ENT_ERRNO_TEXT)
#undef ENT_ERRNO_TEXT
    }
    return "unknown error";
}
