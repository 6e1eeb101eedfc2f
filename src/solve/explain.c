/* Explanations for impossible instances, found at once rather than by a search that fails: quick
 * necessary conditions on the constraints, each naming what conflicts (a spread over more VMs
 * than it has eligible nodes, a fence on nodes that all go offline, ...). Passing them does not
 * promise a solution; failing one proves there is none. */
#include "model/model.h"
#include "solve/internal.h"
#include "solve/pack.h"
#include "solve/solve.h"
#include "util/alloc.h"
#include "util/error.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Whether vm may run on node as far as node states, ban and fence say. */
static bool eligible(const struct ent_pack *p, int32_t vm, int32_t node)
{
    if (!p->node_usable[node])
        return 0;
    const struct ent_vm_rules *r = &p->rules[vm];
    for (uint32_t k = 0; k < r->n_ban; k++)
        if (r->ban[k] == node)
            return 0;
    if (!r->fenced)
        return 1;
    for (uint32_t k = 0; k < r->n_fence; k++)
        if (r->fence[k] == node)
            return 1;
    return 0;
}

static bool will_run(const struct ent_pack *p, int32_t vm)
{
    return p->target.vm_state[vm] == ENT_VM_RUNNING;
}

/* Up to four names from a list of nodes or VMs, then "...". */
static void names(const struct ent_model *m, const int32_t *items, size_t n, int vms, char *out,
                  size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t k = 0; k < n && k < 4 && used < len; k++) {
        char b[64];
        const char *name =
            vms ? ent_vm_label(m, items[k], b, sizeof b) : ent_node_label(m, items[k], b, sizeof b);
        used += (size_t)snprintf(out + used, len - used, "%s%s", k ? ", " : "", name);
    }
    if (n > 4 && used < len)
        snprintf(out + used, len - used, ", ...");
}

/* Nodes eligible for at least one running VM of the list. */
static size_t eligible_nodes(const struct ent_pack *p, const int32_t *vms, size_t n_vms,
                             int32_t *out)
{
    size_t count = 0;
    for (size_t nd = 0; nd < p->n_nodes; nd++)
        for (size_t k = 0; k < n_vms; k++)
            if (will_run(p, vms[k]) && eligible(p, vms[k], (int32_t)nd)) {
                out[count++] = (int32_t)nd;
                break;
            }
    return count;
}

static size_t running_of(const struct ent_pack *p, const int32_t *vms, size_t n, int32_t *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (will_run(p, vms[i]))
            out[k++] = vms[i];
    return k;
}

/* What the explanations share: the instance and two scratch lists. */
struct why {
    const struct ent_pack *p;
    const struct ent_model *m;
    int32_t *nodes, *vms;
    struct ent_error *err;
};

/* A VM that fits on no eligible node, by size or by the rules. */
static int vm_without_node(const struct why *w, int32_t v)
{
    const struct ent_pack *p = w->p;
    char c1[64];
    size_t n_el = 0;
    for (size_t nd = 0; nd < p->n_nodes; nd++) {
        if (!eligible(p, v, (int32_t)nd))
            continue;
        n_el++;
        int fits = 1;
        for (size_t r = 0; r < p->n_res && fits; r++)
            fits = p->dem[(size_t)v * p->n_res + r] <= p->cap[nd * p->n_res + r];
        if (fits) /* one node is all it takes: the scan over every node was O(VMs x nodes) */
            return 0;
    }
    if (n_el == 0)
        return ent_error(w->err, ENT_EINFEASIBLE,
                         "VM %s has no eligible node: its ban / fence constraints leave only "
                         "nodes that are offline or go offline",
                         ent_vm_label(w->m, v, c1, sizeof c1));
    return ent_error(w->err, ENT_EINFEASIBLE,
                     "VM %s is larger than every one of its %zu eligible nodes",
                     ent_vm_label(w->m, v, c1, sizeof c1), n_el);
}

static int spread(const struct why *w, size_t i, const struct ent_constraint *c)
{
    char a[512], b[512];
    size_t k = running_of(w->p, c->vms, c->n_vms, w->vms);
    size_t e = eligible_nodes(w->p, w->vms, k, w->nodes);
    if (k <= e)
        return 0;
    names(w->m, w->vms, k, 1, a, sizeof a);
    names(w->m, w->nodes, e, 0, b, sizeof b);
    return ent_error(w->err, ENT_EINFEASIBLE,
                     "constraints[%zu] spread: %zu VMs (%s) need distinct nodes, but only %zu "
                     "nodes are eligible (%s)",
                     i, k, a, e, b);
}

static int split(const struct why *w, size_t i, const struct ent_constraint *c)
{
    const struct ent_pack *p = w->p;
    size_t parts = 0, usable = 0;
    for (size_t g = 0; g < c->vm_parts.n; g++)
        parts += running_of(p, c->vm_parts.items[g], c->vm_parts.len[g], w->vms) > 0;
    for (size_t nd = 0; nd < p->n_nodes; nd++)
        usable += p->node_usable[nd];
    if (parts <= usable)
        return 0;
    return ent_error(w->err, ENT_EINFEASIBLE,
                     "constraints[%zu] split: %zu parts need distinct nodes, only %zu nodes will "
                     "be online",
                     i, parts, usable);
}

