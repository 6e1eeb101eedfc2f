/* From-scratch packings (first-fit and best-fit decreasing, dot product) made into consolidation
 * candidates: their bins relabelled onto the nodes that already hold most of their memory, so
 * that a packing that needs fewer nodes does not also move every VM; when the bins do not fit
 * other nodes (mixed hardware), the packing as it was made. */
#include "model/model.h"
#include "solve/internal.h"
#include "solve/pack.h"
#include "solve/solve.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct pair {
    int64_t weight;
    int32_t bin, node;
};

static int cmp_pair(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;
    if (x->weight != y->weight)
        return x->weight < y->weight ? 1 : -1;
    if (x->bin != y->bin)
        return (x->bin > y->bin) - (x->bin < y->bin);
    return (x->node > y->node) - (x->node < y->node);
}

/* Places all of bin's VMs on node in out, or none. */
static int place_bin(struct ent_pack *out, const struct ent_pack *ffd, int32_t bin, int32_t node)
{
    uint32_t n = ffd->n_residents[bin], k = 0;
    for (; k < n && ent_pack_fits(out, ffd->residents[bin][k], node); k++)
        ent_pack_place(out, ffd->residents[bin][k], node);
    if (k == n)
        return 1;
    while (k > 0)
        ent_pack_unplace(out, ffd->residents[bin][--k]);
    return 0;
}

/* FFD's bins (the VMs it put on one node) moved so as to keep the most memory in place: each bin
 * goes to the node holding most of its memory now, heaviest pairs first; the rest to their own
 * FFD node or the first node that takes them. out is a fresh state with the running VMs unplaced.
 * Returns 0 when some bin found no node (then out is unusable). */
/* Whether nodes a and b have the same capacity in every resource (the same hardware type). */
static bool same_type(const struct ent_pack *p, int32_t a, int32_t b)
{
    return memcmp(p->cap + (size_t)a * p->n_res, p->cap + (size_t)b * p->n_res,
                  p->n_res * sizeof *p->cap) == 0;
}

/* Whether bin b may go to node: any node (of only, when given), or with typed only one of the
 * bin's own type (then each type's bins are a permutation of its nodes, which always succeeds). */
static bool may_take(const struct ent_pack *out, bool typed, const uint8_t *only, int32_t b,
                     int32_t node)
{
    return out->node_usable[node] && (!typed || same_type(out, b, node)) && (!only || only[node]);
}

int ent__relabel(const struct ent_model *m, const struct ent_pack *ffd, struct ent_pack *out,
                 int mem, bool typed, const uint8_t *only)
{
    size_t N = ffd->n_nodes;
    struct pair *pairs = ent_malloc((ffd->n_vms + 1) * sizeof *pairs);
    size_t n_pairs = 0;
    int64_t *acc = ent_calloc(N + 1, sizeof *acc);
    int32_t *touched = ent_malloc((N + 1) * sizeof *touched);
    for (size_t b = 0; b < N; b++) {
        size_t n_touched = 0;
        for (uint32_t k = 0; k < ffd->n_residents[b]; k++) {
            int32_t v = ffd->residents[b][k];
            int32_t h = m->map.vm_state[v] == ENT_VM_RUNNING ? m->map.vm_host[v] : -1;
            if (h < 0)
                continue;
            if (acc[h] == 0)
                touched[n_touched++] = h;
            acc[h] += (mem >= 0 ? m->res[mem].demand[v] : 0) + 1;
        }
        for (size_t t = 0; t < n_touched; t++) {
            pairs[n_pairs++] = (struct pair){acc[touched[t]], (int32_t)b, touched[t]};
            acc[touched[t]] = 0;
        }
    }
    qsort(pairs, n_pairs, sizeof *pairs, cmp_pair);
    int32_t *bin_to = ent_malloc((N + 1) * sizeof *bin_to);
    uint8_t *taken = ent_calloc(N + 1, 1);
    memset(bin_to, 0xff, (N + 1) * sizeof *bin_to);
    for (size_t i = 0; i < n_pairs; i++) {
        int32_t b = pairs[i].bin, node = pairs[i].node;
        if (bin_to[b] < 0 && !taken[node] && may_take(out, typed, only, b, node) &&
            place_bin(out, ffd, b, node)) {
            bin_to[b] = node;
            taken[node] = 1;
        }
    }
    int ok = 1;
    for (size_t b = 0; b < N && ok; b++) {
        if (bin_to[b] >= 0 || ffd->n_residents[b] == 0)
            continue;
        int32_t node =
            !taken[b] && (!only || only[b]) && place_bin(out, ffd, (int32_t)b, (int32_t)b)
                ? (int32_t)b
                : -1;
        for (size_t n = 0; n < N && node < 0; n++)
            if (!taken[n] && may_take(out, typed, only, (int32_t)b, (int32_t)n) &&
                place_bin(out, ffd, (int32_t)b, (int32_t)n))
                node = (int32_t)n;
        if (node < 0)
            ok = 0;
        else
            taken[node] = 1;
    }
    ent_free(bin_to);
    ent_free(taken);
    ent_free(pairs);
    ent_free(acc);
    ent_free(touched);
    return ok;
}

void ent__clear_running(struct ent_pack *p)
{
    for (size_t v = 0; v < p->n_vms; v++)
        if (p->target.vm_state[v] == ENT_VM_RUNNING && p->target.vm_host[v] >= 0)
            ent_pack_unplace(p, (int32_t)v);
}

int ent__solve_better(const struct ent_solve_stats *a, const struct ent_solve_stats *b)
{
    if (a->nodes_used != b->nodes_used)
        return a->nodes_used < b->nodes_used;
    if (a->moved_memory != b->moved_memory)
        return a->moved_memory < b->moved_memory;
    return a->migrations < b->migrations;
}

int ent__scratch_candidate(const struct ent_model *m,
                           int (*pack)(struct ent_pack *, struct ent_error *), int mem,
                           int order_res, double deadline, struct ent_pack *out,
                           struct ent_solve_stats *st)
{
    struct ent_pack packed;
    struct ent_error ignored;
    memset(out, 0, sizeof *out); /* released by the caller whatever happens here */
    int ok = ent_pack_init(&packed, m, &ignored) == 0;
    packed.deadline = deadline;
    packed.order_res = order_res;
    ok = ok && pack(&packed, &ignored) == 0 && ent_pack_init(out, m, &ignored) == 0;
    if (ok) {
        ent__clear_running(out);
        /* On mixed hardware a bin made for one node may fit no other node left: then bins move
         * only among nodes of their own type (a permutation, which always fits), and failing
         * that the packing is kept as it was made, never thrown away. */
        if (!ent__relabel(m, &packed, out, mem, false, NULL)) {
            ent__clear_running(out);
            if (!ent__relabel(m, &packed, out, mem, true, NULL)) {
                ent__clear_running(out);
                ent__pack_adopt(out, &packed);
            }
        }
    }
    if (ok) {
        ent__keep_in_place(out);
        ent__reduce_moves(out, deadline);
        ent__solve_measure(m, &out->target, st);
    }
    ent_pack_release(&packed);
    return ok;
}

void ent__pack_adopt(struct ent_pack *p, const struct ent_pack *src)
{
    for (size_t v = 0; v < p->n_vms; v++)
        if (p->target.vm_state[v] == ENT_VM_RUNNING)
            ent_pack_unplace(p, (int32_t)v);
    for (size_t v = 0; v < p->n_vms; v++)
        if (p->target.vm_state[v] == ENT_VM_RUNNING)
            ent_pack_place(p, (int32_t)v, src->target.vm_host[v]);
}
