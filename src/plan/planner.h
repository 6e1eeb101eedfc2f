/* Turning current -> target into timed actions. */
#ifndef ENT_PLAN_PLANNER_H
#define ENT_PLAN_PLANNER_H

#include <stddef.h>

struct ent_error;
struct ent_mapping;
struct ent_model;
struct ent_plan;

struct ent_plan_stats {
    size_t bypasses; /* migrations through a pivot node to break a cycle */
};

/* A strictly sequential plan: one action at a time, each started only when its destination has
 * room; cycles of migrations waiting on each other are broken through a pivot node. Fails, with
 * the reason, when no executable order exists. */
int ent_plan_sequential(const struct ent_model *m, const struct ent_mapping *target,
                        struct ent_plan *plan, struct ent_plan_stats *stats, struct ent_error *err);

#endif
