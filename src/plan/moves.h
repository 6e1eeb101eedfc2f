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

/* How to break a cycle: when nothing runs and every waiting move lacks room that another waiting
 * move holds. */
enum ent_cycle_break { ENT_CYCLE_NONE, ENT_CYCLE_BYPASS, ENT_CYCLE_SUSPEND };

struct ent_cycle_choice {
    enum ent_cycle_break how;
    ptrdiff_t move; /* the waiting migration whose VM takes the bypass or is suspended */
    int32_t pivot;  /* for a bypass: the node it goes through */
};

/* Prefers a migration whose departure gives a waiting move all the room it lacks: through the
 * roomiest pivot (a node that stays online, with room) when one exists and bypasses are allowed,
 * else suspended where it runs. done[i] marks moves that are no longer waiting. */
struct ent_cycle_choice ent_moves_break_cycle(const struct ent_room *room,
                                              const struct ent_mapping *target,
                                              const struct ent_move *moves, size_t n,
                                              const uint8_t *done, int allow_bypass);

#endif
