/* entropy check: replay, final state, figures. */
#include "check/check.h"

#include "model/demand.h"
#include "model/model.h"
#include "model/plan.h"
#include "util/alloc.h"

void ent_check_plan(const struct ent_model *m, const struct ent_plan *plan,
                    struct ent_check_report *rep)
{
    int64_t **final_demand = ent_final_demand(m);
    struct ent_mapping final;
    ent_mapping_init(&final);
    ent__check_replay(m, plan, final_demand, &final, rep);
    ent__check_final_state(m, &final, final_demand, rep);

    int mem = ent_model_memory_resource(m);
    rep->actions = (int64_t)plan->len;
    for (size_t i = 0; i < plan->len; i++) {
        const struct ent_action *a = &plan->actions[i];
        if (a->end > rep->makespan)
            rep->makespan = a->end;
        rep->mttr += a->end;
        if (a->kind == ENT_ACTION_MIGRATE_VM) {
            rep->migrations++;
            if (mem >= 0)
                rep->moved_memory += m->res[mem].demand[a->vm];
        }
    }
    uint8_t *used = ent_calloc(m->n_nodes ? m->n_nodes : 1, 1);
    for (size_t v = 0; v < m->n_vms; v++)
        if (final.vm_state[v] == ENT_VM_RUNNING && !used[final.vm_host[v]]) {
            used[final.vm_host[v]] = 1;
            rep->online_nodes_used++;
        }
    ent_free(used);
    ent_mapping_release(&final);
    ent_final_demand_free(final_demand, m);
}
