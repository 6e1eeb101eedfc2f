/* The power model of nodes: BtrPlace node attributes `wattsIdle` and `wattsPeak` (watts drawn
 * with no load and at full CPU load, as SPECpower tables give them), linear in between on the
 * node's CPU use. A node with neither counts as 1 idle watt and no more, so that with no power
 * model at all the watts of a placement are its node count (energy = fewest nodes). */
#ifndef ENT_MODEL_POWER_H
#define ENT_MODEL_POWER_H

#include <stdbool.h>
#include <stdint.h>

struct ent_mapping;
struct ent_model;

struct ent_node_power {
    double idle, peak; /* watts */
};

/* Node n's model (the defaults above when its attributes say nothing usable). */
struct ent_node_power ent_node_power(const struct ent_model *m, int32_t n);
/* Whether some node of m has a power model of its own. */
bool ent_model_has_power(const struct ent_model *m);
/* Watts node n draws at cpu_used (hundredths of a core) of its CPU capacity (capped at it). */
double ent_node_watts(const struct ent_model *m, int32_t n, int64_t cpu_used);
/* Watts the nodes hosting running VMs draw in mapping (the others are off, or may be). */
double ent_mapping_watts(const struct ent_model *m, const struct ent_mapping *map);
/* Watts every online node draws in mapping (empty ones idle): what the cluster consumes. */
double ent_online_watts(const struct ent_model *m, const struct ent_mapping *map);

#endif
