/* The room of the nodes kept, filled one node at a time (keepset.c), as the minimum bin slack
 * heuristic does (Gupta and Ho): the node with the most room in the binding resource first takes
 * the subset of the waiting VMs that leaves it the least room there while fitting in every other
 * resource. VMs alike (the same demands, no rule of their own) form a class; the subset is a
 * bounded knapsack over the binding resource's units by dynamic programming; among the subsets
 * that fill as much, the one whose VMs are shaped most like the room (each VM's share of the
 * node's room in every other resource set against its share in the binding one): a node short of
 * memory takes VMs light in memory and leaves the heavy ones to nodes with memory to spare (the
 * least memory first left 300 VMs without room on std-perf's nr6, the shape 60). Then, while VMs
 * wait, a few nodes at a time (the roomiest and some at random) give back the VMs that arrived
 * there and are filled again: kept when less waits; then room is gathered from the crumbs left
 * for each VM still waiting (gather.c). On a cluster nearly full in one resource
 * whose VMs take many sizes (BtrPlace's std-perf: 48 CPU demands, nodes filled to 99 %), best fit
 * largest first leaves the last VMs without a node and the room of the kept nodes in crumbs;
 * filling each node exactly keeps the small VMs for the nodes that need them. */
#include "solve/internal.h"
#include "solve/pack.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/prng.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MAX_UNITS       1024  /* the binding resource's room, in units: larger demands are scaled */
#define MAX_WORK        4.0e8 /* classes x units x resources over every node, at most */
#define MAX_CLASSES     4096  /* kinds of VM the table tells apart */
#define UNREACHED       HUGE_VAL
#define REOPEN_ROOMIEST 4  /* nodes reopened at each try: the roomiest, */
#define REOPEN_SET      16 /* and others at random up to this many */
#define REOPEN_TRIES    2000
#define REOPEN_STALE    200 /* tries in a row that find nothing: the end */

struct classes {
    size_t n;
    uint32_t *start; /* CSR: the VMs of class c are vms[start[c] .. start[c] + left[c]) */
    uint32_t *left;  /* the waiting ones first, then those placed */
    int32_t *vms;
    int64_t *units;    /* per class, its demand in the binding resource, in units */
    int32_t *class_of; /* per VM of the model: its class, -1 for none */
    uint32_t *pos;     /* per VM of the model with a class: its index in vms */
};

struct fill {
    struct ent_pack *p;
    int binding;
    bool by_shape;
    int64_t scale; /* demand units of the binding resource per DP unit */
    struct classes c;
    /* The table, for one node: per reachable sum, the others' use; per class and sum, VMs taken. */
    double *cost;
    int64_t *other; /* [sum * n_res + r] */
    uint16_t *take; /* [class * (MAX_UNITS + 1) + sum] */
};

static int cmp_demand(const void *a, const void *b, void *arg)
{
    const struct ent_pack *p = arg;
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    int c = memcmp(p->dem + (size_t)y * p->n_res, p->dem + (size_t)x * p->n_res,
                   p->n_res * sizeof *p->dem);
    return c ? c : (x > y) - (x < y);
}

/* Whether vm may join a class: needs some of the binding resource, may go anywhere. */
static bool classed(const struct fill *f, int32_t vm)
{
    return f->p->dem[(size_t)vm * f->p->n_res + (size_t)f->binding] > 0 &&
           !ent_pack_has_rules(f->p, vm) && !ent_pack_pinned(f->p, vm);
}

/* Classes of the waiting VMs that may go anywhere and need some of the binding resource, the
 * largest first (compared resource by resource); the others stay in rest. */
static void classify(struct fill *f, const int32_t *vms, size_t n, int32_t *rest, size_t *n_rest)
{
    struct ent_pack *p = f->p;
    struct classes *c = &f->c;
    c->vms = ent_malloc((n + 1) * sizeof *c->vms);
    size_t m = 0;
    *n_rest = 0;
    for (size_t i = 0; i < n; i++) {
        if (classed(f, vms[i]))
            c->vms[m++] = vms[i];
        else
            rest[(*n_rest)++] = vms[i];
    }
    qsort_r(c->vms, m, sizeof *c->vms, cmp_demand, p);
    c->start = ent_malloc((m + 1) * sizeof *c->start);
    c->left = ent_malloc((m + 1) * sizeof *c->left);
    c->units = ent_malloc((m + 1) * sizeof *c->units);
    c->class_of = ent_malloc((p->n_vms + 1) * sizeof *c->class_of);
    memset(c->class_of, 0xff, (p->n_vms + 1) * sizeof *c->class_of);
    c->pos = ent_calloc(p->n_vms + 1, sizeof *c->pos);
    c->n = 0;
    for (size_t i = 0; i < m; i++) {
        if (i == 0 ||
            memcmp(p->dem + (size_t)c->vms[i] * p->n_res, p->dem + (size_t)c->vms[i - 1] * p->n_res,
                   p->n_res * sizeof *p->dem) != 0) {
            c->start[c->n] = (uint32_t)i;
            c->left[c->n] = 0;
            int64_t d = p->dem[(size_t)c->vms[i] * p->n_res + (size_t)f->binding];
            c->units[c->n++] = (d + f->scale - 1) / f->scale; /* rounded up: what fits does */
        }
        c->left[c->n - 1]++;
        c->class_of[c->vms[i]] = (int32_t)(c->n - 1);
        c->pos[c->vms[i]] = (uint32_t)i;
    }
}

