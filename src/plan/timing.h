/* What constraints ask of the plan's timing, for the parallel scheduler: continuous placement
 * constraints (spread, split, gather, among, splitAmong, lonely, ban, fence must hold at every
 * instant, so an arrival waits until it keeps them), seq (a VM acts only after the one before it
 * in the list is done) and noDelay (a VM's action starts at time 0). */
#ifndef ENT_PLAN_TIMING_H
#define ENT_PLAN_TIMING_H

#include <stddef.h>
#include <stdint.h>

struct ent_model;
struct ent_room;

struct ent_timing {
    const struct ent_model *m;
    int32_t *host;        /* per VM: the node it runs on as the plan unfolds, -1 */
    int32_t *dest;        /* per VM: the node it is arriving on, -1 */
    int32_t *busy;        /* per VM: actions not yet finished (for seq) */
    int32_t *after;       /* per VM: the VM it must wait for (seq), -1 */
    uint8_t *no_delay;    /* per VM */
    uint32_t *cons_start; /* CSR: continuous placement constraints per VM */
    uint32_t *cons;
    uint32_t *lonely; /* continuous lonely constraints, checked for every arrival */
    size_t n_lonely;
    uint32_t *capacity; /* continuous resourceCapacity and runningCapacity constraints */
    size_t n_capacity;
    const struct ent_room *room; /* the scheduler's, for resourceCapacity */
};

void ent_timing_init(struct ent_timing *t, const struct ent_model *m);
void ent_timing_release(struct ent_timing *t);
/* Whether vm may start arriving on node now (continuous constraints, seq). */
int ent_timing_may_arrive(const struct ent_timing *t, int32_t vm, int32_t node);
/* Whether vm may act now (seq). */
int ent_timing_may_act(const struct ent_timing *t, int32_t vm);

#endif
