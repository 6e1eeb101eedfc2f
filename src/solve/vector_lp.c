/* The vector-packing LP over hardware types: Gilmore-Gomory's pattern formulation with every
 * resource at once. A pattern is a set of VMs (counts per distinct demand vector) that fits one
 * node type in every resource; the fewest patterns covering every VM, at most the count of each
 * type, bounds the nodes. The patterns are too many to list on mixed hardware (a 128-core node
 * holds thousands of mixes), so they are generated: GLPK solves the LP over the patterns found so
 * far, and for each node type a branch and bound over the VM kinds finds the pattern the LP's
 * duals value most (a knapsack in every resource); it enters when it is worth more than a node.
 *
 * Any non-negative duals bound the full LP from below (Lagrangian relaxation of the cover rows:
 * sum of dual x count, plus, per type, its node count times the most a pattern gains over a node),
 * so the bound is valid whenever the time runs out; when no pattern is worth more than a node, it
 * equals the LP optimum. It sees what the per-resource bounds cannot: a VM with much CPU and
 * little memory fills a compute node's CPU and wastes its memory. Placement constraints are
 * ignored (a relaxation). Artificial columns (a VM kind alone, at twice a node) keep the first LP
 * feasible; they only lower its value, so the bound stays valid. */
#include "model/model.h"
#include "model/power.h"
#include "solve/internal.h"
#include "solve/pack.h"
#include "util/alloc.h"
#include "util/clock.h"

#include <glpk.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_KINDS     ENT_VECTOR_MAX_KINDS
#define MAX_TYPES     ENT_VECTOR_MAX_TYPES
#define PRICING_STEPS 10000 /* branch-and-bound nodes per pricing */

#define instance ent_vector_lp

static int cmp_demand(const void *a, const void *b, void *arg)
{
    const struct ent_pack *p = arg;
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return memcmp(p->dem + (size_t)x * p->n_res, p->dem + (size_t)y * p->n_res,
                  p->n_res * sizeof *p->dem);
}

/* The running VMs with some demand (only those not placed yet, with residual) grouped by demand
 * vector; false when there are too many kinds or none. */
static bool vm_kinds(const struct ent_pack *p, bool residual, struct instance *in)
{
    int32_t *vms = ent_malloc((p->n_vms + 1) * sizeof *vms);
    size_t n = 0;
    for (size_t v = 0; v < p->n_vms; v++) {
        if (p->target.vm_state[v] != ENT_VM_RUNNING || (residual && p->target.vm_host[v] >= 0))
            continue;
        bool some = false;
        for (size_t r = 0; r < p->n_res; r++)
            some |= p->dem[v * p->n_res + r] > 0;
        if (some)
            vms[n++] = (int32_t)v;
    }
    qsort_r(vms, n, sizeof *vms, cmp_demand, (void *)p);
    in->kind_dem = ent_malloc(MAX_KINDS * p->n_res * sizeof *in->kind_dem);
    in->n_kinds = 0;
    bool ok = n > 0;
    for (size_t i = 0; i < n && ok; i++) {
        if (i > 0 && cmp_demand(&vms[i], &vms[i - 1], (void *)p) == 0) {
            in->kind_count[in->n_kinds - 1]++;
            continue;
        }
        if (in->n_kinds == MAX_KINDS) {
            ok = false;
            break;
        }
        memcpy(in->kind_dem + in->n_kinds * p->n_res, p->dem + (size_t)vms[i] * p->n_res,
               p->n_res * sizeof *p->dem);
        in->kind_count[in->n_kinds++] = 1;
    }
    ent_free(vms);
    return ok;
}

/* A node's cost in the LP: one node, or by watts its idle watts and its watts per unit of CPU. */
static void node_cost(const struct ent_pack *p, const struct instance *in, int32_t n, double *idle,
                      double *slope)
{
    *idle = 1;
    *slope = 0;
    if (in->cpu < 0)
        return;
    struct ent_node_power pw = ent_node_power(p->m, n);
    int64_t cap = p->cap[(size_t)n * p->n_res + (size_t)in->cpu];
    *idle = pw.idle;
    *slope = cap > 0 ? (pw.peak - pw.idle) / (double)cap : 0;
}

/* The usable nodes (only the empty ones, with residual) by type: capacity vector, and power
 * model when by watts; node_type[] says each node's. False when there are too many types. */
