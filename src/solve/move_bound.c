/* Lower bounds on the change a target with at most K active nodes needs: migrations and memory
 * moved. Every VM on a node left out of the target moves; a node kept sheds at least what takes
 * it back within its capacity (per resource: the fewest VMs, largest first; the least memory, by
 * fractional knapsack). Which nodes stay is relaxed to a linear program: x_n in [0, 1], at most K
 * of them, their capacities covering the final demand in every resource, the least moved; any
 * point of its dual bounds it, and a search over the few multipliers finds a tight one in O(nodes)
 * per step (GLPK's simplex takes a minute on 50,000 columns). Rounded up, it bounds every target
 * with at most K active nodes. */
#include "model/model.h"
#include "solve/bounds.h"
#include "solve/internal.h"
#include "solve/pack.h"
#include "util/alloc.h"

#include <math.h>
#include <stdlib.h>

struct item {
    double key;
    int64_t demand, memory;
};

static int cmp_key_desc(const void *a, const void *b)
{
    const struct item *x = a, *y = b;
    return (x->key < y->key) - (x->key > y->key);
}

/* Per node, the VMs that run on it now and still run in the target (CSR by node). */
struct residents {
    uint32_t *start;
    int32_t *vms;
};

static void residents_now(const struct ent_pack *p, struct residents *r)
{
    const struct ent_mapping *now = &p->m->map;
    r->start = ent_calloc(p->n_nodes + 2, sizeof *r->start);
    r->vms = ent_malloc((p->n_vms + 1) * sizeof *r->vms);
    for (size_t v = 0; v < p->n_vms; v++)
        if (now->vm_state[v] == ENT_VM_RUNNING && p->target.vm_state[v] == ENT_VM_RUNNING)
            r->start[now->vm_host[v] + 2]++;
    for (size_t n = 0; n < p->n_nodes; n++)
        r->start[n + 2] += r->start[n + 1];
    for (size_t v = 0; v < p->n_vms; v++)
        if (now->vm_state[v] == ENT_VM_RUNNING && p->target.vm_state[v] == ENT_VM_RUNNING)
            r->vms[r->start[now->vm_host[v] + 1]++] = (int32_t)v;
}

/* What node must shed to fit, if kept: *count VMs and *memory at least. */
static void shed(const struct ent_pack *p, const struct residents *rs, int32_t node, int mem,
                 struct item *items, int64_t *count, double *memory)
{
    size_t first = rs->start[node], n = rs->start[node + 1] - first;
    *count = 0;
    *memory = 0;
    for (size_t r = 0; r < p->n_res; r++) {
        int64_t excess = -p->cap[(size_t)node * p->n_res + r];
        for (size_t k = 0; k < n; k++)
            excess += p->dem[(size_t)rs->vms[first + k] * p->n_res + r];
        if (excess <= 0)
            continue;
        /* The fewest VMs: the largest demands first. */
        for (size_t k = 0; k < n; k++) {
            int32_t v = rs->vms[first + k];
            items[k] = (struct item){(double)p->dem[(size_t)v * p->n_res + r],
                                     p->dem[(size_t)v * p->n_res + r],
                                     mem >= 0 ? p->dem[(size_t)v * p->n_res + (size_t)mem] : 0};
        }
        qsort(items, n, sizeof *items, cmp_key_desc);
        int64_t left = excess, c = 0;
        for (size_t k = 0; k < n && left > 0; k++, c++)
            left -= items[k].demand;
        if (c > *count)
            *count = c;
        /* The least memory: the most demand per unit of memory first, the last one in part. */
        for (size_t k = 0; k < n; k++)
            items[k].key =
                items[k].memory > 0 ? (double)items[k].demand / (double)items[k].memory : HUGE_VAL;
        qsort(items, n, sizeof *items, cmp_key_desc);
        double m = 0;
        left = excess;
        for (size_t k = 0; k < n && left > 0; k++) {
            double share = items[k].demand > left ? (double)left / (double)items[k].demand : 1.0;
            m += share * (double)items[k].memory;
            left -= items[k].demand;
        }
        if (m > *memory)
            *memory = m;
    }
}

