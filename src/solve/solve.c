/* The decision step's entry point: build the packing state, run the objective, measure. */
#include "solve/solve.h"

#include "model/model.h"
#include "solve/pack.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/error.h"

#include <string.h>

static const char *const objective_names[] = {"consolidate", "repair", "balance"};

void ent_solve_options_init(struct ent_solve_options *o)
{
    memset(o, 0, sizeof *o);
    o->objective = ENT_OBJECTIVE_CONSOLIDATE;
    o->time_limit = 10;
    o->seed = 1;
}

int ent_objective_from_name(const char *name, enum ent_objective *out)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(name, objective_names[i]) == 0) {
            *out = (enum ent_objective)i;
            return 0;
        }
    return ENT_EINVALID;
}

const char *ent_objective_name(enum ent_objective o)
{
    return objective_names[o];
}

int ent_solve_understands(int kind)
{
    switch (kind) {
    case ENT_CK_ONLINE:
    case ENT_CK_OFFLINE:
    case ENT_CK_RUNNING:
    case ENT_CK_READY:
    case ENT_CK_SLEEPING:
    case ENT_CK_KILLED:
    case ENT_CK_BAN:
    case ENT_CK_FENCE:
    case ENT_CK_PRESERVE:
    case ENT_CK_RESOURCE_CAPACITY:
    case ENT_CK_RUNNING_CAPACITY:
    case ENT_CK_MAX_ONLINE:
    case ENT_CK_SPREAD:
    case ENT_CK_GATHER:
    case ENT_CK_SPLIT:
    case ENT_CK_AMONG:
    case ENT_CK_SPLIT_AMONG:
    case ENT_CK_LONELY:
    case ENT_CK_ROOT:
    case ENT_CK_QUARANTINE:
    case ENT_CK_OVERBOOK:
    case ENT_CK_STORAGE_DOMAINS:
    case ENT_CK_SEQ:      /* timing: kept by the parallel planner */
    case ENT_CK_NO_DELAY: /* likewise */
        return 1;
    default:
        return 0;
    }
}

void ent_solve_measure(const struct ent_model *m, const struct ent_mapping *target,
                       struct ent_solve_stats *stats)
{
    int mem = ent_model_memory_resource(m);
    stats->nodes_used = stats->migrations = stats->moved_memory = 0;
    stats->boots = stats->shutdowns = 0;
    uint8_t *used = ent_calloc(m->n_nodes + 1, 1);
    for (size_t v = 0; v < m->n_vms; v++) {
        uint8_t now = m->map.vm_state[v], then = target->vm_state[v];
        if (then == ENT_VM_RUNNING && !used[target->vm_host[v]]) {
            used[target->vm_host[v]] = 1;
            stats->nodes_used++;
        }
        if (now == ENT_VM_RUNNING && then == ENT_VM_RUNNING &&
            m->map.vm_host[v] != target->vm_host[v]) {
            stats->migrations++;
            stats->moved_memory += mem >= 0 ? m->res[mem].demand[v] : 0;
        }
        stats->boots += now == ENT_VM_READY && then == ENT_VM_RUNNING;
    }
    for (size_t n = 0; n < m->n_nodes; n++)
        stats->shutdowns +=
            m->map.node_state[n] == ENT_NODE_ONLINE && target->node_state[n] == ENT_NODE_OFFLINE;
    ent_free(used);
}

/* An objective on a fresh packing state (opts NULL: the first-fit decreasing baseline); the
 * target and its figures on success. */
static int run_objective(const struct ent_model *m, const struct ent_solve_options *opts,
                         struct ent_mapping *target, struct ent_solve_stats *stats,
                         struct ent_error *err)
{
    struct ent_pack p;
    int rc = ent_pack_init(&p, m, err);
    if (!rc)
        rc = ent__explain(&p, err);
    if (!rc) {
        if (!opts)
            rc = ent__solve_ffd(&p, err);
        else if (opts->objective == ENT_OBJECTIVE_CONSOLIDATE)
            rc = ent__solve_consolidate(&p, opts, stats, err);
        else if (opts->objective == ENT_OBJECTIVE_BALANCE)
            rc = ent__solve_balance(&p, err);
        else
            rc = ent__solve_repair(&p, err);
    }
    if (!rc) {
        ent_mapping_copy(target, &p.target);
        ent_solve_measure(m, target, stats);
    }
    ent_pack_release(&p);
    return rc;
}

int ent_solve_ffd_baseline(const struct ent_model *m, struct ent_mapping *target,
                           struct ent_solve_stats *stats, struct ent_error *err)
{
    double t0 = ent_now();
    int rc = run_objective(m, NULL, target, stats, err);
    stats->seconds = ent_now() - t0;
    return rc;
}

int ent_solve(const struct ent_model *m, const struct ent_solve_options *opts,
              struct ent_mapping *target, struct ent_solve_stats *stats, struct ent_error *err)
{
    double t0 = ent_now();
    memset(stats, 0, sizeof *stats);
    int rc = run_objective(m, opts, target, stats, err);
    stats->seconds = ent_now() - t0;
    return rc;
}
