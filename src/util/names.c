/* A registry's names as one line. */
#include "util/names.h"

#include <stdio.h>

char *ent_names(char *buf, size_t size, ent_name_at_fn name_at, const char *sep,
                const char *last_sep)
{
    size_t len = 0;
    buf[0] = 0;
    for (size_t i = 0; name_at(i) && len < size; i++) {
        const char *before = i == 0 ? "" : name_at(i + 1) ? sep : last_sep;
        int n = snprintf(buf + len, size - len, "%s%s", before, name_at(i));
        len += n > 0 ? (size_t)n : 0;
    }
    return buf;
}
