/* An index of nodes by free capacity: buckets of equal width of one resource (the binding one),
 * each split by the free capacity of a second resource, so that best-fit searches look only at
 * nodes with enough room in both instead of scanning the whole cluster. */
#ifndef ENT_SOLVE_FREEINDEX_H
#define ENT_SOLVE_FREEINDEX_H

#include <stddef.h>
#include <stdint.h>

struct ent_pack;

struct ent_freeindex {
    const struct ent_pack *p;
    int res, res2;           /* the resources nodes are bucketed by (res2 -1: only res) */
    int64_t width, width2;   /* of a bucket, in units of res and res2 */
    size_t n_buckets, n_sub; /* buckets of res, and of res2 within each */
    int32_t *head;           /* per cell (bucket * n_sub + sub), first node or -1 */
    uint32_t *count;         /* per bucket of res, nodes in it */
    int32_t *next, *prev;    /* per node, in its cell's list */
    int32_t *cell;           /* per node, -1 when not indexed */
};

/* The resource other than except (-1: none) whose demand fills the largest share of its
 * capacity; -1 when there is none. */
int ent_freeindex_tightest(const struct ent_pack *p, int except);
void ent_freeindex_init(struct ent_freeindex *fi, const struct ent_pack *p, int res,
                        size_t n_buckets);
void ent_freeindex_release(struct ent_freeindex *fi);
void ent_freeindex_add(struct ent_freeindex *fi, int32_t node);
void ent_freeindex_remove(struct ent_freeindex *fi, int32_t node);
/* Call after the node's use changed. */
void ent_freeindex_update(struct ent_freeindex *fi, int32_t node);
int ent_freeindex_contains(const struct ent_freeindex *fi, int32_t node);
/* An indexed node other than exclude where vm fits, from the first cell that has one (least free
 * capacity of the index's resource, to a bucket's width, then of the second); -1 when none. */
int32_t ent_freeindex_best_fit(const struct ent_freeindex *fi, int32_t vm, int32_t exclude);

/* Up to max indexed nodes, the most free capacity of the index's resource first (to a bucket's
 * width); returns how many went into out. */
size_t ent_freeindex_roomiest(const struct ent_freeindex *fi, int32_t *out, size_t max);

#endif
