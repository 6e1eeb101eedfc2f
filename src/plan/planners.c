/* The planner registry, planner options and dispatch. A new planner is one file defining its
 * struct ent_planner and one row here. */
#include "model/plan.h"
#include "plan/planner.h"

#include <string.h>

static const struct ent_planner *const planners[] = {
    &ent_planner_parallel,
    &ent_planner_pools,
    &ent_planner_sequential,
};

#define N_PLANNERS (sizeof planners / sizeof *planners)

const struct ent_planner *ent_planner_at(size_t i)
{
    return i < N_PLANNERS ? planners[i] : NULL;
}

const struct ent_planner *ent_planner_find(const char *name)
{
    for (size_t i = 0; i < N_PLANNERS; i++)
        if (strcmp(name, planners[i]->name) == 0)
            return planners[i];
    return NULL;
}

const char *ent_planner_name_at(size_t i)
{
    return i < N_PLANNERS ? planners[i]->name : NULL;
}

void ent_plan_options_init(struct ent_plan_options *o)
{
    memset(o, 0, sizeof *o);
    o->planner = planners[0];
    ent_costmodel_default(&o->cost);
    o->node_concurrency = ENT_DEFAULT_NODE_CONCURRENCY;
    o->total_concurrency = 0;
    o->shutdown_empty = 0;
}

int ent_plan_build(const struct ent_model *m, const struct ent_mapping *target,
                   const struct ent_plan_options *opts, struct ent_plan *plan,
                   struct ent_plan_stats *stats, struct ent_error *err)
{
    return opts->planner->plan(m, target, opts, plan, stats, err);
}

int ent_plan_sequential(const struct ent_model *m, const struct ent_mapping *target,
                        struct ent_plan *plan, struct ent_plan_stats *stats, struct ent_error *err)
{
    struct ent_plan_options opts;
    ent_plan_options_init(&opts);
    return ent_planner_sequential.plan(m, target, &opts, plan, stats, err);
}
