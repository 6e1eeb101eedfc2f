/* Checks the configuration a plan leads to: capacity with final demands (and overbooking), and
 * every constraint the checker understands. Continuous constraints are also checked at every
 * instant of the plan (rules.c). */
#include "check/check.h"
#include "check/internal.h"

#include "model/model.h"
#include "util/alloc.h"

#include <inttypes.h>
#include <string.h>

#define VIOLATED(...) ent_check_constraint_violation(rep, idx, 0, -1, -1, __VA_ARGS__)

static void final_capacity(const struct ent_model *m, const struct ent_mapping *map,
                           int64_t *const *final_demand, int64_t *const *cap,
                           struct ent_check_report *rep)
{
    int64_t *use = ent_calloc(m->n_nodes ? m->n_nodes : 1, sizeof *use);
    char b[64];
    for (size_t r = 0; r < m->n_res; r++) {
        memset(use, 0, m->n_nodes * sizeof *use);
        for (size_t v = 0; v < m->n_vms; v++)
            if (map->vm_state[v] == ENT_VM_RUNNING)
                use[map->vm_host[v]] += final_demand[r][v];
        for (size_t n = 0; n < m->n_nodes; n++)
            if (use[n] > cap[r][n])
                ent_check_violation(
                    rep, ENT_VIOLATION_FINAL_CAPACITY, -1, -1,
                    "node %s: %s use %" PRId64 " exceeds capacity %" PRId64 " in the final state",
                    ent_node_label(m, (int32_t)n, b, sizeof b), m->res[r].name, use[n], cap[r][n]);
    }
    ent_free(use);
}

static int running(const struct ent_mapping *map, int32_t vm)
{
    return map->vm_state[vm] == ENT_VM_RUNNING;
}

static int in_group(const struct ent_parts *parts, size_t g, int32_t node)
{
    return ent_index_in(parts->items[g], parts->len[g], node);
}

static int in_nodes(const struct ent_constraint *c, int32_t node)
{
    return ent_index_in(c->nodes, c->n_nodes, node);
}

