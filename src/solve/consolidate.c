/* The consolidation engine (Entropy's VMPP then VMRP): the fewest nodes hosting every running VM,
 * then the cheapest change to get there.
 *
 * 1. Repair the current placement (constraints, overloads) with few moves.
 * 2. First answer: empty nodes greedily, least loaded first, moving their VMs best-fit into the
 *    nodes that stay active. Most VMs never move.
 * 3. Improve by large-neighbourhood search (lns.c), until the bound or a run of failures.
 * 4. Dot-product, first-fit and best-fit decreasing packings from scratch (nodes by summed
 *    capacity, then by the binding resource), relabelled so that each bin lands on the node that
 *    already holds most of its memory (as packed when bins do not fit other nodes: mixed
 *    hardware), are kept when they need fewer nodes (or as many with less moved).
 * 5. The keep set (keepset.c): at that node count, the nodes where most VMs run stay and the
 *    others' VMs fill their room (by best fit, and node by node with the subsets that fill each
 *    best: hole_fill.c); the fewest moves.
 * 6. Anytime: while a gap to the bound remains and time is left, fewer nodes by the keep set (on
 *    the largest nodes by the binding resource, or one node fewer of a type), else the search
 *    again with more effort.
 * 7. Finish: moves reduced, VMs brought home, then fewer migrations at those nodes (fewer_moves.c:
 *    a VM that left a node that stays active goes back when the arrivals there can be repacked).
 * The search stops at 75 % of the limit, the finish's steps at 95 %: the rest is for measuring.
 * Random choices come from the seed, so a seed gives one answer (unless the time limit cuts). */
#include "model/model.h"
#include "solve/bounds.h"
#include "solve/internal.h"
#include "solve/pack.h"
#include "solve/solve.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/error.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define EXACT_BUDGET    2000000L /* search nodes the exact search may visit */
#define KEEP_SET_EFFORT 4L       /* steps per VM to place, at first */
#define KEEP_SET_TYPES  16       /* hardware types that may give up a node */
#define BEST_FIT_SHARE  1.0      /* the keep set's best fit: this many times the fill's time */
#define BEST_FIT_LEAST  0.05     /* and at least these seconds */

/* Adopts the keep set's answer when it is better; 1 when it was. The room filled node by node,
 * ties to the VMs shaped like the room, else (when that leaves VMs without room) ties to the
 * least use of the other resources; then best fit with ejections, given at most BEST_FIT_SHARE
 * times the time the fills took (where they need long, on VMs of many sizes in nodes nearly full,
 * best fit fails after seconds of ejections). */
static int try_keep_set(struct ent_pack *p, const int32_t *base, struct ent_keep_set *ks,
                        struct ent_solve_stats *st, double t0)
{
    static const enum ent_keep_fill fills[] = {ENT_KEEP_FILL_BY_SHAPE, ENT_KEEP_FILL_LEAST_OTHER,
                                               ENT_KEEP_BEST_FIT};
    int better = 0, filled = 0;
    double deadline = ks->deadline, started = ent_now();
    for (size_t i = 0; i < sizeof fills / sizeof *fills; i++) {
        struct ent_pack out;
        struct ent_solve_stats alt = *st;
        ks->fill = fills[i];
        if (ks->fill == ENT_KEEP_FILL_LEAST_OTHER && filled)
            continue;
        if (ks->fill == ENT_KEEP_BEST_FIT) {
            double budget = BEST_FIT_SHARE * (ent_now() - started);
            ks->deadline = fmin(deadline, ent_now() + fmax(budget, BEST_FIT_LEAST));
        }
        int found = ent__keep_set_candidate(p, base, ks, &out, &alt);
        filled |= found;
        if (found && ent__solve_better(&alt, st)) {
            ent__pack_adopt(p, &out);
            *st = alt;
            st->best_seconds = ent_now() - t0;
            st->start = ks->fill == ENT_KEEP_BEST_FIT ? "keep-set" : "keep-set-fill";
            better = 1;
        }
        ent_pack_release(&out);
    }
    ks->deadline = deadline;
    return better;
}

/* Fewer nodes by the keep set on the largest nodes: taken by the binding resource's capacity
 * until they cover the demand in every resource with a margin, 6 % first, then 3, 1, 0.5, 0.25 %
 * and none (the bound itself, where room gathered from crumbs reaches it) while that works.
 * Returns 1 when the count fell. */
