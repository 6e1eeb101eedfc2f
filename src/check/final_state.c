/* Checks the configuration a plan leads to: capacity with final demands (and overbooking), and
 * every constraint the checker understands. Continuous constraints are also checked at every
 * instant of the plan (rules.c). */
#include "check/check.h"
#include "check/internal.h"

#include "model/model.h"
#include "util/alloc.h"

#include <inttypes.h>
#include <stdbool.h>
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

static bool running(const struct ent_mapping *map, int32_t vm)
{
    return map->vm_state[vm] == ENT_VM_RUNNING;
}

static bool in_group(const struct ent_parts *parts, size_t g, int32_t node)
{
    return ent_parts_has(parts, (size_t)g, node);
}

static bool in_nodes(const struct ent_constraint *c, int32_t node)
{
    return ent_index_in(c->nodes, c->n_nodes, node);
}

/* What a final-state check looks at. */
struct fin {
    const struct ent_model *m;
    const struct ent_mapping *map;
    int64_t *const *final_demand;
    struct ent_check_report *rep;
};

static void node_states(const struct fin *f, const struct ent_constraint *c, size_t idx)
{
    struct ent_check_report *rep = f->rep;
    char b1[64];
    uint8_t want = c->kind == ENT_CK_ONLINE ? ENT_NODE_ONLINE : ENT_NODE_OFFLINE;
    for (size_t k = 0; k < c->n_nodes; k++)
        if (f->map->node_state[c->nodes[k]] != want)
            VIOLATED("constraints[%zu] %s: node %s is %s", idx, c->name,
                     ent_node_label(f->m, c->nodes[k], b1, sizeof b1),
                     ent_node_state_name((enum ent_node_state)f->map->node_state[c->nodes[k]]));
}

static void vm_states(const struct fin *f, const struct ent_constraint *c, size_t idx)
{
    struct ent_check_report *rep = f->rep;
    char b1[64];
    static const uint8_t state_of[] = {[ENT_CK_RUNNING] = ENT_VM_RUNNING,
                                       [ENT_CK_READY] = ENT_VM_READY,
                                       [ENT_CK_SLEEPING] = ENT_VM_SLEEPING,
                                       [ENT_CK_KILLED] = ENT_VM_KILLED};
    for (size_t k = 0; k < c->n_vms; k++)
        if (f->map->vm_state[c->vms[k]] != state_of[c->kind])
            VIOLATED("constraints[%zu] %s: VM %s is %s", idx, c->name,
                     ent_vm_label(f->m, c->vms[k], b1, sizeof b1),
                     ent_vm_state_name((enum ent_vm_state)f->map->vm_state[c->vms[k]]));
}

static void ban_fence(const struct fin *f, const struct ent_constraint *c, size_t idx)
{
    struct ent_check_report *rep = f->rep;
    char b1[64], b2[64];
    for (size_t k = 0; k < c->n_vms; k++) {
        int32_t v = c->vms[k];
        if (!running(f->map, v))
            continue;
        int inside = in_nodes(c, f->map->vm_host[v]);
        if (inside == (c->kind == ENT_CK_BAN))
            VIOLATED("constraints[%zu] %s: VM %s runs on %s", idx, c->name,
                     ent_vm_label(f->m, v, b1, sizeof b1),
                     ent_node_label(f->m, f->map->vm_host[v], b2, sizeof b2));
    }
}

static void capacity(const struct fin *f, const struct ent_constraint *c, size_t idx)
{
    struct ent_check_report *rep = f->rep;
    int64_t total = 0;
    for (size_t v = 0; v < f->m->n_vms; v++)
        if (running(f->map, (int32_t)v) && in_nodes(c, f->map->vm_host[v]))
            total += c->kind == ENT_CK_RUNNING_CAPACITY ? 1 : f->final_demand[c->res][v];
    if (total > c->amount)
        VIOLATED("constraints[%zu] %s: %" PRId64 " used on %zu node(s), at most %" PRId64
                 " allowed",
                 idx, c->name, total, c->n_nodes, c->amount);
}

static void max_online(const struct fin *f, const struct ent_constraint *c, size_t idx)
{
    struct ent_check_report *rep = f->rep;
    int64_t online = 0;
    for (size_t k = 0; k < c->n_nodes; k++)
        online += f->map->node_state[c->nodes[k]] == ENT_NODE_ONLINE;
    if (online > c->amount)
        VIOLATED("constraints[%zu] %s: %" PRId64 " nodes online, at most %" PRId64, idx, c->name,
                 online, c->amount);
}

