/* Fewer migrations at the same active nodes. Once the nodes that stay active are chosen, a VM whose
 * node empties must move, wherever it goes; a VM that left a node that stays active is a migration
 * that might be saved. A step takes such a node, its VMs that left (they go back), the VMs that
 * arrived on it and on a few of the roomiest active nodes (moving them again costs nothing), and
 * repacks those arrivals into the same nodes (lns.c's repack). The step is kept when every VM
 * found a place, so each kept step saves a migration at least and never adds one; else everything
 * goes back where it was. Rounds over the nodes in a random order, with more helpers at each round,
 * until three rounds in a row save nothing (at most FEWER_ROUNDS) or the deadline. */
#include "model/model.h"
#include "solve/internal.h"
#include "solve/pack.h"
#include "util/alloc.h"
#include "util/clock.h"

#include <stdlib.h>
#include <string.h>

#define N_BUCKETS     1024
#define MAX_BINS      24 /* the node, the nodes its VMs are on now, the roomiest */
#define MAX_ITEMS     200
#define ROOMIEST_POOL 64 /* helpers are drawn from this many of the roomiest nodes */
#define FEWER_ROUNDS  40
#define REPACK_BUDGET 2000L

struct fewer_moves {
    struct ent_pack *p;
    struct engine e;
    uint32_t *home_start; /* CSR by node: the running VMs that run there now */
    int32_t *home_vms;
    int32_t *bins, *items, *item_home, *item_from, *back, *back_from, *pool;
    uint8_t *in_bins;
};

static int is_away(const struct ent_pack *p, int32_t vm, int32_t home)
{
    return p->target.vm_state[vm] == ENT_VM_RUNNING && p->target.vm_host[vm] >= 0 &&
           p->target.vm_host[vm] != home && !ent_pack_pinned(p, vm);
}

static void homes_init(struct fewer_moves *f)
{
    struct ent_pack *p = f->p;
    f->home_start = ent_calloc(p->n_nodes + 2, sizeof *f->home_start);
    f->home_vms = ent_malloc((p->n_vms + 1) * sizeof *f->home_vms);
    for (size_t v = 0; v < p->n_vms; v++) {
        int32_t h = ent_pack_home(p, (int32_t)v);
        if (h >= 0)
            f->home_start[h + 2]++;
    }
    for (size_t n = 0; n < p->n_nodes; n++)
        f->home_start[n + 2] += f->home_start[n + 1];
    for (size_t v = 0; v < p->n_vms; v++) {
        int32_t h = ent_pack_home(p, (int32_t)v);
        if (h >= 0)
            f->home_vms[f->home_start[h + 1]++] = (int32_t)v;
    }
}

static void add_bin(struct fewer_moves *f, size_t *n_bins, int32_t node)
{
    if (*n_bins < MAX_BINS && node >= 0 && !f->in_bins[node] && f->p->n_residents[node] > 0) {
        f->in_bins[node] = 1;
        f->bins[(*n_bins)++] = node;
    }
}

/* Puts the items back where they were before the step (from wherever the repack left them). */
static void items_back(struct fewer_moves *f, size_t n_items)
{
    for (size_t k = 0; k < n_items; k++) {
        if (f->e.p->target.vm_host[f->items[k]] >= 0)
            ent_pack_unplace(f->e.p, f->items[k]);
        ent_pack_place(f->e.p, f->items[k], f->item_from[k]);
    }
}

