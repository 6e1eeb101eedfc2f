/* Text into roff (man pages): what the help and the configuration table say, escaped so that
 * no line of it is read as a request. */
#ifndef ENT_UTIL_ROFF_H
#define ENT_UTIL_ROFF_H

#include <stdio.h>

/* text as running roff text: backslashes escaped, a line that would start with '.' or '\''
 * protected, hyphens kept as hyphens and minus signs ("--option") as minus signs. */
void ent_roff_text(FILE *out, const char *text);
/* text, several lines, as a preformatted block (.nf ... .fi) in a fixed-width font. */
void ent_roff_block(FILE *out, const char *text);
/* The page's header: .TH NAME SECTION with the project's version, and its NAME line. */
void ent_roff_header(FILE *out, const char *name, int section, const char *manual,
                     const char *what);

#endif
