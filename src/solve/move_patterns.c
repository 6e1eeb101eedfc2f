/* A bound on the change that knows VMs are indivisible, where the demands in one resource take
 * few values (patterns.c lists the maximal ways to fill a node). A target with at most K active
 * nodes gives each active node a fill dominated by some pattern; a node keeps at most, of the VMs
 * it hosts now, min(pattern count, VMs now) of each size; the patterns together cover every VM.
 * The largest total kept under those rules bounds what any target keeps. Relaxing the cover and
 * the count of nodes with multipliers (Lagrange) leaves each node to pick its best pattern alone;
 * any multipliers give a valid bound, and a subgradient search (Polyak's step towards the kept
 * total of the target found) makes it tight. Nodes alike (same capacity, same VMs now by size) are
 * evaluated once. */
#include "model/model.h"
#include "solve/bounds.h"
#include "solve/internal.h"
#include "solve/pack.h"
#include "util/alloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STEPS 3000
#define MAX_WORK  200000000.0 /* pattern evaluations over the search */

/* Nodes alike: row = [class, VMs now with no demand, VMs now of each size], weight = how many. */
struct groups {
    size_t width, n;
    int32_t *rows;
    int64_t *weight;
};

struct lagrange {
    const struct ent_fill_patterns *fp;
    const struct groups *g;
    const double *value; /* what keeping one VM of each size is worth (1, or its memory) */
    double free_value;   /* what keeping a VM with no demand in the resource is worth */
    int64_t k;
    double *lambda, mu; /* multipliers: the cover of each size, the count of nodes */
    double *used;       /* at the last evaluation: patterns' counts of each size, summed */
    double active;      /* and the nodes active */
};

static int32_t size_index(const struct ent_fill_patterns *fp, int64_t demand)
{
    for (size_t i = 0; i < fp->n_sizes; i++)
        if (fp->size[i] == demand)
            return (int32_t)i;
    return -1;
}

static int32_t class_index(const struct ent_fill_patterns *fp, int64_t cap)
{
    for (size_t k = 0; k < fp->n_classes; k++)
        if (fp->class_cap[k] == cap)
            return (int32_t)k;
    return -1;
}

static int cmp_rows(const void *a, const void *b, void *arg)
{
    return memcmp(a, b, *(const size_t *)arg * sizeof(int32_t));
}

static void group_nodes(const struct ent_pack *p, int res, const struct ent_fill_patterns *fp,
                        struct groups *g)
{
    const struct ent_mapping *now = &p->m->map;
    g->width = fp->n_sizes + 2;
    int32_t *rows = ent_calloc((p->n_nodes + 1) * g->width, sizeof *rows);
    for (size_t n = 0; n < p->n_nodes; n++)
        rows[n * g->width] =
            p->node_usable[n] ? class_index(fp, p->cap[n * p->n_res + (size_t)res]) : -1;
    for (size_t v = 0; v < p->n_vms; v++) {
        if (now->vm_state[v] != ENT_VM_RUNNING || p->target.vm_state[v] != ENT_VM_RUNNING)
            continue;
        int32_t *row = rows + (size_t)now->vm_host[v] * g->width;
        int64_t d = p->dem[v * p->n_res + (size_t)res];
        row[d > 0 ? 2 + size_index(fp, d) : 1]++;
    }
    qsort_r(rows, p->n_nodes, g->width * sizeof *rows, cmp_rows, &g->width);
    g->rows = ent_malloc((p->n_nodes + 1) * g->width * sizeof *g->rows);
    g->weight = ent_malloc((p->n_nodes + 1) * sizeof *g->weight);
    g->n = 0;
    for (size_t n = 0; n < p->n_nodes; n++) {
        const int32_t *row = rows + n * g->width;
        if (row[0] < 0)
            continue; /* not usable: keeps nothing */
        if (g->n > 0 && memcmp(g->rows + (g->n - 1) * g->width, row, g->width * sizeof *row) == 0) {
            g->weight[g->n - 1]++;
            continue;
        }
        memcpy(g->rows + g->n * g->width, row, g->width * sizeof *row);
        g->weight[g->n++] = 1;
    }
    ent_free(rows);
}