/* Checks one understood constraint; returns 0 when the kind has no final-state meaning here. */
static int check_one(const struct ent_model *m, const struct ent_mapping *map,
                     int64_t *const *final_demand, const struct ent_constraint *c, size_t idx,
                     struct ent_check_report *rep)
{
    char b1[64], b2[64], b3[64];
    static const uint8_t state_of[] = {[ENT_CK_RUNNING] = ENT_VM_RUNNING,
                                       [ENT_CK_READY] = ENT_VM_READY,
                                       [ENT_CK_SLEEPING] = ENT_VM_SLEEPING,
                                       [ENT_CK_KILLED] = ENT_VM_KILLED};
    switch (c->kind) {
    case ENT_CK_ONLINE:
    case ENT_CK_OFFLINE: {
        uint8_t want = c->kind == ENT_CK_ONLINE ? ENT_NODE_ONLINE : ENT_NODE_OFFLINE;
        for (size_t k = 0; k < c->n_nodes; k++)
            if (map->node_state[c->nodes[k]] != want)
                VIOLATED("constraints[%zu] %s: node %s is %s", idx, c->name,
                         ent_node_label(m, c->nodes[k], b1, sizeof b1),
                         ent_node_state_name((enum ent_node_state)map->node_state[c->nodes[k]]));
        return 1;
    }
    case ENT_CK_RUNNING:
    case ENT_CK_READY:
    case ENT_CK_SLEEPING:
    case ENT_CK_KILLED:
        for (size_t k = 0; k < c->n_vms; k++)
            if (map->vm_state[c->vms[k]] != state_of[c->kind])
                VIOLATED("constraints[%zu] %s: VM %s is %s", idx, c->name,
                         ent_vm_label(m, c->vms[k], b1, sizeof b1),
                         ent_vm_state_name((enum ent_vm_state)map->vm_state[c->vms[k]]));
        return 1;
    case ENT_CK_BAN:
    case ENT_CK_FENCE:
        for (size_t k = 0; k < c->n_vms; k++) {
            int32_t v = c->vms[k];
            if (!running(map, v))
                continue;
            int inside = in_nodes(c, map->vm_host[v]);
            if (inside == (c->kind == ENT_CK_BAN))
                VIOLATED("constraints[%zu] %s: VM %s runs on %s", idx, c->name,
                         ent_vm_label(m, v, b1, sizeof b1),
                         ent_node_label(m, map->vm_host[v], b2, sizeof b2));
        }
        return 1;
    case ENT_CK_PRESERVE:
        return 1; /* the final-capacity check uses the preserved amounts */
    case ENT_CK_RESOURCE_CAPACITY:
    case ENT_CK_RUNNING_CAPACITY: {
        int64_t total = 0;
        for (size_t v = 0; v < m->n_vms; v++)
            if (running(map, (int32_t)v) && in_nodes(c, map->vm_host[v]))
                total += c->kind == ENT_CK_RUNNING_CAPACITY ? 1 : final_demand[c->res][v];
        if (total > c->amount)
            VIOLATED("constraints[%zu] %s: %" PRId64 " used on %zu node(s), at most %" PRId64
                     " allowed",
                     idx, c->name, total, c->n_nodes, c->amount);
        return 1;
    }
    case ENT_CK_MAX_ONLINE: {
        int64_t online = 0;
        for (size_t k = 0; k < c->n_nodes; k++)
            online += map->node_state[c->nodes[k]] == ENT_NODE_ONLINE;
        if (online > c->amount)
            VIOLATED("constraints[%zu] %s: %" PRId64 " nodes online, at most %" PRId64, idx,
                     c->name, online, c->amount);
        return 1;
    }
    case ENT_CK_SPREAD:
        for (size_t i = 0; i < c->n_vms; i++)
            for (size_t j = i + 1; j < c->n_vms; j++)
                if (running(map, c->vms[i]) && running(map, c->vms[j]) &&
                    map->vm_host[c->vms[i]] == map->vm_host[c->vms[j]])
                    VIOLATED("constraints[%zu] spread: VMs %s and %s share node %s", idx,
                             ent_vm_label(m, c->vms[i], b1, sizeof b1),
                             ent_vm_label(m, c->vms[j], b2, sizeof b2),
                             ent_node_label(m, map->vm_host[c->vms[i]], b3, sizeof b3));
        return 1;
    case ENT_CK_GATHER: {
        int32_t where = -1;
        for (size_t k = 0; k < c->n_vms; k++) {
            int32_t v = c->vms[k];
            if (!running(map, v))
                continue;
            if (where >= 0 && map->vm_host[v] != where) {
                VIOLATED("constraints[%zu] gather: VM %s is not on %s with the others", idx,
                         ent_vm_label(m, v, b1, sizeof b1),
                         ent_node_label(m, where, b2, sizeof b2));
                break;
            }
            where = map->vm_host[v];
        }
        return 1;
    }
    case ENT_CK_LONELY: {
        uint8_t *member = ent_calloc(m->n_vms ? m->n_vms : 1, 1);
        uint8_t *used = ent_calloc(m->n_nodes ? m->n_nodes : 1, 1);
        for (size_t k = 0; k < c->n_vms; k++) {
            member[c->vms[k]] = 1;
            if (running(map, c->vms[k]))
                used[map->vm_host[c->vms[k]]] = 1;
        }
        for (size_t v = 0; v < m->n_vms; v++)
            if (!member[v] && running(map, (int32_t)v) && used[map->vm_host[v]])
                VIOLATED("constraints[%zu] lonely: VM %s shares node %s with the lonely VMs", idx,
                         ent_vm_label(m, (int32_t)v, b1, sizeof b1),
                         ent_node_label(m, map->vm_host[v], b2, sizeof b2));
        ent_free(member);
        ent_free(used);
        return 1;
    }
    case ENT_CK_ROOT:
        for (size_t k = 0; k < c->n_vms; k++) {
            int32_t v = c->vms[k];
            if (running(map, v) && m->map.vm_state[v] == ENT_VM_RUNNING &&
                map->vm_host[v] != m->map.vm_host[v])
                VIOLATED("constraints[%zu] root: VM %s moved from %s", idx,
                         ent_vm_label(m, v, b1, sizeof b1),
                         ent_node_label(m, m->map.vm_host[v], b2, sizeof b2));
        }
        return 1;
    case ENT_CK_SPLIT: {
        /* No node hosts running VMs of two parts. */
        int32_t *owner = ent_malloc((m->n_nodes + 1) * sizeof *owner);
        memset(owner, 0xff, (m->n_nodes + 1) * sizeof *owner);
        for (size_t p = 0; p < c->vm_parts.n; p++)
            for (uint32_t k = 0; k < c->vm_parts.len[p]; k++) {
                int32_t v = c->vm_parts.items[p][k];
                if (!running(map, v))
                    continue;
                int32_t h = map->vm_host[v];
                if (owner[h] >= 0 && owner[h] != (int32_t)p)
                    VIOLATED("constraints[%zu] split: node %s hosts VMs of parts %d and %zu", idx,
                             ent_node_label(m, h, b1, sizeof b1), owner[h], p);
                owner[h] = (int32_t)p;
            }
        ent_free(owner);
        return 1;
    }
    case ENT_CK_AMONG: {
        /* The running VMs all within one node group. */
        size_t fits = 0;
        for (size_t g = 0; g < c->node_parts.n && !fits; g++) {
            fits = 1;
            for (size_t k = 0; k < c->n_vms && fits; k++)
                fits = !running(map, c->vms[k]) ||
                       in_group(&c->node_parts, g, map->vm_host[c->vms[k]]);
        }
        if (!fits)
            VIOLATED("constraints[%zu] among: the VMs are not all within one group of nodes", idx);
        return 1;
    }
    case ENT_CK_SPLIT_AMONG: {
        /* Each part within one node group, and no two parts within the same group. */
        ptrdiff_t *group_of = ent_malloc((c->vm_parts.n + 1) * sizeof *group_of);
        for (size_t p = 0; p < c->vm_parts.n; p++) {
            group_of[p] = -1;
            for (size_t g = 0; g < c->node_parts.n && group_of[p] < 0; g++) {
                int all = 1;
                for (uint32_t k = 0; k < c->vm_parts.len[p] && all; k++) {
                    int32_t v = c->vm_parts.items[p][k];
                    all = !running(map, v) || in_group(&c->node_parts, g, map->vm_host[v]);
                }
                if (all)
                    group_of[p] = (ptrdiff_t)g;
            }
            if (group_of[p] < 0)
                VIOLATED("constraints[%zu] splitAmong: part %zu is not within one group", idx, p);
            for (size_t q = 0; q < p; q++)
                if (group_of[p] >= 0 && group_of[p] == group_of[q])
                    VIOLATED("constraints[%zu] splitAmong: parts %zu and %zu share group %td", idx,
                             q, p, group_of[p]);
        }
        ent_free(group_of);
        return 1;
    }
    case ENT_CK_QUARANTINE: /* what moves is checked as the plan unfolds */
    case ENT_CK_SEQ:
    case ENT_CK_NO_DELAY:
    case ENT_CK_STORAGE_DOMAINS:
    case ENT_CK_OVERBOOK: /* in the capacities */
        return 1;
    case ENT_CK_UNKNOWN:
        break;
    }
    return 0;
}

static void count_unchecked(struct ent_check_report *rep, const char *name)
{
    json_t *n = json_object_get(rep->unchecked, name);
    json_object_set_new(rep->unchecked, name, json_integer(n ? json_integer_value(n) + 1 : 1));
}

void ent_check_final_state(const struct ent_model *m, const struct ent_mapping *final,
                           int64_t *const *final_demand, int64_t *const *cap,
                           struct ent_check_report *rep)
{
    final_capacity(m, final, final_demand, cap, rep);
    for (size_t i = 0; i < m->constraints.len; i++) {
        const struct ent_constraint *c = &m->constraints.items[i];
        if (!check_one(m, final, final_demand, c, i, rep))
            count_unchecked(rep, c->name);
    }
}
