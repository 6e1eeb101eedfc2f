/* The names of a registry's rows as one line, for help texts and error messages, so that a list
 * of names is never written out by hand beside the table it comes from. */
#ifndef ENT_UTIL_NAMES_H
#define ENT_UTIL_NAMES_H

#include <stddef.h>

struct ent_str;

/* The name of row i of a registry, NULL past the last. */
typedef const char *(*ent_name_at_fn)(size_t i);

/* Appends "a|b|c" with sep "|" and last_sep "|", or "a, b or c" with ", " and " or ", to out;
 * returns its text. */
const char *ent_names(struct ent_str *out, ent_name_at_fn name_at, const char *sep,
                      const char *last_sep);

#endif