static void spread(const struct fin *f, const struct ent_constraint *c, size_t idx)
{
    struct ent_check_report *rep = f->rep;
    const struct ent_mapping *map = f->map;
    char b1[64], b2[64], b3[64];
    for (size_t i = 0; i < c->n_vms; i++)
        for (size_t j = i + 1; j < c->n_vms; j++)
            if (running(map, c->vms[i]) && running(map, c->vms[j]) &&
                map->vm_host[c->vms[i]] == map->vm_host[c->vms[j]])
                VIOLATED("constraints[%zu] spread: VMs %s and %s share node %s", idx,
                         ent_vm_label(f->m, c->vms[i], b1, sizeof b1),
                         ent_vm_label(f->m, c->vms[j], b2, sizeof b2),
                         ent_node_label(f->m, map->vm_host[c->vms[i]], b3, sizeof b3));
}

static void gather(const struct fin *f, const struct ent_constraint *c, size_t idx)
{
    struct ent_check_report *rep = f->rep;
    char b1[64], b2[64];
    int32_t where = -1;
    for (size_t k = 0; k < c->n_vms; k++) {
        int32_t v = c->vms[k];
        if (!running(f->map, v))
            continue;
        if (where >= 0 && f->map->vm_host[v] != where) {
            VIOLATED("constraints[%zu] gather: VM %s is not on %s with the others", idx,
                     ent_vm_label(f->m, v, b1, sizeof b1),
                     ent_node_label(f->m, where, b2, sizeof b2));
            return;
        }
        where = f->map->vm_host[v];
    }
}

static void lonely(const struct fin *f, const struct ent_constraint *c, size_t idx)
{
    struct ent_check_report *rep = f->rep;
    const struct ent_model *m = f->m;
    char b1[64], b2[64];
    uint8_t *member = ent_calloc(m->n_vms ? m->n_vms : 1, 1);
    uint8_t *used = ent_calloc(m->n_nodes ? m->n_nodes : 1, 1);
    for (size_t k = 0; k < c->n_vms; k++) {
        member[c->vms[k]] = 1;
        if (running(f->map, c->vms[k]))
            used[f->map->vm_host[c->vms[k]]] = 1;
    }
    for (size_t v = 0; v < m->n_vms; v++)
        if (!member[v] && running(f->map, (int32_t)v) && used[f->map->vm_host[v]])
            VIOLATED("constraints[%zu] lonely: VM %s shares node %s with the lonely VMs", idx,
                     ent_vm_label(m, (int32_t)v, b1, sizeof b1),
                     ent_node_label(m, f->map->vm_host[v], b2, sizeof b2));
    ent_free(member);
    ent_free(used);
}

static void root(const struct fin *f, const struct ent_constraint *c, size_t idx)
{
    struct ent_check_report *rep = f->rep;
    const struct ent_model *m = f->m;
    char b1[64], b2[64];
    for (size_t k = 0; k < c->n_vms; k++) {
        int32_t v = c->vms[k];
        if (running(f->map, v) && m->map.vm_state[v] == ENT_VM_RUNNING &&
            f->map->vm_host[v] != m->map.vm_host[v])
            VIOLATED("constraints[%zu] root: VM %s moved from %s", idx,
                     ent_vm_label(m, v, b1, sizeof b1),
                     ent_node_label(m, m->map.vm_host[v], b2, sizeof b2));
    }
}

/* No node hosts running VMs of two parts. */
static void split(const struct fin *f, const struct ent_constraint *c, size_t idx)
{
    struct ent_check_report *rep = f->rep;
    char b1[64];
    int32_t *owner = ent_malloc((f->m->n_nodes + 1) * sizeof *owner);
    memset(owner, 0xff, (f->m->n_nodes + 1) * sizeof *owner);
    for (size_t p = 0; p < c->vm_parts.n; p++)
        for (uint32_t k = 0; k < c->vm_parts.len[p]; k++) {
            int32_t v = c->vm_parts.items[p][k];
            if (!running(f->map, v))
                continue;
            int32_t h = f->map->vm_host[v];
            if (owner[h] >= 0 && owner[h] != (int32_t)p)
                VIOLATED("constraints[%zu] split: node %s hosts VMs of parts %d and %zu", idx,
                         ent_node_label(f->m, h, b1, sizeof b1), owner[h], p);
            owner[h] = (int32_t)p;
        }
    ent_free(owner);
}

