/* Lower bounds. */
#include "solve/bounds.h"
#include "solve/internal.h"

#include "solve/pack.h"
#include "util/alloc.h"

#include <stdlib.h>

static int cmp_i64_desc(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x < y) - (x > y);
}

/* Fewest nodes, largest capacities first, to cover total. caps sorted decreasing. */
static int64_t volume_bound(const int64_t *caps, size_t n, int64_t total)
{
    int64_t covered = 0, k = 0;
    while (covered < total && (size_t)k < n)
        covered += caps[k++];
    return covered >= total ? k : k + 1; /* +1: even every node is not enough */
}

/* How many of the items (sorted decreasing) are greater than x. */
static size_t count_greater(const int64_t *items, size_t n, int64_t x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (items[mid] > x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Martello-Toth L2 for items (sorted decreasing) in bins of capacity c. For each threshold k in
 * [0, c/2]: items above c-k need a bin alone; items in (c/2, c-k] need one each too; items in
 * [k, c/2] fill what those leave, then whole bins. Prefix sums make each threshold O(log n). */
static int64_t mt_l2(const int64_t *items, size_t n, int64_t c)
{
    if (c <= 0 || n == 0)
        return 0;
    int64_t *prefix = ent_malloc((n + 1) * sizeof *prefix);
    prefix[0] = 0;
    for (size_t i = 0; i < n; i++)
        prefix[i + 1] = prefix[i] + items[i];
    size_t big = count_greater(items, n, c / 2);
    int64_t best = 0;
    for (size_t t = 0; t <= n; t++) {
        int64_t k = t == n ? 0 : items[t];
        if (k > c / 2 || (t > 0 && t < n && items[t] == items[t - 1]))
            continue;
        size_t j1 = count_greater(items, n, c - k);
        size_t at_least_k = k > 0 ? count_greater(items, n, k - 1) : n;
        int64_t j2 = (int64_t)(big - j1);
        int64_t sum2 = prefix[big] - prefix[j1];
        int64_t sum3 = prefix[at_least_k] - prefix[big];
        int64_t room = j2 * c - sum2;
        int64_t extra = sum3 > room ? (sum3 - room + c - 1) / c : 0;
        if ((int64_t)j1 + j2 + extra > best)
            best = (int64_t)j1 + j2 + extra;
    }
    ent_free(prefix);
    return best;
}

void ent_lower_bound(const struct ent_pack *p, struct ent_bound *out)
{
    *out = (struct ent_bound){0, 0, 0, -1, -1, -1, -1};
    size_t n_nodes = 0, n_items = 0;
    int64_t *caps = ent_malloc((p->n_nodes + 1) * sizeof *caps);
    int64_t *items = ent_malloc((p->n_vms + 1) * sizeof *items);
    for (size_t r = 0; r < p->n_res; r++) {
        n_nodes = n_items = 0;
        int64_t total = 0;
        for (size_t n = 0; n < p->n_nodes; n++)
            if (p->node_usable[n])
                caps[n_nodes++] = p->cap[n * p->n_res + r];
        for (size_t v = 0; v < p->n_vms; v++)
            if (p->target.vm_state[v] == ENT_VM_RUNNING) {
                int64_t d = p->dem[v * p->n_res + r];
                total += d;
                if (d > 0)
                    items[n_items++] = d;
            }
        qsort(caps, n_nodes, sizeof *caps, cmp_i64_desc);
        qsort(items, n_items, sizeof *items, cmp_i64_desc);
        int64_t l1 = volume_bound(caps, n_nodes, total);
        int64_t l2 = mt_l2(items, n_items, n_nodes ? caps[0] : 0);
        int64_t b = l1 > l2 ? l1 : l2;
        int64_t pat = n_items ? ent__pattern_bound(p, (int)r, 0.2) : -1;
        if (pat > out->pattern)
            out->pattern = pat;
        if (pat > b)
            b = pat;
        if (l1 > out->l1)
            out->l1 = l1;
        if (l2 > out->l2)
            out->l2 = l2;
        if (b > out->nodes || out->resource < 0) {
            out->nodes = b > out->nodes ? b : out->nodes;
            out->resource = (int)r;
        }
    }
    out->joint = ent__joint_bound(p, 0.2);
    if (out->joint > out->nodes)
        out->nodes = out->joint;
    out->vector = ent__vector_bound(p, 0.3);

    if (out->vector > out->nodes)
        out->nodes = out->vector;
    /* Any running VM needs one node at least. */
    for (size_t v = 0; v < p->n_vms && out->nodes == 0; v++)
        if (p->target.vm_state[v] == ENT_VM_RUNNING)
            out->nodes = 1;
    ent_free(caps);
    ent_free(items);
}