static void classes_release(struct classes *c)
{
    ent_free(c->vms);
    ent_free(c->start);
    ent_free(c->left);
    ent_free(c->units);
    ent_free(c->class_of);
    ent_free(c->pos);
}

/* Swaps vm into slot at of its class's list. */
static void swap_into(struct classes *c, int32_t vm, uint32_t at)
{
    uint32_t from = c->pos[vm];
    int32_t other = c->vms[at];
    c->vms[at] = vm;
    c->vms[from] = other;
    c->pos[vm] = at;
    c->pos[other] = from;
}

/* vm (waiting, of a class) taken out of the waiting ones. */
static void take_vm(struct classes *c, int32_t vm)
{
    size_t k = (size_t)c->class_of[vm];
    swap_into(c, vm, c->start[k] + --c->left[k]);
}

/* The next VM of class k taken out of the waiting ones. */
static int32_t take_one(struct classes *c, size_t k)
{
    int32_t vm = c->vms[c->start[k] + c->left[k] - 1];
    take_vm(c, vm);
    return vm;
}

/* vm (of a class, placed) back among the waiting ones. */
static void give_back(struct classes *c, int32_t vm)
{
    size_t k = (size_t)c->class_of[vm];
    swap_into(c, vm, c->start[k] + c->left[k]++);
}

/* The table for node's room: the most of its binding room the classes can fill. Returns the sum
 * reached (in units). */
static int64_t knapsack(struct fill *f, int32_t node, int64_t room)
{
    struct ent_pack *p = f->p;
    size_t nr = p->n_res, b = (size_t)f->binding;
    const int64_t *cap = p->cap + (size_t)node * nr, *used = p->used + (size_t)node * nr;
    if (room > MAX_UNITS)
        room = MAX_UNITS; /* the table's size (the scale makes every room fit) */
    for (int64_t s = 0; s <= room; s++)
        f->cost[s] = UNREACHED;
    f->cost[0] = 0;
    memset(f->other, 0, nr * sizeof *f->other);
    int64_t best = 0;
    for (size_t k = 0; k < f->c.n; k++) {
        uint16_t *take = f->take + k * (MAX_UNITS + 1);
        memset(take, 0, (size_t)(room + 1) * sizeof *take);
        int64_t u = f->c.units[k];
        if (f->c.left[k] == 0 || u > room)
            continue;
        const int64_t *dem = p->dem + (size_t)f->c.vms[f->c.start[k]] * nr;
        double step = 0; /* the VM's shares of the room, or how far its shape is from the room's */
        for (size_t r = 0; r < nr; r++) {
            if (r == b || dem[r] == 0)
                continue;
            if (cap[r] <= used[r]) {
                step = HUGE_VAL;
                break;
            }
            double left = (double)(cap[r] - used[r]), share = (double)dem[r] / left;
            step += f->by_shape ? fabs(share - (double)dem[b] / (double)(cap[b] - used[b])) : share;
        }
        for (int64_t s = u; s <= room; s++) {
            int64_t from = s - u;
            if (f->cost[from] == UNREACHED || take[from] >= f->c.left[k] ||
                f->cost[from] + step >= f->cost[s])
                continue;
            int fits = 1;
            for (size_t r = 0; r < nr && fits; r++)
                fits = r == b || f->other[(size_t)from * nr + r] + dem[r] <= cap[r] - used[r];
            if (!fits)
                continue;
            f->cost[s] = f->cost[from] + step;
            for (size_t r = 0; r < nr; r++)
                f->other[(size_t)s * nr + r] = f->other[(size_t)from * nr + r] + dem[r];
            take[s] = (uint16_t)(take[from] + 1);
            if (s > best)
                best = s;
        }
    }
    return best;
}

