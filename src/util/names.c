/* A registry's names as one line. */
#include "util/names.h"

#include "util/str.h"

#include <string.h>

const char *ent_names(struct ent_str *out, ent_name_at_fn name_at, const char *sep,
                      const char *last_sep)
{
    for (size_t i = 0; name_at(i); i++)
        ent_str_addf(out, "%s%s", i == 0 ? "" : name_at(i + 1) ? sep : last_sep, name_at(i));
    return ent_str_cstr(out);
}

bool ent_name_ok(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > ENT_NAME_MAX || name[0] == '-' || name[0] == '.')
        return false;
    return strspn(name, ENT_NAME_CHARS) == len;
}

const char *ent_name_quote(const char *name, struct ent_str *out)
{
    size_t i = 0;
    for (; name[i] && i < 100; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c >= 0x20 && c < 0x7f && c != '\\')
            ent_str_addf(out, "%c", c);
        else
            ent_str_addf(out, "\\x%02x", c);
    }
    if (name[i])
        ent_str_addf(out, "...");
    return ent_str_cstr(out);
}
