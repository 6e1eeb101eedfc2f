/* The syntax of a Java .properties file (java.util.Properties.load), as entropy.properties is
 * read: logical lines (a line ending in an odd number of backslashes goes on with the next, whose
 * leading blanks are dropped), comments ('#' or '!' first), a key ended by the first '=', ':' or
 * blank that no backslash escapes, then blanks, at most one '=' or ':', blanks, and the value to
 * the end of the line. Escapes in keys and values: \t \n \r \f, \uXXXX (written as UTF-8), and a
 * backslash before any other character stands for that character. Trailing blanks of a value
 * are dropped (Java keeps them; no value here needs them). A UTF-8 byte-order mark opening the
 * file is skipped. */
#ifndef ENT_CONFIG_PROPERTIES_SYNTAX_H
#define ENT_CONFIG_PROPERTIES_SYNTAX_H

#include "util/error.h"

#include <stdio.h>

struct ent_property {
    char *key, *value; /* owned by the reader, valid until the next call */
    int line;          /* where the logical line starts */
};

struct ent_properties_reader {
    FILE *f;
    const char *path; /* for messages */
    int line;         /* physical lines read so far */
    char *buf, *logical;
    size_t cap, logical_cap;
    struct ent_property current;
};

void ent_properties_reader_init(struct ent_properties_reader *r, FILE *f, const char *path);
void ent_properties_reader_release(struct ent_properties_reader *r);
/* The next key and value into *out: 1, or 0 at the end, or a negative code with the error naming
 * PATH:LINE (a malformed \uXXXX escape, a line over 64 KiB, a read error). */
ENT_MUST_USE int ent_properties_next(struct ent_properties_reader *r,
                                     const struct ent_property **out, struct ent_error *err);

#endif
