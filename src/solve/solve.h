/* The decision step: from the current configuration to a target that satisfies the constraints,
 * for an objective. */
#ifndef ENT_SOLVE_SOLVE_H
#define ENT_SOLVE_SOLVE_H

#include "model/mapping.h"

#include <stdint.h>

struct ent_error;
struct ent_model;

enum ent_objective { ENT_OBJECTIVE_CONSOLIDATE, ENT_OBJECTIVE_REPAIR };

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
    int64_t lower_bound, gap; /* nodes_used - lower_bound */
    double first_seconds;     /* time to the first answer */
    double best_seconds;      /* time to the answer returned */
    int64_t lns_iterations;
    int used_ffd; /* the relabelled first-fit decreasing answer won */
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
int ent__solve_consolidate(struct ent_pack *p, const struct ent_solve_options *opts,
                           struct ent_solve_stats *st, struct ent_error *err);
int ent__solve_repair(struct ent_pack *p, struct ent_error *err);

#endif
