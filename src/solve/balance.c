/* The balance objective: the placement rules made to hold (repair), then the CPU load spread:
 * while it lowers the peak, a VM of the most loaded node moves to the node where the larger of
 * the two loads is smallest (DRS-style, greedy, at most one move per VM), until the time limit. */
#include "model/model.h"
#include "solve/internal.h"
#include "solve/pack.h"
#include "solve/solve.h"
#include "util/alloc.h"
#include "util/clock.h"

#include <string.h>

static double load(const struct ent_pack *p, int32_t node, int r, int64_t extra)
{
    int64_t cap = p->cap[(size_t)node * p->n_res + (size_t)r];
    return cap > 0 ? (double)(p->used[(size_t)node * p->n_res + (size_t)r] + extra) / (double)cap
                   : 0;
}

static int usable(const struct ent_pack *p, int32_t node, int r)
{
    return p->node_usable[node] && p->cap[(size_t)node * p->n_res + (size_t)r] > 0;
}

/* The most loaded node hosting a VM, or -1. */
static int32_t peak_node(const struct ent_pack *p, int r)
{
    int32_t hi = -1;
    for (size_t n = 0; n < p->n_nodes; n++)
        if (usable(p, (int32_t)n, r) && p->n_residents[n] &&
            (hi < 0 || load(p, (int32_t)n, r, 0) > load(p, hi, r, 0)))
            hi = (int32_t)n;
    return hi;
}

/* The best single move off hi: the VM and the node that lower the pair's peak the most. */
static int best_move(struct ent_pack *p, int r, int32_t hi, const uint8_t *moved, int32_t *vm_out,
                     int32_t *node_out)
{
    double best = load(p, hi, r, 0) - 1e-9;
    uint32_t n_res = p->n_residents[hi];
    int32_t *list = ent_malloc((n_res + 1) * sizeof *list);
    memcpy(list, p->residents[hi], n_res * sizeof *list);
    *vm_out = *node_out = -1;
    for (uint32_t i = 0; i < n_res; i++) {
        int32_t v = list[i];
        int64_t d = p->dem[(size_t)v * p->n_res + (size_t)r];
        if (moved[v] || d <= 0 || ent_pack_pinned(p, v))
            continue;
        ent_pack_unplace(p, v);
        double here = load(p, hi, r, 0);
        for (size_t n = 0; n < p->n_nodes; n++) {
            if ((int32_t)n == hi || !usable(p, (int32_t)n, r) || !ent_pack_fits(p, v, (int32_t)n))
                continue;
            double there = load(p, (int32_t)n, r, d);
            double peak = here > there ? here : there;
            if (peak < best) {
                best = peak;
                *vm_out = v;
                *node_out = (int32_t)n;
            }
        }
        ent_pack_place(p, v, hi);
    }
    ent_free(list);
    return *vm_out >= 0;
}

static int balance(struct ent_pack *p, const struct ent_solve_options *opts,
                   struct ent_solve_stats *stats, struct ent_error *err)
{
    double deadline = ent_now() + opts->time_limit;
    int rc = ent__solve_repair(p, err);
    if (rc || !p->n_res)
        return rc;
    int r = ent_model_resource_index(p->m, "cpu");
    if (r < 0)
        r = 0;
    uint8_t *moved = ent_calloc(p->n_vms + 1, 1);
    /* Each move leaves a valid placement: at the time limit, the moves made so far. */
    for (size_t step = 0; step < p->n_vms && ent_now() < deadline; step++) {
        int32_t hi = peak_node(p, r), vm, node;
        if (hi < 0 || !best_move(p, r, hi, moved, &vm, &node))
            break;
        ent_pack_unplace(p, vm);
        ent_pack_place(p, vm, node);
        moved[vm] = 1;
    }
    ent_free(moved);
    return 0;
}

const struct ent_objective ent_objective_balance = {
    .name = "balance",
    .summary = "repair, then spread the CPU load",
    .run = balance,
};
