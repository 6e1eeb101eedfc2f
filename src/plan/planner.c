/* Planner options and dispatch. */
#include "plan/planner.h"

#include "util/error.h"

#include <string.h>

static const char *const planner_names[] = {"parallel", "pools", "sequential"};

void ent_plan_options_init(struct ent_plan_options *o)
{
    memset(o, 0, sizeof *o);
    o->planner = ENT_PLANNER_PARALLEL;
    ent_costmodel_default(&o->cost);
    o->node_concurrency = 2;
    o->total_concurrency = 0;
    o->shutdown_empty = 0;
}

const char *ent_planner_name(enum ent_planner p)
{
    return planner_names[p];
}

int ent_planner_from_name(const char *name, enum ent_planner *out)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(name, planner_names[i]) == 0) {
            *out = (enum ent_planner)i;
            return 0;
        }
    return ENT_EINVALID;
}

int ent_plan_build(const struct ent_model *m, const struct ent_mapping *target,
                   const struct ent_plan_options *opts, struct ent_plan *plan,
                   struct ent_plan_stats *stats, struct ent_error *err)
{
    switch (opts->planner) {
    case ENT_PLANNER_SEQUENTIAL:
        return ent__plan_sequential(m, target, opts, plan, stats, err);
    case ENT_PLANNER_POOLS:
        return ent__plan_pools(m, target, opts, plan, stats, err);
    case ENT_PLANNER_PARALLEL:
        break;
    }
    return ent__plan_parallel(m, target, opts, plan, stats, err);
}
