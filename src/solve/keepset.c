/* The fewest moves for a node count. Which nodes stay active decides most of the migrations: every
 * VM on a node left out moves. So: keep as many nodes of each hardware type as the best packing
 * found uses (then the VMs fit: that packing is a witness), and of each type those where the most
 * VMs run now; every VM on them stays. The VMs of the nodes left out go into the room that is
 * left, largest first, best fit. A VM that fits nowhere takes the room of smaller VMs on one of the
 * roomiest kept nodes (VMs that moved already first, then the fewest), and those go back in line,
 * within a budget of such steps. When filling, the VMs not at home on the kept nodes wait too,
 * and the room is first filled node by node with the subsets that fill it best (hole_fill.c);
 * what is left goes by best fit. */
#include "model/model.h"
#include "solve/freeindex.h"
#include "solve/internal.h"
#include "solve/pack.h"
#include "solve/solve.h"
#include "util/alloc.h"
#include "util/clock.h"

#include <stdlib.h>
#include <string.h>

#define N_BUCKETS        1024
#define EJECT_CANDIDATES 64 /* roomiest nodes tried first, then every kept node */

struct keepset {
    struct ent_pack *out;
    struct ent_freeindex fi;
    int32_t *home; /* per VM, where it runs now (-1: not running) */
    double *size;  /* per VM, demand as shares of the largest capacities, summed */
    int32_t *heap; /* VMs waiting for a node, the largest on top */
    size_t waiting;
    int32_t *buffer;     /* a node's residents, in ejection order */
    int32_t *candidates; /* nodes that might make room */
};

/* --- The waiting line: a binary heap by size ------------------------------------------------ */

static int before(const struct keepset *k, int32_t a, int32_t b)
{
    return k->size[a] > k->size[b] || (k->size[a] == k->size[b] && a < b);
}

