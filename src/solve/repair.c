/* Repair with few moves: VMs stay where they are unless their node goes offline, a ban or fence
 * excludes it, or it is over capacity (then the VMs whose departure fixes it most cheaply leave).
 * The displaced VMs and those that must boot or resume are then placed best-fit, largest first. */
#include "model/model.h"
#include "solve/internal.h"
#include "solve/pack.h"
#include "solve/solve.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

/* How far over capacity the node would be without vm (0 when that fixes it), in shares. */
static double overflow_without(const struct ent_pack *p, int32_t node, int32_t vm)
{
    double over = 0;
    for (size_t r = 0; r < p->n_res; r++) {
        int64_t cap = p->cap[(size_t)node * p->n_res + r];
        int64_t left = p->used[(size_t)node * p->n_res + r] -
                       (vm >= 0 ? p->dem[(size_t)vm * p->n_res + r] : 0);
        if (left > cap)
            over += (double)(left - cap) / (double)(cap > 0 ? cap : 1);
    }
    return over;
}

static int64_t vm_weight(const struct ent_pack *p, int32_t vm, int mem)
{
    return mem >= 0 ? p->dem[(size_t)vm * p->n_res + (size_t)mem] : 1;
}

/* Evicts from node until it fits: the cheapest VM whose departure alone fixes it, else the VM that
 * reduces the overflow most. */
static void evict_overload(struct ent_pack *p, int32_t node, int32_t *pending, size_t *n_pending,
                           int mem)
{
    while (!ent_pack_node_ok(p, node)) {
        /* VMs without rules of their own first (they fit anywhere there is room); VMs that may
         * not move never. */
        int32_t out = -1;
        for (int with_rules = 0; with_rules < 2 && out < 0; with_rules++) {
            int32_t fix = -1, best = -1;
            double best_over = overflow_without(p, node, -1);
            for (uint32_t k = 0; k < p->n_residents[node]; k++) {
                int32_t v = p->residents[node][k];
                if (ent_pack_has_rules(p, v) != with_rules || ent_pack_pinned(p, v))
                    continue;
                double over = overflow_without(p, node, v);
                if (over == 0 && (fix < 0 || vm_weight(p, v, mem) < vm_weight(p, fix, mem)))
                    fix = v;
                if (over < best_over) {
                    best_over = over;
                    best = v;
                }
            }
            out = fix >= 0 ? fix : best;
        }
        if (out < 0) {
            /* Only a group limit is exceeded: take any resident that may move. */
            for (uint32_t k = 0; k < p->n_residents[node] && out < 0; k++)
                if (!ent_pack_pinned(p, p->residents[node][k]))
                    out = p->residents[node][k];
            if (out < 0)
                return;
        }
        ent_pack_unplace(p, out);
        pending[(*n_pending)++] = out;
    }
}

/* The node that fits vm and is left with the least slack (summed shares). */
static int32_t best_fit(const struct ent_pack *p, int32_t vm)
{
    int32_t best = -1;
    double best_slack = 0;
    for (size_t n = 0; n < p->n_nodes; n++) {
        if (!ent_pack_fits(p, vm, (int32_t)n))
            continue;
        double slack = 0;
        for (size_t r = 0; r < p->n_res; r++) {
            int64_t cap = p->cap[n * p->n_res + r];
            int64_t left = cap - p->used[n * p->n_res + r] - p->dem[(size_t)vm * p->n_res + r];
            slack += (double)left / (double)(cap > 0 ? cap : 1);
        }
        if (best < 0 || slack < best_slack) {
            best = (int32_t)n;
            best_slack = slack;
        }
    }
    return best;
}

static int repair_in_place(struct ent_pack *p, struct ent_error *err)
{
    int32_t *pending = ent_malloc((p->n_vms + 1) * sizeof *pending);
    size_t n_pending = 0;
    int mem = ent_model_memory_resource(p->m);

    for (size_t v = 0; v < p->n_vms; v++) {
        int32_t h = p->target.vm_host[v];
        if (p->target.vm_state[v] != ENT_VM_RUNNING)
            continue;
        if (h < 0 || !ent_pack_allowed(p, (int32_t)v, h)) {
            ent_pack_unplace(p, (int32_t)v);
            pending[n_pending++] = (int32_t)v;
        }
    }
    for (size_t n = 0; n < p->n_nodes; n++)
        evict_overload(p, (int32_t)n, pending, &n_pending, mem);

    /* Place the displaced, largest (normalised) first. */
    uint8_t *waiting = ent_calloc(p->n_vms + 1, 1);
    for (size_t i = 0; i < n_pending; i++)
        waiting[pending[i]] = 1;
    int32_t *order = NULL;
    size_t n_order = ent_pack_running_by_size(p, &order);
    int rc = 0;
    for (size_t i = 0; i < n_order && !rc; i++) {
        int32_t v = order[i];
        if (!waiting[v])
            continue;
        int32_t node = best_fit(p, v);
        if (node >= 0) {
            ent_pack_place(p, v, node);
        } else {
            char b[64];
            rc = ent_error(err, ENT_EINFEASIBLE,
                           "VM %s must move or start, and no eligible node has room for it",
                           ent_vm_label(p->m, v, b, sizeof b));
        }
    }
    ent_free(waiting);
    ent_free(order);
    ent_free(pending);
    return rc;
}

static void unplace_running(struct ent_pack *p)
{
    for (size_t v = 0; v < p->n_vms; v++)
        if (p->target.vm_state[v] == ENT_VM_RUNNING)
            ent_pack_unplace(p, (int32_t)v);
}

/* Moving few VMs is greedy and can miss a placement that exists: then pack from scratch (dot
 * product, then first-fit decreasing) before saying there is none. */
int ent__solve_repair(struct ent_pack *p, struct ent_error *err)
{
    int rc = repair_in_place(p, err);
    if (rc != ENT_EINFEASIBLE)
        return rc;
    struct ent_error again;
    unplace_running(p);
    if (ent__solve_dotpack(p, &again) == 0)
        return 0;
    unplace_running(p);
    if (ent__solve_ffd(p, &again) == 0)
        return 0;
    size_t running = 0;
    for (size_t v = 0; v < p->n_vms; v++)
        running += p->target.vm_state[v] == ENT_VM_RUNNING;
    int64_t nodes = -1;
    unplace_running(p);
    if (running <= ENT_EXACT_MAX_VMS) {
        int complete = ent__solve_exact(p, 0, 2000000L, &nodes);
        if (nodes >= 0)
            return 0;
        if (complete && err) {
            char first[ENT_ERROR_MSG_MAX];
            memcpy(first, err->msg, sizeof first);
            return ent_error(err, ENT_EINFEASIBLE, "%s (no placement exists: exhaustive search)",
                             first);
        }
    }
    return rc;
}

static int repair(struct ent_pack *p, const struct ent_solve_options *opts,
                  struct ent_solve_stats *stats, struct ent_error *err)
{
    return ent__solve_repair(p, err);
}

const struct ent_objective ent_objective_repair = {
    .name = "repair",
    .summary = "make the constraints hold with few moves",
    .run = repair,
};