/* The Lagrangian at the current multipliers: an upper bound on what any target keeps. */
static double evaluate(struct lagrange *x)
{
    const struct ent_fill_patterns *fp = x->fp;
    size_t d = fp->n_sizes;
    double total = x->mu * (double)x->k;
    for (size_t i = 0; i < d; i++) {
        total -= x->lambda[i] * (double)fp->count[i];
        x->used[i] = 0;
    }
    x->active = 0;
    for (size_t gi = 0; gi < x->g->n; gi++) {
        const int32_t *row = x->g->rows + gi * x->g->width, *home = row + 2;
        size_t cls = (size_t)row[0];
        double best = -1;
        const int *chosen = NULL;
        for (size_t j = fp->start[cls]; j < fp->start[cls + 1]; j++) {
            const int *pat = fp->patterns + j * d;
            double v = 0;
            for (size_t i = 0; i < d; i++)
                v += x->value[i] * (pat[i] < home[i] ? pat[i] : home[i]) + x->lambda[i] * pat[i];
            if (v > best) {
                best = v;
                chosen = pat;
            }
        }
        double gain = x->free_value * row[1] + best - x->mu;
        if (!chosen || gain <= 0)
            continue;
        double w = (double)x->g->weight[gi];
        total += w * gain;
        x->active += w;
        for (size_t i = 0; i < d; i++)
            x->used[i] += w * chosen[i];
    }
    return total;
}

/* The least Lagrangian found, stopping once it cannot beat `kept` (the target's) by a whole VM. */
static double least_upper(struct lagrange *x, double kept, double unit)
{
    const struct ent_fill_patterns *fp = x->fp;
    size_t d = fp->n_sizes, work = 1;
    for (size_t gi = 0; gi < x->g->n; gi++)
        work +=
            fp->start[x->g->rows[gi * x->g->width] + 1] - fp->start[x->g->rows[gi * x->g->width]];
    double steps = MAX_WORK / ((double)work * (double)d);
    steps = fmin(fmax(steps, 1), MAX_STEPS);
    double best = HUGE_VAL, theta = 2;
    int stale = 0;
    for (int s = 0; s < (int)steps && theta > 1e-4; s++) {
        double value = evaluate(x);
        if (value < best - 1e-9) {
            best = value;
            stale = 0;
        } else if (++stale == 10) {
            theta /= 2;
            stale = 0;
        }
        if (best - kept < unit - 1e-6)
            break; /* the target keeps the most possible */
        double norm = ((double)x->k - x->active) * ((double)x->k - x->active);
        for (size_t i = 0; i < d; i++)
            norm += (x->used[i] - (double)fp->count[i]) * (x->used[i] - (double)fp->count[i]);
        if (norm <= 0)
            break; /* at a point where every relaxed constraint is tight: an optimum */
        double t = theta * (value - kept) / norm;
        for (size_t i = 0; i < d; i++)
            x->lambda[i] = fmax(0, x->lambda[i] - t * (x->used[i] - (double)fp->count[i]));
        x->mu = fmax(0, x->mu - t * ((double)x->k - x->active));
    }
    return best;
}

void ent__pattern_move_bound(const struct ent_pack *p, int64_t k, struct ent_move_bound *out)
{
    const struct ent_mapping *now = &p->m->map;
    int mem = ent_model_memory_resource(p->m);
    /* What moves at most (every VM running now and in the target), and what the target keeps. */
    double all = 0, all_mem = 0, kept = 0, kept_mem = 0;
    for (size_t v = 0; v < p->n_vms; v++) {
        if (now->vm_state[v] != ENT_VM_RUNNING || p->target.vm_state[v] != ENT_VM_RUNNING)
            continue;
        double m = mem >= 0 ? (double)p->dem[v * p->n_res + (size_t)mem] : 0;
        int stays = now->vm_host[v] == p->target.vm_host[v];
        all += 1;
        all_mem += m;
        kept += stays;
        kept_mem += stays ? m : 0;
    }
    for (size_t r = 0; r < p->n_res; r++) {
        struct ent_fill_patterns fp;
        if (ent__fill_patterns(p, (int)r, &fp))
            continue;
        struct groups g;
        group_nodes(p, (int)r, &fp, &g);
        double ones[ENT_FILL_MAX_SIZES], sizes[ENT_FILL_MAX_SIZES];
        for (size_t i = 0; i < fp.n_sizes; i++) {
            ones[i] = 1;
            sizes[i] = (double)fp.size[i];
        }
        struct lagrange x = {&fp,  &g,
                             ones, 1,
                             k,    ent_calloc(fp.n_sizes, sizeof(double)),
                             0,    ent_calloc(fp.n_sizes, sizeof(double)),
                             0};
        int64_t moves = (int64_t)ceil(all - least_upper(&x, kept, 1) - 1e-6);
        if (moves > out->migrations)
            out->migrations = moves;
        if ((int)r == mem) { /* the memory kept: sizes are the memory itself */
            x = (struct lagrange){&fp, &g, sizes, 0, k, x.lambda, 0, x.used, 0};
            memset(x.lambda, 0, fp.n_sizes * sizeof *x.lambda);
            int64_t moved = (int64_t)ceil(all_mem - least_upper(&x, kept_mem, 1) - 1e-6);
            if (moved > out->moved_memory)
                out->moved_memory = moved;
        }
        ent_free(x.lambda);
        ent_free(x.used);
        ent_free(g.rows);
        ent_free(g.weight);
        ent__fill_patterns_release(&fp);
    }
}
