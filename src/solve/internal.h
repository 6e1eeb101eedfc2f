/* Inside the decision engine: the techniques the objectives combine. */
#ifndef ENT_SOLVE_INTERNAL_H
#define ENT_SOLVE_INTERNAL_H

#include "solve/freeindex.h"
#include "util/prng.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ent_error;
struct ent_mapping;
struct ent_model;
struct ent_pack;
struct ent_solve_options;
struct ent_solve_stats;

void ent__pack_rules_init(struct ent_pack *p);
void ent__pack_rules_release(struct ent_pack *p);
bool ent__pack_rules_allow(const struct ent_pack *p, int32_t vm, int32_t node);

/* The maximal ways to fill a node (patterns) in one resource, when the running VMs' demands
 * take few values and the usable nodes' capacities few values (patterns.c). */
#define ENT_FILL_MAX_SIZES   24
#define ENT_FILL_MAX_CLASSES 8
struct ent_fill_patterns {
    size_t n_sizes; /* the distinct positive demands, largest first, and how many VMs have each */
    int64_t size[ENT_FILL_MAX_SIZES], count[ENT_FILL_MAX_SIZES];
    size_t n_classes; /* the distinct capacities of the usable nodes, and how many have each */
    int64_t class_cap[ENT_FILL_MAX_CLASSES], class_nodes[ENT_FILL_MAX_CLASSES];
    size_t start[ENT_FILL_MAX_CLASSES + 1]; /* class k's patterns: start[k] .. start[k + 1] */
    int *patterns;                          /* n_patterns x n_sizes counts */
    size_t n_patterns;
};
/* 0 and the patterns; -1 when there are too many sizes, capacities or patterns, or none. */
int ent__fill_patterns(const struct ent_pack *p, int res, struct ent_fill_patterns *out);
void ent__fill_patterns_release(struct ent_fill_patterns *fp);

/* Raises *out to the bounds on the change that patterns give (move_patterns.c), for any target
 * with at most k active nodes. */
struct ent_move_bound;
void ent__pattern_move_bound(const struct ent_pack *p, int64_t k, struct ent_move_bound *out);

/* The cutting-stock bound for resource res (see patterns.c), computed within about `seconds`;
 * -1 when the resource has too many distinct demands or node capacities for it. */
int64_t ent__pattern_bound(const struct ent_pack *p, int res, double seconds);

/* A minimisation program's bound by GLPK: its integer optimum when found within about `seconds`,
 * else its LP value rounded up; -1 when the LP has no optimum (patterns.c). */
typedef struct glp_prob glp_prob;
int64_t ent__glpk_bound(glp_prob *lp, double seconds);
/* The joint volume bound over hardware types (joint_bound.c): the fewest usable nodes whose
 * capacities cover the final demand in every resource at once, within about `seconds`; -1 when
 * it does not apply (one resource, too many types, no optimum). */
int64_t ent__joint_bound(const struct ent_pack *p, double seconds);
/* The usable nodes grouped by capacity vector (hardware type): one node of each type in type[],
 * how many in count[] (both room for ENT_MAX_HARDWARE_TYPES); how many types, 0 when more. */
#define ENT_MAX_HARDWARE_TYPES 512
size_t ent__hardware_types(const struct ent_pack *p, int32_t *type, int64_t *count);
/* The vector-packing LP over hardware types (vector_lp.c), by column generation: its bound and its
 * patterns, for the bound on nodes and for the packing that rounds it (vector_pack.c). */
#define ENT_VECTOR_MAX_KINDS 256 /* distinct VM demand vectors */
#define ENT_VECTOR_MAX_TYPES 64  /* node types */

