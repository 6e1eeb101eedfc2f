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

/* The capacity to allocate for want elements: doubling, so that adding one at a time is linear. */
static size_t grown(size_t cap, size_t want)
{
    if (want <= cap && cap)
        return cap;
    size_t c = cap ? cap : 8;
    while (c < want)
        c *= 2;
    return c;
}

void ent_mapping_resize(struct ent_mapping *map, size_t n_nodes, size_t n_vms)
{
    size_t cn = grown(map->cap_nodes, n_nodes), cv = grown(map->cap_vms, n_vms);
    if (cn != map->cap_nodes || !map->node_state) {
        map->node_state = ent_reallocarray(map->node_state, cn, sizeof *map->node_state);
        map->cap_nodes = cn;
    }
    if (cv != map->cap_vms || !map->vm_state) {
        map->vm_state = ent_reallocarray(map->vm_state, cv, sizeof *map->vm_state);
        map->vm_host = ent_reallocarray(map->vm_host, cv, sizeof *map->vm_host);
        map->cap_vms = cv;
    }
    for (size_t i = map->n_nodes; i < n_nodes; i++)
        map->node_state[i] = ENT_NODE_OFFLINE;
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
    if (src->n_nodes)
        memcpy(dst->node_state, src->node_state, src->n_nodes * sizeof *src->node_state);
    if (src->n_vms) {
        memcpy(dst->vm_state, src->vm_state, src->n_vms * sizeof *src->vm_state);
        memcpy(dst->vm_host, src->vm_host, src->n_vms * sizeof *src->vm_host);
    }
}

const char *ent_node_state_name(enum ent_node_state s)
{
    static const char *const names[] = {[ENT_NODE_ONLINE] = "online",
                                        [ENT_NODE_OFFLINE] = "offline",
                                        [ENT_NODE_BOOTING] = "booting",
                                        [ENT_NODE_SHUTTING_DOWN] = "shutting-down"};
    return (unsigned)s < sizeof names / sizeof *names ? names[s] : "offline";
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