static bool node_types(const struct ent_pack *p, bool residual, struct instance *in)
{
    in->type_cap = ent_malloc(MAX_TYPES * p->n_res * sizeof *in->type_cap);
    in->node_type = ent_malloc((p->n_nodes + 1) * sizeof *in->node_type);
    in->n_types = 0;
    for (size_t n = 0; n < p->n_nodes; n++) {
        in->node_type[n] = -1;
        if (!p->node_usable[n] || (residual && p->n_residents[n] > 0))
            continue;
        const int64_t *cap = p->cap + n * p->n_res;
        double idle, slope;
        node_cost(p, in, (int32_t)n, &idle, &slope);
        size_t t = 0;
        while (t < in->n_types &&
               (memcmp(in->type_cap + t * p->n_res, cap, p->n_res * sizeof *cap) != 0 ||
                in->type_idle[t] != idle || in->type_slope[t] != slope))
            t++;
        if (t == MAX_TYPES)
            return false;
        if (t == in->n_types) {
            memcpy(in->type_cap + t * p->n_res, cap, p->n_res * sizeof *cap);
            in->type_idle[t] = idle;
            in->type_slope[t] = slope;
            in->type_count[t] = 0;
            in->n_types++;
        }
        in->type_count[t]++;
        in->node_type[n] = (int32_t)t;
    }
    return in->n_types > 0;
}

/* A pattern's cost on type t: the type's idle cost and its CPU's. */
static double pattern_cost(const struct instance *in, size_t t, const int64_t *pattern)
{
    double cpu = 0;
    for (size_t k = 0; in->cpu >= 0 && k < in->n_kinds; k++)
        cpu += (double)pattern[k] * (double)in->kind_dem[k * in->n_res + (size_t)in->cpu];
    return in->type_idle[t] + in->type_slope[t] * cpu;
}

/* How many VMs of kind k fit alone in the room (at most the kind's count). */
static int64_t fit_count(const struct instance *in, size_t k, const int64_t *room)
{
    int64_t most = in->kind_count[k];
    for (size_t r = 0; r < in->n_res; r++) {
        int64_t d = in->kind_dem[k * in->n_res + r];
        if (d > 0 && room[r] / d < most)
            most = room[r] / d;
    }
    return most;
}

/* The pricing problem of one node type: the counts per kind, within the type's capacity, worth
 * the most under the duals. */
struct pricer {
    const struct instance *in;
    const double *dual; /* what each kind is worth: its LP dual, less its watts by watts */
    size_t *order;      /* kinds worth something, by value per share of the node, best first */
    size_t n_order;
    size_t *rank;   /* per kind, its place in order */
    size_t *by_res; /* per resource, the same kinds by value per unit of it, best first */
    int64_t *room;  /* what is left of the node */
    int64_t *taken; /* counts of the pattern being built, per kind */
    int64_t *best;  /* the best pattern found */
    double best_value;
    long steps;
    bool exhausted;  /* the step budget or the time ran out: best may not be the most */
    double deadline; /* ent_now() time */
};

/* An upper bound on what the kinds order[from..] can add in the room: per resource, the
 * fractional knapsack on that resource alone (kinds that need none of it count whole); the least
 * of them. */
static double fractional_bound(const struct pricer *pr, size_t from)
{
    const struct instance *in = pr->in;
    double least = INFINITY;
    for (size_t r = 0; r < in->n_res; r++) {
        double value = 0, room = (double)pr->room[r];
        for (size_t j = 0; j < pr->n_order; j++) {
            size_t k = pr->by_res[r * pr->n_order + j];
            if (pr->rank[k] < from)
                continue;
            double left = (double)(in->kind_count[k] - pr->taken[k]);
            double d = (double)in->kind_dem[k * in->n_res + r];
            if (d <= 0) {
                value += left * pr->dual[k];
                continue;
            }
            double n = room / d < left ? room / d : left;
            value += n * pr->dual[k];
            room -= n * d;
        }
        if (value < least)
            least = value;
    }
    return least;
}