struct ent_vector_lp {
    size_t n_res, n_kinds, n_types;
    int64_t *kind_dem; /* [kind * n_res + r]: each kind's demand vector */
    int64_t kind_count[ENT_VECTOR_MAX_KINDS];
    int64_t *type_cap; /* [type * n_res + r]: each node type's capacity vector */
    int64_t type_count[ENT_VECTOR_MAX_TYPES];
    /* A node of each type costs type_idle, plus type_slope per unit of CPU demand on it: 1 and
     * 0 when the LP counts nodes; by watts, its idle watts and (peak - idle) / CPU capacity. */
    double type_idle[ENT_VECTOR_MAX_TYPES], type_slope[ENT_VECTOR_MAX_TYPES];
    int cpu;            /* the CPU resource when by watts, else -1 */
    int32_t *node_type; /* per node, its type in the LP, -1 when not in it */
    size_t n_columns;   /* the LP's patterns at the end */
    int64_t *column;    /* [column * n_kinds + kind]: VMs of each kind in the pattern */
    int *column_type;   /* the node type each pattern fills */
    double *value;      /* how many nodes take the pattern, in the LP (fractional) */
    double bound;       /* a lower bound on the LP (its optimum when optimal), -1 when none */
    bool optimal;       /* the generation ended: no pattern is worth more than a node */
};

/* The LP over the running VMs and the usable nodes (with residual: the VMs not placed yet and the
 * nodes that hold none, each node's current mix offered a hair cheaper: for the packing, whose
 * bound is then no bound), nodes counted or (by_watts) their predicted watts (model/power.h: then
 * the LP's value bounds the watts of any placement), generated until optimal or the deadline
 * (ent_now() time); 0 with the columns in out, -1 when it does not apply (one resource, too many
 * kinds or types, no LP optimum). out is released by the caller in any case. */
int ent__vector_lp(const struct ent_pack *p, bool residual, bool by_watts, double deadline,
                   struct ent_vector_lp *out);
void ent__vector_lp_release(struct ent_vector_lp *lp);
/* A bounded knapsack in two resources (knapsack2d.c): item i weighs (w0[i], w1[i]), is worth
 * value[i] > 0, at most most[i] copies, within (cap0, cap1); exact by dynamic programming over
 * the capacity grid divided by each resource's common divisor. False when the grid has more than
 * max_cells cells or the program more than max_steps steps (then nothing is set). */
struct ent_knapsack2d {
    size_t n_items;
    const int64_t *w0, *w1, *most;
    const double *value;
    int64_t cap0, cap1;
    double max_cells, max_steps;
};
bool ent__knapsack2d(const struct ent_knapsack2d *k, int64_t *taken, double *best);
/* The greatest common divisor (0 with 0: the other). */
int64_t ent__gcd(int64_t a, int64_t b);
/* The vector-packing bound over hardware types (vector_lp.c): the LP relaxation of "fewest
 * nodes, at most the count of each type, each filled with a set of VMs that fits it in every
 * resource", by column generation, rounded up; within about `seconds`; -1 when it does not apply
 * (too many distinct VM demands or node types). */
int64_t ent__vector_bound(const struct ent_pack *p, double seconds);

/* The objectives, on a packing state fresh from ent_pack_init. */
int ent__solve_ffd(struct ent_pack *p, struct ent_error *err);
int ent__solve_bfd(struct ent_pack *p, struct ent_error *err);
/* The same over nodes in the order given (the energy objective's: most efficient first). */
int ent__pack_first_fit(struct ent_pack *p, const int32_t *nodes, size_t n_nodes,
                        struct ent_error *err);
/* With keep_placed, the VMs placed already stay, their nodes are open first, and only the others
 * are packed (the rest of the vector packing). */
int ent__pack_best_fit(struct ent_pack *p, const int32_t *nodes, size_t n_nodes, bool keep_placed,
                       struct ent_error *err);
int ent__solve_dotpack(struct ent_pack *p, struct ent_error *err);
/* The vector-packing LP rounded (vector_pack.c): its patterns, those the LP takes whole first,
 * on empty nodes of their type, the LP solved again for the rest, until no pattern is whole;
 * the rest best fit. */
