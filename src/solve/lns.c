/* The engine's search in place (see consolidate.c): a first answer by emptying the lightest
 * nodes greedily, then large-neighbourhood search. Pick a lightly loaded victim node and a few
 * helper nodes whose free room covers its load, take every VM off them, and repack those VMs
 * exactly (bounded depth-first search, current host tried first) into the helpers alone. Success
 * empties the victim. The effort (subproblem sizes, search budgets) grows with the level. */
#include "solve/internal.h"

#include "model/model.h"
#include "solve/freeindex.h"
#include "solve/pack.h"
#include "solve/solve.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/prng.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define N_BUCKETS       1024
#define LNS_MAX_HELPERS 64
#define LNS_EXACT_ITEMS 24  /* subproblems this small get the exact search */
#define LNS_MAX_ITEMS   400 /* larger subproblems are not tried */
#define LNS_DFS_BUDGET  20000
#define LNS_STAGNATION  400

static double vm_size(const struct engine *e, int32_t vm)
{
    return e->size[vm];
}

static int active_count(const struct ent_pack *p)
{
    int n = 0;
    for (size_t i = 0; i < p->n_nodes; i++)
        n += p->n_residents[i] > 0;
    return n;
}

static int cmp_size_desc(const void *a, const void *b, void *arg)
{
    const struct engine *e = arg;
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    double sx = vm_size(e, x), sy = vm_size(e, y);
    if (sx != sy)
        return sx < sy ? 1 : -1;
    return (x > y) - (x < y);
}

/* Moves vm to node, keeping the index in step. */
static void move_vm(struct engine *e, int32_t vm, int32_t node)
{
    int32_t from = e->p->target.vm_host[vm];
    ent_pack_unplace(e->p, vm);
    ent_pack_place(e->p, vm, node);
    if (from >= 0)
        ent_freeindex_update(&e->fi, from);
    ent_freeindex_update(&e->fi, node);
}

/* Tries to move every VM off node into other indexed nodes; all or nothing. */
static int evacuate(struct engine *e, int32_t node)
{
    struct ent_pack *p = e->p;
    uint32_t n = p->n_residents[node];
    int32_t *vms = ent_malloc((n + 1) * sizeof *vms);
    int32_t *dest = ent_malloc((n + 1) * sizeof *dest);
    memcpy(vms, p->residents[node], n * sizeof *vms);
    qsort_r(vms, n, sizeof *vms, cmp_size_desc, e);
    ent_freeindex_remove(&e->fi, node);
    uint32_t moved = 0;
    for (; moved < n; moved++) {
        dest[moved] = ent_freeindex_best_fit(&e->fi, vms[moved], node);
        if (dest[moved] < 0)
            break;
        move_vm(e, vms[moved], dest[moved]);
    }
    int ok = moved == n;
    if (!ok) {
        for (uint32_t i = 0; i < moved; i++)
            move_vm(e, vms[i], node);
        ent_freeindex_add(&e->fi, node);
    }
    ent_free(vms);
    ent_free(dest);
    return ok;
}

struct node_key {
    double key;
    int32_t node;
};

static int cmp_key_asc(const void *a, const void *b)
{
    const struct node_key *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->node > y->node) - (x->node < y->node);
}

/* Active nodes ordered by load (ascending when sign > 0, else by free room descending). */
static size_t active_by_load(const struct ent_pack *p, struct node_key *keys, double sign)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n_nodes; i++)
        if (p->n_residents[i] > 0)
            keys[n++] = (struct node_key){sign * ent_pack_load(p, (int32_t)i), (int32_t)i};
    qsort(keys, n, sizeof *keys, cmp_key_asc);
    return n;
}

void ent__empty_greedily(struct engine *e, int64_t bound)
{
    struct ent_pack *p = e->p;
    struct node_key *keys = ent_malloc((p->n_nodes + 1) * sizeof *keys);
    size_t n = active_by_load(p, keys, 1.0);
    /* Fewest VMs first (each is a migration), then the least loaded. */
    for (size_t i = 0; i < n; i++)
        keys[i].key += 1000.0 * (double)p->n_residents[keys[i].node];
    qsort(keys, n, sizeof *keys, cmp_key_asc);
    int active = (int)n;
    for (size_t i = 0; i < n && active > bound; i++)
        if (p->n_residents[keys[i].node] > 0 && evacuate(e, keys[i].node))
            active--;
    ent_free(keys);
}

/* --- Large-neighbourhood search ------------------------------------------------------------ */

