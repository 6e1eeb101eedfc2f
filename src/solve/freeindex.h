/* An index of nodes by free capacity of one resource (buckets of equal width), so that best-fit
 * searches look only at nodes with enough room instead of scanning the whole cluster. */
#ifndef ENT_SOLVE_FREEINDEX_H
#define ENT_SOLVE_FREEINDEX_H

#include <stddef.h>
#include <stdint.h>

struct ent_pack;

struct ent_freeindex {
    const struct ent_pack *p;
    int res;       /* the resource nodes are bucketed by */
    int64_t width; /* of a bucket, in units of res */
    size_t n_buckets;
    int32_t *head;        /* per bucket, first node or -1 */
    int32_t *next, *prev; /* per node, in its bucket's list */
    int32_t *bucket;      /* per node, -1 when not indexed */
};

void ent_freeindex_init(struct ent_freeindex *fi, const struct ent_pack *p, int res,
                        size_t n_buckets);
void ent_freeindex_release(struct ent_freeindex *fi);
void ent_freeindex_add(struct ent_freeindex *fi, int32_t node);
void ent_freeindex_remove(struct ent_freeindex *fi, int32_t node);
/* Call after the node's use changed. */
void ent_freeindex_update(struct ent_freeindex *fi, int32_t node);
int ent_freeindex_contains(const struct ent_freeindex *fi, int32_t node);
/* An indexed node other than exclude where vm fits, with the least free capacity of the index's
 * resource among those of the first bucket that has one; -1 when none. */
int32_t ent_freeindex_best_fit(const struct ent_freeindex *fi, int32_t vm, int32_t exclude);

#endif
