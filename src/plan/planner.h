/* Turning current -> target into timed actions. Three planners: the parallel scheduler (the
 * default), and two baselines kept for comparison, strictly sequential and Entropy 1's pools. */
#ifndef ENT_PLAN_PLANNER_H
#define ENT_PLAN_PLANNER_H

#include "plan/costmodel.h"

#include <stddef.h>

struct ent_error;
struct ent_mapping;
struct ent_model;
struct ent_plan;

enum ent_planner { ENT_PLANNER_PARALLEL, ENT_PLANNER_POOLS, ENT_PLANNER_SEQUENTIAL };

struct ent_plan_options {
    enum ent_planner planner;
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
const char *ent_planner_name(enum ent_planner p);
int ent_planner_from_name(const char *name, enum ent_planner *out);

/* Plans with the planner opts names. Fails, with the reason, when no executable plan exists. */
int ent_plan_build(const struct ent_model *m, const struct ent_mapping *target,
                   const struct ent_plan_options *opts, struct ent_plan *plan,
                   struct ent_plan_stats *stats, struct ent_error *err);

/* The planners (see ent_plan_build). */
int ent_plan_sequential(const struct ent_model *m, const struct ent_mapping *target,
                        struct ent_plan *plan, struct ent_plan_stats *stats, struct ent_error *err);
int ent__plan_sequential(const struct ent_model *m, const struct ent_mapping *target,
                         const struct ent_plan_options *opts, struct ent_plan *plan,
                         struct ent_plan_stats *stats, struct ent_error *err);
int ent__plan_pools(const struct ent_model *m, const struct ent_mapping *target,
                    const struct ent_plan_options *opts, struct ent_plan *plan,
                    struct ent_plan_stats *stats, struct ent_error *err);
int ent__plan_parallel(const struct ent_model *m, const struct ent_mapping *target,
                       const struct ent_plan_options *opts, struct ent_plan *plan,
                       struct ent_plan_stats *stats, struct ent_error *err);

/* The error for moves that can neither run nor be unblocked. */
struct ent_move;
int ent__plan_unexecutable(const struct ent_model *m, const struct ent_move *moves, size_t n,
                           const unsigned char *done, size_t left, struct ent_error *err);

/* Writes an SVG Gantt chart of plan to path. */
int ent_plan_gantt_svg(const struct ent_model *m, const struct ent_plan *plan, const char *path,
                       struct ent_error *err);

#endif