static void search(struct pricer *pr, size_t at, double value)
{
    const struct instance *in = pr->in;
    if (value > pr->best_value) {
        pr->best_value = value;
        memcpy(pr->best, pr->taken, in->n_kinds * sizeof *pr->taken);
    }
    if (at == pr->n_order || pr->exhausted)
        return;
    if (++pr->steps > PRICING_STEPS || ((pr->steps & 1023) == 0 && ent_now() > pr->deadline)) {
        pr->exhausted = true;
        return;
    }
    if (value + fractional_bound(pr, at) <= pr->best_value + 1e-9)
        return;
    size_t k = pr->order[at];
    int64_t most = fit_count(in, k, pr->room);
    for (int64_t c = most; c >= 0 && !pr->exhausted; c--) {
        pr->taken[k] = c;
        for (size_t r = 0; r < in->n_res; r++)
            pr->room[r] -= c * in->kind_dem[k * in->n_res + r];
        search(pr, at + 1, value + (double)c * pr->dual[k]);
        for (size_t r = 0; r < in->n_res; r++)
            pr->room[r] += c * in->kind_dem[k * in->n_res + r];
    }
    pr->taken[k] = 0;
}

struct by_resource {
    const struct pricer *pr;
    size_t res;
};

/* A kind's value per unit of the resource (needing none of it: the best). */
static double value_per_unit(const struct pricer *pr, size_t k, size_t r)
{
    const struct instance *in = pr->in;
    double d = (double)in->kind_dem[k * in->n_res + r];
    return d > 0 ? pr->dual[k] / d : INFINITY;
}

static int cmp_by_resource(const void *a, const void *b, void *arg)
{
    const struct by_resource *s = arg;
    double x = value_per_unit(s->pr, *(const size_t *)a, s->res);
    double y = value_per_unit(s->pr, *(const size_t *)b, s->res);
    return (x < y) - (x > y);
}

#define DP_CELLS 4e6 /* the two-resource program's grid at most */
#define DP_STEPS 4e6 /* and its steps (a few milliseconds) */

/* With two resources, the pricing by dynamic programming (knapsack2d.c) when its grid is small:
 * exact whatever the number of kinds; false when it does not apply. */
static bool price_by_grid(struct pricer *pr, const int64_t *cap, int64_t *pattern, double *best)
{
    const struct instance *in = pr->in;
    if (in->n_res != 2 || pr->n_order == 0)
        return false;
    int64_t w0[MAX_KINDS], w1[MAX_KINDS], most[MAX_KINDS], taken[MAX_KINDS];
    double value[MAX_KINDS];
    for (size_t i = 0; i < pr->n_order; i++) {
        size_t k = pr->order[i];
        w0[i] = in->kind_dem[k * 2];
        w1[i] = in->kind_dem[k * 2 + 1];
        most[i] = fit_count(in, k, cap);
        value[i] = pr->dual[k];
    }
    struct ent_knapsack2d ks = {pr->n_order, w0,     w1,       most,    value,
                                cap[0],      cap[1], DP_CELLS, DP_STEPS};
    if (!ent__knapsack2d(&ks, taken, best))
        return false;
    memset(pattern, 0, in->n_kinds * sizeof *pattern);
    for (size_t i = 0; i < pr->n_order; i++)
        pattern[pr->order[i]] = taken[i];
    return true;
}

/* The most a pattern of type t is worth under the duals, into pattern[]; *upper, a bound on it
 * (the same unless the step budget ran out). */
static double price(struct pricer *pr, size_t t, int64_t *pattern, double *upper)
{
    const struct instance *in = pr->in;
    const int64_t *cap = in->type_cap + t * in->n_res;
    memcpy(pr->room, cap, in->n_res * sizeof *cap);
    pr->n_order = 0;
    for (size_t k = 0; k < in->n_kinds; k++)
        if (pr->dual[k] > 1e-12 && fit_count(in, k, cap) > 0)
            pr->order[pr->n_order++] = k;
    /* by value per share of the node, summed over resources */
    for (size_t i = 1; i < pr->n_order; i++)
        for (size_t j = i; j > 0; j--) {
            size_t a = pr->order[j - 1], b = pr->order[j];
            double sa = 0, sb = 0;
            for (size_t r = 0; r < in->n_res; r++) {
                sa += (double)in->kind_dem[a * in->n_res + r] / (double)(cap[r] ? cap[r] : 1);
                sb += (double)in->kind_dem[b * in->n_res + r] / (double)(cap[r] ? cap[r] : 1);
            }
            if (pr->dual[a] * sb >= pr->dual[b] * sa)
                break;
            pr->order[j - 1] = b;
            pr->order[j] = a;
        }
    double by_grid;
    pr->exhausted = false;
    if (price_by_grid(pr, cap, pattern, &by_grid)) {
        *upper = by_grid;
        return by_grid;
    }
    for (size_t i = 0; i < pr->n_order; i++)
        pr->rank[pr->order[i]] = i;
    for (size_t r = 0; r < in->n_res; r++) {
        struct by_resource s = {pr, r};
        memcpy(pr->by_res + r * pr->n_order, pr->order, pr->n_order * sizeof *pr->order);
        qsort_r(pr->by_res + r * pr->n_order, pr->n_order, sizeof *pr->order, cmp_by_resource, &s);
    }
    memset(pr->taken, 0, in->n_kinds * sizeof *pr->taken);
    memset(pr->best, 0, in->n_kinds * sizeof *pr->best);
    pr->best_value = 0;
    pr->steps = 0;
    pr->exhausted = false;
    double root = fractional_bound(pr, 0);
    search(pr, 0, 0);
    memcpy(pattern, pr->best, in->n_kinds * sizeof *pattern);
    *upper = pr->exhausted ? root : pr->best_value;
    return pr->best_value;
}

