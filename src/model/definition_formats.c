/* The definition formats: which one a file is (by its suffix) and its parser. */
#include "model/definition.h"

#include "util/error.h"

#include <string.h>

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
