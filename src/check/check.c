/* entropy check: replay, final state, figures. */
#include "check/check.h"
#include "check/internal.h"

#include "model/demand.h"
#include "model/model.h"
#include "model/plan.h"
#include "model/power.h"
#include "util/alloc.h"

static int64_t **capacity_with_overbooking(const struct ent_model *m)
{
    int64_t **cap = ent_calloc(m->n_res + 1, sizeof *cap);
    for (size_t r = 0; r < m->n_res; r++) {
        cap[r] = ent_malloc((m->n_nodes + 1) * sizeof(int64_t));
        for (size_t n = 0; n < m->n_nodes; n++)
            cap[r][n] = m->res[r].capacity[n];
    }
    /* overbook: a node offers ratio times its capacity of a resource (BtrPlace's semantics). */
    for (size_t i = 0; i < m->constraints.len; i++) {
        const struct ent_constraint *c = &m->constraints.items[i];
        if (c->kind != ENT_CK_OVERBOOK || c->res < 0)
            continue;
        for (size_t k = 0; k < c->n_nodes; k++)
            cap[c->res][c->nodes[k]] =
                (int64_t)((double)m->res[c->res].capacity[c->nodes[k]] * c->ratio);
    }
    return cap;
}

static void capacity_free(int64_t **cap, const struct ent_model *m)
{
    for (size_t r = 0; cap && r < m->n_res; r++)
        ent_free(cap[r]);
    ent_free(cap);
}

void ent_check_plan(const struct ent_model *m, const struct ent_plan *plan,
                    struct ent_check_report *rep)
{
    rep->n_constraints = m->constraints.len;
    rep->final_bad = ent_calloc(m->constraints.len + 1, sizeof *rep->final_bad);
    rep->during_bad = ent_calloc(m->constraints.len + 1, sizeof *rep->during_bad);
    int64_t **final_demand = ent_final_demand(m);
    int64_t **cap = capacity_with_overbooking(m);
    struct ent_mapping final;
    ent_mapping_init(&final);
    ent__check_replay(m, plan, final_demand, cap, &final, rep);
    ent__check_final_state(m, &final, final_demand, cap, rep);
    capacity_free(cap, m);

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
    rep->watts_before = ent_mapping_watts(m, &m->map);
    rep->watts = ent_mapping_watts(m, &final);
    ent_mapping_release(&final);
    ent_final_demand_free(final_demand, m);
    /* Per kind: how many, how many continuous, how many broken at the end and along the way. */
    rep->by_constraint = json_object();
    for (size_t i = 0; i < m->constraints.len; i++) {
        const struct ent_constraint *c = &m->constraints.items[i];
        json_t *k = json_object_get(rep->by_constraint, c->name);
        if (!k) {
            k = json_pack("{s:i, s:i, s:i, s:i}", "present", 0, "continuous", 0, "violated_final",
                          0, "violated_during", 0);
            json_object_set_new(rep->by_constraint, c->name, k);
        }
        static const char *const keys[] = {"present", "continuous", "violated_final",
                                           "violated_during"};
        int add[] = {1, c->continuous, rep->final_bad[i] > 0, rep->during_bad[i] > 0};
        for (int j = 0; j < 4; j++)
            json_object_set_new(
                k, keys[j], json_integer(json_integer_value(json_object_get(k, keys[j])) + add[j]));
    }
}
