/* The sim adapter: the simulated cluster as a model, with resources "cpu" (hundredths of a core)
 * and "memory" (MB). A VM's CPU demand is its current use. */
#include "model/model.h"
#include "monitor/monitor.h"
#include "sim/cluster.h"
#include "util/alloc.h"
#include "util/error.h"

static int sim_open(struct ent_monitor *mon, void *arg, struct ent_error *err)
{
    if (!arg)
        return ent_error(err, ENT_EINVALID, "the sim monitor needs a simulated cluster");
    mon->state = arg;
    return 0;
}

static int sim_snapshot(struct ent_monitor *mon, struct ent_model *out, struct ent_error *err)
{
    const struct ent_sim_cluster *c = mon->state;
    int cpu = ent_model_add_resource(out, "cpu", 0, 0, err);
    int mem = ent_model_add_resource(out, "memory", 0, 0, err);
    if (cpu < 0 || mem < 0)
        return ENT_EINVALID;
    for (size_t n = 0; n < c->n_nodes; n++) {
        const struct ent_sim_node *sn = &c->nodes[n];
        int i = ent_model_add_node(out, (int64_t)n, sn->name,
                                   sn->online ? ENT_NODE_ONLINE : ENT_NODE_OFFLINE, err);
        if (i < 0)
            return i;
        out->res[cpu].capacity[i] = (int64_t)sn->cpus * 100;
        out->res[mem].capacity[i] = sn->memory_mb;
        out->nodes[i].driver = ent_strdup("sim");
    }
    for (size_t v = 0; v < c->n_vms; v++) {
        const struct ent_sim_vm *sv = &c->vms[v];
        int i =
            ent_model_add_vm(out, (int64_t)v, sv->name, sv->running ? ENT_VM_RUNNING : ENT_VM_READY,
                             sv->running ? sv->host : -1, err);
        if (i < 0)
            return i;
        out->res[cpu].demand[i] = (int64_t)(sv->load * sv->vcpus + 0.5);
        out->res[mem].demand[i] = sv->memory_mb;
    }
    return ent_model_validate(out, err);
}

const struct ent_monitor_ops ent_monitor_sim_ops = {
    .name = "sim",
    .open = sim_open,
    .snapshot = sim_snapshot,
};
