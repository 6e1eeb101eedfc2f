/* The energy objective: the least predicted power for the nodes hosting running VMs (model/
 * power.c: idle watts plus a share of the dynamic range linear in CPU use), then the cheapest
 * change. Fewest nodes is the wrong goal when nodes differ: two small efficient nodes may draw
 * less than one large one. Candidates, the least watts kept (ties: fewer nodes, less moved):
 * 1. the consolidation engine's answer (fewest nodes);
 * 2. the vector packing by watts (vector_pack.c: the vector-packing LP with each node costing its
 *    predicted watts, rounded), first-fit and best-fit decreasing from scratch over the nodes
 *    most efficient first (peak watts per unit of capacity), each relabelled to keep what it can
 *    in place;
 * 3. on tiny instances, every placement (exhaustive, pruned by watts): the optimum.
 * The bound: the larger of the vector-packing LP by watts (vector_lp.c; when the VMs have at most
 * 256 distinct demand vectors and the nodes 64 types) and, for each resource, the idle watts of a
 * fractional cover of its total demand by the nodes cheapest per unit first plus the total CPU
 * demand at the smallest dynamic slope. With no power model every node draws one idle watt and
 * energy is fewest nodes. */
#include "model/model.h"
#include "model/power.h"
#include "solve/internal.h"
#include "solve/pack.h"
#include "solve/solve.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

#define EXHAUSTIVE_LEAVES 2000000.0 /* nodes^VMs at most: every placement is tried */

struct efficiency {
    double key;
    int32_t node;
};

static int cmp_efficiency(const void *a, const void *b)
{
    const struct efficiency *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->node > y->node) - (x->node < y->node);
}

/* Usable nodes, the fewest peak watts per unit of (normalised, summed) capacity first. */
static size_t nodes_by_efficiency(const struct ent_pack *p, int32_t **out)
{
    double *maxcap = ent_malloc((p->n_res + 1) * sizeof *maxcap);
    ent_pack_max_capacity(p, maxcap);
    struct efficiency *e = ent_malloc((p->n_nodes + 1) * sizeof *e);
    size_t n = 0;
    for (size_t i = 0; i < p->n_nodes; i++) {
        if (!p->node_usable[i])
            continue;
        double cap = 0;
        for (size_t r = 0; r < p->n_res; r++)
            cap += (double)p->cap[i * p->n_res + r] / maxcap[r];
        double peak = ent_node_power(p->m, (int32_t)i).peak;
        e[n++] = (struct efficiency){cap > 0 ? peak / cap : 1e300, (int32_t)i};
    }
    qsort(e, n, sizeof *e, cmp_efficiency);
    *out = ent_malloc((n + 1) * sizeof **out);
    for (size_t i = 0; i < n; i++)
        (*out)[i] = e[i].node;
    ent_free(e);
    ent_free(maxcap);
    return n;
}

static int ffd_efficient(struct ent_pack *p, struct ent_error *err)
{
    int32_t *nodes;
    size_t n = nodes_by_efficiency(p, &nodes);
    int rc = ent__pack_first_fit(p, nodes, n, err);
    ent_free(nodes);
    return rc;
}

static int bfd_efficient(struct ent_pack *p, struct ent_error *err)
{
    int32_t *nodes;
    size_t n = nodes_by_efficiency(p, &nodes);
    int rc = ent__pack_best_fit(p, nodes, n, false, err);
    ent_free(nodes);
    return rc;
}

/* Watts of p's placement: the nodes hosting VMs (its cpu resource is "cpu" when there is one). */
#define LP_SECONDS 0.3 /* for the vector-packing LP's bound */

static double pack_watts(const struct ent_pack *p)
{
    return ent_mapping_watts(p->m, &p->target);
}

/* The watts bound (see the top of the file). */
static double watts_bound(const struct ent_pack *p)
{
    const struct ent_model *m = p->m;
    int cpu = ent_model_resource_index(m, "cpu");
    double idle_part = 0, slope = -1;
    struct efficiency *e = ent_malloc((p->n_nodes + 1) * sizeof *e);
    for (size_t r = 0; r < p->n_res; r++) {
        double need = 0;
        for (size_t v = 0; v < p->n_vms; v++)
            if (p->target.vm_state[v] == ENT_VM_RUNNING)
                need += (double)p->dem[v * p->n_res + r];
        size_t n = 0;
        for (size_t i = 0; i < p->n_nodes; i++)
            if (p->node_usable[i] && p->cap[i * p->n_res + r] > 0)
                e[n++] = (struct efficiency){ent_node_power(m, (int32_t)i).idle /
                                                 (double)p->cap[i * p->n_res + r],
                                             (int32_t)i};
        qsort(e, n, sizeof *e, cmp_efficiency);
        double covered = 0, watts = 0;
        for (size_t k = 0; k < n && covered < need; k++) {
            double cap = (double)p->cap[(size_t)e[k].node * p->n_res + r];
            double take = need - covered < cap ? need - covered : cap;
            watts += e[k].key * take;
            covered += take;
        }
        if (watts > idle_part)
            idle_part = watts;
    }
    ent_free(e);
    double cpu_need = 0;
    for (size_t v = 0; cpu >= 0 && v < p->n_vms; v++)
        if (p->target.vm_state[v] == ENT_VM_RUNNING)
            cpu_need += (double)m->res[cpu].demand[v];
    for (size_t i = 0; cpu >= 0 && i < p->n_nodes; i++) {
        int64_t cap = m->res[cpu].capacity[i];
        struct ent_node_power pw = ent_node_power(m, (int32_t)i);
        if (p->node_usable[i] && cap > 0 &&
            (slope < 0 || (pw.peak - pw.idle) / (double)cap < slope))
            slope = (pw.peak - pw.idle) / (double)cap;
    }
    return idle_part + (slope > 0 ? slope * cpu_need : 0);
}

