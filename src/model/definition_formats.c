/* The definition formats: which one a file is (by its suffix) and its parser. */
#include "model/definition.h"

#include "util/alloc.h"
#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
    const char *name, *suffix;
} formats[] = {
#define ENT_DF_ROW(e, name, suffix) {name, suffix},
    ENT_DEFINITION_FORMATS(ENT_DF_ROW)
#undef ENT_DF_ROW
};

int ent_definition_format_of(const char *path)
{
    size_t len = strlen(path);
    for (size_t f = 0; f < ENT_DEFINITION_FORMAT_COUNT; f++) {
        size_t n = strlen(formats[f].suffix);
        if (len > n && strcmp(path + len - n, formats[f].suffix) == 0)
            return (int)f;
    }
    return -1;
}

const char *ent_definition_format_name(enum ent_definition_format f)
{
    return f < ENT_DEFINITION_FORMAT_COUNT ? formats[f].name : "?";
}

int ent_definition_parse(enum ent_definition_format f, const char *text, size_t len,
                         const char *path, struct ent_vm_definition *out, struct ent_error *err)
{
    if (len > ENT_DEFINITION_MAX_BYTES)
        return ent_error(err, ENT_EINVALID, "%s: larger than %d bytes", path,
                         ENT_DEFINITION_MAX_BYTES);
    if (f == ENT_DEFINITION_XEN)
        return ent_definition_parse_xen(text, len, path, out, err);
    return ent_definition_parse_libvirt(text, len, path, out, err);
}

/* The whole of the regular file path, or NULL with err set. */
static char *read_whole(const char *path, size_t *len, struct ent_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    char *buf = NULL;
    if (fd < 0 || fstat(fd, &st) != 0) {
        ent_error(err, ENT_EIO, "%s: %s", path, strerror(errno));
        goto cleanup;
    }
    if (!S_ISREG(st.st_mode) || st.st_size > ENT_DEFINITION_MAX_BYTES) {
        ent_error(err, ENT_EINVALID, "%s: not a regular file of at most %d bytes", path,
                  ENT_DEFINITION_MAX_BYTES);
        goto cleanup;
    }
    buf = ent_malloc((size_t)st.st_size + 1);
    ssize_t got = 0;
    size_t total = 0;
    while (total < (size_t)st.st_size &&
           (got = read(fd, buf + total, (size_t)st.st_size - total)) > 0)
        total += (size_t)got;
    if (got < 0) {
        ent_error(err, ENT_EIO, "%s: %s", path, strerror(errno));
        ent_free(buf);
        buf = NULL;
        goto cleanup;
    }
    buf[total] = '\0';
    *len = total;
cleanup:
    if (fd >= 0)
        close(fd);
    return buf;
}

int ent_definition_load_file(const char *path, struct ent_vm_definition *out, struct ent_error *err)
{
    *out = (struct ent_vm_definition){0};
    int format = ent_definition_format_of(path);
    if (format < 0)
        return ent_error(err, ENT_EINVALID, "%s: neither a Xen (.cfg) nor a libvirt (.xml) file",
                         path);
    size_t len = 0;
    char *text = read_whole(path, &len, err);
    int rc =
        text ? ent_definition_parse((enum ent_definition_format)format, text, len, path, out, err)
             : err->code;
    ent_free(text);
    return rc;
}
