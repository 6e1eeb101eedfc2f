/* The decision step: from the current configuration to a target that satisfies the constraints,
 * for an objective. */
#ifndef ENT_SOLVE_SOLVE_H
#define ENT_SOLVE_SOLVE_H

#include "model/mapping.h"

#include <stdint.h>

struct ent_error;
struct ent_model;

enum ent_objective { ENT_OBJECTIVE_CONSOLIDATE, ENT_OBJECTIVE_REPAIR, ENT_OBJECTIVE_BALANCE };

struct ent_solve_options {
    enum ent_objective objective;
    double time_limit; /* seconds; the first solver is greedy and ends well before */
    uint64_t seed;
};

struct ent_solve_stats {
    double seconds;
    int64_t nodes_used; /* online nodes hosting running VMs in the target */
    int64_t migrations, moved_memory, boots, shutdowns;
    /* consolidate only */
    int64_t lower_bound, gap;                 /* nodes_used - lower_bound */
    double first_seconds;                     /* time to the first answer */
    int64_t first_nodes;                      /* the first answer's node count */
    int64_t first_migrations;                 /* and its migrations */
    int64_t search_nodes;                     /* nodes after the search in place */
    double best_seconds;                      /* time to the answer returned */
    int64_t lns_iterations, lns_improvements; /* attempts, and nodes they emptied */
    int used_ffd;                             /* the relabelled first-fit decreasing answer won */
    int used_dotpack;                         /* the relabelled dot-product packing won */
    int proven; /* optimal: the exact search was complete, or the bound was reached */
};

void ent_solve_options_init(struct ent_solve_options *o);
int ent_objective_from_name(const char *name, enum ent_objective *out);
const char *ent_objective_name(enum ent_objective o);

/* Computes a target configuration into target (initialised by the caller). */
int ent_solve(const struct ent_model *m, const struct ent_solve_options *opts,
              struct ent_mapping *target, struct ent_solve_stats *stats, struct ent_error *err);

/* First-fit decreasing from scratch, the baseline the engine is measured against. */
int ent_solve_ffd_baseline(const struct ent_model *m, struct ent_mapping *target,
                           struct ent_solve_stats *stats, struct ent_error *err);

/* Whether the solver takes constraints of this kind into account. */
int ent_solve_understands(int constraint_kind);

/* Counts of the change current -> target. */
void ent_solve_measure(const struct ent_model *m, const struct ent_mapping *target,
                       struct ent_solve_stats *stats);

struct ent_pack;
/* The objectives, on a packing state fresh from ent_pack_init. */
int ent__solve_ffd(struct ent_pack *p, struct ent_error *err);
int ent__solve_dotpack(struct ent_pack *p, struct ent_error *err);
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
 * emptied node fills again. */
void ent__reduce_moves(struct ent_pack *p);
int ent__solve_consolidate(struct ent_pack *p, const struct ent_solve_options *opts,
                           struct ent_solve_stats *st, struct ent_error *err);
int ent__solve_repair(struct ent_pack *p, struct ent_error *err);
/* repair, then the CPU load spread over the nodes (balance.c). */
int ent__solve_balance(struct ent_pack *p, struct ent_error *err);

#endif
