/* Timing rules for the scheduler. The checker has its own account of the same constraints. */
#include "plan/timing.h"

#include "model/model.h"
#include "plan/room.h"
#include "util/alloc.h"

#include <stdbool.h>
#include <string.h>

static bool continuous_placement(const struct ent_constraint *c)
{
    if (!c->continuous)
        return 0;
    return ent_constraint_kind_is(c->kind, ENT_CT_TIMED_PLACEMENT);
}

void ent_timing_init(struct ent_timing *t, const struct ent_model *m)
{
    memset(t, 0, sizeof *t);
    t->m = m;
    size_t V = m->n_vms;
    t->host = ent_malloc((V + 1) * sizeof *t->host);
    t->dest = ent_malloc((V + 1) * sizeof *t->dest);
    t->busy = ent_calloc(V + 1, sizeof *t->busy);
    t->after = ent_malloc((V + 1) * sizeof *t->after);
    t->no_delay = ent_calloc(V + 1, 1);
    for (size_t v = 0; v < V; v++) {
        t->host[v] = m->map.vm_state[v] == ENT_VM_RUNNING ? m->map.vm_host[v] : -1;
        t->dest[v] = -1;
        t->after[v] = -1;
    }
    t->lonely = ent_malloc((m->constraints.len + 1) * sizeof *t->lonely);
    t->capacity = ent_malloc((m->constraints.len + 1) * sizeof *t->capacity);
    for (size_t i = 0; i < m->constraints.len; i++) {
        const struct ent_constraint *c = &m->constraints.items[i];
        if (c->continuous && c->kind == ENT_CK_LONELY)
            t->lonely[t->n_lonely++] = (uint32_t)i;
        if (c->continuous &&
            (c->kind == ENT_CK_RESOURCE_CAPACITY || c->kind == ENT_CK_RUNNING_CAPACITY))
            t->capacity[t->n_capacity++] = (uint32_t)i;
        for (size_t k = 0; c->kind == ENT_CK_NO_DELAY && k < c->n_vms; k++)
            t->no_delay[c->vms[k]] = 1;
        for (size_t k = 1; c->kind == ENT_CK_SEQ && k < c->n_vms; k++)
            t->after[c->vms[k]] = c->vms[k - 1];
    }
    ent_constraints_by_vm(&m->constraints, V, continuous_placement, &t->cons_start, &t->cons);
}

void ent_timing_release(struct ent_timing *t)
{
    if (!t)
        return;
    ent_free(t->host);
    ent_free(t->dest);
    ent_free(t->busy);
    ent_free(t->after);
    ent_free(t->no_delay);
    ent_free(t->cons_start);
    ent_free(t->cons);
    ent_free(t->lonely);
    ent_free(t->capacity);
}

/* Whether u is on node now: running there, or arriving. */
static int on(const struct ent_timing *t, int32_t u, int32_t node)
{
    return t->host[u] == node || t->dest[u] == node;
}

static int elsewhere(const struct ent_timing *t, int32_t u, int32_t node)
{
    return (t->host[u] >= 0 && t->host[u] != node) || (t->dest[u] >= 0 && t->dest[u] != node);
}

static int keeps(const struct ent_timing *t, const struct ent_constraint *c, int32_t vm,
                 int32_t node)
{
    switch (c->kind) {
    case ENT_CK_BAN:
        return !ent_index_in(c->nodes, c->n_nodes, node);
    case ENT_CK_FENCE:
        return ent_index_in(c->nodes, c->n_nodes, node);
    case ENT_CK_SPREAD:
        for (size_t k = 0; k < c->n_vms; k++)
            if (c->vms[k] != vm && on(t, c->vms[k], node))
                return 0;
        return 1;
    case ENT_CK_GATHER:
        for (size_t k = 0; k < c->n_vms; k++)
            if (c->vms[k] != vm && elsewhere(t, c->vms[k], node))
                return 0;
        return 1;
    case ENT_CK_SPLIT: {
        ptrdiff_t mine = ent_parts_find(&c->vm_parts, vm);
        for (size_t g = 0; g < c->vm_parts.n; g++)
            for (uint32_t k = 0; g != (size_t)mine && k < c->vm_parts.len[g]; k++)
                if (on(t, c->vm_parts.items[g][k], node))
                    return 0;
        return 1;
    }
    case ENT_CK_AMONG: {
        ptrdiff_t g = ent_parts_find(&c->node_parts, node);
        if (g < 0)
            return 0;
        for (size_t k = 0; k < c->n_vms; k++) {
            int32_t u = c->vms[k];
            if (u != vm && t->host[u] >= 0 && !ent_parts_has(&c->node_parts, (size_t)g, t->host[u]))
                return 0;
        }
        return 1;
    }
    case ENT_CK_SPLIT_AMONG: {
        ptrdiff_t mine = ent_parts_find(&c->vm_parts, vm), g = ent_parts_find(&c->node_parts, node);
        if (g < 0)
            return 0;
        for (size_t q = 0; q < c->vm_parts.n; q++)
            for (uint32_t k = 0; k < c->vm_parts.len[q]; k++) {
                int32_t u = c->vm_parts.items[q][k];
                if (u != vm && t->host[u] >= 0 &&
                    ent_parts_has(&c->node_parts, (size_t)g, t->host[u]) != ((ptrdiff_t)q == mine))
                    return 0;
            }
        return 1;
    }
    case ENT_CK_LONELY: {
        int member = ent_index_in(c->vms, c->n_vms, vm);
        for (size_t u = 0; u < t->m->n_vms; u++)
            if ((int32_t)u != vm && on(t, (int32_t)u, node) &&
                ent_index_in(c->vms, c->n_vms, (int32_t)u) != member)
                return 0;
        return 1;
    }
    default:
        return 1;
    }
}

int ent_timing_may_act(const struct ent_timing *t, int32_t vm)
{
    return vm < 0 || t->after[vm] < 0 || t->busy[t->after[vm]] == 0;
}

int ent_timing_may_arrive(const struct ent_timing *t, int32_t vm, int32_t node)
{
    if (!ent_timing_may_act(t, vm))
        return 0;
    for (uint32_t k = t->cons_start[vm]; k < t->cons_start[vm + 1]; k++)
        if (!keeps(t, &t->m->constraints.items[t->cons[k]], vm, node))
            return 0;
    for (size_t k = 0; k < t->n_lonely; k++) /* VMs outside a lonely set keep off its nodes */
        if (!keeps(t, &t->m->constraints.items[t->lonely[k]], vm, node))
            return 0;
    for (size_t k = 0; k < t->n_capacity; k++) {
        const struct ent_constraint *c = &t->m->constraints.items[t->capacity[k]];
        if (!ent_index_in(c->nodes, c->n_nodes, node))
            continue;
        /* What the set of nodes holds at this instant (arrivals included), plus vm. */
        int64_t total = c->kind == ENT_CK_RESOURCE_CAPACITY ? t->room->final[c->res][vm] : 1;
        for (size_t j = 0; j < c->n_nodes; j++) {
            int32_t n = c->nodes[j];
            if (c->kind == ENT_CK_RESOURCE_CAPACITY)
                total += t->room->usage[(size_t)n * t->room->R + (size_t)c->res];
            else
                for (size_t u = 0; u < t->m->n_vms; u++)
                    total += on(t, (int32_t)u, n);
        }
        if (total > c->amount)
            return 0;
    }
    return 1;
}
