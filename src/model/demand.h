/* What a VM needs once the plan has run: its current demand, raised by the instance's "preserve"
 * constraints (BtrPlace's way of saying that a VM's load has grown). */
#ifndef ENT_MODEL_DEMAND_H
#define ENT_MODEL_DEMAND_H

#include <stdint.h>

struct ent_model;

/* final[r][vm]: an array of n_res arrays of n_vms amounts; free with ent_final_demand_free. */
int64_t **ent_final_demand(const struct ent_model *m);
void ent_final_demand_free(int64_t **final, const struct ent_model *m);

#endif
