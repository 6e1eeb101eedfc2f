/* The constraints checked while the plan unfolds: continuous ones (they must hold at every
 * instant, so a VM counts on its host and, while it arrives, on its destination too), and those
 * that speak of the plan itself: quarantine (nothing enters or leaves), root (never migrates),
 * storage domains (a migration stays within its domain), noDelay (starts at once), seq (one VM's
 * actions after another's). An instance already violating a continuous constraint at time 0 is
 * not the plan's fault; what the plan adds is. */
#include "check/check.h"
#include "check/internal.h"
#include "model/model.h"
#include "model/plan.h"
#include "util/alloc.h"

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#define VIOLATED(...) ent_check_constraint_violation(rp->rep, ci, 1, a->start, (long)i, __VA_ARGS__)

/* Constraints a VM's actions are checked against, as the plan goes. */
static bool during_plan(const struct ent_constraint *c)
{
    return c->continuous || ent_constraint_kind_is(c->kind, ENT_CT_PLAN_RULE);
}

void ent__check_rules_init(struct replay *rp)
{
    const struct ent_model *m = rp->m;
    ent_constraints_by_vm(&m->constraints, m->n_vms, during_plan, &rp->cons_start, &rp->cons);
    rp->node_cons = ent_malloc((m->constraints.len + 1) * sizeof *rp->node_cons);
    rp->n_node_cons = 0;
    rp->storage_domains = 0;
    for (size_t i = 0; i < m->constraints.len; i++) {
        const struct ent_constraint *c = &m->constraints.items[i];
        rp->storage_domains |= c->kind == ENT_CK_STORAGE_DOMAINS;
        if (c->continuous && ent_constraint_kind_is(c->kind, ENT_CT_NODE_RULE))
            rp->node_cons[rp->n_node_cons++] = (uint32_t)i;
    }
    rp->quarantined = ent_calloc(m->n_nodes + 1, 1);
    for (size_t i = 0; i < m->constraints.len; i++) {
        const struct ent_constraint *c = &m->constraints.items[i];
        for (size_t k = 0; c->kind == ENT_CK_QUARANTINE && k < c->n_nodes; k++)
            rp->quarantined[c->nodes[k]] = 1;
    }
    rp->first_start = ent_malloc((m->n_vms + 1) * sizeof *rp->first_start);
    rp->last_end = ent_malloc((m->n_vms + 1) * sizeof *rp->last_end);
    for (size_t v = 0; v < m->n_vms; v++) {
        rp->first_start[v] = INT64_MAX;
        rp->last_end[v] = -1;
    }
}

void ent__check_rules_release(struct replay *rp)
{
    if (!rp)
        return;
    ent_free(rp->cons_start);
    ent_free(rp->cons);
    ent_free(rp->quarantined);
    ent_free(rp->node_cons);
    ent_free(rp->first_start);
    ent_free(rp->last_end);
}

/* Whether u is on node at this instant: running there, or arriving there. */
static bool present(const struct replay *rp, int32_t u, int32_t node)
{
    return (rp->map->vm_state[u] == ENT_VM_RUNNING && rp->map->vm_host[u] == node) ||
           rp->dest[u] == node;
}

/* Whether u is anywhere but node at this instant. */
static bool present_elsewhere(const struct replay *rp, int32_t u, int32_t node)
{
    return (rp->map->vm_state[u] == ENT_VM_RUNNING && rp->map->vm_host[u] != node) ||
           (rp->dest[u] >= 0 && rp->dest[u] != node);
}

static const char *storage_of(const struct ent_model *m, int32_t node)
{
    json_t *a = node >= 0 ? m->nodes[node].attrs : NULL;
    return a ? json_string_value(json_object_get(a, "storage")) : NULL;
}

