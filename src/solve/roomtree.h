/* A tournament tree over nodes in a fixed order keeping, per resource, the most free room in each
 * subtree, so that first fit finds the first node with room without scanning the full ones. */
#ifndef ENT_SOLVE_ROOMTREE_H
#define ENT_SOLVE_ROOMTREE_H

#include <stddef.h>
#include <stdint.h>

struct ent_pack;

struct ent_roomtree {
    const struct ent_pack *p;
    const int32_t *order; /* the nodes, position by position (the caller's array) */
    size_t n, leaves;     /* nodes, and leaves (a power of two) */
    int64_t *room;        /* [tree position * n_res + r] */
    int32_t *position;    /* per node of p: its position in order, -1 when absent */
};

void ent_roomtree_init(struct ent_roomtree *t, const struct ent_pack *p, const int32_t *order,
                       size_t n);
void ent_roomtree_release(struct ent_roomtree *t);
/* Call after node's use changed (a VM placed on it or taken off it). */
void ent_roomtree_update(struct ent_roomtree *t, int32_t node);
/* The first node in order where vm fits (ent_pack_fits), or -1. */
int32_t ent_roomtree_first_fit(const struct ent_roomtree *t, int32_t vm);

#endif
