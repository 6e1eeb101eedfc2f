/* The packing state the solvers work on: final demands, effective capacities, which node each VM
 * will be on, and the placement rules the constraints impose (eligibility, group capacities). */
#ifndef ENT_SOLVE_PACK_H
#define ENT_SOLVE_PACK_H

#include "model/mapping.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ent_error;
struct ent_model;

/* A capacity shared by several nodes (resourceCapacity, runningCapacity over a node set). */
struct ent_group {
    int res; /* -1: counts running VMs */
    int64_t limit, used;
};

struct ent_vm_rules {
    int32_t *ban; /* sorted node indexes the VM must avoid */
    uint32_t n_ban;
    int32_t *fence; /* sorted node indexes the VM must stay within; NULL = anywhere */
    uint32_t n_fence;
    uint8_t fenced; /* a fence applies (n_fence may be 0: nowhere) */
};

struct ent_pack {
    const struct ent_model *m;
    size_t n_res, n_nodes, n_vms;
    int64_t *cap;         /* [node * n_res + r] */
    int64_t *used;        /* [node * n_res + r] */
    int64_t *dem;         /* [vm * n_res + r], final demands */
    uint8_t *node_usable; /* may host running VMs in the target */
    struct ent_vm_rules *rules;
    struct ent_group *groups;
    size_t n_groups;
    uint32_t *node_group_start; /* CSR: groups of node n are node_groups[start[n] .. start[n+1]) */
    uint32_t *node_groups;
    struct ent_mapping target; /* states from the constraints, hosts as placed so far */
    /* Placement rules (rules.c): constraints per VM (CSR), quarantined nodes, storage domains. */
    uint32_t *rule_start, *rules_of;
    uint8_t *quarantined;
    const char **storage;
    int storage_domains;
    uint32_t *lonely; /* indexes of lonely constraints */
    size_t n_lonely;
    uint8_t *lonely_member; /* per VM: in some lonely set */
    int32_t *lonely_on;     /* per node: lonely members placed there */
    double deadline;        /* ent_now() time after which long packings give up (0: none) */
    int order_res;          /* packings take nodes by this resource's capacity first (-1: summed) */
    /* Running VMs placed on each node, kept by ent_pack_place / ent_pack_unplace. */
    int32_t **residents;
    uint32_t *n_residents, *cap_residents;
};

/* Builds the state: target states from the state constraints, hosts of VMs that stay running left
 * in place (and counted), VMs that must boot or resume unplaced (host -1, state running).
 * Fails when a constraint makes the instance impossible on its face. */
int ent_pack_init(struct ent_pack *p, const struct ent_model *m, struct ent_error *err);
void ent_pack_release(struct ent_pack *p);

/* Whether p has a deadline and it has passed (packings give up then: ENT_ETIMEOUT). */
bool ent_pack_late(const struct ent_pack *p);
bool ent_pack_fits(const struct ent_pack *p, int32_t vm, int32_t node);
bool ent_pack_allowed(const struct ent_pack *p, int32_t vm, int32_t node);
void ent_pack_place(struct ent_pack *p, int32_t vm, int32_t node);
void ent_pack_unplace(struct ent_pack *p, int32_t vm);
/* Whether vm may not move from where it runs (root, or its node is quarantined). */
bool ent_pack_pinned(const struct ent_pack *p, int32_t vm);
/* Whether vm has a rule of its own (ban, fence, a placement constraint): then it is not
 * interchangeable with VMs of the same demand. */
bool ent_pack_has_rules(const struct ent_pack *p, int32_t vm);

/* Share of node's capacity in use, summed over resources (0 for an empty node). */
double ent_pack_load(const struct ent_pack *p, int32_t node);
/* Whether node (and every group it is in) is within its capacity. */
int ent_pack_node_ok(const struct ent_pack *p, int32_t node);
/* Usable nodes, largest first (capacity as a share of the largest, summed over resources; by
 * order_res's first when it is set), ties by index; returns the count, *out to free with
 * ent_free. */
size_t ent_pack_nodes_by_capacity(const struct ent_pack *p, int32_t **out);
/* out[r]: the largest capacity of resource r over all nodes (at least 1), for normalising. */
void ent_pack_max_capacity(const struct ent_pack *p, double *out);
/* out[v]: VM v's final demand as shares of the largest capacities, summed over resources. */
void ent_pack_vm_sizes(const struct ent_pack *p, double *out);
/* out[r]: the final demand of resource r summed over the VMs that will run. */
void ent_pack_total_demand(const struct ent_pack *p, double *out);
/* Where vm runs now (before the plan), -1 when it does not run. */
int32_t ent_pack_home(const struct ent_pack *p, int32_t vm);
/* VMs that will run, in decreasing size (demand as a share of the largest capacity, summed over
 * resources); returns the count, *out to free with ent_free. */
size_t ent_pack_running_by_size(struct ent_pack *p, int32_t **out);

#endif
