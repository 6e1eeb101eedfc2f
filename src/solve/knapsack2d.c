/* A bounded knapsack in two resources by dynamic programming over the capacity grid: the pricing
 * of the vector-packing LP (vector_lp.c) when its branch and bound would take too long (many VM
 * kinds, as on BtrPlace's std-perf: 142 of them). Demands and capacities are divided by each
 * resource's common divisor first (CPU in hundredths of a core and memory in MB are usually
 * multiples of a round number), and each item's count is split in powers of two, so that the grid
 * stays small and the program exact. */
#include "solve/internal.h"

#include "util/alloc.h"

#include <stdint.h>
#include <string.h>

#define MAX_PIECES 4096

int64_t ent__gcd(int64_t a, int64_t b)
{
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

struct piece {
    size_t item;
    int64_t copies, w0, w1;
    double value;
};

/* The items' counts split in powers of two (1, 2, 4, ..., the rest): 0/1 pieces; how many, 0
 * when more than MAX_PIECES. */
static size_t split(const struct ent_knapsack2d *k, int64_t g0, int64_t g1, struct piece *out)
{
    size_t n = 0;
    for (size_t i = 0; i < k->n_items; i++) {
        int64_t left = k->most[i];
        for (int64_t c = 1; left > 0; c *= 2) {
            int64_t take = c < left ? c : left;
            if (n == MAX_PIECES)
                return 0;
            out[n++] = (struct piece){i, take, take * (k->w0[i] / g0), take * (k->w1[i] / g1),
                                      (double)take * k->value[i]};
            left -= take;
        }
    }
    return n;
}

bool ent__knapsack2d(const struct ent_knapsack2d *k, int64_t *taken, double *best)
{
    int64_t g0 = 0, g1 = 0;
    for (size_t i = 0; i < k->n_items; i++) {
        g0 = ent__gcd(g0, k->w0[i]);
        g1 = ent__gcd(g1, k->w1[i]);
    }
    g0 = g0 ? g0 : 1;
    g1 = g1 ? g1 : 1;
    int64_t c0 = k->cap0 / g0, c1 = k->cap1 / g1;
    if (c0 < 0 || c1 < 0 || (double)(c0 + 1) * (double)(c1 + 1) > (double)k->max_cells)
        return false;
    struct piece *pieces = ent_malloc(MAX_PIECES * sizeof *pieces);
    size_t n = split(k, g0, g1, pieces);
    size_t width = (size_t)c1 + 1, cells = ((size_t)c0 + 1) * width;
    if (n == 0 || (double)n * (double)cells > (double)k->max_steps) {
        ent_free(pieces);
        return false;
    }
    double *f = ent_calloc(cells, sizeof *f);
    uint8_t *keep = ent_calloc((n * cells + 7) / 8, 1);
    for (size_t p = 0; p < n; p++) {
        const struct piece *pc = &pieces[p];
        for (int64_t x0 = c0; x0 >= pc->w0; x0--)
            for (int64_t x1 = c1; x1 >= pc->w1; x1--) {
                size_t at = (size_t)x0 * width + (size_t)x1;
                double with = f[(size_t)(x0 - pc->w0) * width + (size_t)(x1 - pc->w1)] + pc->value;
                if (with > f[at] + 1e-12) {
                    f[at] = with;
                    size_t bit = p * cells + at;
                    keep[bit / 8] |= (uint8_t)(1u << (bit % 8));
                }
            }
    }
    memset(taken, 0, k->n_items * sizeof *taken);
    int64_t x0 = c0, x1 = c1;
    for (size_t p = n; p-- > 0;) {
        size_t bit = p * cells + (size_t)x0 * width + (size_t)x1;
        if (keep[bit / 8] & (1u << (bit % 8))) {
            taken[pieces[p].item] += pieces[p].copies;
            x0 -= pieces[p].w0;
            x1 -= pieces[p].w1;
        }
    }
    *best = f[cells - 1];
    ent_free(f);
    ent_free(keep);
    ent_free(pieces);
    return true;
}