/* Whether bins i and j have the same free room in every resource (then trying both is useless). */
static bool same_room(const struct ent_pack *p, int32_t a, int32_t b)
{
    for (size_t r = 0; r < p->n_res; r++)
        if (p->cap[(size_t)a * p->n_res + r] - p->used[(size_t)a * p->n_res + r] !=
            p->cap[(size_t)b * p->n_res + r] - p->used[(size_t)b * p->n_res + r])
            return 0;
    return 1;
}

static int dfs(struct ent_subproblem *s, size_t k)
{
    if (k == s->n_items)
        return 1;
    if (--s->budget < 0)
        return 0;
    struct ent_pack *p = s->e->p;
    int32_t vm = s->items[k];
    /* Home first when it is a helper, then the helpers in order. */
    int32_t tried[LNS_MAX_HELPERS + 1];
    size_t n_tried = 0;
    for (size_t pass = 0; pass < 2; pass++)
        for (size_t j = 0; j < s->n_bins; j++) {
            int32_t b = s->bins[j];
            if ((pass == 0) != (b == s->home[k]))
                continue;
            if (!ent_pack_fits(p, vm, b))
                continue;
            int dup = 0;
            for (size_t t = 0; t < n_tried && !dup; t++)
                dup = tried[t] != s->home[k] && b != s->home[k] && same_room(p, tried[t], b);
            if (dup)
                continue;
            tried[n_tried++] = b;
            ent_pack_place(p, vm, b);
            if (dfs(s, k + 1))
                return 1;
            ent_pack_unplace(p, vm);
            if (s->budget < 0)
                return 0;
        }
    return 0;
}

/* Best-fit decreasing of the subproblem's items into its bins; with home_first, an item whose
 * home is a bin and has room goes back there. */
static int repack_greedy(struct ent_subproblem *s, int home_first)
{
    struct ent_pack *p = s->e->p;
    for (size_t k = 0; k < s->n_items; k++) {
        int32_t vm = s->items[k], best = -1;
        double best_slack = 0;
        for (size_t j = 0; j < s->n_bins && best < 0 && home_first; j++)
            if (s->bins[j] == s->home[k] && ent_pack_fits(p, vm, s->bins[j]))
                best = s->bins[j];
        for (size_t j = 0; j < s->n_bins && !(home_first && best >= 0); j++) {
            int32_t b = s->bins[j];
            if (!ent_pack_fits(p, vm, b))
                continue;
            double slack = 0;
            for (size_t r = 0; r < p->n_res; r++) {
                int64_t cap = p->cap[(size_t)b * p->n_res + r];
                slack += (double)(cap - p->used[(size_t)b * p->n_res + r] -
                                  p->dem[(size_t)vm * p->n_res + r]) /
                         (double)(cap > 0 ? cap : 1);
            }
            if (best < 0 || slack < best_slack) {
                best = b;
                best_slack = slack;
            }
        }
        if (best < 0)
            return 0;
        ent_pack_place(p, vm, best);
    }
    return 1;
}

/* Fills the bins one at a time by dot product (see dotpack.c) among the subproblem's items, an
 * item on its home bin counting one more, so that VMs stay where they can. */
static int repack_dot(struct ent_subproblem *s)
{
    struct ent_pack *p = s->e->p;
    size_t R = p->n_res, left = s->n_items;
    uint8_t *placed = ent_calloc(s->n_items + 1, 1);
    for (size_t j = 0; j < s->n_bins && left; j++) {
        int32_t b = s->bins[j];
        for (;;) {
            size_t best = s->n_items;
            double best_score = -1;
            for (size_t k = 0; k < s->n_items; k++) {
                if (placed[k] || !ent_pack_fits(p, s->items[k], b))
                    continue;
                double score = s->home[k] == b ? 1.0 : 0.0;
                for (size_t r = 0; r < R; r++) {
                    double room = (double)(p->cap[(size_t)b * R + r] - p->used[(size_t)b * R + r]) /
                                  s->e->maxcap[r];
                    score += (double)p->dem[(size_t)s->items[k] * R + r] / s->e->maxcap[r] * room;
                }
                if (score > best_score) {
                    best_score = score;
                    best = k;
                }
            }
            if (best == s->n_items)
                break;
            placed[best] = 1;
            left--;
            ent_pack_place(p, s->items[best], b);
        }
    }
    ent_free(placed);
    return left == 0;
}

