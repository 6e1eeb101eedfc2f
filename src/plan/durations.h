/* How long each action takes, in whole seconds (BtrPlace's plans count whole seconds; a duration
 * is rounded up). Migrations follow the pre-copy cost model at the rate of the link share they
 * hold; suspend and resume copy the memory once; other actions take the duration the instance
 * gives as a VM or node attribute ("boot", "shutdown", ...) or a default. An attribute "migrate"
 * overrides the model. */
#ifndef ENT_PLAN_DURATIONS_H
#define ENT_PLAN_DURATIONS_H

#include "model/plan.h"

#include <stdint.h>

struct ent_costmodel;
struct ent_model;
struct ent_precopy;

/* A migration of vm holding `share` (0 < share <= 1) of a link; details into pc when not NULL. */
int64_t ent_migration_duration(const struct ent_model *m, const struct ent_costmodel *cm,
                               int32_t vm, double share, struct ent_precopy *pc);
/* Any action; migrations at a full link. */
int64_t ent_action_duration(const struct ent_model *m, const struct ent_costmodel *cm,
                            enum ent_action_kind kind, int32_t vm, int32_t node);

#endif
