/* How long each action takes, in whole seconds. The first slice's model: a migration moves the
 * VM's memory over a 1 Gbit/s link (125 MB/s) plus one second to resume; other actions take the
 * duration the instance gives as a VM or node attribute ("boot", "shutdown", "migrate", ...) or a
 * default. The planner issue replaces this with the pre-copy cost model. */
#ifndef ENT_PLAN_DURATIONS_H
#define ENT_PLAN_DURATIONS_H

#include "model/plan.h"

#include <stdint.h>

struct ent_model;

int64_t ent_action_duration(const struct ent_model *m, enum ent_action_kind kind, int32_t vm,
                            int32_t node);

#endif
