/* Shared inside src/replay: power-aware best-fit decreasing (pabfd.c), the policies' rows. */
#ifndef ENT_REPLAY_INTERNAL_H
#define ENT_REPLAY_INTERNAL_H

#include "replay/replay.h"

#include <stdbool.h>
#include <stdint.h>

/* Hosts as a placement fills them: CPU (MIPS) and memory placed, VMs per host. */
struct ent_pabfd {
    const struct ent_replay *r;
    const double *demand; /* per VM, MIPS */
    double *load;
    int64_t *memory;
    size_t *count;
    uint8_t *excluded; /* hosts a VM may not go to */
    /* Whether host is overloaded as it is now (its load counts the VM tried); NULL: above its
     * capacity. */
    bool (*overloaded)(const struct ent_pabfd *p, int32_t host, void *arg);
    void *arg;
    bool switch_on_costs_idle; /* an empty host costs its idle power too (else CloudSim's diff) */
    bool memory_binds;         /* a VM needs its memory free on the host */
    /* When set, per host its utilisation at the last ENT_PABFD_HISTORY samples (newest first)
     * from the VMs placed on it, kept by add and remove (local regression needs it). */
    double *history;
};

#define ENT_PABFD_HISTORY 10

/* The hosts loaded with the VMs of placement (-1: none) at demand; with their history when
 * with_history. */
void ent__pabfd_init(struct ent_pabfd *p, const struct ent_replay *r, const double *demand,
                     const int32_t *placement, bool with_history);
void ent__pabfd_release(struct ent_pabfd *p);
void ent__pabfd_add(struct ent_pabfd *p, int32_t vm, int32_t host);
void ent__pabfd_remove(struct ent_pabfd *p, int32_t vm, int32_t host);
/* The host, not excluded, where vm fits (memory, CPU) without overloading it, whose power grows
 * least; -1 when none. */
int32_t ent__pabfd_find(struct ent_pabfd *p, int32_t vm);
/* Sorts vms by demand, largest first. */
void ent__pabfd_sort(const struct ent_pabfd *p, int32_t *vms, size_t n);
/* CPU utilisation of host (0..). */
double ent__pabfd_utilisation(const struct ent_pabfd *p, int32_t host);

struct ent_model;
/* The cluster as the decision engine and the planner see it: resources cpu (MIPS) and memory,
 * hosts of cpu_share of their CPU with their power model (wattsIdle, wattsPeak from the table's
 * ends), VMs at cpu[v] MIPS running where host_of says. */
int ent__replay_model(const struct ent_replay *r, const double *cpu, double cpu_share,
                      struct ent_model *m, struct ent_error *err);

struct ent_plan;
struct ent_sim_cluster;
struct ent_driver_set;
/* The simulated cluster the plans run on: it mirrors the replay (hosts host-NNNN, VMs vm-NNNNNN
 * as the model names them), and Entropy's executor acts on it through the simulator's driver. */
struct ent_replay_sim {
    struct ent_sim_cluster *cluster;
    struct ent_driver_set *drivers;
};

int ent__replay_sim_open(struct ent_replay_sim *s, const struct ent_replay *r,
                         struct ent_error *err);
void ent__replay_sim_close(struct ent_replay_sim *s);
/* Runs plan (on m) through the executor and reads back where every VM runs into placement;
 * returns the actions that failed. */
size_t ent__replay_sim_execute(struct ent_replay_sim *s, const struct ent_model *m,
                               const struct ent_plan *plan, int32_t *placement);
/* Puts the VMs where placement says, without the executor (a plan the planner refused). */
void ent__replay_sim_place(struct ent_replay_sim *s, const int32_t *placement);

/* Every VM placed by power-aware best-fit decreasing at its full CPU (CloudSim's start). */
int ent__replay_place_initially(struct ent_replay *r, struct ent_error *err);

extern const struct ent_replay_policy ent_replay_policy_none, ent_replay_policy_thr_mmt,
    ent_replay_policy_lr_mmt, ent_replay_policy_entropy, ent_replay_policy_entropy_energy;

#endif
