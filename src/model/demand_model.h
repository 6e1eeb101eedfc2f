/* Entropy's demand model: a VM whose CPU use is above a threshold is active and needs its CPU share
 * (its vCPUs' worth); an inactive VM needs memory only. Applied to a model, it rewrites the CPU
 * demands the decision sees. */
#ifndef ENT_MODEL_DEMAND_MODEL_H
#define ENT_MODEL_DEMAND_MODEL_H

#include <stdint.h>

struct ent_error;
struct ent_model;

struct ent_demand_model {
    int64_t active_threshold; /* CPU use above this (in the CPU resource's units) is active */
    int64_t share_per_vcpu;   /* what an active VM needs per vCPU; 0 keeps its use as demand */
};

/* The CPU resource: "cpu", "uCpu" or "cpus", or -1. */
int ent_model_cpu_resource(const struct ent_model *m);

/* Rewrites the CPU demand of every VM: 0 when inactive; when active, share_per_vcpu x the VM's
 * "vcpus" attribute (1 when absent), or its use when share_per_vcpu is 0. Returns the count of
 * active VMs, or a negative code when the model has no CPU resource. */
int ent_demand_model_apply(struct ent_model *m, const struct ent_demand_model *dm,
                           struct ent_error *err);

#endif