static void push(struct keepset *k, int32_t vm)
{
    size_t i = k->waiting++;
    k->heap[i] = vm;
    while (i > 0 && before(k, k->heap[i], k->heap[(i - 1) / 2])) {
        int32_t t = k->heap[i];
        k->heap[i] = k->heap[(i - 1) / 2];
        k->heap[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

static int32_t pop(struct keepset *k)
{
    int32_t top = k->heap[0];
    k->heap[0] = k->heap[--k->waiting];
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < k->waiting && before(k, k->heap[l], k->heap[m]))
            m = l;
        if (r < k->waiting && before(k, k->heap[r], k->heap[m]))
            m = r;
        if (m == i)
            break;
        int32_t t = k->heap[i];
        k->heap[i] = k->heap[m];
        k->heap[m] = t;
        i = m;
    }
    return top;
}

/* --- Which nodes stay ------------------------------------------------------------------------ */

struct candidate {
    int32_t node;
    uint8_t pinned;   /* holds a VM that may not move: must stay */
    int64_t at_home;  /* VMs that stay if it does */
    int64_t mem_home; /* and their memory */
};

static int cmp_candidate(const void *a, const void *b, void *arg)
{
    const struct candidate *x = a, *y = b;
    const struct ent_pack *p = arg;
    int c = memcmp(p->cap + (size_t)x->node * p->n_res, p->cap + (size_t)y->node * p->n_res,
                   p->n_res * sizeof *p->cap);
    if (c)
        return c;
    if (x->pinned != y->pinned)
        return x->pinned ? -1 : 1;
    if (x->at_home != y->at_home)
        return x->at_home > y->at_home ? -1 : 1;
    if (x->mem_home != y->mem_home)
        return x->mem_home > y->mem_home ? -1 : 1;
    return (x->node > y->node) - (x->node < y->node);
}

/* keep[n] for the nodes that stay: per capacity type as many as best has active (one fewer of
 * drop's type, when drop >= 0), pinned ones and then those with the most VMs at home first.
 * Returns 0 when pinned VMs need more of a type. */
static int choose(const struct keepset *k, const struct ent_pack *best,
                  const struct ent_keep_set *ks, uint8_t *keep)
{
    int32_t drop = ks->drop;
    const struct ent_pack *out = k->out;
    int mem = ent_model_memory_resource(out->m);
    struct candidate *c = ent_calloc(out->n_nodes + 1, sizeof *c);
    size_t n = 0;
    for (size_t node = 0; node < out->n_nodes; node++)
        if (out->node_usable[node])
            c[n++].node = (int32_t)node;
    int32_t *slot = ent_malloc((out->n_nodes + 1) * sizeof *slot);
    memset(slot, 0xff, (out->n_nodes + 1) * sizeof *slot);
    for (size_t i = 0; i < n; i++)
        slot[c[i].node] = (int32_t)i;
    for (size_t v = 0; v < out->n_vms; v++) {
        int32_t h = out->target.vm_host[v];
        if (out->target.vm_state[v] != ENT_VM_RUNNING || h < 0 || slot[h] < 0)
            continue;
        struct candidate *cand = &c[slot[h]];
        cand->pinned |= ent_pack_pinned(out, (int32_t)v);
        if (k->home[v] == h) {
            cand->at_home++;
            cand->mem_home += mem >= 0 ? out->dem[v * out->n_res + (size_t)mem] : 1;
        }
    }
    qsort_r(c, n, sizeof *c, cmp_candidate, (void *)out);
    int ok = 1;
    for (size_t a = 0; a < n && ok;) {
        size_t b = a, wanted = 0, fewer = 0;
        while (b < n && memcmp(out->cap + (size_t)c[a].node * out->n_res,
                               out->cap + (size_t)c[b].node * out->n_res,
                               out->n_res * sizeof *out->cap) == 0) {
            wanted += ks->shape ? ks->shape[c[b].node] != 0 : best->n_residents[c[b].node] > 0;
            fewer |= c[b].node == drop;
            b++;
        }
        if (fewer && wanted > 0)
            wanted--;
        for (size_t i = a; i < b; i++) {
            keep[c[i].node] = i - a < wanted;
            if (c[i].pinned && !keep[c[i].node])
                ok = 0;
        }
        a = b;
    }
    ent_free(slot);
    ent_free(c);
    return ok;
}

/* --- Placing the VMs of the nodes left out --------------------------------------------------- */

/* The residents of node that vm may push out, in the order they go: those that moved already
 * (no new migration), then those at home; the largest first within each. */
static size_t ejectable(struct keepset *k, int32_t node, int32_t vm)
{
    const struct ent_pack *out = k->out;
    size_t n = 0;
    for (int at_home = 0; at_home < 2; at_home++) {
        size_t first = n;
        for (uint32_t i = 0; i < out->n_residents[node]; i++) {
            int32_t u = out->residents[node][i];
            if ((k->home[u] == node) == at_home && k->size[u] < k->size[vm] &&
                !ent_pack_pinned(out, u))
                k->buffer[n++] = u;
        }
        for (size_t i = first + 1; i < n; i++) /* insertion sort, largest first: lists are short */
            for (size_t j = i; j > first && k->size[k->buffer[j]] > k->size[k->buffer[j - 1]];
                 j--) {
                int32_t t = k->buffer[j];
                k->buffer[j] = k->buffer[j - 1];
                k->buffer[j - 1] = t;
            }
    }
    return n;
}

/* How many of node's residents (in ejectable order) must leave for vm to fit: *cost of them at
 * home; -1 when even all of them are not enough. Leaves node as it was. */
static long ejections_needed(struct keepset *k, int32_t node, int32_t vm, long *cost)
{
    struct ent_pack *out = k->out;
    size_t n = ejectable(k, node, vm), taken = 0;
    *cost = 0;
    while (!ent_pack_fits(out, vm, node) && taken < n) {
        *cost += k->home[k->buffer[taken]] == node;
        ent_pack_unplace(out, k->buffer[taken++]);
    }
    int fits = ent_pack_fits(out, vm, node);
    for (size_t i = 0; i < taken; i++)
        ent_pack_place(out, k->buffer[i], node);
    return fits ? (long)taken : -1;
}

/* Makes room for vm on one of the roomiest kept nodes, the fewest new migrations first, then
 * the fewest VMs pushed out; those wait again. Returns the node, -1 when none can. */
static int32_t make_room(struct keepset *k, int32_t vm, size_t most)
{
    int32_t *cand = k->candidates;
    size_t n = ent_freeindex_roomiest(&k->fi, cand, most);
    int32_t best = -1;
    long best_cost = 0, best_count = 0;
    for (size_t i = 0; i < n; i++) {
        if (!ent_pack_allowed(k->out, vm, cand[i]))
            continue;
        long cost, count = ejections_needed(k, cand[i], vm, &cost);
        if (count < 0)
            continue;
        if (best < 0 || cost < best_cost || (cost == best_cost && count < best_count)) {
            best = cand[i];
            best_cost = cost;
            best_count = count;
        }
    }
    if (best < 0)
        return -1;
    size_t m = ejectable(k, best, vm);
    for (size_t i = 0; i < m && !ent_pack_fits(k->out, vm, best); i++) {
        ent_pack_unplace(k->out, k->buffer[i]);
        push(k, k->buffer[i]);
    }
    return best;
}

static int place_waiting(struct keepset *k, long effort, double deadline)
{
    long budget = effort * ((long)k->waiting + 250);
    while (k->waiting > 0) {
        if (--budget < 0 || ((budget & 255) == 0 && ent_now() > deadline))
            return 0;
        int32_t vm = pop(k);
        int32_t node = ent_freeindex_best_fit(&k->fi, vm, -1);
        if (node < 0)
            node = make_room(k, vm, EJECT_CANDIDATES);
        if (node < 0)
            node = make_room(k, vm, k->out->n_nodes);
        if (node < 0)
            return 0;
        ent_pack_place(k->out, vm, node);
        ent_freeindex_update(&k->fi, node);
    }
    return 1;
}

int ent__keep_set_candidate(const struct ent_pack *best, const int32_t *base,
                            const struct ent_keep_set *ks, struct ent_pack *out,
                            struct ent_solve_stats *st)
{
    const struct ent_model *m = best->m;
    struct ent_error ignored;
    memset(out, 0, sizeof *out); /* released by the caller whatever happens here */
    if (ent_pack_init(out, m, &ignored))
        return 0;
    for (size_t v = 0; v < out->n_vms; v++) /* the repaired placement the search started from */
        if (out->target.vm_state[v] == ENT_VM_RUNNING && out->target.vm_host[v] != base[v]) {
            if (out->target.vm_host[v] >= 0)
                ent_pack_unplace(out, (int32_t)v);
            ent_pack_place(out, (int32_t)v, base[v]);
        }
    struct keepset k = {.out = out};
    k.home = ent_malloc((out->n_vms + 1) * sizeof *k.home);
    k.size = ent_calloc(out->n_vms + 1, sizeof *k.size);
    k.heap = ent_malloc((out->n_vms + 1) * sizeof *k.heap);
    k.buffer = ent_malloc((out->n_vms + 1) * sizeof *k.buffer);
    k.candidates = ent_malloc((out->n_nodes + 1) * sizeof *k.candidates);
    ent_pack_vm_sizes(out, k.size);
    for (size_t v = 0; v < out->n_vms; v++)
        k.home[v] = ent_pack_home(out, (int32_t)v);
    uint8_t *keep = ent_calloc(out->n_nodes + 1, 1);
    int ok = choose(&k, best, ks, keep);
    if (ok) {
        ent_freeindex_init(&k.fi, out, ks->binding >= 0 ? ks->binding : 0, N_BUCKETS);
        for (size_t n = 0; n < out->n_nodes; n++) {
            if (keep[n]) { /* filling, the VMs not at home there wait too: free to go */
                for (uint32_t i = out->n_residents[n]; ks->fill != ENT_KEEP_BEST_FIT && i-- > 0;) {
                    int32_t vm = out->residents[n][i];
                    if (k.home[vm] != (int32_t)n && !ent_pack_pinned(out, vm)) {
                        ent_pack_unplace(out, vm);
                        push(&k, vm);
                    }
                }
                ent_freeindex_add(&k.fi, (int32_t)n);
                continue;
            }
            while (out->n_residents[n] > 0) {
                int32_t vm = out->residents[n][0];
                ent_pack_unplace(out, vm);
                push(&k, vm);
            }
        }
        if (ks->fill !=
            ENT_KEEP_BEST_FIT) { /* the room filled node by node; what is left by best fit */
            size_t n = k.waiting;
            memcpy(k.buffer, k.heap, n * sizeof *k.buffer);
            k.waiting = 0;
            n = ent__fill_holes(out, keep, ks->binding, ks->fill == ENT_KEEP_FILL_BY_SHAPE,
                                k.buffer, n, ks->deadline);
            for (size_t i = 0; i < n; i++)
                push(&k, k.buffer[i]);
            for (size_t node = 0; node < out->n_nodes; node++)
                if (keep[node]) /* the room changed */
                    ent_freeindex_update(&k.fi, (int32_t)node);
        }
        ok = place_waiting(&k, ks->effort, ks->deadline);
        ent_freeindex_release(&k.fi);
        if (!ok && ks->drop < 0 && !ks->shape &&
            ks->fill == ENT_KEEP_BEST_FIT) { /* best's bins onto the nodes chosen: they fit */
            ent__clear_running(out);
            ok = ent__relabel(m, best, out, ent_model_memory_resource(m), true, keep);
        }
    }
    if (ok) {
        ent__keep_in_place(out);
        ent__reduce_moves(out, ks->deadline);
        ent__bring_home(out, ks->deadline);
        ent__solve_measure(m, &out->target, st);
    }
    ent_free(keep);
    ent_free(k.home);
    ent_free(k.size);
    ent_free(k.heap);
    ent_free(k.buffer);
    ent_free(k.candidates);
    return ok;
}
