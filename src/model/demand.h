/* What a VM needs once the plan has run: its current demand, raised by the instance's "preserve"
 * constraints (BtrPlace's way of saying that a VM's load has grown). */
#ifndef ENT_MODEL_DEMAND_H
#define ENT_MODEL_DEMAND_H

#include <stdint.h>

struct ent_model;

/* final[r][vm]: an array of n_res arrays of n_vms amounts; free with ent_final_demand_free. */
int64_t **ent_final_demand(const struct ent_model *m);
void ent_final_demand_free(int64_t **final, const struct ent_model *m);

/* cap[r][node]: capacities as the constraints make them (overbook multiplies a node's capacity of
 * a resource by its ratio); free with ent_effective_capacity_free. The checker computes its own. */
int64_t **ent_effective_capacity(const struct ent_model *m);
void ent_effective_capacity_free(int64_t **cap, const struct ent_model *m);

#endif