static int by_volume(struct ent_pack *p, const int32_t *base, struct ent_keep_set *ks,
                     struct ent_solve_stats *st, double t0)
{
    static const double margins[] = {0.06, 0.03, 0.01, 0.005, 0.0025, 0};
    int32_t *order = NULL;
    int saved = p->order_res;
    p->order_res = ks->binding;
    size_t n = ent_pack_nodes_by_capacity(p, &order);
    p->order_res = saved;
    double *demand = ent_calloc(p->n_res + 1, sizeof *demand);
    double *have = ent_calloc(p->n_res + 1, sizeof *have);
    uint8_t *shape = ent_calloc(p->n_nodes + 1, 1);
    ent_pack_total_demand(p, demand);
    int fewer = 0;
    for (size_t i = 0; i < sizeof margins / sizeof *margins && ent_now() < ks->deadline; i++) {
        int64_t before = st->nodes_used;
        memset(shape, 0, p->n_nodes + 1);
        memset(have, 0, (p->n_res + 1) * sizeof *have);
        int64_t count = 0;
        for (size_t k = 0; k < n && count < before; k++) {
            int covered = 1;
            for (size_t r = 0; r < p->n_res; r++)
                covered &= have[r] >= (1 + margins[i]) * demand[r];
            if (covered)
                break;
            shape[order[k]] = 1;
            count++;
            for (size_t r = 0; r < p->n_res; r++)
                have[r] += (double)p->cap[(size_t)order[k] * p->n_res + r];
        }
        if (count >= before)
            continue; /* no fewer nodes cover the demand with this margin */
        ks->shape = shape;
        ks->drop = -1;
        int fell = try_keep_set(p, base, ks, st, t0) && st->nodes_used < before;
        ks->shape = NULL;
        if (!fell)
            break; /* a smaller margin would be harder still */
        fewer = 1;
    }
    ent_free(shape);
    ent_free(have);
    ent_free(demand);
    ent_free(order);
    return fewer;
}

/* One node fewer by the keep set: each hardware type in use (the first few) gives up a node in
 * turn. Returns 1 when the count fell. */
static int fewer_by_keep_set(struct ent_pack *p, const int32_t *base, struct ent_keep_set *ks,
                             struct ent_solve_stats *st, double t0)
{
    int32_t types[KEEP_SET_TYPES];
    size_t n_types = 0;
    for (size_t n = 0; n < p->n_nodes && n_types < KEEP_SET_TYPES; n++) {
        if (p->n_residents[n] == 0)
            continue;
        int known = 0;
        for (size_t t = 0; t < n_types && !known; t++)
            known = memcmp(p->cap + n * p->n_res, p->cap + (size_t)types[t] * p->n_res,
                           p->n_res * sizeof *p->cap) == 0;
        if (!known)
            types[n_types++] = (int32_t)n;
    }
    int64_t before = st->nodes_used;
    for (size_t t = 0; t < n_types && ent_now() < ks->deadline; t++) {
        ks->drop = types[t];
        if (try_keep_set(p, base, ks, st, t0) && st->nodes_used < before)
            return 1;
    }
    return 0;
}

/* One consolidation run: the state, the bound, the engine and the clock. */
struct run {
    struct ent_pack *p;
    const struct ent_solve_options *opts;
    struct ent_solve_stats *st;
    struct ent_bound bound;
    struct engine e;
    int32_t *base; /* the repaired placement */
    double t0, deadline, mark;
};

/* Seconds since the last mark, and a new mark. */
static double lap(struct run *r)
{
    double now = ent_now(), since = now - r->mark;
    r->mark = now;
    return since;
}

/* A, and the search in place: keep VMs where they are, empty the lightest nodes, then LNS. */
static void first_answer(struct run *r)
{
    struct ent_pack *p = r->p;
    ent__engine_init(&r->e, p, r->opts->seed, r->bound.resource);
    if (p->n_res > 0)
        ent__empty_greedily(&r->e, r->bound.nodes);
    ent__solve_measure(p->m, &p->target, r->st);
    r->st->first_seconds = r->st->best_seconds = ent_now() - r->t0;
    r->st->first_nodes = r->st->nodes_used;
    r->st->first_migrations = r->st->migrations;
    r->st->times.first = lap(r);
    if (p->n_res > 0)
        ent__lns_search(&r->e, r->bound.nodes, r->deadline, r->st, r->t0);
    ent__solve_measure(p->m, &p->target, r->st);
    r->st->search_nodes = r->st->nodes_used;
    r->st->times.search = lap(r);
}