/* Adds a column: pattern counts on the kinds' rows, 1 on its type's row (type < 0: none). */
static void add_column(glp_prob *lp, const struct instance *in, const int64_t *pattern, int type,
                       double cost)
{
    int ind[MAX_KINDS + 2], len = 0;
    double val[MAX_KINDS + 2];
    for (size_t k = 0; k < in->n_kinds; k++)
        if (pattern[k]) {
            ind[++len] = (int)k + 1;
            val[len] = (double)pattern[k];
        }
    if (type >= 0) {
        ind[++len] = (int)(in->n_kinds + (size_t)type) + 1;
        val[len] = 1;
    }
    int col = glp_add_cols(lp, 1);
    glp_set_col_bnds(lp, col, GLP_LO, 0, 0);
    glp_set_obj_coef(lp, col, cost);
    glp_set_mat_col(lp, col, len, ind, val);
}

static glp_prob *master(const struct instance *in)
{
    glp_prob *lp = glp_create_prob();
    glp_set_obj_dir(lp, GLP_MIN);
    glp_add_rows(lp, (int)(in->n_kinds + in->n_types));
    for (size_t k = 0; k < in->n_kinds; k++)
        glp_set_row_bnds(lp, (int)k + 1, GLP_LO, (double)in->kind_count[k], 0);
    for (size_t t = 0; t < in->n_types; t++)
        glp_set_row_bnds(lp, (int)(in->n_kinds + t) + 1, GLP_UP, 0, (double)in->type_count[t]);
    int64_t pattern[MAX_KINDS];
    double dearest = 0; /* the artificial columns cost more than any node */
    for (size_t t = 0; t < in->n_types; t++) {
        double full =
            in->type_idle[t] +
            in->type_slope[t] *
                (in->cpu >= 0 ? (double)in->type_cap[t * in->n_res + (size_t)in->cpu] : 0);
        dearest = full > dearest ? full : dearest;
    }
    for (size_t k = 0; k < in->n_kinds; k++) {
        memset(pattern, 0, in->n_kinds * sizeof *pattern);
        pattern[k] = 1;
        add_column(lp, in, pattern, -1, 2 * dearest); /* artificial */
        for (size_t t = 0; t < in->n_types; t++) {
            pattern[k] = fit_count(in, k, in->type_cap + t * in->n_res);
            if (pattern[k] > 0)
                add_column(lp, in, pattern, (int)t, pattern_cost(in, t, pattern));
        }
    }
    return lp;
}

/* For the packing: each empty node's current VMs (those not placed yet) as a pattern of its
 * type, a hair cheaper than a new one, so that among the LP's many optima it takes the mixes
 * that are already in place (the rounding then puts them back home: fewer migrations). */
