/* S-expressions as xend (Xen 3.x) answers them: lists in parentheses, bare atoms, and quoted
 * strings ('...' or "...", with backslash escapes). E.g. (node (host n1) (nr_cpus 8)). */
#ifndef ENT_PROTO_SXP_H
#define ENT_PROTO_SXP_H

#include "util/error.h"

#include <stddef.h>

struct ent_error;

struct ent_sxp {
    char *atom; /* NULL for a list */
    struct ent_sxp *items;
    size_t n;
};

#define ENT_SXP_MAX_DEPTH 64

/* Parses one expression from buf (trailing blanks allowed); what names the source in messages,
 * which give the offset. Returns 0 or ENT_EPARSE. */
ENT_MUST_USE int ent_sxp_parse(const char *buf, size_t len, const char *what, struct ent_sxp *out,
                               struct ent_error *err);
void ent_sxp_release(struct ent_sxp *x);
/* In a list, the first sub-list whose head is key: (key ...). NULL when none. */
const struct ent_sxp *ent_sxp_find(const struct ent_sxp *list, const char *key);
/* The atom after key in (key value), or NULL. */
const char *ent_sxp_value(const struct ent_sxp *list, const char *key);

struct ent_str;
/* Appends atom as xend's reader takes it back: bare when it can be, else in single quotes with
 * backslash escapes (an empty one, blanks, parentheses, quotes, backslashes, control bytes). */
void ent_sxp_add_atom(struct ent_str *out, const char *atom);

#endif