/* Takes every item off the bins (after a failed attempt). */
static void unplace_items(struct ent_subproblem *s)
{
    for (size_t k = 0; k < s->n_items; k++)
        ent_pack_unplace(s->e->p, s->items[k]);
}

static int cmp_slack_desc(const void *a, const void *b)
{
    const struct node_key *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? 1 : -1;
    return (x->node > y->node) - (x->node < y->node);
}

/* How much of the victim's load node's free room covers: the least share over resources. */
static double cover_score(const struct ent_pack *p, int32_t node, const int64_t *need)
{
    double score = 1e300;
    for (size_t r = 0; r < p->n_res; r++) {
        if (need[r] <= 0)
            continue;
        int64_t room = p->cap[(size_t)node * p->n_res + r] - p->used[(size_t)node * p->n_res + r];
        double share = (double)room / (double)need[r];
        if (share < score)
            score = share;
    }
    return score;
}

/* The helpers for victim into bins: the active nodes whose free room covers the largest share of
 * the victim's load, from a random start among the first few so that successive attempts explore
 * different neighbourhoods, until their room covers 1.5 times the victim's load (and a margin).
 * Returns how many, 0 when they cannot cover it. */
static size_t pick_helpers(struct engine *e, int32_t victim, struct node_key *order,
                           size_t n_active, int32_t *bins)
{
    struct ent_pack *p = e->p;
    size_t R = p->n_res;
    int64_t *need = ent_calloc(R + 1, sizeof *need);
    for (size_t r = 0; r < R; r++)
        need[r] = 3 * p->used[(size_t)victim * R + r]; /* doubled room vs tripled load: 1.5x */
    size_t m = 0;
    for (size_t i = 0; i < n_active; i++) {
        int32_t n = order[i].node;
        if (n != victim)
            order[m++] = (struct node_key){cover_score(p, n, need), n};
    }
    qsort(order, m, sizeof *order, cmp_slack_desc);
    size_t n_bins = 0;
    size_t start = m > 4 ? (size_t)ent_prng_below(&e->rng, 4) : 0;
    int covered = 0;
    for (size_t i = start; i < m && n_bins < LNS_MAX_HELPERS; i++) {
        bins[n_bins++] = order[i].node;
        covered = 1;
        for (size_t r = 0; r < R; r++) {
            need[r] -= 2 * (p->cap[(size_t)order[i].node * R + r] -
                            p->used[(size_t)order[i].node * R + r]);
            covered &= 3 * need[r] <= 0; /* room of 1.5 times the victim's load */
        }
        if (covered && n_bins >= 2) {
            /* A margin of a few more helpers: room spread thin rarely packs exactly. */
            for (size_t extra = 0; extra < 4 && ++i < m && n_bins < LNS_MAX_HELPERS; extra++)
                bins[n_bins++] = order[i].node;
            break;
        }
    }
    ent_free(need);
    return covered ? n_bins : 0;
}

int ent__repack(struct ent_subproblem *s)
{
    int ok = repack_greedy(s, 1);
    if (!ok) {
        unplace_items(s);
        ok = repack_dot(s);
    }
    if (!ok) {
        unplace_items(s);
        ok = repack_greedy(s, 0);
    }
    if (!ok && s->n_items <= s->e->exact_items) {
        unplace_items(s);
        ok = dfs(s, 0);
    }
    if (!ok) /* put everything back where it was */
        for (size_t k = 0; k < s->n_items; k++) {
            ent_pack_unplace(s->e->p, s->items[k]);
            ent_pack_place(s->e->p, s->items[k], s->home[k]);
        }
    return ok;
}

/* One attempt to empty victim by repacking its VMs and its helpers' into the helpers alone. */
static int lns_step(struct engine *e, int32_t victim, struct node_key *order, size_t n_active)
{
    struct ent_pack *p = e->p;
    int32_t bins[LNS_MAX_HELPERS];
    size_t n_bins = pick_helpers(e, victim, order, n_active, bins);
    if (n_bins == 0)
        return 0;
    size_t n_items = p->n_residents[victim];
    for (size_t j = 0; j < n_bins; j++)
        n_items += p->n_residents[bins[j]];
    while (n_items > LNS_MAX_ITEMS && n_bins > 1) /* fewer helpers, or no attempt */
        n_items -= p->n_residents[bins[--n_bins]];
    if (n_items > LNS_MAX_ITEMS)
        return 0;
    struct ent_subproblem s = {e,
                               bins,
                               n_bins,
                               ent_malloc((n_items + 1) * sizeof(int32_t)),
                               0,
                               ent_malloc((n_items + 1) * sizeof(int32_t)),
                               e->dfs_budget};
    for (size_t j = 0; j <= n_bins; j++) {
        int32_t node = j == n_bins ? victim : bins[j];
        for (uint32_t k = 0; k < p->n_residents[node]; k++)
            s.items[s.n_items++] = p->residents[node][k];
    }
    qsort_r(s.items, s.n_items, sizeof *s.items, cmp_size_desc, e);
    for (size_t k = 0; k < s.n_items; k++) {
        s.home[k] = p->target.vm_host[s.items[k]];
        ent_pack_unplace(p, s.items[k]);
    }
    int ok = ent__repack(&s);
    for (size_t j = 0; j < n_bins; j++)
        ent_freeindex_update(&e->fi, bins[j]);
    if (ok)
        ent_freeindex_remove(&e->fi, victim);
    ent_free(s.items);
    ent_free(s.home);
    return ok;
}

