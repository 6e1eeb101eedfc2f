/* A simulated cluster: nodes with CPUs and memory, VMs whose CPU load changes between rounds,
 * and a simulated clock. The sim monitor reads it and the sim driver acts on it, so the whole
 * control loop runs with no outside service. */
#ifndef ENT_SIM_CLUSTER_H
#define ENT_SIM_CLUSTER_H

#include "util/prng.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ent_error;

struct ent_sim_node {
    char name[32];
    int cpus;
    int64_t memory_mb;
    bool online;
    int powering;        /* 1 booting, -1 shutting down, 0 neither */
    double powered_at;   /* wall-clock time the change completes */
    size_t power_cycles; /* times switched off (tests count flapping) */
};

struct ent_sim_vm {
    char name[32];
    int vcpus;
    int64_t memory_mb;
    bool active;
    double load; /* CPU use, in hundredths of a core per vCPU: 0..100 */
    int32_t host;
    bool running;
};

struct ent_sim_options {
    size_t nodes, vms;
    int node_cpus;
    int64_t node_memory_mb;
    double flip_probability; /* chance a VM turns active/inactive between rounds */
    double failure_rate;     /* chance a migration fails (injected) */
    int64_t migration_delay; /* seconds added to every migration (injected) */
    double action_seconds;   /* wall-clock seconds a migration takes (0: none) */
    double power_seconds;    /* wall-clock seconds a node takes to boot or shut down */
    uint64_t seed;
};

struct ent_sim_cluster {
    struct ent_sim_node *nodes;
    size_t n_nodes;
    struct ent_sim_vm *vms;
    size_t n_vms;
    struct ent_sim_options opts;
    struct ent_prng rng;
    int64_t clock; /* simulated seconds */
    size_t migrations_done, migrations_failed;
};

/* The built-in default: 16 nodes of 4 CPUs and 8 GiB, 48 VMs of 512 to 2048 MB. */
void ent_sim_options_default(struct ent_sim_options *o);
/* Builds the cluster, VMs spread round-robin over the nodes (a realistic, unpacked start). */
int ent_sim_cluster_init(struct ent_sim_cluster *c, const struct ent_sim_options *o,
                         struct ent_error *err);
void ent_sim_cluster_release(struct ent_sim_cluster *c);
/* Changes VM loads for the next round. */
void ent_sim_cluster_step(struct ent_sim_cluster *c);
/* Sets VM i's load to share[i * stride] (0..1 of its vCPUs) for every VM: a replayed trace
 * instead of the random walk; active when at least 30 %. */
void ent_sim_cluster_set_loads(struct ent_sim_cluster *c, const double *share, size_t stride);
int32_t ent_sim_node_index(const struct ent_sim_cluster *c, const char *name);
int32_t ent_sim_vm_index(const struct ent_sim_cluster *c, const char *name);
/* Memory and CPU (hundredths of a core) used on node by its running VMs. */
void ent_sim_node_usage(const struct ent_sim_cluster *c, int32_t node, int64_t *memory_mb,
                        int64_t *cpu);
/* Switches node on or off at time now (ent_now()); the change completes power_seconds later.
 * Switching off a node kills the VMs that run on it, as a real power cut does. 0, or
 * ENT_EINVALID when it is already in that state or changing. */
int ent_sim_node_power(struct ent_sim_cluster *c, int32_t node, bool on, double now,
                       struct ent_error *err);
/* Completes the changes due by now. */
void ent_sim_power_settle(struct ent_sim_cluster *c, double now);
/* Starts VM name on node: a VM of the cluster that is not running, or a new one of that size.
 * ENT_EEXISTS when it runs already (anywhere), ENT_EINVALID when the node is off or short of
 * memory. */
int ent_sim_vm_start(struct ent_sim_cluster *c, const char *name, int vcpus, int64_t memory_mb,
                     int32_t node, struct ent_error *err);
/* Nodes hosting at least one running VM. */
size_t ent_sim_active_nodes(const struct ent_sim_cluster *c);

#endif