static int gather(const struct why *w, size_t i, const struct ent_constraint *c)
{
    const struct ent_pack *p = w->p;
    int32_t *vms = w->vms;
    char a[512];
    size_t k = running_of(p, c->vms, c->n_vms, vms), common = 0, roomy = 0;
    int64_t *need = ent_calloc(p->n_res + 1, sizeof *need);
    for (size_t j = 0; j < k; j++)
        for (size_t r = 0; r < p->n_res; r++)
            need[r] += p->dem[(size_t)vms[j] * p->n_res + r];
    for (size_t nd = 0; nd < p->n_nodes && k; nd++) {
        int all = 1;
        for (size_t j = 0; j < k && all; j++)
            all = eligible(p, vms[j], (int32_t)nd);
        if (!all)
            continue;
        common++;
        int fits = 1;
        for (size_t r = 0; r < p->n_res && fits; r++)
            fits = need[r] <= p->cap[nd * p->n_res + r];
        roomy += fits;
    }
    ent_free(need);
    names(w->m, vms, k, 1, a, sizeof a);
    if (k && !common)
        return ent_error(w->err, ENT_EINFEASIBLE,
                         "constraints[%zu] gather: no node is eligible for all of %s", i, a);
    if (k && !roomy)
        return ent_error(w->err, ENT_EINFEASIBLE,
                         "constraints[%zu] gather: %s together are larger than each of the %zu "
                         "nodes eligible for them all",
                         i, a, common);
    return 0;
}

static int among(const struct why *w, size_t i, const struct ent_constraint *c)
{
    const struct ent_pack *p = w->p;
    int32_t *vms = w->vms;
    char a[512];
    size_t k = running_of(p, c->vms, c->n_vms, vms), fits_one = 0;
    for (size_t g = 0; g < c->node_parts.n && !fits_one && k; g++) {
        int ok = 1;
        for (size_t r = 0; r < p->n_res && ok; r++) {
            int64_t need = 0, have = 0;
            for (size_t j = 0; j < k; j++)
                need += p->dem[(size_t)vms[j] * p->n_res + r];
            for (uint32_t q = 0; q < c->node_parts.len[g]; q++) {
                int32_t nd = c->node_parts.items[g][q];
                if (p->node_usable[nd])
                    have += p->cap[(size_t)nd * p->n_res + r];
            }
            ok = need <= have;
        }
        fits_one = ok;
    }
    if (!k || fits_one)
        return 0;
    names(w->m, vms, k, 1, a, sizeof a);
    return ent_error(w->err, ENT_EINFEASIBLE,
                     "constraints[%zu] among: none of its %zu groups of nodes has the room for %s "
                     "together",
                     i, c->node_parts.n, a);
}

static int split_among(const struct why *w, size_t i, const struct ent_constraint *c)
{
    if (c->vm_parts.n <= c->node_parts.n)
        return 0;
    return ent_error(w->err, ENT_EINFEASIBLE,
                     "constraints[%zu] splitAmong: %zu parts of VMs need distinct groups, but "
                     "there are %zu groups of nodes",
                     i, c->vm_parts.n, c->node_parts.n);
}

static int root(const struct why *w, size_t i, const struct ent_constraint *c)
{
    char a[64], b[64];
    for (size_t k = 0; k < c->n_vms; k++) {
        int32_t v = c->vms[k], h = w->m->map.vm_host[v];
        if (will_run(w->p, v) && h >= 0 && !w->p->node_usable[h])
            return ent_error(w->err, ENT_EINFEASIBLE,
                             "constraints[%zu] root: VM %s may not move, but its node %s goes "
                             "offline",
                             i, ent_vm_label(w->m, v, a, 64), ent_node_label(w->m, h, b, 64));
    }
    return 0;
}

static int quarantine(const struct why *w, size_t i, const struct ent_constraint *c)
{
    const struct ent_pack *p = w->p;
    char a[64], b[64];
    for (size_t k = 0; k < c->n_nodes; k++) {
        int32_t nd = c->nodes[k];
        if (p->node_usable[nd])
            continue;
        for (size_t v = 0; v < p->n_vms; v++)
            if (w->m->map.vm_host[v] == nd && will_run(p, (int32_t)v))
                return ent_error(w->err, ENT_EINFEASIBLE,
                                 "constraints[%zu] quarantine: node %s goes offline, but VM %s "
                                 "may not leave it",
                                 i, ent_node_label(w->m, nd, a, 64),
                                 ent_vm_label(w->m, (int32_t)v, b, 64));
    }
    return 0;
}

/* The quick proof for one constraint, by its kind; 0 when there is none. */
static int explain_constraint(const struct why *w, size_t i, const struct ent_constraint *c)
{
    switch (c->kind) {
    case ENT_CK_SPREAD:
        return spread(w, i, c);
    case ENT_CK_SPLIT:
        return split(w, i, c);
    case ENT_CK_GATHER:
        return gather(w, i, c);
    case ENT_CK_AMONG:
        return among(w, i, c);
    case ENT_CK_SPLIT_AMONG:
        return split_among(w, i, c);
    case ENT_CK_ROOT:
        return root(w, i, c);
    case ENT_CK_QUARANTINE:
        return quarantine(w, i, c);
    default:
        return 0;
    }
}

int ent__explain(const struct ent_pack *p, struct ent_error *err)
{
    const struct ent_model *m = p->m;
    struct why w = {p, m, ent_malloc((p->n_nodes + 1) * sizeof(int32_t)),
                    ent_malloc((p->n_vms + 1) * sizeof(int32_t)), err};
    int rc = 0;
    for (size_t v = 0; v < p->n_vms && !rc; v++)
        if (will_run(p, (int32_t)v))
            rc = vm_without_node(&w, (int32_t)v);
    for (size_t i = 0; i < m->constraints.len && !rc; i++)
        rc = explain_constraint(&w, i, &m->constraints.items[i]);
    ent_free(w.nodes);
    ent_free(w.vms);
    return rc;
}