/* One step for node: 1 when at least one of its VMs went back and everything else found room. */
static int step(struct fewer_moves *f, int32_t node, size_t helpers)
{
    struct ent_pack *p = f->p;
    size_t n_bins = 0, n_back = 0, n_items = 0;
    add_bin(f, &n_bins, node);
    for (uint32_t i = f->home_start[node]; i < f->home_start[node + 1]; i++) {
        int32_t vm = f->home_vms[i];
        if (is_away(p, vm, node) && n_back < MAX_ITEMS) {
            f->back[n_back] = vm;
            f->back_from[n_back++] = p->target.vm_host[vm];
            add_bin(f, &n_bins, p->target.vm_host[vm]);
        }
    }
    size_t pool = ent_freeindex_roomiest(&f->e.fi, f->pool, ROOMIEST_POOL);
    for (size_t k = 0; k < helpers && pool > 0; k++) {
        size_t i = (size_t)ent_prng_below(&f->e.rng, pool);
        add_bin(f, &n_bins, f->pool[i]);
        f->pool[i] = f->pool[--pool];
    }
    /* The arrivals on the bins come off; the VMs that go back are handled apart. */
    for (size_t j = 0; j < n_bins; j++) {
        int32_t b = f->bins[j];
        for (uint32_t k = 0; k < p->n_residents[b] && n_items < MAX_ITEMS; k++) {
            int32_t vm = p->residents[b][k], h = ent_pack_home(p, vm);
            if (h != b && h != node && !ent_pack_pinned(p, vm))
                f->items[n_items++] = vm;
        }
    }
    qsort_r(f->items, n_items, sizeof *f->items, ent__cmp_size_desc, f->e.size);
    for (size_t k = 0; k < n_items; k++) {
        f->item_from[k] = p->target.vm_host[f->items[k]];
        int32_t h = ent_pack_home(p, f->items[k]); /* preferred: back home when a bin */
        f->item_home[k] = h >= 0 && f->in_bins[h] ? h : f->item_from[k];
        ent_pack_unplace(p, f->items[k]);
    }
    size_t went_back = 0;
    for (size_t k = 0; k < n_back; k++) {
        ent_pack_unplace(p, f->back[k]);
        int fits = ent_pack_fits(p, f->back[k], node);
        ent_pack_place(p, f->back[k], fits ? node : f->back_from[k]);
        went_back += (size_t)fits;
    }
    int ok = 0;
    if (went_back > 0) {
        struct ent_subproblem s = {&f->e,   f->bins,      n_bins,       f->items,
                                   n_items, f->item_home, REPACK_BUDGET};
        ok = ent__repack(&s);
    }
    if (!ok) {
        items_back(f, n_items);
        for (size_t k = 0; k < n_back; k++)
            if (p->target.vm_host[f->back[k]] != f->back_from[k]) {
                ent_pack_unplace(p, f->back[k]);
                ent_pack_place(p, f->back[k], f->back_from[k]);
            }
    }
    for (size_t j = 0; j < n_bins; j++) {
        f->in_bins[f->bins[j]] = 0;
        ent_freeindex_update(&f->e.fi, f->bins[j]);
    }
    return ok;
}

struct shuffled {
    uint64_t key;
    int32_t node;
};

static int cmp_key(const void *a, const void *b)
{
    const struct shuffled *x = a, *y = b;
    if (x->key != y->key)
        return (x->key > y->key) - (x->key < y->key);
    return (x->node > y->node) - (x->node < y->node);
}

void ent__fewer_moves(struct ent_pack *p, int binding, uint64_t seed, double deadline)
{
    struct fewer_moves f = {.p = p};
    ent__engine_init(&f.e, p, seed, binding);
    homes_init(&f);
    f.bins = ent_malloc(MAX_BINS * sizeof *f.bins);
    f.items = ent_malloc(MAX_ITEMS * sizeof *f.items);
    f.item_home = ent_malloc(MAX_ITEMS * sizeof *f.item_home);
    f.item_from = ent_malloc(MAX_ITEMS * sizeof *f.item_from);
    f.back = ent_malloc(MAX_ITEMS * sizeof *f.back);
    f.back_from = ent_malloc(MAX_ITEMS * sizeof *f.back_from);
    f.pool = ent_malloc(ROOMIEST_POOL * sizeof *f.pool);
    f.in_bins = ent_calloc(p->n_nodes + 1, 1);
    /* Per round, the active nodes some VM left, in a random order. */
    struct shuffled *order = ent_malloc((p->n_nodes + 1) * sizeof *order);
    for (size_t round = 0, idle = 0; round < FEWER_ROUNDS && idle < 3 && ent_now() < deadline;
         round++) {
        size_t n = 0;
        for (size_t node = 0; node < p->n_nodes; node++) {
            if (p->n_residents[node] == 0)
                continue;
            int left = 0;
            for (uint32_t i = f.home_start[node]; i < f.home_start[node + 1] && !left; i++)
                left = is_away(p, f.home_vms[i], (int32_t)node);
            if (left)
                order[n++] = (struct shuffled){ent_prng_next(&f.e.rng), (int32_t)node};
        }
        qsort(order, n, sizeof *order, cmp_key);
        size_t saved = 0;
        for (size_t i = 0; i < n && ent_now() < deadline; i++)
            saved += (size_t)step(&f, order[i].node, 2 + 2 * round);
        idle = saved == 0 ? idle + 1 : 0;
    }
    ent_free(order);
    ent_free(f.in_bins);
    ent_free(f.pool);
    ent_free(f.back_from);
    ent_free(f.back);
    ent_free(f.item_from);
    ent_free(f.item_home);
    ent_free(f.items);
    ent_free(f.bins);
    ent_free(f.home_vms);
    ent_free(f.home_start);
    ent__engine_release(&f.e);
}
