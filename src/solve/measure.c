/* The figures of a target against the current placement: nodes used, migrations, memory moved,
 * boots and shutdowns. */
#include "model/model.h"
#include "solve/internal.h"
#include "solve/solve.h"
#include "util/alloc.h"

void ent__solve_measure(const struct ent_model *m, const struct ent_mapping *target,
                        struct ent_solve_stats *stats)
{
    int mem = ent_model_memory_resource(m);
    stats->nodes_used = stats->migrations = stats->moved_memory = 0;
    stats->boots = stats->shutdowns = 0;
    uint8_t *used = ent_calloc(m->n_nodes + 1, 1);
    for (size_t v = 0; v < m->n_vms; v++) {
        uint8_t now = m->map.vm_state[v], then = target->vm_state[v];
        if (then == ENT_VM_RUNNING && !used[target->vm_host[v]]) {
            used[target->vm_host[v]] = 1;
            stats->nodes_used++;
        }
        if (now == ENT_VM_RUNNING && then == ENT_VM_RUNNING &&
            m->map.vm_host[v] != target->vm_host[v]) {
            stats->migrations++;
            stats->moved_memory += mem >= 0 ? m->res[mem].demand[v] : 0;
        }
        stats->boots += now == ENT_VM_READY && then == ENT_VM_RUNNING;
    }
    for (size_t n = 0; n < m->n_nodes; n++)
        stats->shutdowns +=
            m->map.node_state[n] == ENT_NODE_ONLINE && target->node_state[n] == ENT_NODE_OFFLINE;
    ent_free(used);
}