/* vm arrives on dest: do c's node groups (among, splitAmong) still hold? */
static void group_arrival(struct replay *rp, uint32_t i, const struct ent_action *a,
                          const struct ent_constraint *c, size_t ci, int32_t vm, int32_t dest)
{
    char b1[64], b2[64];
    const char *vn = ent_vm_label(rp->m, vm, b1, sizeof b1),
               *dn = ent_node_label(rp->m, dest, b2, sizeof b2);
    if (c->kind == ENT_CK_AMONG) {
        ptrdiff_t g = ent_parts_find(&c->node_parts, dest);
        if (g < 0) {
            VIOLATED("constraints[%zu] among (continuous): VM %s arrives on %s, in no group", ci,
                     vn, dn);
            return;
        }
        for (size_t k = 0; k < c->n_vms; k++) {
            int32_t u = c->vms[k];
            int32_t where = rp->map->vm_state[u] == ENT_VM_RUNNING ? rp->map->vm_host[u] : -1;
            if (u != vm && where >= 0 && !ent_parts_has(&c->node_parts, (size_t)g, where)) {
                VIOLATED("constraints[%zu] among (continuous): VM %s arrives on %s, outside the "
                         "group of the others",
                         ci, vn, dn);
                break;
            }
        }
        return;
    }
    ptrdiff_t mine = ent_parts_find(&c->vm_parts, vm), g = ent_parts_find(&c->node_parts, dest);
    if (g < 0) {
        VIOLATED("constraints[%zu] splitAmong (continuous): VM %s arrives on %s, in no group", ci,
                 vn, dn);
        return;
    }
    for (size_t p = 0; p < c->vm_parts.n; p++)
        for (uint32_t k = 0; k < c->vm_parts.len[p]; k++) {
            int32_t u = c->vm_parts.items[p][k];
            int32_t where = rp->map->vm_state[u] == ENT_VM_RUNNING ? rp->map->vm_host[u] : -1;
            if (u == vm || where < 0)
                continue;
            int inside = ent_parts_has(&c->node_parts, (size_t)g, where);
            if (inside != ((ptrdiff_t)p == mine)) {
                VIOLATED("constraints[%zu] splitAmong (continuous): VM %s arrives on %s, "
                         "breaking the groups",
                         ci, vn, dn);
                return;
            }
        }
}

/* vm arrives on dest: does c still hold? */
static void arrival(struct replay *rp, uint32_t i, const struct ent_action *a,
                    const struct ent_constraint *c, size_t ci, int32_t vm, int32_t dest)
{
    const struct ent_model *m = rp->m;
    char b1[64], b2[64];
    const char *vn = ent_vm_label(m, vm, b1, sizeof b1),
               *dn = ent_node_label(m, dest, b2, sizeof b2);
    switch (c->kind) {
    case ENT_CK_BAN:
        if (ent_index_in(c->nodes, c->n_nodes, dest))
            VIOLATED("constraints[%zu] ban (continuous): VM %s arrives on %s", ci, vn, dn);
        break;
    case ENT_CK_FENCE:
        if (!ent_index_in(c->nodes, c->n_nodes, dest))
            VIOLATED("constraints[%zu] fence (continuous): VM %s arrives on %s", ci, vn, dn);
        break;
    case ENT_CK_SPREAD:
        for (size_t k = 0; k < c->n_vms; k++)
            if (c->vms[k] != vm && present(rp, c->vms[k], dest)) {
                VIOLATED("constraints[%zu] spread (continuous): VM %s arrives on %s, where "
                         "another of the set is",
                         ci, vn, dn);
                break;
            }
        break;
    case ENT_CK_GATHER:
        for (size_t k = 0; k < c->n_vms; k++)
            if (c->vms[k] != vm && present_elsewhere(rp, c->vms[k], dest)) {
                VIOLATED("constraints[%zu] gather (continuous): VM %s arrives on %s, away from "
                         "the others",
                         ci, vn, dn);
                break;
            }
        break;
    case ENT_CK_SPLIT: {
        ptrdiff_t mine = ent_parts_find(&c->vm_parts, vm);
        for (size_t p = 0; p < c->vm_parts.n; p++)
            for (uint32_t k = 0; p != (size_t)mine && k < c->vm_parts.len[p]; k++)
                if (present(rp, c->vm_parts.items[p][k], dest)) {
                    VIOLATED("constraints[%zu] split (continuous): VM %s arrives on %s, where a "
                             "VM of another part is",
                             ci, vn, dn);
                    return;
                }
        break;
    }
    case ENT_CK_AMONG:
    case ENT_CK_SPLIT_AMONG:
        group_arrival(rp, i, a, c, ci, vm, dest);
        break;
    case ENT_CK_LONELY: {
        int member = ent_index_in(c->vms, c->n_vms, vm);
        for (size_t u = 0; u < m->n_vms; u++)
            if ((int32_t)u != vm && present(rp, (int32_t)u, dest) &&
                ent_index_in(c->vms, c->n_vms, (int32_t)u) != member) {
                VIOLATED("constraints[%zu] lonely (continuous): VM %s arrives on %s beside a VM "
                         "%s the set",
                         ci, vn, dn, member ? "outside" : "of");
                break;
            }
        break;
    }
    default:
        break;
    }
}