int ent__solve_vector_pack(struct ent_pack *p, struct ent_error *err);
/* The same with the LP by watts (the energy objective's candidate). */
int ent__solve_vector_pack_watts(struct ent_pack *p, struct ent_error *err);
/* Quick proofs that no placement exists, with the constraints and nodes in conflict. */
int ent__explain(const struct ent_pack *p, struct ent_error *err);
/* Instances with at most this many running VMs may be searched exactly. */
#define ENT_EXACT_MAX_VMS 16
/* Branch and bound over every node for small instances, from p's placement as incumbent (none
 * when a running VM has no node); keeps the best found in p, *nodes_out -1 when none was. Returns
 * 1 when the search was complete (the answer is optimal, or none exists). */
int ent__solve_exact(struct ent_pack *p, int64_t bound, long budget, int64_t *nodes_out);
/* Exchanges interchangeable VMs so that as many as possible stay where they run now. */
void ent__keep_in_place(struct ent_pack *p);
/* Sends moved VMs back home, directly or by swapping with a moved VM there, when both fit and no
 * emptied node fills again; passes start until deadline (an ent_now() time). */
void ent__reduce_moves(struct ent_pack *p, double deadline);
/* Brings moved VMs home when their node stays active, moving VMs that are not at home out of the
 * way (homecoming.c); never adds a node or a migration. */
void ent__bring_home(struct ent_pack *p, double deadline);
/* qsort_r order of VM indexes by size (the array passed as arg) decreasing, ties by index. */
int ent__cmp_size_desc(const void *a, const void *b, void *size);
/* The repair objective on its own: the constraints made to hold with few moves (repair.c). */
int ent__solve_repair(struct ent_pack *p, struct ent_error *err);
/* Counts of the change current -> target (measure.c). */
void ent__solve_measure(const struct ent_model *m, const struct ent_mapping *target,
                        struct ent_solve_stats *stats);
/* Whether a is a better consolidation than b: fewer nodes, then less memory moved, then fewer
 * moves (scratch.c). */
int ent__solve_better(const struct ent_solve_stats *a, const struct ent_solve_stats *b);
/* A from-scratch packing (FFD, BFD or dot product; nodes taken by order_res's capacity first when
 * >= 0), relabelled to keep what it can in place (or as made when its bins fit no other node);
 * the placement goes into out (a fresh state) and its figures into st. Returns 0 when unusable
 * (or the packing passed deadline, an ent_now() time). */
int ent__scratch_candidate(const struct ent_model *m,
                           int (*pack)(struct ent_pack *, struct ent_error *), int mem,
                           int order_res, double deadline, struct ent_pack *out,
                           struct ent_solve_stats *st);
/* How the keep set places the VMs of the nodes left out (keepset.c): best fit with ejections, or
 * the room filled node by node (hole_fill.c), ties to the VMs shaped most like the room or to the
 * least use of the other resources. */
enum ent_keep_fill { ENT_KEEP_BEST_FIT, ENT_KEEP_FILL_BY_SHAPE, ENT_KEEP_FILL_LEAST_OTHER };
struct ent_keep_set {
    int binding;  /* the resource the bound found tightest (-1: none) */
    int32_t drop; /* a node whose hardware type keeps one node fewer than best's; -1: none */
    const uint8_t *shape; /* per node: counts toward its type's quota (NULL: best's active) */
    long effort;          /* steps allowed per VM to place (ejections included) */
    double deadline;      /* ent_now() time to give up at */
    enum ent_keep_fill fill;
};
/* The fewest moves for best's node count (keepset.c): per hardware type as many nodes as best
 * uses (one fewer of drop's type), those where most VMs run now, every VM on them kept, the
 * others placed in the room left from base (the repaired placement, a host per VM). The placement
 * goes into out (released by the caller) and its figures into st. Returns 0 when none was found. */
int ent__keep_set_candidate(const struct ent_pack *best, const int32_t *base,
                            const struct ent_keep_set *ks, struct ent_pack *out,
                            struct ent_solve_stats *st);
