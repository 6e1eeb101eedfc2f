/* Maintenance in the loop: each round, the targets recorded in the journal (entropy maintenance)
 * are turned into offline constraints on their nodes (model/evacuate.h), so the decision empties
 * them within every constraint and capacity; the power policy switches those asked off once
 * empty, and boots them again when their maintenance ends; the progress goes into the round. */
#ifndef ENT_DAEMON_MAINTENANCE_H
#define ENT_DAEMON_MAINTENANCE_H

#include "daemon/loop.h"
#include "exec/journal.h"

struct ent_maintenance_round {
    struct ent_maintenance *items; /* those that last */
    size_t n;
    unsigned char **nodes; /* per item, per node of the snapshot: whether it is the item's */
    char **missing;        /* per item, why it names no node (NULL: it does) */
};

/* After monitoring: the maintenances of the journal applied to m. */
void ent_loop_maintenance_begin(struct ent_loop *loop, struct ent_model *m,
                                struct ent_maintenance_round *mr);
/* After the decision: the nodes in maintenance stay online in target (emptied, not shut down by
 * the plan: the power policy switches those asked off once monitoring sees them empty). */
void ent_loop_maintenance_keep_online(const struct ent_maintenance_round *mr,
                                      const struct ent_model *m, struct ent_mapping *target);
/* Per node of the snapshot, whether a maintenance of this round holds it (a new array). */
unsigned char *ent_loop_maintenance_nodes(const struct ent_maintenance_round *mr, size_t n_nodes);
/* At the end of the round: each one's progress into r->maintenance; mr released. */
void ent_loop_maintenance_end(struct ent_loop *loop, struct ent_round *r, const struct ent_model *m,
                              struct ent_maintenance_round *mr);

#endif
