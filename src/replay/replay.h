/* Trace-driven simulation: a trace replayed on a simulated cluster (a preset: hosts, their power
 * tables, VM types), one decision per sample by a policy, the plan of each decision made by the
 * real planner and its cost model (the time each migration takes), and the published metrics
 * (metrics.h) accounted per interval. Simulated time: a day replays in seconds. */
#ifndef ENT_REPLAY_REPLAY_H
#define ENT_REPLAY_REPLAY_H

#include "plan/costmodel.h"
#include "replay/metrics.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ent_error;
struct ent_trace;

struct ent_replay_host_type {
    const char *name;
    double mips; /* CPU capacity, all cores */
    int64_t memory_mb;
    double power[ENT_POWER_POINTS];
};

struct ent_replay_vm_type {
    double mips;
    int64_t memory_mb;
};

/* A simulated cluster: n_hosts hosts taking the host types in turn, VMs taking the VM types in
 * contiguous blocks (CloudSim's PlanetLab set-up), samples every step seconds. One row of the
 * preset table (presets.c). */
struct ent_replay_preset {
    const char *name, *summary;
    size_t n_hosts;
    const struct ent_replay_host_type *host_types;
    size_t n_host_types;
    const struct ent_replay_vm_type *vm_types;
    size_t n_vm_types;
    double step_seconds;
    double bandwidth;  /* MB/s of a host's link */
    bool memory_binds; /* after the start placement; CloudSim's PlanetLab runs: it does not */
};

/* The cluster while it replays, as a policy sees it. */
struct ent_replay {
    const struct ent_trace *trace;
    const struct ent_replay_preset *preset;
    size_t n_hosts, n_vms;
    const struct ent_replay_host_type **host_type; /* per host */
    double *vm_mips;                               /* per VM: its CPU at 100 % */
    int64_t *vm_memory;                            /* per VM, MB */
    int32_t *host_of;                              /* per VM: where it runs */
    size_t step;                                   /* the sample a decision sees */
    const struct ent_replay_options *opts;
};

struct ent_replay_policy;

struct ent_replay_options {
    uint64_t seed;
    size_t hosts;              /* 0: the preset's */
    double solver_seconds;     /* the decision engine's time limit per step (a safety net) */
    int solver_levels;         /* its anytime levels per step: the answer depends on the seed */
    double ceiling;            /* Entropy's policies: hosts filled to this share of their CPU */
    long min_gain;             /* Entropy's policies: hosts a consolidation must free */
    int node_concurrency;      /* migrations at once through a host's link */
    double failure_rate;       /* chance a migration the executor runs fails (injected) */
    struct ent_costmodel cost; /* bandwidth set from the preset */
};

/* A policy: one row of the registry (policies.c). decide sets target (per VM a host; the current
 * placement on entry) for the interval that starts at r->step; variant tells rows that share a
 * decide apart; state is what it keeps between steps (from init, freed by release; both may be
 * NULL). */
struct ent_replay_policy {
    const char *name, *summary, *variant;
    bool executes; /* its plans run through Entropy's executor and the simulator's driver */
    int (*decide)(const struct ent_replay_policy *self, const struct ent_replay *r, void *state,
                  int32_t *target, struct ent_error *err);
    void *(*init)(const struct ent_replay *r);
    void (*release)(void *state);
};

/* One interval, for the CSV and the chart. */
struct ent_replay_step {
    double time;         /* seconds from the start */
    size_t active_hosts; /* hosts with a VM in the interval */
    double watts;        /* mean power over the interval */
    double overloaded;   /* share of the active hosts' time at 100 % CPU */
    size_t migrations;   /* decided at its start */
};

struct ent_replay_result {
    const char *policy;
    struct ent_replay_totals totals;
    struct ent_replay_figures figures;
    double wall_seconds;
    size_t unplanned;      /* decisions the planner refused: their migrations timed one by one */
    size_t failed_actions; /* actions the executor reported failed (the VM stayed) */
    struct ent_replay_step *steps;
    size_t n_steps;
};

void ent_replay_options_default(struct ent_replay_options *o);
/* The presets, the default first; NULL past the last. */
const struct ent_replay_preset *ent_replay_preset_at(size_t i);
const struct ent_replay_preset *ent_replay_preset_find(const char *name);
const char *ent_replay_preset_name_at(size_t i);
/* The policies, in the order runs list them; NULL past the last. */
const struct ent_replay_policy *ent_replay_policy_at(size_t i);
const struct ent_replay_policy *ent_replay_policy_find(const char *name);
const char *ent_replay_policy_name_at(size_t i);

/* CPU VM vm requests at sample step, in whole MIPS. */
double ent_replay_demand(const struct ent_replay *r, int32_t vm, size_t step);

/* Replays trace on preset under policy. */
int ent_replay_run(const struct ent_trace *trace, const struct ent_replay_preset *preset,
                   const struct ent_replay_policy *policy, const struct ent_replay_options *opts,
                   struct ent_replay_result *out, struct ent_error *err);
void ent_replay_result_release(struct ent_replay_result *res);

#endif
