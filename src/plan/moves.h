/* What a plan must do, from current -> target: moves that need room on a destination (migrate,
 * boot, resume), actions that only free room (shutdown, suspend, kill), and node transitions. */
#ifndef ENT_PLAN_MOVES_H
#define ENT_PLAN_MOVES_H

#include "model/plan.h"

#include <stddef.h>
#include <stdint.h>

struct ent_mapping;
struct ent_model;
struct ent_room;

struct ent_move {
    enum ent_action_kind kind; /* MIGRATE_VM, BOOT_VM or RESUME_VM */
    int32_t vm, from, to;
};

/* A freeing action: SHUTDOWN_VM, SUSPEND_VM or KILL_VM of vm on from (suspended to `to`). */
struct ent_freeing {
    enum ent_action_kind kind;
    int32_t vm, from, to;
};

struct ent_moves {
    struct ent_move *moves;
    size_t n_moves;
    struct ent_freeing *freeing;
    size_t n_freeing;
    int32_t *boot_nodes, *halt_nodes; /* offline -> online, online -> offline */
    size_t n_boot, n_halt;
};

/* With shutdown_empty, nodes that host VMs now and none in the target also go offline (unless a
 * constraint keeps them online). */
void ent_moves_collect(struct ent_moves *mv, const struct ent_model *m,
                       const struct ent_mapping *target, int shutdown_empty);
void ent_moves_release(struct ent_moves *mv);

/* When every waiting move lacks room that another waiting move holds: the migration to send
 * through a pivot (a node that stays online, with room) so as to free what a waiting move needs.
 * Returns its index in moves (done[i] set for those finished) and the pivot, or -1. */
ptrdiff_t ent_moves_choose_bypass(const struct ent_room *room, const struct ent_mapping *target,
                                  const struct ent_move *moves, size_t n, const uint8_t *done,
                                  int32_t *pivot);
/* With no pivot: a VM to suspend where it is so that a waiting move gets the room it lacks;
 * returns the index of that VM's own waiting migration, or -1. */
ptrdiff_t ent_moves_choose_suspend(const struct ent_room *room, const struct ent_move *moves,
                                   size_t n, const uint8_t *done);

#endif
