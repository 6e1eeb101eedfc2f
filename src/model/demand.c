/* Final demands. */
#include "model/demand.h"

#include "model/model.h"
#include "util/alloc.h"

#include <string.h>

int64_t **ent_final_demand(const struct ent_model *m)
{
    int64_t **final = ent_calloc(m->n_res ? m->n_res : 1, sizeof *final);
    for (size_t r = 0; r < m->n_res; r++) {
        final[r] = ent_malloc((m->n_vms ? m->n_vms : 1) * sizeof(int64_t));
        memcpy(final[r], m->res[r].demand, m->n_vms * sizeof(int64_t));
    }
    for (size_t i = 0; i < m->constraints.len; i++) {
        const struct ent_constraint *c = &m->constraints.items[i];
        if (c->kind != ENT_CK_PRESERVE || c->res < 0)
            continue;
        for (size_t k = 0; k < c->n_vms; k++)
            if (final[c->res][c->vms[k]] < c->amount)
                final[c->res][c->vms[k]] = c->amount;
    }
    return final;
}

void ent_final_demand_free(int64_t **final, const struct ent_model *m)
{
    if (!final)
        return;
    for (size_t r = 0; r < m->n_res; r++)
        ent_free(final[r]);
    ent_free(final);
}

int64_t **ent_effective_capacity(const struct ent_model *m)
{
    int64_t **cap = ent_calloc(m->n_res ? m->n_res : 1, sizeof *cap);
    for (size_t r = 0; r < m->n_res; r++) {
        cap[r] = ent_malloc((m->n_nodes ? m->n_nodes : 1) * sizeof(int64_t));
        memcpy(cap[r], m->res[r].capacity, m->n_nodes * sizeof(int64_t));
    }
    for (size_t i = 0; i < m->constraints.len; i++) {
        const struct ent_constraint *c = &m->constraints.items[i];
        for (size_t k = 0; c->kind == ENT_CK_OVERBOOK && c->res >= 0 && k < c->n_nodes; k++)
            cap[c->res][c->nodes[k]] =
                (int64_t)((double)m->res[c->res].capacity[c->nodes[k]] * c->ratio);
    }
    return cap;
}

void ent_effective_capacity_free(int64_t **cap, const struct ent_model *m)
{
    ent_final_demand_free(cap, m);
}