/* Continuous capacity and node-state constraints, which concern nodes rather than VMs. */
static void node_rules(struct replay *rp, uint32_t i, const struct ent_action *a, int32_t dest,
                       int32_t vm)
{
    const struct ent_model *m = rp->m;
    for (size_t j = 0; j < rp->n_node_cons; j++) {
        size_t ci = rp->node_cons[j];
        const struct ent_constraint *c = &m->constraints.items[ci];
        if (c->kind == ENT_CK_LONELY && vm >= 0 && dest >= 0 && !ent_index_in(c->vms, c->n_vms, vm))
            arrival(rp, i, a, c, ci, vm, dest); /* a VM outside the set meets the lonely ones */
        if (dest >= 0 && vm >= 0 && ent_index_in(c->nodes, c->n_nodes, dest) &&
            (c->kind == ENT_CK_RESOURCE_CAPACITY || c->kind == ENT_CK_RUNNING_CAPACITY)) {
            int64_t total = 0;
            for (size_t k = 0; k < c->n_nodes; k++) {
                int32_t n = c->nodes[k];
                if (c->kind == ENT_CK_RESOURCE_CAPACITY)
                    total += rp->usage[c->res][n];
                else
                    for (size_t u = 0; u < m->n_vms; u++)
                        total += present(rp, (int32_t)u, n);
            }
            total += c->kind == ENT_CK_RESOURCE_CAPACITY ? rp->final_demand[c->res][vm] : 1;
            if (total > c->amount)
                VIOLATED("constraints[%zu] %s (continuous): %" PRId64 " on its nodes at %" PRId64
                         " s, at most %" PRId64,
                         ci, c->name, total, a->start, c->amount);
        }
        if (a->kind == ENT_ACTION_BOOT_NODE && c->kind == ENT_CK_MAX_ONLINE &&
            ent_index_in(c->nodes, c->n_nodes, a->node)) {
            int64_t online = 1;
            for (size_t k = 0; k < c->n_nodes; k++)
                online += rp->map->node_state[c->nodes[k]] == ENT_NODE_ONLINE ||
                          rp->node_busy[c->nodes[k]] == NODE_BOOTING;
            if (online > c->amount)
                VIOLATED("constraints[%zu] maxOnline (continuous): %" PRId64 " nodes online, at "
                         "most %" PRId64,
                         ci, online, c->amount);
        }
        if ((a->kind == ENT_ACTION_SHUTDOWN_NODE && c->kind == ENT_CK_ONLINE) ||
            (a->kind == ENT_ACTION_BOOT_NODE && c->kind == ENT_CK_OFFLINE))
            if (ent_index_in(c->nodes, c->n_nodes, a->node))
                VIOLATED("constraints[%zu] %s (continuous): %s of that node", ci, c->name,
                         ent_action_kind_name(a->kind));
    }
}