/* The sum of the k largest positive values of a[0..n) (a is reordered). */
static double top_sum(double *a, size_t n, int64_t k)
{
    size_t want = k < 0 ? 0 : (size_t)k < n ? (size_t)k : n, lo = 0, hi = n;
    while (hi - lo > 1 && want > lo && want < hi) { /* quickselect: a[0..want) the largest */
        double pivot = a[lo + (hi - lo) / 2];
        size_t i = lo, j = hi - 1;
        while (i <= j) {
            while (a[i] > pivot)
                i++;
            while (a[j] < pivot)
                j--;
            if (i <= j) {
                double t = a[i];
                a[i] = a[j];
                a[j] = t;
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (want <= j)
            hi = j + 1;
        else if (want >= i)
            lo = i;
        else
            break;
    }
    double sum = 0;
    for (size_t i = 0; i < want; i++)
        sum += a[i] > 0 ? a[i] : 0;
    return sum;
}

struct relaxation {
    const struct ent_pack *p;
    const double *benefit; /* per node, what keeping it saves */
    const double *demand;  /* per resource, the final demand to cover */
    int64_t k;
    double *mu, *scratch;
};

/* The dual function at mu: an upper bound on the most any k nodes covering the demand save
 * (weak duality; the multiplier of the count constraint is optimal in closed form). */
static double dual(struct relaxation *x)
{
    const struct ent_pack *p = x->p;
    size_t n = 0;
    for (size_t node = 0; node < p->n_nodes; node++) {
        if (!p->node_usable[node])
            continue;
        double a = x->benefit[node];
        for (size_t r = 0; r < p->n_res; r++)
            a += x->mu[r] * (double)p->cap[node * p->n_res + r];
        x->scratch[n++] = a;
    }
    double value = top_sum(x->scratch, n, x->k);
    for (size_t r = 0; r < p->n_res; r++)
        value -= x->mu[r] * x->demand[r];
    return value;
}

/* The least dual value found by ternary search along each multiplier in turn (the function is
 * convex); any value is a valid bound, the search only makes it tighter. */
static double most_saved(struct relaxation *x)
{
    const struct ent_pack *p = x->p;
    double best = dual(x), most = 1;
    for (size_t node = 0; node < p->n_nodes; node++)
        if (x->benefit[node] + 1 > most)
            most = x->benefit[node] + 1;
    for (int round = 0; round < 2; round++)
        for (size_t r = 0; r < p->n_res; r++) {
            int64_t smallest = 0;
            for (size_t node = 0; node < p->n_nodes; node++) {
                int64_t c = p->cap[node * p->n_res + r];
                if (c > 0 && (smallest == 0 || c < smallest))
                    smallest = c;
            }
            if (smallest == 0 || x->demand[r] <= 0)
                continue;
            double lo = 0, hi = 2 * most / (double)smallest;
            for (int step = 0; step < 30; step++) {
                double m1 = lo + (hi - lo) / 3, m2 = hi - (hi - lo) / 3;
                x->mu[r] = m1;
                double f1 = dual(x);
                x->mu[r] = m2;
                double f2 = dual(x);
                if (f1 < f2)
                    hi = m2;
                else
                    lo = m1;
            }
            x->mu[r] = (lo + hi) / 2;
            double f = dual(x);
            if (f < best)
                best = f;
            else
                x->mu[r] = 0; /* keep the multipliers of the best point found */
        }
    return best;
}

/* The least sum over nodes of all_n (left out) or kept_n (kept) for k nodes covering demand, as
 * bounded by the relaxation. */
static int64_t least_moved(const struct ent_pack *p, const double *all, const double *kept,
                           int64_t k, const double *demand)
{
    double constant = 0;
    double *benefit = ent_malloc((p->n_nodes + 1) * sizeof *benefit);
    for (size_t n = 0; n < p->n_nodes; n++) {
        constant += all[n];
        benefit[n] = all[n] - kept[n];
    }
    struct relaxation x = {p,
                           benefit,
                           demand,
                           k,
                           ent_calloc(p->n_res + 1, sizeof(double)),
                           ent_malloc((p->n_nodes + 1) * sizeof(double))};
    double bound = constant - most_saved(&x);
    ent_free(x.mu);
    ent_free(x.scratch);
    ent_free(benefit);
    return bound > 0 ? (int64_t)ceil(bound - 1e-6) : 0;
}

void ent_move_bound(const struct ent_pack *p, int64_t k, struct ent_move_bound *out)
{
    *out = (struct ent_move_bound){0, 0};
    int mem = ent_model_memory_resource(p->m);
    struct residents rs;
    residents_now(p, &rs);
    double *count_all = ent_calloc(p->n_nodes + 1, sizeof(double));
    double *count_kept = ent_calloc(p->n_nodes + 1, sizeof(double));
    double *mem_all = ent_calloc(p->n_nodes + 1, sizeof(double));
    double *mem_kept = ent_calloc(p->n_nodes + 1, sizeof(double));
    double *demand = ent_calloc(p->n_res + 1, sizeof(double));
    struct item *items = ent_malloc((p->n_vms + 1) * sizeof *items);
    for (size_t n = 0; n < p->n_nodes; n++) {
        for (uint32_t i = rs.start[n]; i < rs.start[n + 1]; i++)
            mem_all[n] += mem >= 0 ? (double)p->dem[(size_t)rs.vms[i] * p->n_res + (size_t)mem] : 0;
        count_all[n] = rs.start[n + 1] - rs.start[n];
        int64_t c;
        shed(p, &rs, (int32_t)n, mem, items, &c, &mem_kept[n]);
        count_kept[n] = (double)c;
    }
    ent_pack_total_demand(p, demand);
    out->migrations = least_moved(p, count_all, count_kept, k, demand);
    out->moved_memory = mem >= 0 ? least_moved(p, mem_all, mem_kept, k, demand) : 0;
    ent__pattern_move_bound(p, k, out); /* stronger where demands take few values */
    ent_free(items);
    ent_free(demand);
    ent_free(count_all);
    ent_free(count_kept);
    ent_free(mem_all);
    ent_free(mem_kept);
    ent_free(rs.start);
    ent_free(rs.vms);
}