/* The running VMs all within one node group. */
static void among(const struct fin *f, const struct ent_constraint *c, size_t idx)
{
    struct ent_check_report *rep = f->rep;
    size_t fits = 0;
    for (size_t g = 0; g < c->node_parts.n && !fits; g++) {
        fits = 1;
        for (size_t k = 0; k < c->n_vms && fits; k++)
            fits = !running(f->map, c->vms[k]) ||
                   in_group(&c->node_parts, g, f->map->vm_host[c->vms[k]]);
    }
    if (!fits)
        VIOLATED("constraints[%zu] among: the VMs are not all within one group of nodes", idx);
}

/* Each part within one node group, and no two parts within the same group. */
static void split_among(const struct fin *f, const struct ent_constraint *c, size_t idx)
{
    struct ent_check_report *rep = f->rep;
    ptrdiff_t *group_of = ent_malloc((c->vm_parts.n + 1) * sizeof *group_of);
    for (size_t p = 0; p < c->vm_parts.n; p++) {
        group_of[p] = -1;
        for (size_t g = 0; g < c->node_parts.n && group_of[p] < 0; g++) {
            int all = 1;
            for (uint32_t k = 0; k < c->vm_parts.len[p] && all; k++) {
                int32_t v = c->vm_parts.items[p][k];
                all = !running(f->map, v) || in_group(&c->node_parts, g, f->map->vm_host[v]);
            }
            if (all)
                group_of[p] = (ptrdiff_t)g;
        }
        if (group_of[p] < 0)
            VIOLATED("constraints[%zu] splitAmong: part %zu is not within one group", idx, p);
        for (size_t q = 0; q < p; q++)
            if (group_of[p] >= 0 && group_of[p] == group_of[q])
                VIOLATED("constraints[%zu] splitAmong: parts %zu and %zu share group %td", idx, q,
                         p, group_of[p]);
    }
    ent_free(group_of);
}

/* Kinds with nothing to check in the final state: preserve (the final-capacity check uses the
 * preserved amounts), overbook (in the capacities), and those checked as the plan unfolds
 * (quarantine, seq, noDelay, storage domains). */
static void nothing(const struct fin *f, const struct ent_constraint *c, size_t idx)
{
}

/* The final-state check of each kind (the kind table's checker column). */
static void (*const final_check[ENT_CK_COUNT])(const struct fin *, const struct ent_constraint *,
                                               size_t) = {
    [ENT_CK_ONLINE] = node_states,
    [ENT_CK_OFFLINE] = node_states,
    [ENT_CK_RUNNING] = vm_states,
    [ENT_CK_READY] = vm_states,
    [ENT_CK_SLEEPING] = vm_states,
    [ENT_CK_KILLED] = vm_states,
    [ENT_CK_BAN] = ban_fence,
    [ENT_CK_FENCE] = ban_fence,
    [ENT_CK_PRESERVE] = nothing,
    [ENT_CK_RESOURCE_CAPACITY] = capacity,
    [ENT_CK_RUNNING_CAPACITY] = capacity,
    [ENT_CK_MAX_ONLINE] = max_online,
    [ENT_CK_SPREAD] = spread,
    [ENT_CK_GATHER] = gather,
    [ENT_CK_LONELY] = lonely,
    [ENT_CK_ROOT] = root,
    [ENT_CK_SPLIT] = split,
    [ENT_CK_AMONG] = among,
    [ENT_CK_SPLIT_AMONG] = split_among,
    [ENT_CK_QUARANTINE] = nothing,
    [ENT_CK_OVERBOOK] = nothing,
    [ENT_CK_SEQ] = nothing,
    [ENT_CK_NO_DELAY] = nothing,
    [ENT_CK_STORAGE_DOMAINS] = nothing,
};

static void count_unchecked(struct ent_check_report *rep, const char *name)
{
    json_t *n = json_object_get(rep->unchecked, name);
    json_object_set_new(rep->unchecked, name, json_integer(n ? json_integer_value(n) + 1 : 1));
}

void ent__check_final_state(const struct ent_model *m, const struct ent_mapping *final,
                            int64_t *const *final_demand, int64_t *const *cap,
                            struct ent_check_report *rep)
{
    final_capacity(m, final, final_demand, cap, rep);
    const struct fin f = {m, final, final_demand, rep};
    for (size_t i = 0; i < m->constraints.len; i++) {
        const struct ent_constraint *c = &m->constraints.items[i];
        if (c->kind < ENT_CK_COUNT && final_check[c->kind])
            final_check[c->kind](&f, c, i);
        else
            count_unchecked(rep, c->name);
    }
}