static void add_current_columns(glp_prob *lp, const struct ent_pack *p, const struct instance *in)
{
    int64_t *counts = ent_calloc(p->n_nodes * in->n_kinds + 1, sizeof *counts);
    for (size_t v = 0; v < p->n_vms; v++) {
        int32_t home = p->m->map.vm_state[v] == ENT_VM_RUNNING ? p->m->map.vm_host[v] : -1;
        if (home < 0 || p->target.vm_state[v] != ENT_VM_RUNNING || p->target.vm_host[v] >= 0 ||
            in->node_type[home] < 0)
            continue;
        for (size_t k = 0; k < in->n_kinds; k++)
            if (memcmp(p->dem + v * p->n_res, in->kind_dem + k * in->n_res,
                       p->n_res * sizeof *p->dem) == 0) {
                counts[(size_t)home * in->n_kinds + k]++;
                break;
            }
    }
    double discount = 1 - 1e-3 / (double)(p->n_nodes + 1);
    int64_t *used = ent_malloc(in->n_res * sizeof *used);
    for (size_t n = 0; n < p->n_nodes; n++) {
        const int64_t *pattern = counts + n * in->n_kinds;
        int t = in->node_type[n];
        bool some = false, fits = t >= 0;
        memset(used, 0, in->n_res * sizeof *used);
        for (size_t k = 0; k < in->n_kinds && fits; k++) {
            some |= pattern[k] > 0;
            for (size_t r = 0; r < in->n_res; r++)
                used[r] += pattern[k] * in->kind_dem[k * in->n_res + r];
        }
        for (size_t r = 0; r < in->n_res && fits; r++)
            fits = used[r] <= in->type_cap[(size_t)t * in->n_res + r];
        if (some && fits)
            add_column(lp, in, pattern, t, discount * pattern_cost(in, (size_t)t, pattern));
    }
    ent_free(used);
    ent_free(counts);
}

/* The LP's patterns (artificial columns left out) and their values, into in. */
static void keep_columns(glp_prob *lp, struct instance *in)
{
    int n = glp_get_num_cols(lp);
    int ind[MAX_KINDS + 2];
    double val[MAX_KINDS + 2];
    in->column = ent_calloc((size_t)n * in->n_kinds + 1, sizeof *in->column);
    in->column_type = ent_malloc(((size_t)n + 1) * sizeof *in->column_type);
    in->value = ent_malloc(((size_t)n + 1) * sizeof *in->value);
    in->n_columns = 0;
    for (int col = 1; col <= n; col++) {
        int len = glp_get_mat_col(lp, col, ind, val), type = -1;
        int64_t *pattern = in->column + in->n_columns * in->n_kinds;
        for (int i = 1; i <= len; i++) {
            if ((size_t)ind[i] > in->n_kinds)
                type = ind[i] - (int)in->n_kinds - 1;
            else
                pattern[ind[i] - 1] = llround(val[i]);
        }
        if (type < 0)
            continue; /* artificial */
        in->column_type[in->n_columns] = type;
        in->value[in->n_columns++] = glp_get_col_prim(lp, col);
    }
}

/* Generates patterns until none is worth more than a node or the time is up; the best
 * Lagrangian bound met, the last LP's columns kept in in. */
static double generate(const struct ent_pack *p, bool prefer_current, struct instance *in,
                       double deadline)
{
    glp_term_out(GLP_OFF);
    glp_prob *lp = master(in);
    if (prefer_current)
        add_current_columns(lp, p, in);
    glp_smcp sm;
    glp_init_smcp(&sm);
    sm.msg_lev = GLP_MSG_OFF;
    double dual[MAX_KINDS], value[MAX_KINDS], best_bound = -1;
    int64_t pattern[MAX_KINDS];
    struct pricer pr = {in,
                        value,
                        ent_malloc(MAX_KINDS * sizeof(size_t)),
                        0,
                        ent_malloc(MAX_KINDS * sizeof(size_t)),
                        ent_malloc(MAX_KINDS * in->n_res * sizeof(size_t)),
                        ent_malloc(in->n_res * sizeof(int64_t)),
                        ent_malloc(MAX_KINDS * sizeof(int64_t)),
                        ent_malloc(MAX_KINDS * sizeof(int64_t)),
                        0,
                        0,
                        false,
                        deadline};
    bool solved = glp_simplex(lp, &sm) == 0 && glp_get_status(lp) == GLP_OPT;
    while (solved) {
        double bound = 0;
        for (size_t k = 0; k < in->n_kinds; k++) {
            dual[k] = fmax(0, glp_get_row_dual(lp, (int)k + 1));
            bound += dual[k] * (double)in->kind_count[k];
        }
        bool added = false, exact = true, late = false;
        for (size_t t = 0; t < in->n_types && !(late = ent_now() > deadline); t++) {
            /* what a VM of each kind is worth on this type: its dual less its CPU's watts */
            for (size_t k = 0; k < in->n_kinds; k++)
                value[k] = dual[k] -
                           (in->cpu >= 0 ? in->type_slope[t] *
                                               (double)in->kind_dem[k * in->n_res + (size_t)in->cpu]
                                         : 0);
            double upper, worth = price(&pr, t, pattern, &upper), idle = in->type_idle[t];
            exact &= !pr.exhausted;
            bound += (double)in->type_count[t] * fmin(0, idle - upper);
            double type_dual = glp_get_row_dual(lp, (int)(in->n_kinds + t) + 1);
            if (worth > idle - type_dual + 1e-9 * (1 + idle)) {
                add_column(lp, in, pattern, (int)t, pattern_cost(in, t, pattern));
                added = true;
            }
        }
        if (late)
            break; /* not every type priced: no bound from these duals */
        if (bound > best_bound)
            best_bound = bound;
        if (!added) {
            if (exact && glp_get_obj_val(lp) > best_bound)
                best_bound = glp_get_obj_val(lp);
            in->optimal = exact;
            break;
        }
        solved = glp_simplex(lp, &sm) == 0 && glp_get_status(lp) == GLP_OPT;
        if (ent_now() > deadline)
            break;
    }
    if (solved)
        keep_columns(lp, in);
    ent_free(pr.order);
    ent_free(pr.rank);
    ent_free(pr.by_res);
    ent_free(pr.room);
    ent_free(pr.taken);
    ent_free(pr.best);
    glp_delete_prob(lp);
    return best_bound;
}