/* The room of the nodes with keep[node] set, filled one node at a time with the subset of
 * vms[0..n) (unplaced, to run) that fills it best (hole_fill.c), the node with the most room in
 * the binding resource first (ties: with by_shape, the VMs shaped most like the room, else the
 * least use of the other resources); then, while VMs wait, a few nodes at a time give back what
 * arrived and are filled again. Those left (VMs with rules of their own among them) are moved to
 * the front of vms and counted in the return. Gives up at deadline (an ent_now() time), and at
 * once when the VMs take too many distinct demands for its table. */
size_t ent__fill_holes(struct ent_pack *p, const uint8_t *keep, int binding, bool by_shape,
                       int32_t *vms, size_t n, double deadline);
/* Room for vm (waiting) gathered on one of the nodes keep marks from the crumbs left on the others,
 * by swaps of VMs not at home, of VMs at home when those do not help (gather.c): the node vm was
 * placed on, -1 when none (nothing moved). Gives up at deadline (an ent_now() time). */
int32_t ent__gather_room(struct ent_pack *p, const uint8_t *keep, int32_t vm, double deadline);
/* packed's bins (the VMs it put on one node) moved onto the nodes that hold most of their memory
 * now, into out (a state with the running VMs unplaced): with typed, each bin onto a node of its
 * own capacity; with only, onto the nodes it marks. Returns 0 when some bin found no node. */
int ent__relabel(const struct ent_model *m, const struct ent_pack *packed, struct ent_pack *out,
                 int mem, bool typed, const uint8_t *only);
/* Takes every VM that will run off its node. */
void ent__clear_running(struct ent_pack *p);
/* Makes p hold the placement of src (same model). */
void ent__pack_adopt(struct ent_pack *p, const struct ent_pack *src);

/* The engine's search in place (lns.c): the greedy first answer and the large-neighbourhood
 * search, over a packing state. */
struct engine {
    struct ent_pack *p;
    struct ent_freeindex fi; /* active nodes, by free room of the binding resource */
    double *maxcap;          /* per resource, for normalising sizes */
    double *size;            /* per VM, normalised, summed over resources */
    struct ent_prng rng;
    int mem;
    /* The search's effort, larger at each level of the anytime phase. */
    long dfs_budget;    /* search nodes an exact repack may visit */
    size_t exact_items; /* subproblems this small get the exact repack */
    size_t victims;     /* the lightest nodes tried in a round */
};

/* The engine over p: VM sizes normalised by the largest capacities, the active nodes indexed by
 * the free room of the binding resource (the bound's; the first when it names none), level 0. */
void ent__engine_init(struct engine *e, struct ent_pack *p, uint64_t seed, int binding);
void ent__engine_release(struct engine *e);
/* The search's effort: 0 for the first pass, more for each pass of the anytime phase. */
void ent__engine_set_level(struct engine *e, int level);
/* The first answer: the lightest nodes emptied (fewest VMs first) into the others, best fit,
 * until the bound. */
void ent__empty_greedily(struct engine *e, int64_t bound);
/* Large-neighbourhood search until the bound, a run of failures or the deadline. */
void ent__lns_search(struct engine *e, int64_t bound, double deadline, struct ent_solve_stats *st,
                     double t0);

/* A repacking subproblem: VMs taken off (unplaced), to go into a few nodes. */
struct ent_subproblem {
    struct engine *e;
    int32_t *bins; /* the nodes they may go to */
    size_t n_bins;
    int32_t *items; /* the VMs, largest first */
    size_t n_items;
    int32_t *home; /* per item, its host before the step */
    long budget;   /* search nodes the exact search may visit */
};
/* Repacks s's items into its bins: best fit from home, dot product, best fit, then (small
 * subproblems) the exact search; 0 with every item back on its home when all fail. */
int ent__repack(struct ent_subproblem *s);

/* Fewer migrations at the same active nodes (fewer_moves.c): VMs that left a node that stays
 * active go back, the VMs that arrived there (whose moves are forced: their node empties) making
 * room by a repack over that node and a few roomy ones. Until no step helps or the deadline. */
void ent__fewer_moves(struct ent_pack *p, int binding, uint64_t seed, double deadline);

#endif
