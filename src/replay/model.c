/* The replayed cluster as an Entropy model, for the decision engine and the planner. */
#include "replay/internal.h"

#include "model/model.h"
#include "replay/trace.h"
#include "util/error.h"

#include <math.h>
#include <stdio.h>

int ent__replay_model(const struct ent_replay *r, const double *cpu, double cpu_share,
                      struct ent_model *m, struct ent_error *err)
{
    ent_model_init(m);
    int c = ent_model_add_resource(m, "cpu", 0, 0, err);
    int mem = ent_model_add_resource(m, "memory", 0, 0, err);
    if (c < 0 || mem < 0)
        return c < 0 ? c : mem;
    for (size_t h = 0; h < r->n_hosts; h++) {
        const struct ent_replay_host_type *t = r->host_type[h];
        char name[32];
        snprintf(name, sizeof name, "host-%04zu", h);
        int i = ent_model_add_node(m, (int64_t)h, name, ENT_NODE_ONLINE, err);
        if (i < 0)
            return i;
        m->res[c].capacity[i] = (int64_t)floor(t->mips * cpu_share);
        m->res[mem].capacity[i] = t->memory_mb;
        m->nodes[i].attrs = json_pack("{s:f,s:f}", "wattsIdle", t->power[0], "wattsPeak",
                                      t->power[ENT_POWER_POINTS - 1]);
    }
    for (size_t v = 0; v < r->n_vms; v++) {
        char name[32]; /* the trace's names are shown in reports; the plans use these */
        snprintf(name, sizeof name, "vm-%06zu", v);
        int i = ent_model_add_vm(m, (int64_t)v, name, ENT_VM_RUNNING, r->host_of[v], err);
        if (i < 0)
            return i;
        m->res[c].demand[i] = (int64_t)ceil(cpu[v]);
        m->res[mem].demand[i] = r->preset->memory_binds ? r->vm_memory[v] : 0;
    }
    return 0;
}
