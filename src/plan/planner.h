/* Turning current -> target into timed actions. Three planners: the parallel scheduler (the
 * default), and two baselines kept for comparison, strictly sequential and Entropy 1's pools. */
#ifndef ENT_PLAN_PLANNER_H
#define ENT_PLAN_PLANNER_H

#include "util/error.h"

#include "plan/costmodel.h"

#include <stddef.h>

struct ent_error;
struct ent_mapping;
struct ent_model;
struct ent_plan;

struct ent_plan_options;
struct ent_plan_stats;

/* A planner: one row of the registry (planners.c), defined in its own file. */
struct ent_planner {
    const char *name;
    const char *summary;
    int honours_timing; /* seq, noDelay and continuous constraints hold during its plans */
    int counts_pools;   /* fills ent_plan_stats.pools */
    int (*plan)(const struct ent_model *m, const struct ent_mapping *target,
                const struct ent_plan_options *opts, struct ent_plan *plan,
                struct ent_plan_stats *stats, struct ent_error *err);
};

extern const struct ent_planner ent_planner_parallel, ent_planner_pools, ent_planner_sequential;

struct ent_plan_options {
    const struct ent_planner *planner;
    struct ent_costmodel cost;
    int node_concurrency;  /* migrations at once through one node's link (>= 1) */
    int total_concurrency; /* migrations at once in the cluster, 0 for no limit */
    int shutdown_empty;    /* shut down, at the end, nodes the plan leaves empty */
};

struct ent_plan_stats {
    size_t bypasses; /* migrations through a pivot node to break a cycle */
    size_t suspends; /* VMs suspended and resumed elsewhere to break a cycle with no pivot */
    size_t pools;    /* the pools baseline: how many */
};

void ent_plan_options_init(struct ent_plan_options *o);
/* The planners in the order --help lists them, the default first; NULL past the last. */
const struct ent_planner *ent_planner_at(size_t i);
/* The planner called name, NULL when there is none. */
const struct ent_planner *ent_planner_find(const char *name);
/* The name of planner i, NULL past the last (for ent_names). */
const char *ent_planner_name_at(size_t i);

/* Plans with the planner opts names. Fails, with the reason, when no executable plan exists. */
ENT_MUST_USE int ent_plan_build(const struct ent_model *m, const struct ent_mapping *target,
                                const struct ent_plan_options *opts, struct ent_plan *plan,
                                struct ent_plan_stats *stats, struct ent_error *err);

/* The sequential planner with default options (tests and benchmarks). */
ENT_MUST_USE int ent_plan_sequential(const struct ent_model *m, const struct ent_mapping *target,
                                     struct ent_plan *plan, struct ent_plan_stats *stats,
                                     struct ent_error *err);

/* Writes an SVG Gantt chart of plan to path. */
ENT_MUST_USE int ent_plan_gantt_svg(const struct ent_model *m, const struct ent_plan *plan,
                                    const char *path, struct ent_error *err);

#endif
