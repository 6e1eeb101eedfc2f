/* One round of the control loop, as a chain of phases that each may end the round; the stop flag
 * is checked between phases (kissat's search loop, redis' serverCron). */
#include "daemon/loop.h"

#include "model/model.h"
#include "model/plan.h"
#include "monitor/monitor.h"
#include "plan/costmodel.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"

#include <stdio.h>
#include <string.h>

static size_t active_nodes(const struct ent_model *m)
{
    size_t n = 0;
    uint8_t *seen = ent_calloc(m->n_nodes + 1, 1);
    for (size_t v = 0; v < m->n_vms; v++)
        if (m->map.vm_state[v] == ENT_VM_RUNNING && !seen[m->map.vm_host[v]]) {
            seen[m->map.vm_host[v]] = 1;
            n++;
        }
    ent_free(seen);
    return n;
}

static bool stopping(const struct ent_loop *loop, struct ent_round *r)
{
    if (loop->stop && *loop->stop) {
        r->skipped = true;
        snprintf(r->reason, sizeof r->reason, "stop requested");
        return true;
    }
    return false;
}

void ent_round_release(struct ent_round *r)
{
    ent_exec_result_release(&r->exec);
    json_decref(r->report);
    r->report = NULL;
}

void ent_loop_round(struct ent_loop *loop, struct ent_round *r)
{
    memset(r, 0, sizeof *r);
    r->round = ++loop->round;
    struct ent_model m;
    struct ent_mapping target;
    struct ent_plan plan;
    struct ent_error err;
    ent_model_init(&m);
    ent_mapping_init(&target);
    ent_plan_init(&plan);
    ent_error_init(&err);

    double t0 = ent_now();
    if (ent_monitor_snapshot(loop->monitor, &m, &err)) {
        r->skipped = true;
        snprintf(r->reason, sizeof r->reason, "monitoring failed: %s", err.msg);
        goto done;
    }
    r->monitor_seconds = ent_now() - t0;
    r->nodes = m.n_nodes;
    r->vms = m.n_vms;
    r->active_nodes = active_nodes(&m);
    ent_info("round %ld: snapshot: %zu nodes (%zu active), %zu VMs, in %.1f ms", r->round, r->nodes,
             r->active_nodes, r->vms, r->monitor_seconds * 1000);
    if (stopping(loop, r))
        goto done;

    if (ent_solve(&m, &loop->solve, &target, &r->decision, &err)) {
        r->skipped = true;
        snprintf(r->reason, sizeof r->reason, "no decision: %s", err.msg);
        goto done;
    }
    ent_info("round %ld: decision (%s): %lld nodes, %lld migrations, %lld MB to move, in %.1f ms",
             r->round, ent_objective_name(loop->solve.objective), (long long)r->decision.nodes_used,
             (long long)r->decision.migrations, (long long)r->decision.moved_memory,
             r->decision.seconds * 1000);
    if (stopping(loop, r))
        goto done;

    t0 = ent_now();
    if (ent_plan_build(&m, &target, &loop->plan, &plan, &r->plan, &err)) {
        r->skipped = true;
        snprintf(r->reason, sizeof r->reason, "no plan: %s", err.msg);
        goto done;
    }
    r->plan_seconds = ent_now() - t0;
    r->actions = plan.len;
    r->makespan = (long long)ent_plan_makespan(&plan);
    ent_info("round %ld: plan: %zu actions, %zu bypass(es), makespan %lld s, in %.1f ms", r->round,
             r->actions, r->plan.bypasses, r->makespan, r->plan_seconds * 1000);
    if (loop->dry_run || stopping(loop, r))
        goto done;

    struct ent_exec_options defaults;
    ent_exec_options_default(&defaults);
    ent_execute_plan(&m, &plan, loop->drivers, loop->exec.max_parallel ? &loop->exec : &defaults,
                     loop->stop, &r->exec);
    ent_info("round %ld: executed in %.2f s: %zu done, %zu failed, %zu dropped, %zu not started",
             r->round, r->exec.wall_seconds, r->exec.done, r->exec.failed, r->exec.dropped,
             r->exec.not_started);
    if (loop->report)
        r->report = ent_exec_report_json(&m, &plan, &r->exec);
    if (loop->learn && r->exec.moved_seconds > 0) {
        ent_costmodel_learn(&loop->plan.cost, r->exec.moved_mb / r->exec.moved_seconds,
                            r->exec.migrations ? r->exec.dirty_rate / (double)r->exec.migrations
                                               : 0);
        ent_info("round %ld: cost model now %.1f MB/s, guests dirtying %.2f MB/s", r->round,
                 loop->plan.cost.bandwidth, loop->plan.cost.dirty_rate);
    }
done:
    if (r->skipped)
        ent_warn("round %ld: nothing done: %s", r->round, r->reason);
    ent_plan_release(&plan);
    ent_mapping_release(&target);
    ent_model_release(&m);
}
