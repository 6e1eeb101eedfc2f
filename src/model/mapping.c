/* Configurations. */
#include "model/mapping.h"

#include "util/alloc.h"

#include <string.h>

void ent_mapping_init(struct ent_mapping *map)
{
    memset(map, 0, sizeof *map);
}

void ent_mapping_release(struct ent_mapping *map)
{
    if (!map)
        return;
    ent_free(map->node_state);
    ent_free(map->vm_state);
    ent_free(map->vm_host);
    ent_mapping_init(map);
}

void ent_mapping_resize(struct ent_mapping *map, size_t n_nodes, size_t n_vms)
{
    map->node_state = ent_reallocarray(map->node_state, n_nodes, sizeof *map->node_state);
    for (size_t i = map->n_nodes; i < n_nodes; i++)
        map->node_state[i] = ENT_NODE_OFFLINE;
    map->vm_state = ent_reallocarray(map->vm_state, n_vms, sizeof *map->vm_state);
    map->vm_host = ent_reallocarray(map->vm_host, n_vms, sizeof *map->vm_host);
    for (size_t i = map->n_vms; i < n_vms; i++) {
        map->vm_state[i] = ENT_VM_KILLED;
        map->vm_host[i] = -1;
    }
    map->n_nodes = n_nodes;
    map->n_vms = n_vms;
}

void ent_mapping_copy(struct ent_mapping *dst, const struct ent_mapping *src)
{
    ent_mapping_release(dst);
    ent_mapping_resize(dst, src->n_nodes, src->n_vms);
    memcpy(dst->node_state, src->node_state, src->n_nodes * sizeof *src->node_state);
    memcpy(dst->vm_state, src->vm_state, src->n_vms * sizeof *src->vm_state);
    memcpy(dst->vm_host, src->vm_host, src->n_vms * sizeof *src->vm_host);
}

const char *ent_node_state_name(enum ent_node_state s)
{
    return s == ENT_NODE_ONLINE ? "online" : "offline";
}

const char *ent_vm_state_name(enum ent_vm_state s)
{
    switch (s) {
    case ENT_VM_RUNNING:
        return "running";
    case ENT_VM_SLEEPING:
        return "sleeping";
    case ENT_VM_READY:
        return "ready";
    case ENT_VM_KILLED:
        return "killed";
    }
    return "?";
}
