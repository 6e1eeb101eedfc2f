/* Enclosures: racks hold chassis, chassis hold nodes, the parent naming its children (the Quattor
 * seed's "enclosure lists what it holds"), from the configuration's enclosure.NAME keys. A tree:
 * no member twice (a node in two enclosures), no cycle, every member a node or an enclosure. */
#ifndef ENT_MODEL_ENCLOSURE_H
#define ENT_MODEL_ENCLOSURE_H

#include "util/error.h"
#include "util/hashmap.h"

#include <stddef.h>
#include <stdint.h>

struct ent_config;
struct ent_model;

struct ent_enclosure {
    char *name;
    char **members; /* nodes or enclosures */
    size_t n_members;
    int line;       /* where the configuration sets it */
    int32_t parent; /* the enclosure that holds it, -1: none */
};

struct ent_enclosures {
    struct ent_enclosure *items;
    size_t len;
    char *path;                 /* the configuration's, for messages */
    struct ent_namemap by_name; /* enclosure name -> its index */
    struct ent_namemap holder;  /* member name -> the index of the enclosure listing it */
};

void ent_enclosures_init(struct ent_enclosures *e);
void ent_enclosures_release(struct ent_enclosures *e);
/* From the enclosure.NAME keys of c: a member listed twice (in one enclosure or two) or a cycle is
 * refused, naming the file and the line; e is left empty then. */
ENT_MUST_USE int ent_enclosures_configure(struct ent_enclosures *e, const struct ent_config *c,
                                          struct ent_error *err);
/* Every member that is not an enclosure must be a node of m: one that is not is refused, naming
 * the line. */
ENT_MUST_USE int ent_enclosures_check_nodes(const struct ent_enclosures *e,
                                            const struct ent_model *m, struct ent_error *err);
/* The enclosure name holds, -1 when there is none. */
int32_t ent_enclosures_find(const struct ent_enclosures *e, const char *name);
/* The innermost enclosure of node (the one that lists it), NULL when none does. */
const char *ent_enclosures_of(const struct ent_enclosures *e, const char *node);
/* Sets each node of m's enclosure to its innermost one (what BtrPlace JSON carries as the node
 * attribute "enclosure"). */
void ent_enclosures_apply(const struct ent_enclosures *e, struct ent_model *m);
/* Whether node is target or lies within the enclosure target, at any depth. */
int ent_enclosures_within(const struct ent_enclosures *e, const char *node, const char *target);

#endif