/* Exhaustive search on tiny instances: every placement of the VMs that may move, pruned by the
 * watts of the nodes opened so far (they only grow). */
struct exhaustive {
    struct ent_pack *p;
    int32_t *vms;
    size_t n_vms;
    double best;
    int32_t *best_host;
    long budget;
};

static void explore(struct exhaustive *x, size_t k)
{
    struct ent_pack *p = x->p;
    if (--x->budget < 0 || pack_watts(p) >= x->best - 1e-9)
        return;
    if (k == x->n_vms) {
        x->best = pack_watts(p);
        for (size_t v = 0; v < p->n_vms; v++)
            x->best_host[v] = p->target.vm_host[v];
        return;
    }
    int32_t v = x->vms[k];
    for (size_t n = 0; n < p->n_nodes; n++) {
        if (!ent_pack_fits(p, v, (int32_t)n))
            continue;
        ent_pack_place(p, v, (int32_t)n);
        explore(x, k + 1);
        ent_pack_unplace(p, v);
    }
}

/* Whether the exhaustive search found (and p now holds) a placement of fewer watts. */
static bool exhaustive(struct ent_pack *p, double *watts)
{
    size_t movable = 0;
    double leaves = 1;
    int32_t *vms = ent_malloc((p->n_vms + 1) * sizeof *vms);
    for (size_t v = 0; v < p->n_vms; v++)
        if (p->target.vm_state[v] == ENT_VM_RUNNING && !ent_pack_pinned(p, (int32_t)v)) {
            vms[movable++] = (int32_t)v;
            leaves *= (double)p->n_nodes;
        }
    bool better = false;
    if (leaves <= EXHAUSTIVE_LEAVES) {
        int32_t *before = ent_malloc((p->n_vms + 1) * sizeof *before);
        for (size_t v = 0; v < p->n_vms; v++)
            before[v] = p->target.vm_host[v];
        struct exhaustive x = {p,
                               vms,
                               movable,
                               *watts,
                               ent_malloc((p->n_vms + 1) * sizeof(int32_t)),
                               (long)EXHAUSTIVE_LEAVES * 4};
        for (size_t i = 0; i < movable; i++)
            ent_pack_unplace(p, vms[i]);
        explore(&x, 0);
        better = x.best < *watts - 1e-9 && x.budget >= 0;
        for (size_t i = 0; i < movable; i++)
            ent_pack_place(p, vms[i], better ? x.best_host[vms[i]] : before[vms[i]]);
        if (better)
            *watts = x.best;
        ent_free(x.best_host);
        ent_free(before);
    }
    ent_free(vms);
    return better;
}

static int energy(struct ent_pack *p, const struct ent_solve_options *opts,
                  struct ent_solve_stats *st, struct ent_error *err)
{
    const struct ent_model *m = p->m;
    double t0 = ent_now(), deadline = t0 + opts->time_limit;
    /* Fewest nodes first, in half the time: the rest for the packings by efficiency. */
    struct ent_solve_options fewest = *opts;
    fewest.time_limit = opts->time_limit / 2;
    int rc = ent_objective_consolidate.run(p, &fewest, st, err);
    if (rc)
        return rc;
    double best = pack_watts(p);
    int mem = ent_model_resource_index(m, "memory");
    int (*const scratch[])(struct ent_pack *, struct ent_error *) = {ent__solve_vector_pack_watts,
                                                                     ffd_efficient, bfd_efficient};
    for (size_t k = 0; k < 3 && ent_model_has_power(m) && ent_now() < deadline; k++) {
        struct ent_pack out;
        struct ent_solve_stats alt = *st;
        if (ent__scratch_candidate(m, scratch[k], mem, -1, deadline, &out, &alt)) {
            double watts = pack_watts(&out);
            if (watts < best - 1e-9 || (watts < best + 1e-9 && ent__solve_better(&alt, st))) {
                ent__pack_adopt(p, &out);
                *st = alt;
                best = watts;
                st->best_seconds = ent_now() - t0;
            }
        }
        ent_pack_release(&out);
    }
    if (ent_model_has_power(m) && exhaustive(p, &best))
        ent__solve_measure(m, &p->target, st);
    st->watts_bound = watts_bound(p);
    struct ent_vector_lp lp; /* the vector-packing LP by watts: much tighter on mixed hardware */
    if ((ent__vector_lp(p, false, true, ent_now() + LP_SECONDS, &lp) == 0 || lp.bound >= 0) &&
        lp.bound > st->watts_bound)
        st->watts_bound = lp.bound;
    ent__vector_lp_release(&lp);
    if (!ent_model_has_power(m) && st->watts_bound < (double)st->lower_bound)
        st->watts_bound = (double)st->lower_bound; /* one watt a node: the node bound holds */
    return 0;
}

const struct ent_objective ent_objective_energy = {
    .name = "energy",
    .summary = "least predicted power (node attributes wattsIdle, wattsPeak), then the cheapest "
               "change; with no power model, fewest nodes",
    .reports_bound = 1,
    .run = energy,
};
