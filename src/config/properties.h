/* config/entropy.properties: "key = value" lines, '#' or '!' comments, every key known (one
 * table, config_keys.c, with its default, range and documentation). */
#ifndef ENT_CONFIG_PROPERTIES_H
#define ENT_CONFIG_PROPERTIES_H

#include "util/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct ent_error;

enum ent_config_type {
    ENT_CFG_STRING,
    ENT_CFG_PATH,   /* a file: read from a file, a relative one is from the configuration's base;
                     * its length (once resolved) within [min, max] bytes, max 0: no limit */
    ENT_CFG_NUMBER, /* within [min, max] */
    ENT_CFG_CHOICE, /* one of choices, '|'-separated */
    ENT_CFG_FAMILY, /* keys PREFIX.NAME, any number of them (name "enclosure.NAME": the prefix
                     * is what comes before NAME); their values are text */
};

struct ent_config_key {
    const char *name;
    enum ent_config_type type;
    const char *fallback; /* the default, as written in the file */
    double min, max;
    const char *choices;
    const char *doc;
    const char *options; /* command-line options that set the same thing, with the range above
                            ("solve --time-limit, lab --timeout"); NULL when none */
    bool whole;          /* a number: whole (ports, counts, MB); 80.7 is refused */
    bool at_start;       /* read when the daemon starts only: a reload (SIGHUP) keeps the
                            running value */
};

extern const struct ent_config_key ent_config_keys[];
extern const size_t ent_config_n_keys;
/* The row of key name, NULL when there is none. */
const struct ent_config_key *ent_config_key_find(const char *name);

/* A key of a family (enclosure.rack1 = chassis1 chassis2), as the file set it. */
struct ent_config_entry {
    char *key, *value;
    int line;
};

struct ent_config {
    char *path;
    char **values;                    /* by index in ent_config_keys */
    int *lines;                       /* where each was set, 0 for the default */
    struct ent_config_entry *entries; /* the keys of families, in the file's order */
    size_t n_entries;
};

/* Every key at its default. */
void ent_config_init(struct ent_config *c);
void ent_config_release(struct ent_config *c);
/* Reads a file over c: an unknown key, a value out of range, a key set twice, a line that is not
 * "key = value" are errors naming FILE:LINE, and c is left as it was. */
ENT_MUST_USE int ent_config_load(struct ent_config *c, const char *path, struct ent_error *err);
/* The same from an open stream, errors naming path. */
ENT_MUST_USE int ent_config_read(struct ent_config *c, FILE *f, const char *path,
                                 struct ent_error *err);
const char *ent_config_string(const struct ent_config *c, const char *key);
/* key's value, or fallback's when key is empty. */
const char *ent_config_string_or(const struct ent_config *c, const char *key, const char *fallback);
double ent_config_number(const struct ent_config *c, const char *key);
/* Keeps in next the running values of the keys read at start only, where next (a configuration
 * read again) differs from running; the first max of those keys' names in changed. Returns how
 * many differed. */
size_t ent_config_keep_at_start(struct ent_config *next, const struct ent_config *running,
                                const char **changed, size_t max);
/* The i-th key of the family whose prefix is prefix ("enclosure."), in the file's order; NULL
 * past the last. */
const struct ent_config_entry *ent_config_family(const struct ent_config *c, const char *prefix,
                                                 size_t i);

#endif
