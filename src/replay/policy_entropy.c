/* Entropy's policies: the decision engine (consolidate or energy) on the cluster with hosts
 * filled to a ceiling of their CPU and each VM at its recent peak (the larger of its last two
 * samples), with the disruption policy's minimum gain: the target is taken when it frees at least
 * min_gain hosts; else, when a host is above the ceiling, the repair objective's (the fewest moves
 * that bring every host back under it); else nothing moves. */
#include "replay/internal.h"

#include "model/model.h"
#include "replay/trace.h"
#include "solve/solve.h"
#include "util/alloc.h"
#include "util/error.h"

#include <math.h>
#include <string.h>

static bool over_ceiling(const struct ent_model *m)
{
    size_t n_res = m->n_res;
    int64_t *used = ent_calloc(m->n_nodes * n_res + 1, sizeof *used);
    bool over = false;
    for (size_t v = 0; v < m->n_vms; v++)
        for (size_t k = 0; k < n_res; k++)
            used[(size_t)m->map.vm_host[v] * n_res + k] += m->res[k].demand[v];
    for (size_t n = 0; n < m->n_nodes && !over; n++)
        for (size_t k = 0; k < n_res && !over; k++)
            over = used[n * n_res + k] > m->res[k].capacity[n];
    ent_free(used);
    return over;
}

static int solve(const struct ent_model *m, const struct ent_replay *r, const char *objective,
                 int32_t *target, int64_t *nodes, struct ent_error *err)
{
    struct ent_solve_options o;
    ent_solve_options_init(&o);
    o.objective = ent_objective_find(objective);
    o.time_limit = r->opts->solver_seconds;
    o.max_levels = r->opts->solver_levels;
    o.seed = r->opts->seed + r->step;
    struct ent_mapping map;
    struct ent_solve_stats st;
    ent_mapping_init(&map);
    int rc = ent_solve(m, &o, &map, &st, err);
    if (!rc) {
        memcpy(target, map.vm_host, r->n_vms * sizeof *target);
        *nodes = st.nodes_used;
    }
    ent_mapping_release(&map);
    return rc;
}

static int decide(const struct ent_replay *r, int32_t *target, const char *objective,
                  struct ent_error *err)
{
    double *peak = ent_malloc((r->n_vms + 1) * sizeof *peak);
    for (size_t v = 0; v < r->n_vms; v++) {
        peak[v] = ent_replay_demand(r, (int32_t)v, r->step);
        if (r->step > 0)
            peak[v] = fmax(peak[v], ent_replay_demand(r, (int32_t)v, r->step - 1));
    }
    struct ent_model m;
    int rc = ent__replay_model(r, peak, r->opts->ceiling, &m, err);
    ent_free(peak);
    int64_t nodes = 0;
    int32_t *best = ent_malloc((r->n_vms + 1) * sizeof *best);
    if (!rc)
        rc = solve(&m, r, objective, best, &nodes, err);
    if (!rc) {
        int64_t active = (int64_t)ent_model_active_nodes(&m);
        if (active - nodes >= r->opts->min_gain)
            memcpy(target, best, r->n_vms * sizeof *target);
        else if (over_ceiling(&m))
            rc = solve(&m, r, "repair", target, &nodes, err);
    }
    if (rc == ENT_EINFEASIBLE) /* no placement under the ceiling: nothing moves this step */
        rc = 0;
    ent_free(best);
    ent_model_release(&m);
    return rc;
}

static int entropy_decide(const struct ent_replay_policy *self, const struct ent_replay *r,
                          void *state, int32_t *target, struct ent_error *err)
{
    (void)state;
    return decide(r, target, self->variant, err);
}

const struct ent_replay_policy ent_replay_policy_entropy = {
    .name = "entropy",
    .summary = "Entropy's engine, fewest hosts, with a CPU ceiling and a minimum gain",
    .variant = "consolidate",
    .executes = true,
    .decide = entropy_decide,
};

const struct ent_replay_policy ent_replay_policy_entropy_energy = {
    .name = "entropy-energy",
    .summary = "Entropy's engine, least power, with a CPU ceiling and a minimum gain",
    .variant = "energy",
    .executes = true,
    .decide = entropy_decide,
};