#define FEW_KINDS 12 /* the branch and bound prices these quickly in any number of resources */

/* Whether the pricing is exact and cheap: few kinds, or two resources whose capacity grid (by
 * the demands' common divisors) is small for the dynamic program. Elsewhere (arbitrary CPU
 * shares, many resources) the generation would spend its whole budget in every solve for a
 * bound it cannot prove: it is not tried. */
static bool pricing_cheap(const struct instance *in)
{
    if (in->n_kinds <= FEW_KINDS)
        return true;
    if (in->n_res != 2)
        return false;
    int64_t g0 = 0, g1 = 0;
    double pieces = 0;
    for (size_t k = 0; k < in->n_kinds; k++) {
        g0 = ent__gcd(g0, in->kind_dem[k * 2]);
        g1 = ent__gcd(g1, in->kind_dem[k * 2 + 1]);
        pieces += log2((double)in->kind_count[k] + 1) + 1;
    }
    g0 = g0 ? g0 : 1;
    g1 = g1 ? g1 : 1;
    for (size_t t = 0; t < in->n_types; t++) {
        double cells =
            (double)(in->type_cap[t * 2] / g0 + 1) * (double)(in->type_cap[t * 2 + 1] / g1 + 1);
        if (cells > DP_CELLS || cells * pieces > DP_STEPS)
            return false;
    }
    return true;
}

/* Whether the VMs' final CPU demands are the ones their watts are counted on (the model's). */
static bool watts_countable(const struct ent_pack *p, int cpu)
{
    for (size_t v = 0; v < p->n_vms; v++)
        if (p->target.vm_state[v] == ENT_VM_RUNNING &&
            p->dem[v * p->n_res + (size_t)cpu] != p->m->res[cpu].demand[v])
            return false;
    return true;
}

int ent__vector_lp(const struct ent_pack *p, bool residual, bool by_watts, double deadline,
                   struct ent_vector_lp *out)
{
    memset(out, 0, sizeof *out);
    out->n_res = p->n_res;
    out->bound = -1;
    out->cpu = by_watts ? ent_model_resource_index(p->m, "cpu") : -1;
    if (by_watts && (out->cpu < 0 || !watts_countable(p, out->cpu)))
        return -1;
    if (p->n_res < 2 || !vm_kinds(p, residual, out) || !node_types(p, residual, out) ||
        !pricing_cheap(out))
        return -1;
    out->bound = generate(p, residual, out, deadline);
    return out->bound >= 0 && out->column ? 0 : -1;
}

void ent__vector_lp_release(struct ent_vector_lp *lp)
{
    if (!lp)
        return;
    ent_free(lp->kind_dem);
    ent_free(lp->type_cap);
    ent_free(lp->column);
    ent_free(lp->column_type);
    ent_free(lp->value);
    ent_free(lp->node_type);
    memset(lp, 0, sizeof *lp);
}

int64_t ent__vector_bound(const struct ent_pack *p, double seconds)
{
    struct ent_vector_lp lp;
    int64_t bound = -1;
    if (ent__vector_lp(p, false, false, ent_now() + seconds, &lp) == 0 || lp.bound >= 0)
        bound = (int64_t)ceil(lp.bound - 1e-6);
    ent__vector_lp_release(&lp);
    return bound;
}
