/* Reading and writing entropy.properties against the key table. */
#include "config/properties.h"

#include "config/properties_syntax.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/str.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int key_index(const char *name)
{
    for (size_t i = 0; i < ent_config_n_keys; i++)
        if (strcmp(ent_config_keys[i].name, name) == 0)
            return (int)i;
    return -1;
}

const struct ent_config_key *ent_config_key_find(const char *name)
{
    int i = key_index(name);
    return i < 0 ? NULL : &ent_config_keys[i];
}

void ent_config_init(struct ent_config *c)
{
    c->path = NULL;
    c->entries = NULL;
    c->n_entries = 0;
    c->values = ent_calloc(ent_config_n_keys, sizeof *c->values);
    c->lines = ent_calloc(ent_config_n_keys, sizeof *c->lines);
    for (size_t i = 0; i < ent_config_n_keys; i++)
        c->values[i] = ent_strdup(ent_config_keys[i].fallback);
}

static void release_entries(struct ent_config_entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ent_free(e[i].key);
        ent_free(e[i].value);
    }
    ent_free(e);
}

void ent_config_release(struct ent_config *c)
{
    if (!c || !c->values)
        return;
    release_entries(c->entries, c->n_entries);
    for (size_t i = 0; i < ent_config_n_keys; i++)
        ent_free(c->values[i]);
    ent_free(c->values);
    ent_free(c->lines);
    ent_free(c->path);
    memset(c, 0, sizeof *c);
}

static int check_value(const struct ent_config_key *k, const char *v, const char *where,
                       struct ent_error *err)
{
    if (k->type == ENT_CFG_NUMBER) {
        char *end;
        errno = 0;
        double x = strtod(v, &end);
        if (end == v || *end || errno || !isfinite(x) || x < k->min || x > k->max ||
            (k->whole && x != floor(x)))
            return ent_error(err, ENT_EINVALID, "%s: %s = \"%s\": expects a %snumber in [%g, %g]",
                             where, k->name, v, k->whole ? "whole " : "", k->min, k->max);
    } else if (k->type == ENT_CFG_CHOICE) {
        size_t n = strlen(v);
        for (const char *p = k->choices; *p;) {
            size_t len = strcspn(p, "|");
            if (len == n && strncmp(p, v, n) == 0)
                return 0;
            p += len + (p[len] == '|');
        }
        return ent_error(err, ENT_EINVALID, "%s: %s = \"%s\": expects one of %s", where, k->name, v,
                         k->choices);
    }
    return 0;
}

