/* Placement rules for the solver: whether a VM may go on a node given where the other VMs of its
 * constraints are in the target so far. spread, split, gather, among, splitAmong, lonely, root,
 * quarantine and storageDomains; ban and fence are per-VM node sets (pack.c). */
#include "model/model.h"
#include "solve/internal.h"
#include "solve/pack.h"
#include "util/alloc.h"

#include <stdbool.h>
#include <string.h>

static bool placement_rule(const struct ent_constraint *c)
{
    return ent_constraint_kind_is(c->kind, ENT_CT_PACK_RULE);
}

void ent__pack_rules_init(struct ent_pack *p)
{
    const struct ent_model *m = p->m;
    ent_constraints_by_vm(&m->constraints, m->n_vms, placement_rule, &p->rule_start, &p->rules_of);
    p->quarantined = ent_calloc(m->n_nodes + 1, 1);
    p->storage = ent_calloc(m->n_nodes + 1, sizeof *p->storage);
    for (size_t i = 0; i < m->constraints.len; i++) {
        const struct ent_constraint *c = &m->constraints.items[i];
        for (size_t k = 0; c->kind == ENT_CK_QUARANTINE && k < c->n_nodes; k++)
            p->quarantined[c->nodes[k]] = 1;
        p->storage_domains |= c->kind == ENT_CK_STORAGE_DOMAINS;
    }
    for (size_t n = 0; n < m->n_nodes; n++) {
        json_t *a = m->nodes[n].attrs;
        p->storage[n] = a ? json_string_value(json_object_get(a, "storage")) : NULL;
    }
}

void ent__pack_rules_release(struct ent_pack *p)
{
    if (!p)
        return;
    ent_free(p->rule_start);
    ent_free(p->rules_of);
    ent_free(p->quarantined);
    ent_free(p->storage);
}

bool ent_pack_pinned(const struct ent_pack *p, int32_t vm)
{
    const struct ent_mapping *now = &p->m->map;
    int32_t home = now->vm_state[vm] == ENT_VM_RUNNING ? now->vm_host[vm] : -1;
    if (home < 0)
        return 0;
    if (p->quarantined[home])
        return 1;
    for (uint32_t k = p->rule_start[vm]; k < p->rule_start[vm + 1]; k++)
        if (p->m->constraints.items[p->rules_of[k]].kind == ENT_CK_ROOT)
            return 1;
    return 0;
}

bool ent_pack_has_rules(const struct ent_pack *p, int32_t vm)
{
    return p->rules[vm].n_ban || p->rules[vm].fenced || p->rule_start[vm + 1] > p->rule_start[vm];
}

/* Where u runs in the target so far, -1 when not placed (or not running). */
static int32_t at(const struct ent_pack *p, int32_t u)
{
    return p->target.vm_state[u] == ENT_VM_RUNNING ? p->target.vm_host[u] : -1;
}

/* Where u runs now (before the plan), -1 when not running. */
static int32_t now_at(const struct ent_pack *p, int32_t u)
{
    const struct ent_mapping *now = &p->m->map;
    return now->vm_state[u] == ENT_VM_RUNNING ? now->vm_host[u] : -1;
}

/* A continuous constraint must hold all along the plan, whose moves come one at a time: VMs kept
 * together meet where one of them runs now, and VMs kept within a group of nodes stay in the one
 * they are in now (switching group would need them all to move at once). */
static int continuity_allows(const struct ent_pack *p, const struct ent_constraint *c, int32_t node)
{
    if (c->kind == ENT_CK_GATHER) {
        int any = 0;
        for (size_t k = 0; k < c->n_vms; k++) {
            int32_t h = now_at(p, c->vms[k]);
            any |= h >= 0;
            if (h == node)
                return 1;
        }
        return !any;
    }
    if (c->kind == ENT_CK_AMONG) {
        ptrdiff_t g = -1;
        for (size_t k = 0; k < c->n_vms; k++) {
            int32_t h = now_at(p, c->vms[k]);
            if (h < 0)
                continue;
            ptrdiff_t hg = ent_parts_find(&c->node_parts, h);
            if (g >= 0 && hg != g)
                return 1; /* already spread over groups: the plan is judged on arrivals only */
            g = hg;
        }
        return g < 0 || ent_parts_has(&c->node_parts, (size_t)g, node);
    }
    return 1;
}

