/* The names of a registry's rows as one line, for help texts and error messages, so that a list
 * of names is never written out by hand beside the table it comes from. */
#ifndef ENT_UTIL_NAMES_H
#define ENT_UTIL_NAMES_H

#include <stdbool.h>
#include <stddef.h>

struct ent_str;

/* The name of row i of a registry, NULL past the last. */
typedef const char *(*ent_name_at_fn)(size_t i);

/* Appends "a|b|c" with sep "|" and last_sep "|", or "a, b or c" with ", " and " or ", to out;
 * returns its text. */
const char *ent_names(struct ent_str *out, ent_name_at_fn name_at, const char *sep,
                      const char *last_sep);

/* What may name a node or a VM: 1 to ENT_NAME_MAX of these characters, not starting with '-' or
 * '.' (hostnames, Xen and libvirt domain names). Names come from monitoring, and Ganglia takes
 * unauthenticated UDP: a name outside this set never reaches a driver, a shell, a URL, a file
 * name or a log line. */
#define ENT_NAME_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+:@"
#define ENT_NAME_MAX   64

bool ent_name_ok(const char *name);
/* name as a message may show it: printable ASCII as is, any other byte (and the backslash) as
 * \xNN, cut at 100 bytes; appended to out, whose text is returned. */
const char *ent_name_quote(const char *name, struct ent_str *out);

#endif