void ent__check_rules_on_start(struct replay *rp, uint32_t i)
{
    const struct ent_model *m = rp->m;
    const struct ent_action *a = &rp->plan->actions[i];
    int32_t vm = a->vm;
    int arriving = a->kind == ENT_ACTION_MIGRATE_VM || a->kind == ENT_ACTION_BOOT_VM ||
                   a->kind == ENT_ACTION_RESUME_VM;
    int32_t dest = arriving ? a->to : -1;
    char b1[64], b2[64];
    if (vm >= 0) {
        if (a->start < rp->first_start[vm])
            rp->first_start[vm] = a->start;
        if (a->end > rp->last_end[vm])
            rp->last_end[vm] = a->end;
    }
    if (a->kind == ENT_ACTION_MIGRATE_VM || arriving) {
        int32_t from = a->kind == ENT_ACTION_BOOT_VM ? -1 : a->from;
        if ((from >= 0 && rp->quarantined[from] && from != dest) ||
            (dest >= 0 && rp->quarantined[dest] && from != dest))
            ent_check_violation(
                rp->rep, ENT_VIOLATION_CONSTRAINT, a->start, (long)i,
                "quarantine: VM %s moves %s quarantined node %s",
                ent_vm_label(m, vm, b1, sizeof b1), rp->quarantined[dest] ? "onto" : "off",
                ent_node_label(m, rp->quarantined[dest] ? dest : from, b2, sizeof b2));
    }
    if (a->kind == ENT_ACTION_MIGRATE_VM) {
        const char *s1 = storage_of(m, a->from), *s2 = storage_of(m, a->to);
        if (rp->storage_domains && (!s1 || !s2 || strcmp(s1, s2) != 0))
            ent_check_constraint_violation(
                rp->rep, ent_constraint_set_first(&m->constraints, ENT_CK_STORAGE_DOMAINS), 1,
                a->start, (long)i, "storageDomains: VM %s migrates from storage %s to storage %s",
                ent_vm_label(m, vm, b1, sizeof b1), s1 ? s1 : "(none)", s2 ? s2 : "(none)");
    }
    for (uint32_t k = vm >= 0 ? rp->cons_start[vm] : 0; vm >= 0 && k < rp->cons_start[vm + 1];
         k++) {
        size_t ci = rp->cons[k];
        const struct ent_constraint *c = &m->constraints.items[ci];
        if (c->kind == ENT_CK_ROOT && a->kind == ENT_ACTION_MIGRATE_VM)
            VIOLATED("constraints[%zu] root: VM %s migrates", ci,
                     ent_vm_label(m, vm, b1, sizeof b1));
        else if (c->kind == ENT_CK_NO_DELAY && a->start != 0)
            VIOLATED("constraints[%zu] noDelay: VM %s's %s starts at %" PRId64 " s", ci,
                     ent_vm_label(m, vm, b1, sizeof b1), ent_action_kind_name(a->kind), a->start);
        else if (c->continuous && dest >= 0)
            arrival(rp, i, a, c, ci, vm, dest);
        else if (c->continuous &&
                 ((c->kind == ENT_CK_RUNNING &&
                   (a->kind == ENT_ACTION_SHUTDOWN_VM || a->kind == ENT_ACTION_SUSPEND_VM ||
                    a->kind == ENT_ACTION_KILL_VM)) ||
                  (c->kind == ENT_CK_READY && a->kind == ENT_ACTION_BOOT_VM) ||
                  (c->kind == ENT_CK_SLEEPING && a->kind == ENT_ACTION_RESUME_VM)))
            VIOLATED("constraints[%zu] %s (continuous): %s of VM %s", ci, c->name,
                     ent_action_kind_name(a->kind), ent_vm_label(m, vm, b1, sizeof b1));
    }
    node_rules(rp, i, a, dest, vm);
}

void ent__check_rules_after(struct replay *rp)
{
    const struct ent_model *m = rp->m;
    char b1[64], b2[64];
    for (size_t ci = 0; ci < m->constraints.len; ci++) {
        const struct ent_constraint *c = &m->constraints.items[ci];
        if (c->kind != ENT_CK_SEQ)
            continue;
        /* Each VM's actions end before the next VM's begin (VMs with no action are skipped). */
        int32_t prev = -1;
        for (size_t k = 0; k < c->n_vms; k++) {
            int32_t v = c->vms[k];
            if (rp->last_end[v] < 0)
                continue;
            if (prev >= 0 && rp->first_start[v] < rp->last_end[prev])
                ent_check_constraint_violation(
                    rp->rep, ci, 1, rp->first_start[v], -1,
                    "constraints[%zu] seq: VM %s acts at %" PRId64
                    " s, before VM %s is done at %" PRId64 " s",
                    ci, ent_vm_label(m, v, b1, sizeof b1), rp->first_start[v],
                    ent_vm_label(m, prev, b2, sizeof b2), rp->last_end[prev]);
            prev = v;
        }
    }
}