/* Places the subset the table reached at sum on node; 1 when anything was placed. */
static int place_subset(struct fill *f, int32_t node, int64_t sum)
{
    int placed = 0;
    for (size_t k = f->c.n; k-- > 0 && sum > 0;) {
        uint16_t t = f->take[k * (MAX_UNITS + 1) + (size_t)sum];
        sum -= (int64_t)t * f->c.units[k];
        uint32_t end = f->c.start[k] + f->c.left[k], homes = 0; /* its own VMs taken first */
        for (uint32_t at = f->c.start[k]; at < end - homes && homes < t;) {
            if (ent_pack_home(f->p, f->c.vms[at]) == node)
                swap_into(&f->c, f->c.vms[at], end - ++homes); /* at holds one unseen now */
            else
                at++;
        }
        for (uint16_t i = 0; i < t; i++) {
            int32_t vm = f->c.vms[f->c.start[k] + f->c.left[k] - 1];
            if (!ent_pack_fits(f->p, vm, node))
                break; /* a group capacity: the VM waits for best fit */
            ent_pack_place(f->p, take_one(&f->c, k), node);
            placed = 1;
        }
    }
    return placed;
}

/* What still waits, in units of the binding resource. */
static int64_t waiting_units(const struct fill *f)
{
    int64_t sum = 0;
    for (size_t k = 0; k < f->c.n; k++)
        sum += (int64_t)f->c.left[k] * f->c.units[k];
    return sum;
}

static int64_t room_of(const struct fill *f, int32_t node)
{
    size_t at = (size_t)node * f->p->n_res + (size_t)f->binding;
    return f->p->cap[at] - f->p->used[at];
}

/* The VMs of a class that arrived on the nodes of set back among the waiting ones; with log,
 * where they were (returns how many). */
static size_t clear_classed(struct fill *f, const int32_t *set, size_t n_set, int32_t *log_vm,
                            int32_t *log_node)
{
    size_t n = 0;
    for (size_t i = 0; i < n_set; i++)
        for (uint32_t r = f->p->n_residents[set[i]]; r-- > 0;) {
            int32_t vm = f->p->residents[set[i]][r];
            if (f->c.class_of[vm] < 0 || ent_pack_home(f->p, vm) == set[i]) /* its own stay */
                continue;
            if (log_vm) {
                log_vm[n] = vm;
                log_node[n] = set[i];
            }
            n++;
            ent_pack_unplace(f->p, vm);
            give_back(&f->c, vm);
        }
    return n;
}

/* Fills the nodes of set, the roomiest first. */
static void fill_set(struct fill *f, int32_t *set, size_t n_set)
{
    for (size_t i = 1; i < n_set; i++) /* insertion sort by room, the most first: sets are small */
        for (size_t j = i; j > 0 && room_of(f, set[j]) > room_of(f, set[j - 1]); j--) {
            int32_t t = set[j];
            set[j] = set[j - 1];
            set[j - 1] = t;
        }
    for (size_t i = 0; i < n_set; i++) {
        int64_t room = room_of(f, set[i]) / f->scale;
        int64_t sum = room > 0 ? knapsack(f, set[i], room) : 0;
        if (sum > 0)
            place_subset(f, set[i], sum);
    }
}

/* While VMs wait: a few of the roomiest kept nodes and a few at random give back the VMs that
 * arrived there, and are filled again from them and the VMs waiting; kept when less waits, else
 * undone. Their own VMs stay: giving them up too found room more often but moved twice as many
 * VMs on std-perf's li6. */
static void reopen(struct fill *f, const int32_t *kept, size_t n_kept, double deadline)
{
    struct ent_prng rng;
    ent_prng_init(&rng, 0x686f6c65);
    int32_t *log_vm = ent_malloc((f->p->n_vms + 1) * sizeof *log_vm);
    int32_t *log_node = ent_malloc((f->p->n_vms + 1) * sizeof *log_node);
    int64_t left = waiting_units(f);
    for (int t = 0, stale = 0;
         t < REOPEN_TRIES && stale < REOPEN_STALE && left > 0 && ent_now() < deadline;
         t++, stale++) {
        int32_t set[REOPEN_SET];
        size_t n_set = 0;
        for (size_t i = 0; i < n_kept; i++) { /* the roomiest, the most first */
            int64_t room = room_of(f, kept[i]);
            if (n_set == REOPEN_ROOMIEST && room <= room_of(f, set[n_set - 1]))
                continue;
            size_t j = n_set < REOPEN_ROOMIEST ? n_set++ : n_set - 1;
            for (; j > 0 && room_of(f, set[j - 1]) < room; j--)
                set[j] = set[j - 1];
            set[j] = kept[i];
        }
        while (n_set < (n_kept < REOPEN_SET ? n_kept : REOPEN_SET)) {
            int32_t node = kept[ent_prng_below(&rng, n_kept)];
            int known = 0;
            for (size_t i = 0; i < n_set && !known; i++)
                known = set[i] == node;
            if (!known)
                set[n_set++] = node;
        }
        size_t logged = clear_classed(f, set, n_set, log_vm, log_node);
        fill_set(f, set, n_set);
        int64_t now_left = waiting_units(f);
        if (now_left < left) {
            left = now_left;
            stale = -1;
            continue;
        }
        clear_classed(f, set, n_set, NULL, NULL); /* undone: every VM back where it was */
        for (size_t i = 0; i < logged; i++) {
            take_vm(&f->c, log_vm[i]);
            ent_pack_place(f->p, log_vm[i], log_node[i]);
        }
    }
    ent_free(log_node);
    ent_free(log_vm);
}