static int rule_allows(const struct ent_pack *p, const struct ent_constraint *c, int32_t vm,
                       int32_t node)
{
    if (c->continuous && !continuity_allows(p, c, node))
        return 0;
    switch (c->kind) {
    case ENT_CK_SPREAD:
        for (size_t k = 0; k < c->n_vms; k++)
            if (c->vms[k] != vm && at(p, c->vms[k]) == node)
                return 0;
        return 1;
    case ENT_CK_GATHER:
        for (size_t k = 0; k < c->n_vms; k++)
            if (c->vms[k] != vm && at(p, c->vms[k]) >= 0 && at(p, c->vms[k]) != node)
                return 0;
        return 1;
    case ENT_CK_SPLIT: {
        ptrdiff_t mine = ent_parts_find(&c->vm_parts, vm);
        for (size_t g = 0; g < c->vm_parts.n; g++)
            for (uint32_t k = 0; g != (size_t)mine && k < c->vm_parts.len[g]; k++)
                if (at(p, c->vm_parts.items[g][k]) == node)
                    return 0;
        return 1;
    }
    case ENT_CK_AMONG: {
        /* The group of node must hold every other member already placed. */
        for (ptrdiff_t g = ent_parts_find(&c->node_parts, node); g >= 0;
             g = ent_parts_next(&c->node_parts, node, g)) {
            int ok = 1;
            for (size_t k = 0; k < c->n_vms && ok; k++) {
                int32_t h = c->vms[k] == vm ? -1 : at(p, c->vms[k]);
                ok = h < 0 || ent_parts_has(&c->node_parts, (size_t)g, h);
            }
            if (ok)
                return 1;
        }
        return 0;
    }
    case ENT_CK_SPLIT_AMONG: {
        ptrdiff_t mine = ent_parts_find(&c->vm_parts, vm);
        for (ptrdiff_t g = ent_parts_find(&c->node_parts, node); g >= 0;
             g = ent_parts_next(&c->node_parts, node, g)) {
            int ok = 1;
            for (size_t q = 0; q < c->vm_parts.n && ok; q++)
                for (uint32_t k = 0; k < c->vm_parts.len[q] && ok; k++) {
                    int32_t u = c->vm_parts.items[q][k];
                    int32_t h = u == vm ? -1 : at(p, u);
                    if (h >= 0)
                        ok = ent_parts_has(&c->node_parts, (size_t)g, h) == ((ptrdiff_t)q == mine);
                }
            if (ok)
                return 1;
        }
        return 0;
    }
    case ENT_CK_LONELY: {
        int member = ent_index_in(c->vms, c->n_vms, vm);
        for (uint32_t k = 0; k < p->n_residents[node]; k++) {
            int32_t u = p->residents[node][k];
            if (u != vm && ent_index_in(c->vms, c->n_vms, u) != member)
                return 0;
        }
        return 1;
    }
    case ENT_CK_ROOT: {
        const struct ent_mapping *now = &p->m->map;
        return now->vm_state[vm] != ENT_VM_RUNNING || now->vm_host[vm] == node;
    }
    default:
        return 1;
    }
}

/* The VMs outside a lonely set must keep off nodes with lonely VMs: checked for every VM. */
static int lonely_allows(const struct ent_pack *p, int32_t vm, int32_t node)
{
    if (!p->lonely_member[vm]) /* outside every lonely set: only nodes without lonely VMs */
        return p->lonely_on[node] == 0;
    for (size_t i = 0; i < p->n_lonely; i++) {
        const struct ent_constraint *c = &p->m->constraints.items[p->lonely[i]];
        if (ent_index_in(c->vms, c->n_vms, vm))
            continue;
        for (uint32_t k = 0; k < p->n_residents[node]; k++)
            if (p->residents[node][k] != vm &&
                ent_index_in(c->vms, c->n_vms, p->residents[node][k]))
                return 0;
    }
    return 1;
}

bool ent__pack_rules_allow(const struct ent_pack *p, int32_t vm, int32_t node)
{
    const struct ent_mapping *now = &p->m->map;
    int32_t home = now->vm_state[vm] == ENT_VM_RUNNING || now->vm_state[vm] == ENT_VM_SLEEPING
                       ? now->vm_host[vm]
                       : -1;
    if (node != home && ((home >= 0 && p->quarantined[home]) || p->quarantined[node]))
        return 0; /* nothing enters or leaves a quarantined node */
    if (p->storage_domains && home >= 0 && node != home) {
        const char *a = p->storage[home], *b = p->storage[node];
        if (!a || !b || strcmp(a, b) != 0)
            return 0;
    }
    for (uint32_t k = p->rule_start[vm]; k < p->rule_start[vm + 1]; k++)
        if (!rule_allows(p, &p->m->constraints.items[p->rules_of[k]], vm, node))
            return 0;
    return lonely_allows(p, vm, node);
}
