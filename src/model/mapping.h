/* A configuration: the state of every node and VM and where each VM is. The model holds the current
 * one; the solver produces targets of the same shape. */
#ifndef ENT_MODEL_MAPPING_H
#define ENT_MODEL_MAPPING_H

#include <stddef.h>
#include <stdint.h>

/* Booting and shutting down are Entropy's own (the power policy's): neither takes VMs, and BtrPlace
 * JSON writes both as offline. */
enum ent_node_state { ENT_NODE_ONLINE, ENT_NODE_OFFLINE, ENT_NODE_BOOTING, ENT_NODE_SHUTTING_DOWN };
enum ent_vm_state { ENT_VM_RUNNING, ENT_VM_SLEEPING, ENT_VM_READY, ENT_VM_KILLED };

struct ent_mapping {
    uint8_t *node_state; /* enum ent_node_state per node */
    uint8_t *vm_state;   /* enum ent_vm_state per VM */
    int32_t *vm_host;    /* node index, -1 when ready or killed */
    size_t n_nodes, n_vms;
    size_t cap_nodes, cap_vms; /* allocated, grown geometrically */
};

void ent_mapping_init(struct ent_mapping *map);
void ent_mapping_release(struct ent_mapping *map);
/* Resizes to the given counts; new nodes are offline, new VMs killed and unhosted. */
void ent_mapping_resize(struct ent_mapping *map, size_t n_nodes, size_t n_vms);
void ent_mapping_copy(struct ent_mapping *dst, const struct ent_mapping *src);

/* Whether the VM occupies resources on its host (only running VMs do, as in BtrPlace). */
static inline int ent_vm_state_consumes(uint8_t state)
{
    return state == ENT_VM_RUNNING;
}

const char *ent_node_state_name(enum ent_node_state s);
const char *ent_vm_state_name(enum ent_vm_state s);

#endif