struct room {
    int64_t room;
    int32_t node;
};

static int cmp_room_desc(const void *a, const void *b)
{
    const struct room *x = a, *y = b;
    if (x->room != y->room)
        return (x->room < y->room) - (x->room > y->room);
    return (x->node > y->node) - (x->node < y->node);
}

size_t ent__fill_holes(struct ent_pack *p, const uint8_t *keep, int binding, bool by_shape,
                       int32_t *vms, size_t n, double deadline)
{
    if (binding < 0 || n == 0)
        return n;
    struct room *order = ent_malloc((p->n_nodes + 1) * sizeof *order);
    size_t n_nodes = 0;
    int64_t most = 0; /* the most room a node may have: its whole capacity, when reopened */
    for (size_t node = 0; node < p->n_nodes; node++) {
        size_t i = node * p->n_res + (size_t)binding;
        if (keep[node] && p->cap[i] > most)
            most = p->cap[i];
        if (keep[node] && p->cap[i] > p->used[i])
            order[n_nodes++] = (struct room){p->cap[i] - p->used[i], (int32_t)node};
    }
    struct fill f = {.p = p,
                     .binding = binding,
                     .by_shape = by_shape,
                     .scale = (most + MAX_UNITS - 1) / MAX_UNITS};
    if (f.scale < 1)
        f.scale = 1;
    int32_t *rest = ent_malloc((n + 1) * sizeof *rest);
    size_t n_rest;
    classify(&f, vms, n, rest, &n_rest);
    double work = (double)f.c.n * (double)(most / f.scale + 1) * (double)n_nodes * (double)p->n_res;
    if (f.c.n == 0 || work > MAX_WORK || f.c.n > MAX_CLASSES) {
        classes_release(&f.c);
        ent_free(rest);
        ent_free(order);
        return n; /* too many kinds of VM for the table: best fit alone */
    }
    qsort(order, n_nodes, sizeof *order, cmp_room_desc);
    f.cost = ent_malloc((MAX_UNITS + 1) * sizeof *f.cost);
    f.other = ent_malloc((MAX_UNITS + 1) * p->n_res * sizeof *f.other);
    f.take = ent_malloc(f.c.n * (MAX_UNITS + 1) * sizeof *f.take);
    for (size_t i = 0; i < n_nodes && ent_now() < deadline; i++) {
        int32_t node = order[i].node;
        size_t at = (size_t)node * p->n_res + (size_t)binding;
        int64_t room = (p->cap[at] - p->used[at]) / f.scale, sum = knapsack(&f, node, room);
        if (sum > 0)
            place_subset(&f, node, sum);
    }
    size_t n_kept = 0;
    for (size_t node = 0; node < p->n_nodes; node++)
        if (keep[node])
            order[n_kept++].node = (int32_t)node;
    int32_t *kept = ent_malloc((n_kept + 1) * sizeof *kept);
    for (size_t i = 0; i < n_kept; i++)
        kept[i] = order[i].node;
    reopen(&f, kept, n_kept, deadline);
    for (size_t k = 0; k < f.c.n; k++) /* crumbs of room gathered for what still waits */
        for (uint32_t i = f.c.left[k]; i-- > 0 && ent_now() < deadline;) {
            int32_t vm = f.c.vms[f.c.start[k] + i];
            if (ent__gather_room(p, keep, vm, deadline) >= 0)
                take_vm(&f.c, vm);
        }
    for (size_t k = 0; k < f.c.n; k++)
        for (uint32_t i = 0; i < f.c.left[k]; i++)
            rest[n_rest++] = f.c.vms[f.c.start[k] + i];
    ent_free(kept);
    memcpy(vms, rest, n_rest * sizeof *vms);
    ent_free(f.take);
    ent_free(f.other);
    ent_free(f.cost);
    classes_release(&f.c);
    ent_free(rest);
    ent_free(order);
    return n_rest;
}