/* The share of its capacity a node uses in its most loaded resource. */
static double peak_load(const struct ent_pack *p, int32_t node)
{
    double peak = 0;
    for (size_t r = 0; r < p->n_res; r++) {
        int64_t cap = p->cap[(size_t)node * p->n_res + r];
        double share = (double)p->used[(size_t)node * p->n_res + r] / (double)(cap > 0 ? cap : 1);
        if (share > peak)
            peak = share;
    }
    return peak;
}

/* The search at an effort level: 0 for the first pass, more for each pass of the anytime phase. */
void ent__engine_set_level(struct engine *e, int level)
{
    int l = level < 5 ? level : 5;
    e->dfs_budget = (long)LNS_DFS_BUDGET << (2 * l);
    e->exact_items = LNS_EXACT_ITEMS + 4 * (size_t)l;
    e->victims = (size_t)8 << l;
}

void ent__lns_search(struct engine *e, int64_t bound, double deadline, struct ent_solve_stats *st,
                     double t0)
{
    struct ent_pack *p = e->p;
    struct node_key *victims = ent_malloc((p->n_nodes + 1) * sizeof *victims);
    struct node_key *scratch = ent_malloc((p->n_nodes + 1) * sizeof *scratch);
    int failures = 0;
    int64_t active = active_count(p);
    while (active > bound && failures < LNS_STAGNATION && ent_now() < deadline) {
        size_t n = 0;
        for (size_t i = 0; i < p->n_nodes; i++)
            if (p->n_residents[i] > 0)
                victims[n++] = (struct node_key){peak_load(p, (int32_t)i), (int32_t)i};
        qsort(victims, n, sizeof *victims, cmp_key_asc);
        /* Victims: the lightest nodes, tried in turn with random helpers, until one empties. */
        int improved = 0;
        size_t tries = n < e->victims ? n : e->victims;
        for (size_t v = 0; v < tries && !improved && ent_now() < deadline; v++) {
            st->lns_iterations++;
            memcpy(scratch, victims, n * sizeof *scratch);
            improved = lns_step(e, victims[v].node, scratch, n);
        }
        if (improved) {
            active--;
            failures = 0;
            st->lns_improvements++;
            st->best_seconds = ent_now() - t0;
        } else {
            failures += (int)tries;
        }
    }
    ent_free(victims);
    ent_free(scratch);
}

/* The engine over p: VM sizes normalised by the largest capacities, the active nodes indexed by
 * the free room of the binding resource (the bound's; the first when it names none). */
void ent__engine_init(struct engine *e, struct ent_pack *p, uint64_t seed, int binding)
{
    *e = (struct engine){.p = p, .mem = ent_model_memory_resource(p->m)};
    ent_prng_init(&e->rng, seed);
    ent__engine_set_level(e, 0);
    e->maxcap = ent_malloc((p->n_res + 1) * sizeof *e->maxcap);
    ent_pack_max_capacity(p, e->maxcap);
    e->size = ent_calloc(p->n_vms + 1, sizeof *e->size);
    ent_pack_vm_sizes(p, e->size);
    ent_freeindex_init(&e->fi, p, binding >= 0 ? binding : 0, N_BUCKETS);
    for (size_t n = 0; n < p->n_nodes; n++)
        if (p->n_residents[n] > 0)
            ent_freeindex_add(&e->fi, (int32_t)n);
}

void ent__engine_release(struct engine *e)
{
    if (!e)
        return;
    ent_freeindex_release(&e->fi);
    ent_free(e->maxcap);
    ent_free(e->size);
}
