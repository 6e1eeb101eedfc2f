/* The decision step's entry point: build the packing state, run the objective, measure. */
#include "solve/solve.h"
#include "solve/internal.h"

#include "model/model.h"
#include "solve/pack.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/error.h"

#include <stdbool.h>
#include <string.h>

void ent_solve_options_init(struct ent_solve_options *o)
{
    memset(o, 0, sizeof *o);
    o->objective = ent_objective_at(0);
    o->time_limit = 10;
    o->seed = 1;
}

bool ent_solve_understands(int kind)
{
    return ent_constraint_kind_is((enum ent_constraint_kind)kind, ENT_CT_SOLVED);
}

/* An objective on a fresh packing state (opts NULL: the packing from scratch `baseline`); the
 * target and its figures on success. */
static int run_objective(const struct ent_model *m, const struct ent_solve_options *opts,
                         int (*baseline)(struct ent_pack *, struct ent_error *),
                         struct ent_mapping *target, struct ent_solve_stats *stats,
                         struct ent_error *err)
{
    struct ent_pack p;
    int rc = ent_pack_init(&p, m, err);
    if (!rc)
        rc = ent__explain(&p, err);
    if (!rc) {
        if (!opts)
            rc = baseline(&p, err);
        else
            rc = opts->objective->run(&p, opts, stats, err);
    }
    if (!rc) {
        ent_mapping_copy(target, &p.target);
        ent__solve_measure(m, target, stats);
    }
    ent_pack_release(&p);
    return rc;
}

static int baseline(const struct ent_model *m, int (*pack)(struct ent_pack *, struct ent_error *),
                    struct ent_mapping *target, struct ent_solve_stats *stats,
                    struct ent_error *err)
{
    double t0 = ent_now();
    int rc = run_objective(m, NULL, pack, target, stats, err);
    stats->seconds = ent_now() - t0;
    return rc;
}

int ent_solve_ffd_baseline(const struct ent_model *m, struct ent_mapping *target,
                           struct ent_solve_stats *stats, struct ent_error *err)
{
    return baseline(m, ent__solve_ffd, target, stats, err);
}

int ent_solve_bfd_baseline(const struct ent_model *m, struct ent_mapping *target,
                           struct ent_solve_stats *stats, struct ent_error *err)
{
    return baseline(m, ent__solve_bfd, target, stats, err);
}

int ent_solve(const struct ent_model *m, const struct ent_solve_options *opts,
              struct ent_mapping *target, struct ent_solve_stats *stats, struct ent_error *err)
{
    double t0 = ent_now();
    memset(stats, 0, sizeof *stats);
    int rc = run_objective(m, opts, NULL, target, stats, err);
    stats->seconds = ent_now() - t0;
    return rc;
}