/* The packings from scratch, in the order tried; by_resource: tried again over the nodes by the
 * binding resource's capacity (the vector packing takes node types as the LP says); mixed_only:
 * on mixed hardware only. The vector packing reaches the bound where the greedy ones fall 11 %
 * short (nodes of unlike shapes), but it moves nearly every VM: on one node type, where the
 * others come within 1 %, the few nodes it would save cost three times the migrations (BtrPlace's
 * std-perf), which the fewest-moves steps cannot win back. */
static const struct scratch_packing {
    const char *name;
    int (*pack)(struct ent_pack *, struct ent_error *);
    bool by_resource, mixed_only;
} scratch_packings[] = {
    {"dot-product", ent__solve_dotpack, true, false},
    {"ffd", ent__solve_ffd, true, false},
    {"bfd", ent__solve_bfd, true, false},
    {"vector", ent__solve_vector_pack, false, true},
};

/* Whether the usable nodes are of more than one hardware type. */
static bool mixed_hardware(const struct ent_pack *p)
{
    int32_t *type = ent_malloc(ENT_MAX_HARDWARE_TYPES * sizeof *type);
    int64_t *count = ent_malloc(ENT_MAX_HARDWARE_TYPES * sizeof *count);
    size_t n = ent__hardware_types(p, type, count);
    ent_free(type);
    ent_free(count);
    return n != 1; /* 0: more types than listed */
}

/* Adopts one packing from scratch when it needs fewer nodes (or as many with less memory moved). */
static void try_scratch(struct run *r, const struct scratch_packing *sp, int order_res)
{
    struct ent_pack *p = r->p;
    struct ent_solve_stats *st = r->st;
    struct ent_pack out;
    struct ent_solve_stats alt = *st;
    if (ent__scratch_candidate(p->m, sp->pack, r->e.mem, order_res, r->deadline, &out, &alt) &&
        ent__solve_better(&alt, st)) {
        ent__pack_adopt(p, &out);
        *st = alt;
        st->best_seconds = ent_now() - r->t0;
        st->start = sp->name;
    }
    ent_pack_release(&out);
}

/* B, C: from-scratch packings, relabelled, when they need fewer nodes (or as many with less
 * memory moved); nodes largest first by summed capacity, then by the binding resource (on mixed
 * hardware the big-memory nodes are not the ones with the most CPU). */
static void from_scratch(struct run *r)
{
    struct ent_pack *p = r->p;
    struct ent_solve_stats *st = r->st;
    bool by_resource = p->n_res > 1 && r->bound.resource >= 0, mixed = mixed_hardware(p);
    size_t n = sizeof scratch_packings / sizeof *scratch_packings;
    for (size_t k = 0; k < n && st->nodes_used > r->bound.nodes && ent_now() < r->deadline; k++)
        if (mixed || !scratch_packings[k].mixed_only)
            try_scratch(r, &scratch_packings[k], -1);
    for (size_t k = 0;
         k < n && by_resource && st->nodes_used > r->bound.nodes && ent_now() < r->deadline; k++)
        if (scratch_packings[k].by_resource)
            try_scratch(r, &scratch_packings[k], r->bound.resource);
    st->times.scratch = lap(r);
}

/* Small instances: exact search from this answer, over every node (the heuristics above only fill
 * nodes that are active, and may miss a larger empty node). */
static void exact_when_small(struct run *r)
{
    struct ent_pack *p = r->p;
    size_t running = 0;
    for (size_t v = 0; v < p->n_vms; v++)
        running += p->target.vm_state[v] == ENT_VM_RUNNING;
    if (running <= ENT_EXACT_MAX_VMS && r->st->nodes_used > r->bound.nodes &&
        ent_now() < r->deadline) {
        int64_t nodes;
        r->st->proven = ent__solve_exact(p, r->bound.nodes, EXACT_BUDGET, &nodes);
        ent__solve_measure(p->m, &p->target, r->st);
    }
}

