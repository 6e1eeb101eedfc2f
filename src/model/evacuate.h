/* Evacuation: a node, or every node of an enclosure, to be emptied, as BtrPlace's `offline`
 * constraint on each (the target leaves it offline: every VM moves off, respecting every other
 * constraint and capacity at every instant of the plan). */
#ifndef ENT_MODEL_EVACUATE_H
#define ENT_MODEL_EVACUATE_H

#include "util/error.h"

#include <stddef.h>

struct ent_enclosures;
struct ent_model;

/* Adds an offline constraint for each node of m that is target, lies within the enclosure target
 * (enc's tree, when enc is given), or whose innermost enclosure is target; the nodes marked in
 * chosen (by node index, when not NULL) too. Returns how many nodes, or ENT_ENOTFOUND when none
 * is, naming target. */
int ent_model_evacuate(struct ent_model *m, const char *target, const struct ent_enclosures *enc,
                       unsigned char *chosen, struct ent_error *err);

#endif
