/* Free-capacity buckets. */
#include "solve/freeindex.h"

#include "solve/pack.h"
#include "util/alloc.h"

#include <string.h>

static int64_t free_of(const struct ent_freeindex *fi, int32_t node)
{
    size_t i = (size_t)node * fi->p->n_res + (size_t)fi->res;
    int64_t f = fi->p->cap[i] - fi->p->used[i];
    return f > 0 ? f : 0;
}

static size_t bucket_of(const struct ent_freeindex *fi, int64_t amount)
{
    size_t b = (size_t)(amount / fi->width);
    return b < fi->n_buckets ? b : fi->n_buckets - 1;
}

void ent_freeindex_init(struct ent_freeindex *fi, const struct ent_pack *p, int res,
                        size_t n_buckets)
{
    memset(fi, 0, sizeof *fi);
    fi->p = p;
    fi->res = res;
    int64_t maxcap = 1;
    for (size_t n = 0; n < p->n_nodes; n++)
        if (p->cap[n * p->n_res + (size_t)res] > maxcap)
            maxcap = p->cap[n * p->n_res + (size_t)res];
    fi->width = maxcap / (int64_t)n_buckets + 1;
    fi->n_buckets = n_buckets;
    fi->head = ent_malloc(n_buckets * sizeof *fi->head);
    memset(fi->head, 0xff, n_buckets * sizeof *fi->head);
    fi->next = ent_malloc((p->n_nodes + 1) * sizeof *fi->next);
    fi->prev = ent_malloc((p->n_nodes + 1) * sizeof *fi->prev);
    fi->bucket = ent_malloc((p->n_nodes + 1) * sizeof *fi->bucket);
    memset(fi->bucket, 0xff, (p->n_nodes + 1) * sizeof *fi->bucket);
}

void ent_freeindex_release(struct ent_freeindex *fi)
{
    if (!fi)
        return;
    ent_free(fi->head);
    ent_free(fi->next);
    ent_free(fi->prev);
    ent_free(fi->bucket);
    memset(fi, 0, sizeof *fi);
}

int ent_freeindex_contains(const struct ent_freeindex *fi, int32_t node)
{
    return fi->bucket[node] >= 0;
}

void ent_freeindex_add(struct ent_freeindex *fi, int32_t node)
{
    if (fi->bucket[node] >= 0)
        return;
    size_t b = bucket_of(fi, free_of(fi, node));
    fi->bucket[node] = (int32_t)b;
    fi->prev[node] = -1;
    fi->next[node] = fi->head[b];
    if (fi->head[b] >= 0)
        fi->prev[fi->head[b]] = node;
    fi->head[b] = node;
}

void ent_freeindex_remove(struct ent_freeindex *fi, int32_t node)
{
    int32_t b = fi->bucket[node];
    if (b < 0)
        return;
    if (fi->prev[node] >= 0)
        fi->next[fi->prev[node]] = fi->next[node];
    else
        fi->head[b] = fi->next[node];
    if (fi->next[node] >= 0)
        fi->prev[fi->next[node]] = fi->prev[node];
    fi->bucket[node] = -1;
}

void ent_freeindex_update(struct ent_freeindex *fi, int32_t node)
{
    if (fi->bucket[node] < 0)
        return;
    if ((size_t)fi->bucket[node] == bucket_of(fi, free_of(fi, node)))
        return;
    ent_freeindex_remove(fi, node);
    ent_freeindex_add(fi, node);
}

int32_t ent_freeindex_best_fit(const struct ent_freeindex *fi, int32_t vm, int32_t exclude)
{
    int64_t need = fi->p->dem[(size_t)vm * fi->p->n_res + (size_t)fi->res];
    for (size_t b = bucket_of(fi, need); b < fi->n_buckets; b++) {
        int32_t best = -1;
        int64_t best_free = 0;
        for (int32_t n = fi->head[b]; n >= 0; n = fi->next[n]) {
            if (n == exclude || !ent_pack_fits(fi->p, vm, n))
                continue;
            int64_t f = free_of(fi, n);
            if (best < 0 || f < best_free || (f == best_free && n < best)) {
                best = n;
                best_free = f;
            }
        }
        if (best >= 0)
            return best;
    }
    return -1;
}
