/* The decision step: from the current configuration to a target that satisfies the constraints,
 * for an objective. */
#ifndef ENT_SOLVE_SOLVE_H
#define ENT_SOLVE_SOLVE_H

#include "util/error.h"

#include "model/mapping.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ent_error;
struct ent_model;

struct ent_pack;
struct ent_solve_options;
struct ent_solve_stats;

/* An objective: one row of the registry (objectives.c), defined in its own file. run works on a
 * packing state fresh from ent_pack_init and leaves the target in it. */
struct ent_objective {
    const char *name;
    const char *summary;
    int reports_bound; /* fills the lower bound, the gap and the search figures */
    int (*run)(struct ent_pack *p, const struct ent_solve_options *opts,
               struct ent_solve_stats *stats, struct ent_error *err);
};

extern const struct ent_objective ent_objective_consolidate, ent_objective_repair,
    ent_objective_balance, ent_objective_energy;

struct ent_solve_options {
    const struct ent_objective *objective;
    double time_limit; /* seconds; the first solver is greedy and ends well before */
    uint64_t seed;
    /* Consolidate's anytime phase stops after this many levels (0: at the limit). With a limit
     * that does not cut, the answer then depends on the seed alone, not on the machine's speed
     * (trace replay needs that). */
    int max_levels;
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
    const char *start; /* where the answer came from: NULL (in place), a packing from scratch
                          ("dot-product", "ffd", "bfd", "vector"), "keep-set" */
    int proven;        /* optimal: the exact search was complete, or the bound was reached */
    /* Where the time went (consolidate): repair, bounds and the first answer; the search in
     * place; the packings from scratch; the keep set; the anytime phase; the finish (moves
     * reduced, bounds on the change). */
    struct ent_solve_times {
        double first, search, scratch, keep_set, anytime, finish;
    } times;
    /* No target with as many active nodes moves fewer VMs or less memory (bounds.h). */
    int64_t migrations_bound, moved_memory_bound;
    double watts_bound; /* energy only: no placement draws less (model/power.h) */
};

void ent_solve_options_init(struct ent_solve_options *o);
/* The objectives in the order --help lists them, the default first; NULL past the last. */
const struct ent_objective *ent_objective_at(size_t i);
/* The objective called name, NULL when there is none. */
const struct ent_objective *ent_objective_find(const char *name);
/* The name of objective i, NULL past the last (for ent_names). */
const char *ent_objective_name_at(size_t i);

/* Computes a target configuration into target (initialised by the caller). */
ENT_MUST_USE int ent_solve(const struct ent_model *m, const struct ent_solve_options *opts,
                           struct ent_mapping *target, struct ent_solve_stats *stats,
                           struct ent_error *err);

/* First-fit decreasing from scratch, the baseline the engine is measured against. */
ENT_MUST_USE int ent_solve_ffd_baseline(const struct ent_model *m, struct ent_mapping *target,
                                        struct ent_solve_stats *stats, struct ent_error *err);
/* Best-fit decreasing from scratch (nodes largest first), the other baseline. */
ENT_MUST_USE int ent_solve_bfd_baseline(const struct ent_model *m, struct ent_mapping *target,
                                        struct ent_solve_stats *stats, struct ent_error *err);

/* Whether the solver takes constraints of this kind into account. */
bool ent_solve_understands(int constraint_kind);

#endif