/* E: while a gap remains and time is left (the anytime contract), fewer nodes: by the keep set on
 * the largest nodes or with one node less of a hardware type, else by the in-place search with
 * more effort, level by level. */
static void anytime(struct run *r, struct ent_keep_set *ks)
{
    struct ent_pack *p = r->p;
    struct ent_solve_stats *st = r->st;
    bool keep_set_fell = false; /* at the last level: the keep set goes on while it does */
    for (int level = 1; !st->proven && st->nodes_used > r->bound.nodes && ent_now() < r->deadline &&
                        (r->opts->max_levels == 0 || level <= r->opts->max_levels);
         level++) {
        ks->effort = KEEP_SET_EFFORT << (level < 4 ? level : 4);
        keep_set_fell =
            (level <= 4 || keep_set_fell) &&
            (by_volume(p, r->base, ks, st, r->t0) || fewer_by_keep_set(p, r->base, ks, st, r->t0));
        if (keep_set_fell)
            continue;
        ent__engine_release(&r->e);
        ent__engine_init(&r->e, p, r->opts->seed + (uint64_t)level, r->bound.resource);
        ent__engine_set_level(&r->e, level);
        int64_t before = st->nodes_used;
        ent__lns_search(&r->e, r->bound.nodes, r->deadline, st, r->t0);
        ent__solve_measure(p->m, &p->target, st);
        if (st->nodes_used < before) { /* the fewest moves at the new count */
            ks->drop = -1;
            try_keep_set(p, r->base, ks, st, r->t0);
        }
    }
    st->times.anytime = lap(r);
}

/* The moves reduced, the figures and the bounds on the change, by the limit. */
static void finish(struct run *r, double limit)
{
    struct ent_pack *p = r->p;
    struct ent_solve_stats *st = r->st;
    ent__keep_in_place(p);
    ent__reduce_moves(p, limit);
    ent__bring_home(p, limit);
    ent__fewer_moves(p, r->bound.resource, r->opts->seed, limit);
    ent__keep_in_place(p);
    ent__solve_measure(p->m, &p->target, st);
    st->proven |= st->nodes_used == r->bound.nodes;
    st->gap = st->nodes_used - r->bound.nodes;
    struct ent_move_bound moves;
    ent_move_bound(p, st->nodes_used, &moves);
    st->migrations_bound = moves.migrations;
    st->moved_memory_bound = moves.moved_memory;
    st->times.finish = lap(r);
}

static int consolidate(struct ent_pack *p, const struct ent_solve_options *opts,
                       struct ent_solve_stats *st, struct ent_error *err)
{
    /* The search stops at 75 % of the limit, the finish's steps at 95 %: the rest is measuring. */
    struct run r = {.p = p, .opts = opts, .st = st, .t0 = ent_now()};
    r.mark = r.t0;
    r.deadline = r.t0 + 0.75 * opts->time_limit;
    int rc = ent__solve_repair(p, err);
    if (rc)
        return rc; /* an impossible instance stays impossible for any objective */
    r.base = ent_malloc((p->n_vms + 1) * sizeof *r.base);
    memcpy(r.base, p->target.vm_host, p->n_vms * sizeof *r.base);
    ent_lower_bound(p, &r.bound);
    st->lower_bound = r.bound.nodes;
    first_answer(&r);
    from_scratch(&r);
    /* D: at that node count, the nodes that keep the most VMs where they are. */
    struct ent_keep_set ks = {r.bound.resource, -1,         NULL,
                              KEEP_SET_EFFORT,  r.deadline, ENT_KEEP_BEST_FIT};
    if (ent_now() < r.deadline)
        try_keep_set(p, r.base, &ks, st, r.t0);
    st->times.keep_set = lap(&r);
    exact_when_small(&r);
    anytime(&r, &ks);
    finish(&r, r.t0 + 0.95 * opts->time_limit);
    ent_free(r.base);
    ent__engine_release(&r.e);
    return 0;
}

const struct ent_objective ent_objective_consolidate = {
    .name = "consolidate",
    .summary = "fewest online nodes hosting running VMs (default)",
    .reports_bound = 1,
    .run = consolidate,
};
