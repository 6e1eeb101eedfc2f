/* The cluster model: nodes, VMs, named resources, the current mapping, and constraints.
 * Elements are addressed by dense indexes; each keeps the integer id it has in BtrPlace JSON and an
 * optional name. */
#ifndef ENT_MODEL_MODEL_H
#define ENT_MODEL_MODEL_H

#include "model/constraint.h"
#include "model/mapping.h"
#include "util/hashmap.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Values above this are absurd for any resource (2^50: a petabyte of MB) and refused. */
#define ENT_AMOUNT_MAX (INT64_C(1) << 50)

struct ent_error;

/* A named resource (a BtrPlace "shareableResource" view). */
struct ent_resource {
    char *name;
    int64_t def_capacity, def_demand; /* kept for writing the view back */
    int64_t *capacity;                /* per node */
    int64_t *demand;                  /* per VM */
};

struct ent_node {
    int64_t id;
    char *name;      /* NULL when the source gave none */
    char *enclosure; /* NULL when unknown */
    char *driver;    /* migration driver name, NULL when unknown */
    json_t *attrs;   /* other attributes, kept for round-trip; may be NULL */
};

struct ent_vm {
    int64_t id;
    char *name;
    json_t *attrs;
};

struct ent_model {
    struct ent_node *nodes;
    size_t n_nodes, cap_nodes;
    struct ent_vm *vms;
    size_t n_vms, cap_vms;
    struct ent_resource *res;
    size_t n_res, cap_res;
    struct ent_mapping map; /* the current configuration */
    struct ent_constraint_set constraints;
    json_t *objective;   /* as read, may be NULL */
    json_t *extra_views; /* views Entropy does not interpret, kept for round-trip; may be NULL */
    struct ent_idmap node_ids, vm_ids;
    /* Nodes monitoring lost this round and left out (Ganglia's past liveness), with what they ran
     * by the source's last word: {"NODE": ["VM", ...]}, names checked; NULL when none. */
    json_t *lost;
};

void ent_model_init(struct ent_model *m);
void ent_model_release(struct ent_model *m);
void ent_model_free(struct ent_model *m);

/* Each returns the new element's index, or a negative code (duplicate id) with detail in err. */
int ent_model_add_resource(struct ent_model *m, const char *name, int64_t def_capacity,
                           int64_t def_demand, struct ent_error *err);
int ent_model_add_node(struct ent_model *m, int64_t id, const char *name, enum ent_node_state state,
                       struct ent_error *err);
/* host is a node index, or -1 for VMs that are ready or killed. */
int ent_model_add_vm(struct ent_model *m, int64_t id, const char *name, enum ent_vm_state state,
                     int32_t host, struct ent_error *err);

int32_t ent_model_node_index(const struct ent_model *m, int64_t id);
int32_t ent_model_vm_index(const struct ent_model *m, int64_t id);
/* Linear in the number of resources, which is small. -1 when absent. */
int ent_model_resource_index(const struct ent_model *m, const char *name);
/* The resource that stands for memory ("memory", "mem" or "ram"), or -1. */
int ent_model_memory_resource(const struct ent_model *m);
/* Nodes hosting at least one running VM in the current mapping. */
size_t ent_model_active_nodes(const struct ent_model *m);
/* Per node, how many VMs run or sleep there in the current mapping (a new array, ent_free). */
size_t *ent_model_hosted_per_node(const struct ent_model *m);
/* The names of the VMs on each node, as a JSON array indexed like the nodes (one pass). */
json_t *ent_model_vms_by_node(const struct ent_model *m);

/* A printable name: the name when set, else "node#ID" / "vm#ID" in buf. */
const char *ent_node_label(const struct ent_model *m, int32_t node, char *buf, size_t len);
const char *ent_vm_label(const struct ent_model *m, int32_t vm, char *buf, size_t len);

/* Checks consistency: VMs hosted on online nodes, amounts in [0, ENT_AMOUNT_MAX]. */
int ent_model_validate(const struct ent_model *m, struct ent_error *err);

#endif