/* The family row whose prefix starts key, or NULL. */
static const struct ent_config_key *family_of(const char *key)
{
    for (size_t i = 0; i < ent_config_n_keys; i++) {
        const struct ent_config_key *k = &ent_config_keys[i];
        size_t len = strcspn(k->name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"); /* "enclosure." */
        if (k->type == ENT_CFG_FAMILY && strncmp(key, k->name, len) == 0)
            return k;
    }
    return NULL;
}

/* What the file read so far holds. */
struct reading {
    char **values;
    int *lines;
    struct ent_config_entry *entries;
    size_t n_entries;
};

/* A key of a family: its NAME plain (letters, digits, . _ -), set once. */
static int set_family_key(const struct ent_property *prop, const char *where,
                          const struct ent_config_key *fam, struct reading *r,
                          struct ent_error *err)
{
    const char *name = prop->key + strcspn(fam->name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    size_t len = strlen(name);
    if (len == 0 || len > 64 ||
        strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "0123456789._-") != len)
        return ent_error(err, ENT_EINVALID,
                         "%s: \"%s\": the name after %.*s must be 1 to 64 letters, digits, '.', "
                         "'_' or '-'",
                         where, prop->key, (int)(name - prop->key), prop->key);
    for (size_t i = 0; i < r->n_entries; i++)
        if (strcmp(r->entries[i].key, prop->key) == 0)
            return ent_error(err, ENT_EINVALID, "%s: %s is already set on line %d", where,
                             prop->key, r->entries[i].line);
    r->entries = ent_reallocarray(r->entries, r->n_entries + 1, sizeof *r->entries);
    r->entries[r->n_entries++] =
        (struct ent_config_entry){ent_strdup(prop->key), ent_strdup(prop->value), prop->line};
    return 0;
}

/* One key and its value into what is read. */
static int set_key(const struct ent_property *prop, const char *path, struct reading *r,
                   struct ent_error *err)
{
    char where[512];
    snprintf(where, sizeof where, "%s:%d", path, prop->line);
    char **values = r->values;
    int *lines = r->lines;
    int k = key_index(prop->key);
    const struct ent_config_key *fam =
        k < 0 || ent_config_keys[k].type == ENT_CFG_FAMILY ? family_of(prop->key) : NULL;
    if (fam)
        return set_family_key(prop, where, fam, r, err);
    if (k < 0)
        return ent_error(err, ENT_EINVALID, "%s: unknown key \"%s\"", where, prop->key);
    if (lines[k])
        return ent_error(err, ENT_EINVALID, "%s: %s is already set on line %d", where, prop->key,
                         lines[k]);
    int rc = check_value(&ent_config_keys[k], prop->value, where, err);
    if (rc)
        return rc;
    ent_free(values[k]);
    values[k] = ent_strdup(prop->value);
    lines[k] = prop->line;
    return 0;
}

/* The configuration's base: the directory that holds config/ when the file is in a directory
 * named config (the distribution's layout, base/config/entropy.properties), else the file's own
 * directory. A new string. */
static char *base_of(const char *path)
{
    char *real = realpath(path, NULL);
    char *dir = ent_strdup(real ? real : path);
    free(real);
    char *slash = strrchr(dir, '/');
    if (!slash) { /* a relative name without a directory: the working directory */
        ent_free(dir);
        return ent_strdup(".");
    }
    *slash = '\0';
    slash = strrchr(dir, '/');
    if (slash && strcmp(slash + 1, "config") == 0)
        *slash = '\0';
    if (!*dir) { /* the root */
        ent_free(dir);
        return ent_strdup("");
    }
    return dir;
}

/* Relative paths made absolute from the configuration's base. */
static void resolve_paths(struct ent_config *c, const char *path)
{
    char *base = base_of(path);
    for (size_t i = 0; i < ent_config_n_keys; i++) {
        char *v = c->values[i];
        if (ent_config_keys[i].type != ENT_CFG_PATH || !*v || v[0] == '/')
            continue;
        c->values[i] = ent_strdup_printf("%s/%s", base, v);
        ent_free(v);
    }
    ent_free(base);
}

/* Every path key of values: not empty when it must not be, and no longer than its limit once
 * resolved from the configuration's base (a UNIX socket's path has 107 bytes at most). */
static int check_paths(char **values, const int *lines, const char *path, struct ent_error *err)
{
    char *base = base_of(path);
    int rc = 0;
    for (size_t i = 0; i < ent_config_n_keys && !rc; i++) {
        const struct ent_config_key *k = &ent_config_keys[i];
        if (k->type != ENT_CFG_PATH)
            continue;
        const char *v = values[i];
        size_t len = strlen(v) + (v[0] == '/' ? 0 : strlen(base) + 1);
        char *where = lines[i] ? ent_strdup_printf("%s:%d", path, lines[i])
                               : ent_strdup_printf("%s (the default)", path);
        if (!*v && k->min > 0)
            rc = ent_error(err, ENT_EINVALID, "%s: %s is empty: it needs a path", where, k->name);
        else if (k->max > 0 && len > (size_t)k->max)
            rc = ent_error(err, ENT_EINVALID,
                           "%s: %s = \"%s\": %zu bytes once taken from %s, more than its %g "
                           "(the longest path a UNIX socket may have)",
                           where, k->name, v, len, v[0] == '/' ? "/" : base, k->max);
        ent_free(where);
    }
    ent_free(base);
    return rc;
}

int ent_config_load(struct ent_config *c, const char *path, struct ent_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return ent_error(err, ENT_EIO, "%s: %s", path, strerror(errno));
    int rc = ent_config_read(c, f, path, err);
    fclose(f);
    if (!rc)
        resolve_paths(c, path);
    return rc;
}

int ent_config_read(struct ent_config *c, FILE *f, const char *path, struct ent_error *err)
{
    struct reading r = {ent_calloc(ent_config_n_keys, sizeof *r.values),
                        ent_calloc(ent_config_n_keys, sizeof *r.lines), NULL, 0};
    char **values = r.values;
    for (size_t i = 0; i < ent_config_n_keys; i++)
        values[i] = ent_strdup(c->values[i]);
    struct ent_properties_reader reader;
    ent_properties_reader_init(&reader, f, path);
    const struct ent_property *prop;
    int rc = 0, more;
    while (!rc && (more = ent_properties_next(&reader, &prop, err)) != 0)
        rc = more < 0 ? more : set_key(prop, path, &r, err);
    ent_properties_reader_release(&reader);
    if (!rc)
        rc = check_paths(values, r.lines, path, err);
    char **drop = rc ? values : c->values;
    for (size_t i = 0; i < ent_config_n_keys; i++)
        ent_free(drop[i]);
    ent_free(drop);
    if (rc) {
        ent_free(r.lines);
        release_entries(r.entries, r.n_entries);
        return rc;
    }
    c->values = values;
    ent_free(c->lines);
    c->lines = r.lines;
    release_entries(c->entries, c->n_entries);
    c->entries = r.entries;
    c->n_entries = r.n_entries;
    ent_free(c->path);
    c->path = ent_strdup(path);
    return 0;
}

const char *ent_config_string(const struct ent_config *c, const char *key)
{
    int k = key_index(key);
    return k < 0 ? NULL : c->values[k];
}

const char *ent_config_string_or(const struct ent_config *c, const char *key, const char *fallback)
{
    const char *v = ent_config_string(c, key);
    return *v ? v : ent_config_string(c, fallback);
}

const struct ent_config_entry *ent_config_family(const struct ent_config *c, const char *prefix,
                                                 size_t i)
{
    size_t len = strlen(prefix);
    for (size_t e = 0; e < c->n_entries; e++)
        if (strncmp(c->entries[e].key, prefix, len) == 0 && i-- == 0)
            return &c->entries[e];
    return NULL;
}

double ent_config_number(const struct ent_config *c, const char *key)
{
    int k = key_index(key);
    return k < 0 ? NAN : strtod(c->values[k], NULL);
}

size_t ent_config_keep_at_start(struct ent_config *next, const struct ent_config *running,
                                const char **changed, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < ent_config_n_keys; i++) {
        if (!ent_config_keys[i].at_start || strcmp(next->values[i], running->values[i]) == 0)
            continue;
        if (n < max)
            changed[n] = ent_config_keys[i].name;
        n++;
        ent_free(next->values[i]);
        next->values[i] = ent_strdup(running->values[i]);
        next->lines[i] = running->lines[i];
    }
    return n;
}
