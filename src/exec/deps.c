/* Dependencies between planned actions, as prefixes of per-node orders. */
#include "exec/deps.h"

#include "model/plan.h"
#include "util/alloc.h"

#include <stdlib.h>

static int action_nodes(const struct ent_action *a, int32_t out[ENT_EXEC_NODES_MAX])
{
    int32_t cand[3] = {a->from, a->to, a->node};
    int n = 0;
    for (int i = 0; i < 3; i++) {
        int seen = cand[i] < 0;
        for (int j = 0; j < n && !seen; j++)
            seen = out[j] == cand[i];
        if (!seen)
            out[n++] = cand[i];
    }
    return n;
}

static int cmp_end(const void *x, const void *y, void *arg)
{
    const struct ent_plan *plan = arg;
    size_t i = *(const size_t *)x, j = *(const size_t *)y;
    const struct ent_action *a = &plan->actions[i], *b = &plan->actions[j];
    if (a->end != b->end)
        return a->end < b->end ? -1 : 1;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    return i < j ? -1 : i > j;
}

void ent_exec_deps_build(struct ent_exec_deps *d, const struct ent_plan *plan, size_t n_nodes)
{
    size_t n = plan->len;
    d->n_nodes = n_nodes;
    d->start = ent_calloc(n_nodes + 1, sizeof *d->start);
    d->done = ent_calloc(n_nodes + 1, sizeof *d->done);
    d->ok = ent_calloc(n + 1, 1);
    d->nodes = ent_calloc(n + 1, sizeof *d->nodes);
    d->need = ent_calloc(n + 1, sizeof *d->need);
    d->n_action_nodes = ent_calloc(n + 1, 1);
    for (size_t a = 0; a < n; a++) {
        d->n_action_nodes[a] = (unsigned char)action_nodes(&plan->actions[a], d->nodes[a]);
        for (int j = 0; j < d->n_action_nodes[a]; j++)
            d->start[d->nodes[a][j] + 1]++;
    }
    for (size_t k = 0; k < n_nodes; k++)
        d->start[k + 1] += d->start[k];
    d->order = ent_calloc(d->start[n_nodes] + 1, sizeof *d->order);
    size_t *fill = ent_calloc(n_nodes + 1, sizeof *fill);
    for (size_t a = 0; a < n; a++)
        for (int j = 0; j < d->n_action_nodes[a]; j++) {
            int32_t k = d->nodes[a][j];
            d->order[d->start[k] + fill[k]++] = a;
        }
    ent_free(fill);
    for (size_t k = 0; k < n_nodes; k++)
        qsort_r(d->order + d->start[k], d->start[k + 1] - d->start[k], sizeof *d->order, cmp_end,
                (void *)plan);
    /* An action waits for the entries before it whose end is at most its start. */
    for (size_t k = 0; k < n_nodes; k++) {
        size_t lo = d->start[k], hi = d->start[k + 1];
        for (size_t p = lo; p < hi; p++) {
            size_t a = d->order[p];
            int64_t s = plan->actions[a].start;
            size_t below = lo; /* entries with end <= s: a prefix, the order being by end */
            size_t l = lo, r = hi;
            while (l < r) {
                size_t mid = l + (r - l) / 2;
                if (plan->actions[d->order[mid]].end <= s)
                    l = mid + 1;
                else
                    r = mid;
            }
            below = l;
            size_t need = (below < p ? below : p) - lo;
            for (int j = 0; j < d->n_action_nodes[a]; j++)
                if (d->nodes[a][j] == (int32_t)k)
                    d->need[a][j] = need;
        }
    }
}

void ent_exec_deps_release(struct ent_exec_deps *d)
{
    if (!d)
        return;
    ent_free(d->start);
    ent_free(d->order);
    ent_free(d->done);
    ent_free(d->ok);
    ent_free(d->nodes);
    ent_free(d->need);
    ent_free(d->n_action_nodes);
}

int ent_exec_deps_ready(const struct ent_exec_deps *d, size_t action)
{
    for (int j = 0; j < d->n_action_nodes[action]; j++)
        if (d->done[d->nodes[action][j]] < d->need[action][j])
            return 0;
    return 1;
}

void ent_exec_deps_done(struct ent_exec_deps *d, size_t action)
{
    d->ok[action] = 1;
    for (int j = 0; j < d->n_action_nodes[action]; j++) {
        int32_t k = d->nodes[action][j];
        while (d->start[k] + d->done[k] < d->start[k + 1] &&
               d->ok[d->order[d->start[k] + d->done[k]]])
            d->done[k]++;
    }
}
