/* Lower bounds on the number of nodes that must host the running VMs. */
#ifndef ENT_SOLVE_BOUNDS_H
#define ENT_SOLVE_BOUNDS_H

#include <stdint.h>

struct ent_pack;

struct ent_bound {
    int64_t nodes;   /* the best bound */
    int64_t l1, l2;  /* the best per-resource volume bound and large-item bound */
    int64_t pattern; /* the best cutting-stock bound, -1 when no resource allowed one */
    int64_t joint;   /* the joint volume bound over hardware types, -1 when it does not apply */
    int64_t vector;  /* the vector-packing (pattern) bound over hardware types, -1 likewise */
    int resource;    /* the resource that gives the best bound, -1 when no VM runs */
};

/* Per resource: L1, the fewest usable nodes whose capacities (largest first) cover the total final
 * demand; L2 (Martello-Toth), which counts VMs too large to share a node, against the largest
 * capacity (a valid relaxation when nodes differ); and, where the demands take few values, the
 * cutting-stock bound. Across resources: the joint volume bound (the same nodes must cover every
 * resource) and the vector-packing bound (each node holds a set of VMs that fits it in every
 * resource). The bound is the largest of them. */
void ent_lower_bound(const struct ent_pack *p, struct ent_bound *out);

struct ent_move_bound {
    int64_t migrations;   /* no target with at most K active nodes moves fewer VMs */
    int64_t moved_memory; /* nor less memory (MB, of the memory resource; 0 without one) */
};

/* The bounds on the change to any target with at most k active nodes (move_bound.c). */
void ent_move_bound(const struct ent_pack *p, int64_t k, struct ent_move_bound *out);

#endif
