/* A registry's names as one line. */
#include "util/names.h"

#include "util/str.h"

const char *ent_names(struct ent_str *out, ent_name_at_fn name_at, const char *sep,
                      const char *last_sep)
{
    for (size_t i = 0; name_at(i); i++)
        ent_str_addf(out, "%s%s", i == 0 ? "" : name_at(i + 1) ? sep : last_sep, name_at(i));
    return ent_str_cstr(out);
}
