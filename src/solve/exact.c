/* Exact consolidation for small instances: depth-first branch and bound over every usable node,
 * minimising the nodes used, then the VMs moved. VMs go largest first; a VM tries its current node
 * first; empty nodes with the same capacities and rules are interchangeable, so only the first of
 * them is tried. A budget of search nodes keeps it bounded: when spent, the best found stands. */
#include "model/model.h"
#include "solve/internal.h"
#include "solve/pack.h"
#include "solve/solve.h"
#include "util/alloc.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct exact {
    struct ent_pack *p;
    int32_t *order; /* running VMs, largest first */
    size_t n;
    int32_t *best; /* best hosts found, per position in order */
    int64_t best_nodes, best_moves;
    int64_t moves, open;
    long budget;
    int32_t *cand; /* scratch: candidate nodes per depth, n_nodes each */
};

static bool same_empty_node(const struct ent_pack *p, int32_t a, int32_t b)
{
    for (size_t r = 0; r < p->n_res; r++)
        if (p->cap[(size_t)a * p->n_res + r] != p->cap[(size_t)b * p->n_res + r])
            return 0;
    return p->node_group_start[a + 1] - p->node_group_start[a] == 0 &&
           p->node_group_start[b + 1] - p->node_group_start[b] == 0;
}

static void record(struct exact *x)
{
    x->best_nodes = x->open;
    x->best_moves = x->moves;
    for (size_t i = 0; i < x->n; i++)
        x->best[i] = x->p->target.vm_host[x->order[i]];
}

static void search(struct exact *x, size_t k)
{
    if (x->open > x->best_nodes || (x->open == x->best_nodes && x->moves >= x->best_moves))
        return;
    if (k == x->n) {
        record(x);
        return;
    }
    if (--x->budget < 0)
        return;
    struct ent_pack *p = x->p;
    int32_t vm = x->order[k];
    int32_t home = p->m->map.vm_state[vm] == ENT_VM_RUNNING ? p->m->map.vm_host[vm] : -1;
    /* Candidates: home, then used nodes, then one empty node of each kind. */
    int32_t *cand = x->cand + k * (p->n_nodes + 1);
    size_t nc = 0;
    if (home >= 0 && ent_pack_fits(p, vm, home))
        cand[nc++] = home;
    for (int pass = 0; pass < 2; pass++)
        for (size_t n = 0; n < p->n_nodes; n++) {
            int32_t node = (int32_t)n;
            if (node == home || (p->n_residents[n] > 0) != (pass == 0) ||
                !ent_pack_fits(p, vm, node))
                continue;
            int dup = 0;
            for (size_t c = 0; pass == 1 && c < nc && !dup; c++)
                dup = cand[c] != home && p->n_residents[cand[c]] == 0 &&
                      same_empty_node(p, cand[c], node);
            if (!dup)
                cand[nc++] = node;
        }
    for (size_t c = 0; c < nc && x->budget >= 0; c++) {
        int32_t node = cand[c];
        int opens = p->n_residents[node] == 0;
        ent_pack_place(p, vm, node);
        x->open += opens;
        x->moves += node != home;
        search(x, k + 1);
        x->moves -= node != home;
        x->open -= opens;
        ent_pack_unplace(p, vm);
    }
}

int ent__solve_exact(struct ent_pack *p, int64_t bound, long budget, int64_t *nodes_out)
{
    int32_t *order = NULL;
    size_t n = ent_pack_running_by_size(p, &order);
    struct exact x = {p,         order,
                      n,         ent_malloc((n + 1) * sizeof(int32_t)),
                      INT64_MAX, INT64_MAX,
                      0,         0,
                      budget,    ent_malloc((n + 1) * (p->n_nodes + 1) * sizeof(int32_t))};
    /* The current placement is the incumbent: search only for better. */
    int64_t cur_nodes = 0, cur_moves = 0;
    for (size_t nd = 0; nd < p->n_nodes; nd++)
        cur_nodes += p->n_residents[nd] > 0;
    for (size_t i = 0; i < n; i++) {
        int32_t v = order[i],
                h = p->m->map.vm_state[v] == ENT_VM_RUNNING ? p->m->map.vm_host[v] : -1;
        cur_moves += p->target.vm_host[v] != h;
        x.best[i] = p->target.vm_host[v];
    }
    int placed = 1;
    for (size_t i = 0; i < n; i++)
        placed &= p->target.vm_host[order[i]] >= 0;
    x.best_nodes = placed ? cur_nodes : INT64_MAX; /* no incumbent when some VM has no node */
    x.best_moves = placed ? cur_moves : INT64_MAX;
    int32_t *saved = ent_malloc((n + 1) * sizeof *saved);
    memcpy(saved, x.best, n * sizeof *saved);
    for (size_t i = 0; i < n; i++)
        ent_pack_unplace(p, order[i]);
    (void)bound;
    search(&x, 0);
    int improved =
        x.best_nodes != INT64_MAX && (!placed || x.best_nodes < cur_nodes ||
                                      (x.best_nodes == cur_nodes && x.best_moves < cur_moves));
    for (size_t i = 0; i < n; i++) {
        int32_t h = improved ? x.best[i] : saved[i];
        if (h >= 0)
            ent_pack_place(p, order[i], h);
    }
    *nodes_out = improved ? x.best_nodes : placed ? cur_nodes : -1;
    int complete = x.budget >= 0;
    ent_free(saved);
    ent_free(x.best);
    ent_free(x.cand);
    ent_free(order);
    return complete;
}
