/* Free-capacity buckets, split by a second resource. */
#include "solve/freeindex.h"

#include "solve/pack.h"
#include "util/alloc.h"

#include <string.h>

#define N_SUB 16 /* buckets of the second resource within each of the first */

static int64_t free_in(const struct ent_freeindex *fi, int32_t node, int res)
{
    size_t i = (size_t)node * fi->p->n_res + (size_t)res;
    int64_t f = fi->p->cap[i] - fi->p->used[i];
    return f > 0 ? f : 0;
}

static size_t bucket_of(int64_t amount, int64_t width, size_t n)
{
    size_t b = (size_t)(amount / width);
    return b < n ? b : n - 1;
}

static size_t cell_of(const struct ent_freeindex *fi, int32_t node)
{
    size_t b = bucket_of(free_in(fi, node, fi->res), fi->width, fi->n_buckets);
    size_t s = fi->res2 < 0 ? 0 : bucket_of(free_in(fi, node, fi->res2), fi->width2, fi->n_sub);
    return b * fi->n_sub + s;
}

static int64_t largest_capacity(const struct ent_pack *p, int res)
{
    int64_t maxcap = 1;
    for (size_t n = 0; n < p->n_nodes; n++)
        if (p->cap[n * p->n_res + (size_t)res] > maxcap)
            maxcap = p->cap[n * p->n_res + (size_t)res];
    return maxcap;
}

int ent_freeindex_tightest(const struct ent_pack *p, int res)
{
    int best = -1;
    double best_share = -1;
    for (size_t r = 0; r < p->n_res; r++) {
        if ((int)r == res)
            continue;
        double dem = 0, cap = 1;
        for (size_t v = 0; v < p->n_vms; v++)
            dem += (double)p->dem[v * p->n_res + r];
        for (size_t n = 0; n < p->n_nodes; n++)
            cap += (double)p->cap[n * p->n_res + r];
        if (dem / cap > best_share) {
            best_share = dem / cap;
            best = (int)r;
        }
    }
    return best;
}

void ent_freeindex_init(struct ent_freeindex *fi, const struct ent_pack *p, int res,
                        size_t n_buckets)
{
    memset(fi, 0, sizeof *fi);
    fi->p = p;
    fi->res = res;
    fi->res2 = ent_freeindex_tightest(p, res);
    fi->width = largest_capacity(p, res) / (int64_t)n_buckets + 1;
    fi->n_buckets = n_buckets;
    fi->n_sub = fi->res2 < 0 ? 1 : N_SUB;
    fi->width2 = fi->res2 < 0 ? 1 : largest_capacity(p, fi->res2) / N_SUB + 1;
    size_t cells = n_buckets * fi->n_sub;
    fi->head = ent_malloc(cells * sizeof *fi->head);
    memset(fi->head, 0xff, cells * sizeof *fi->head);
    fi->count = ent_calloc(n_buckets, sizeof *fi->count);
    fi->next = ent_malloc((p->n_nodes + 1) * sizeof *fi->next);
    fi->prev = ent_malloc((p->n_nodes + 1) * sizeof *fi->prev);
    fi->cell = ent_malloc((p->n_nodes + 1) * sizeof *fi->cell);
    memset(fi->cell, 0xff, (p->n_nodes + 1) * sizeof *fi->cell);
}

void ent_freeindex_release(struct ent_freeindex *fi)
{
    if (!fi)
        return;
    ent_free(fi->head);
    ent_free(fi->count);
    ent_free(fi->next);
    ent_free(fi->prev);
    ent_free(fi->cell);
    memset(fi, 0, sizeof *fi);
}

int ent_freeindex_contains(const struct ent_freeindex *fi, int32_t node)
{
    return fi->cell[node] >= 0;
}

void ent_freeindex_add(struct ent_freeindex *fi, int32_t node)
{
    if (fi->cell[node] >= 0)
        return;
    size_t c = cell_of(fi, node);
    fi->cell[node] = (int32_t)c;
    fi->count[c / fi->n_sub]++;
    fi->prev[node] = -1;
    fi->next[node] = fi->head[c];
    if (fi->head[c] >= 0)
        fi->prev[fi->head[c]] = node;
    fi->head[c] = node;
}

void ent_freeindex_remove(struct ent_freeindex *fi, int32_t node)
{
    int32_t c = fi->cell[node];
    if (c < 0)
        return;
    if (fi->prev[node] >= 0)
        fi->next[fi->prev[node]] = fi->next[node];
    else
        fi->head[c] = fi->next[node];
    if (fi->next[node] >= 0)
        fi->prev[fi->next[node]] = fi->prev[node];
    fi->count[(size_t)c / fi->n_sub]--;
    fi->cell[node] = -1;
}

void ent_freeindex_update(struct ent_freeindex *fi, int32_t node)
{
    if (fi->cell[node] < 0)
        return;
    if ((size_t)fi->cell[node] == cell_of(fi, node))
        return;
    ent_freeindex_remove(fi, node);
    ent_freeindex_add(fi, node);
}

int32_t ent_freeindex_best_fit(const struct ent_freeindex *fi, int32_t vm, int32_t exclude)
{
    const int64_t *dem = fi->p->dem + (size_t)vm * fi->p->n_res;
    size_t first_sub = fi->res2 < 0 ? 0 : bucket_of(dem[fi->res2], fi->width2, fi->n_sub);
    for (size_t b = bucket_of(dem[fi->res], fi->width, fi->n_buckets); b < fi->n_buckets; b++) {
        if (fi->count[b] == 0)
            continue;
        for (size_t s = first_sub; s < fi->n_sub; s++)
            for (int32_t n = fi->head[b * fi->n_sub + s]; n >= 0; n = fi->next[n])
                if (n != exclude && ent_pack_fits(fi->p, vm, n))
                    return n;
    }
    return -1;
}

size_t ent_freeindex_roomiest(const struct ent_freeindex *fi, int32_t *out, size_t max)
{
    size_t n = 0;
    for (size_t b = fi->n_buckets; b-- > 0 && n < max;) {
        if (fi->count[b] == 0)
            continue;
        for (size_t s = fi->n_sub; s-- > 0 && n < max;)
            for (int32_t node = fi->head[b * fi->n_sub + s]; node >= 0 && n < max;
                 node = fi->next[node])
                out[n++] = node;
    }
    return n;
}
