/* One round of the control loop, as a chain of phases that each may end the round; the stop flag
 * is checked between phases (kissat's search loop, redis' serverCron). */
#include "daemon/loop.h"

#include "daemon/avoid.h"
#include "daemon/disruption.h"
#include "daemon/lag.h"
#include "daemon/loop_power.h"
#include "daemon/maintenance.h"
#include "daemon/recommend.h"

#include "exec/journal.h"
#include "model/constraint.h"
#include "model/model.h"
#include "model/plan.h"
#include "model/power.h"
#include "monitor/issues.h"
#include "monitor/monitor.h"
#include "plan/costmodel.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static bool stopping(const struct ent_loop *loop, struct ent_round *r)
{
    if (loop->stop && *loop->stop) {
        r->skipped = true;
        ent_free(r->reason);
        r->reason = ent_strdup("stop requested");
        return true;
    }
    return false;
}

static void phase(struct ent_loop *loop, const char *name, const struct ent_round *r,
                  const struct ent_model *m, const struct ent_plan *plan)
{
    if (loop->on_phase)
        loop->on_phase(loop->observer, name, r, m, plan);
}

/* The executor's hook: the journal before and after each action, then the observer. */
struct exec_watch {
    struct ent_loop *loop;
    int64_t journal_round;
    const struct ent_model *m;
    const struct ent_plan *plan;
};

static int on_action(void *arg, size_t index, const struct ent_action_outcome *o)
{
    struct exec_watch *w = arg;
    int rc = 0;
    if (o->status == ENT_ACTION_RUNNING && w->loop->guard_start) {
        const struct ent_action *a = &w->plan->actions[index];
        const char *on = a->vm >= 0     ? w->m->vms[a->vm].name
                         : a->node >= 0 ? w->m->nodes[a->node].name
                                        : NULL;
        char what[200];
        snprintf(what, sizeof what, "%s %s", ent_action_kind_name(a->kind), on ? on : "-");
        struct ent_error err;
        ent_error_init(&err);
        if ((rc = w->loop->guard_start(w->loop->guard_arg, w->loop->round, index, what, &err))) {
            ent_log_error("%s", err.msg);
            return rc;
        }
    }
    if (w->loop->journal && w->journal_round >= 0) {
        struct ent_str detail = ENT_STR_INIT;
        if (o->status == ENT_ACTION_FAILED)
            ent_str_addf(&detail, "%s", o->error);
        else if (o->status == ENT_ACTION_DONE)
            ent_migration_figures(&detail, o->seconds, o->downtime, o->bytes);
        struct ent_error err;
        ent_error_init(&err);
        rc = ent_journal_action(w->loop->journal, w->journal_round, index,
                                ent_action_status_name(o->status), ent_str_cstr(&detail), &err);
        if (rc)
            ent_log_error("%s", err.msg);
        ent_str_release(&detail);
    }
    if (w->loop->on_action)
        w->loop->on_action(w->loop->observer, w->m, w->plan, index, o);
    return rc; /* write-ahead: a start the journal did not take does not happen */
}

json_t *ent_round_figures(const struct ent_round *r)
{
    json_t *doc = json_pack(
        "{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:f}", "nodes",
        (json_int_t)r->nodes, "active_nodes", (json_int_t)r->active_nodes, "vms",
        (json_int_t)r->vms, "target_nodes", (json_int_t)r->decision.nodes_used, "lower_bound",
        (json_int_t)r->decision.lower_bound, "actions", (json_int_t)r->actions, "done",
        (json_int_t)r->exec.done, "failed", (json_int_t)r->exec.failed, "dropped",
        (json_int_t)r->exec.dropped, "not_started", (json_int_t)r->exec.not_started, "watts",
        r->energy.watts, "executed_seconds", r->exec.wall_seconds);
    json_object_update_new(doc,
                           json_pack("{s:I, s:f, s:f, s:f}", "gap", (json_int_t)r->decision.gap,
                                     "monitor_seconds", r->monitor_seconds, "decision_seconds",
                                     r->decision.seconds, "plan_seconds", r->plan_seconds));
    return doc;
}

static void journal_round_end(struct ent_loop *loop, int64_t id, const struct ent_round *r)
{
    if (!loop->journal || id < 0)
        return;
    char summary[700];
    if (r->skipped)
        snprintf(summary, sizeof summary, "%s", r->reason);
    else
        snprintf(summary, sizeof summary,
                 "%zu nodes (%zu active), %zu VMs; target %lld nodes; %zu actions; %zu done, %zu "
                 "failed, %zu dropped, %zu not started",
                 r->nodes, r->active_nodes, r->vms, (long long)r->decision.nodes_used, r->actions,
                 r->exec.done, r->exec.failed, r->exec.dropped, r->exec.not_started);
    json_t *figures = ent_round_figures(r); /* its history (the API's /api/v1/rounds) */
    char *text = figures ? json_dumps(figures, JSON_COMPACT) : NULL;
    json_decref(figures);
    struct ent_error err;
    ent_error_init(&err);
    const char *state = r->skipped ? "skipped" : r->unapproved ? r->unapproved : "done";
    if (ent_journal_round_end(loop->journal, id, state, summary, text, &err))
        ent_log_error("%s", err.msg);
    free(text); /* jansson's */
}

void ent_round_release(struct ent_round *r)
{
    if (!r)
        return;
    ent_exec_result_release(&r->exec);
    json_decref(r->report);
    json_decref(r->issues);
    json_decref(r->avoided);
    json_decref(r->power);
    json_decref(r->maintenance);
    json_decref(r->autostart_waiting);
    json_decref(r->failover);
    json_decref(r->autostart_no_room);
    r->autostart_no_room = NULL;
    r->report = r->issues = r->avoided = r->power = r->maintenance = r->autostart_waiting = NULL;
    r->failover = NULL;
    ent_free(r->reason);
    r->reason = NULL;
}

/* What one round works on. */
struct round_work {
    struct ent_loop *loop;
    struct ent_round *r;
    struct ent_model m;
    struct ent_mapping target;
    struct ent_plan plan;
    struct ent_error err;
    int64_t journal_round;
    bool snapshot_ok; /* m is a whole snapshot (never show a partial one) */
    double started;   /* ent_now() at the round's start */
    struct ent_maintenance_round mr;
};

/* Ends the round with nothing more done; returns false. */
static bool skip(struct round_work *w, const char *why)
{
    w->r->skipped = true;
    w->r->reason = ent_strdup_printf("%s: %s", why, w->err.msg);
    return false;
}

static bool monitor_phase(struct round_work *w)
{
    struct ent_round *r = w->r;
    phase(w->loop, "monitoring", r, NULL, NULL);
    double t0 = ent_now();
    if (ent_monitor_snapshot(w->loop->monitor, &w->m, &w->err))
        return skip(w, "monitoring failed");
    r->monitor_seconds = ent_now() - t0;
    r->in_flight_seen = ent_monitor_in_flight(&w->m); /* a stale snapshot shows them too */
    struct ent_str lag = ENT_STR_INIT;
    if (ent_lag_stale(w->loop, &w->m, &lag)) { /* deciding on it would move VMs back */
        ent_warn("round %ld: monitoring has not caught up with the last round: %s", r->round,
                 ent_str_cstr(&lag));
        ent_str_release(&lag);
        return skip(w, "monitoring lags behind the last round's migrations");
    }
    ent_str_release(&lag);
    w->snapshot_ok = true;
    r->issues = json_incref(w->loop->monitor->issues);
    r->nodes = w->m.n_nodes;
    r->vms = w->m.n_vms;
    r->active_nodes = ent_model_active_nodes(&w->m);
    ent_info("round %ld: snapshot: %zu nodes (%zu active), %zu VMs, in %.1f ms", r->round, r->nodes,
             r->active_nodes, r->vms, r->monitor_seconds * 1000);
    ent_avoid_apply(w->loop, &w->m);
    r->avoided = ent_avoid_json(w->loop);
    return !w->loop->monitor_only && !stopping(w->loop, r);
}

/* The decision within the disruption policy: outside loop.window only repairs; the VMs in their
 * cooldown pinned where they run (not on nodes in maintenance), unless that leaves no placement:
 * then decided again without the pins; a consolidation that frees fewer than loop.min_gain_nodes
 * nodes or saves less than loop.min_gain_watts replaced by the repairs alone (anti-oscillation). */
static int solve_within_policy(struct round_work *w, struct ent_solve_options *opts)
{
    struct ent_round *r = w->r;
    const struct ent_disruption *d = w->loop->disruption;
    *opts = w->loop->solve;
    if (!d)
        return ent_solve(&w->m, opts, &w->target, &r->decision, &w->err);
    if (!ent_disruption_in_window(d, time(NULL)) && strcmp(opts->objective->name, "repair") != 0) {
        opts->objective = ent_objective_find("repair");
        ent_info("round %ld: outside loop.window: repairs only", r->round);
    }
    unsigned char *exempt = ent_loop_maintenance_nodes(&w->mr, w->m.n_nodes);
    size_t before = w->m.constraints.len;
    size_t pinned = ent_disruption_pin(d, &w->m, r->round, exempt);
    ent_free(exempt);
    int rc = ent_solve(&w->m, opts, &w->target, &r->decision, &w->err);
    if (rc && pinned) {
        ent_info("round %ld: no placement with the %zu VM(s) in their cooldown pinned: decided "
                 "again without",
                 r->round, pinned);
        while (w->m.constraints.len > before)
            ent_constraint_release(&w->m.constraints.items[--w->m.constraints.len]);
        rc = ent_solve(&w->m, opts, &w->target, &r->decision, &w->err);
    }
    long gain = (long)r->active_nodes - (long)r->decision.nodes_used;
    bool small = d->min_gain_nodes > 0 && gain < d->min_gain_nodes;
    double saved = 0; /* taken only when it decides or is said */
    if (!rc && (small || d->min_gain_watts > 0))
        saved = ent_mapping_watts(&w->m, &w->m.map) - ent_mapping_watts(&w->m, &w->target);
    small |= d->min_gain_watts > 0 && saved < d->min_gain_watts;
    if (!rc && small && strcmp(opts->objective->name, "repair") != 0) {
        ent_info("round %ld: %s would free %ld node(s) and save %.1f W, less than "
                 "loop.min_gain_nodes or loop.min_gain_watts: repairs only",
                 r->round, opts->objective->name, gain, saved);
        opts->objective = ent_objective_find("repair");
        ent_mapping_release(&w->target);
        ent_mapping_init(&w->target);
        rc = ent_solve(&w->m, opts, &w->target, &r->decision, &w->err);
    }
    return rc;
}

/* The decision, with the autostart VMs required to run: when they do not all fit, the ones of
 * highest priority that do (halving their number), the rest waiting for room. */
static int decide_with_autostart(struct round_work *w, struct ent_solve_options *opts)
{
    struct ent_round *r = w->r;
    struct ent_autostart *a = &w->loop->autostart;
    size_t candidates = ent_autostart_candidates(a, &w->m);
    size_t before = w->m.constraints.len;
    r->autostart_required = ent_autostart_require(a, &w->m, candidates, NULL);
    int rc = solve_within_policy(w, opts);
    char why[ENT_ERROR_MSG_MAX] = "";
    while (rc && r->autostart_required > 0) {
        while (w->m.constraints.len > before)
            ent_constraint_release(&w->m.constraints.items[--w->m.constraints.len]);
        ent_mapping_release(&w->target);
        ent_mapping_init(&w->target);
        snprintf(why, sizeof why, "%s", w->err.msg);
        ent_info("round %ld: no placement with %zu VM(s) to boot (%s): trying fewer", r->round,
                 r->autostart_required, w->err.msg);
        json_decref(r->autostart_no_room);
        r->autostart_no_room = json_array();
        r->autostart_required =
            ent_autostart_require(a, &w->m, r->autostart_required / 2, r->autostart_no_room);
        rc = solve_within_policy(w, opts);
    }
    r->autostart_left = candidates - r->autostart_required;
    if (r->autostart_left) {
        char *names = json_dumps(r->autostart_no_room, JSON_COMPACT);
        ent_warn("round %ld: %zu VM(s) to boot (autostart, restarts) left for a later round, the "
                 "lowest priorities: %s: no placement with them (%s)",
                 r->round, r->autostart_left, names ? names : "[]", why);
        free(names); /* jansson's */
    }
    r->autostart_waiting = ent_autostart_waiting_json(a);
    return rc;
}

static bool decide_phase(struct round_work *w)
{
    struct ent_round *r = w->r;
    phase(w->loop, "deciding", r, &w->m, NULL);
    struct ent_solve_options opts;
    if (decide_with_autostart(w, &opts)) {
        w->loop->short_of_room = w->err.code == ENT_EINFEASIBLE ? ent_now() : 0; /* boot */
        return skip(w, "no decision");
    }
    w->loop->short_of_room = 0;
    ent_loop_maintenance_keep_online(&w->mr, &w->m, &w->target);
    ent_info("round %ld: decision (%s): %lld nodes (lower bound %lld, gap %lld), %lld "
             "migrations, %lld MB to move, in %.1f ms",
             r->round, opts.objective->name, (long long)r->decision.nodes_used,
             (long long)r->decision.lower_bound, (long long)r->decision.gap,
             (long long)r->decision.migrations, (long long)r->decision.moved_memory,
             r->decision.seconds * 1000);
    return !stopping(w->loop, r);
}

static bool plan_phase(struct round_work *w)
{
    struct ent_round *r = w->r;
    phase(w->loop, "planning", r, &w->m, NULL);
    double t0 = ent_now();
    if (ent_plan_build(&w->m, &w->target, &w->loop->plan, &w->plan, &r->plan, &w->err))
        return skip(w, "no plan");
    r->plan_seconds = ent_now() - t0;
    size_t cut =
        w->loop->disruption ? ent_disruption_cap(w->loop->disruption, &w->plan, w->m.n_nodes) : 0;
    if (cut)
        ent_info("round %ld: %zu action(s) left for later rounds (loop.max_migrations, "
                 "loop.max_migrations_per_node)",
                 r->round, cut);
    r->actions = w->plan.len;
    r->makespan = (long long)ent_plan_makespan(&w->plan);
    ent_info("round %ld: plan: %zu actions, %zu bypass(es), makespan %lld s, in %.1f ms", r->round,
             r->actions, r->plan.bypasses, r->makespan, r->plan_seconds * 1000);
    for (size_t i = 0; i < w->plan.len; i++) {
        const struct ent_action *a = &w->plan.actions[i];
        char vm[64], from[64], to[64];
        int32_t dst = a->to >= 0 ? a->to : a->node;
        ent_info("round %ld: action %zu: %s %s %s -> %s, planned [%lld, %lld] s%s", r->round, i,
                 ent_action_kind_name(a->kind),
                 a->vm >= 0 ? ent_vm_label(&w->m, a->vm, vm, 64) : "",
                 a->from >= 0 ? ent_node_label(&w->m, a->from, from, 64) : "-",
                 dst >= 0 ? ent_node_label(&w->m, dst, to, 64) : "-", (long long)a->start,
                 (long long)a->end, a->bypass ? " (bypass)" : "");
    }
    if (w->loop->dry_run || w->loop->dry_run_once) {
        phase(w->loop, "dry run", r, &w->m, &w->plan); /* the plan shown, never run */
        ent_info("round %ld: dry run: nothing executed", r->round);
        return false;
    }
    return !stopping(w->loop, r);
}

/* Recommend mode: a plan with actions waits for approval until the next round would begin. */
static bool approval_phase(struct round_work *w)
{
    struct ent_loop *loop = w->loop;
    if (!loop->recommend || w->plan.len == 0)
        return true;
    phase(loop, "awaiting approval", w->r, &w->m, &w->plan);
    return ent_loop_await_approval(loop, w->r, w->journal_round, &w->m, &w->plan,
                                   w->started + loop->approval_wait - 0.5);
}

/* The plan in the journal before any action starts (crash recovery reads it). */
static bool record_plan(struct round_work *w)
{
    if (w->loop->journal &&
        ent_journal_plan(w->loop->journal, w->journal_round, &w->m, &w->plan, &w->err))
        return skip(w, "the journal cannot record the plan");
    return true;
}

static void execute_phase(struct round_work *w)
{
    struct ent_loop *loop = w->loop;
    struct ent_round *r = w->r;
    phase(loop, "executing", r, &w->m, &w->plan);
    struct ent_exec_options opts;
    if (loop->exec.max_parallel)
        opts = loop->exec;
    else
        ent_exec_options_default(&opts);
    struct exec_watch watch = {loop, w->journal_round, &w->m, &w->plan};
    opts.on_action = on_action;
    opts.hook_arg = &watch;
    ent_execute_plan(&w->m, &w->plan, loop->drivers, &opts, loop->stop, &r->exec);
    ent_avoid_learn(loop, &w->m, &w->plan, &r->exec);
    for (size_t i = 0; loop->disruption && i < w->plan.len && i < r->exec.len; i++) {
        const struct ent_action *a = &w->plan.actions[i];
        if (a->kind == ENT_ACTION_MIGRATE_VM && r->exec.outcomes[i].status == ENT_ACTION_DONE &&
            w->m.vms[a->vm].name)
            ent_disruption_moved(loop->disruption, w->m.vms[a->vm].name, r->round);
    }
    ent_lag_release(loop);
    ent_lag_learn(loop, &w->m, &w->plan, &r->exec);
    ent_in_flight_learn(loop, &w->m, &w->plan, &r->exec);
    ent_autostart_learn(&loop->autostart, &w->m, &w->plan, &r->exec, r->round);
    ent_info("round %ld: executed in %.2f s: %zu done, %zu failed, %zu dropped, %zu not started",
             r->round, r->exec.wall_seconds, r->exec.done, r->exec.failed, r->exec.dropped,
             r->exec.not_started);
    if (loop->report)
        r->report = ent_exec_report_json(&w->m, &w->plan, &r->exec);
    if (loop->learn && r->exec.moved_seconds > 0) {
        ent_costmodel_learn(&loop->plan.cost, r->exec.moved_mb / r->exec.moved_seconds,
                            r->exec.migrations ? r->exec.dirty_rate / (double)r->exec.migrations
                                               : 0);
        ent_info("round %ld: cost model now %.1f MB/s, guests dirtying %.2f MB/s", r->round,
                 loop->plan.cost.bandwidth, loop->plan.cost.dirty_rate);
    }
}

/* The snapshot moved on by what the round did: every VM whose action ended well is where that
 * action put it, so that the cluster shown between rounds is the one that is. */
static void settle_placement(struct ent_model *m, const struct ent_plan *plan,
                             const struct ent_exec_result *res)
{
    for (size_t i = 0; i < plan->len && i < res->len; i++) {
        const struct ent_action *a = &plan->actions[i];
        if (res->outcomes[i].status != ENT_ACTION_DONE || a->vm < 0)
            continue;
        if (a->kind == ENT_ACTION_MIGRATE_VM || a->kind == ENT_ACTION_BOOT_VM ||
            a->kind == ENT_ACTION_RESUME_VM) {
            m->map.vm_host[a->vm] = a->to;
            m->map.vm_state[a->vm] = ENT_VM_RUNNING;
        } else if (a->kind == ENT_ACTION_SUSPEND_VM) {
            m->map.vm_host[a->vm] = a->to >= 0 ? a->to : a->from;
            m->map.vm_state[a->vm] = ENT_VM_SLEEPING;
        }
    }
}

/* Nodes lost with VMs (failover.h): suspected, fenced, their VMs held or restarted; a returned
 * node's copies of restarted VMs paused. */
static bool failover_phase(struct round_work *w)
{
    struct ent_loop *loop = w->loop;
    ent_failover_observe(&loop->failover, &w->m, w->r->round, loop->power, loop->journal);
    ent_failover_pause_returned(&loop->failover, &w->m, loop->drivers);
    w->r->failover = ent_failover_json(&loop->failover);
    return !stopping(loop, w->r);
}

/* The nodes in maintenance (the journal's) to be emptied: offline constraints in the model. */
static bool maintenance_phase(struct round_work *w)
{
    ent_loop_maintenance_begin(w->loop, &w->m, &w->mr);
    return true;
}

void ent_loop_round(struct ent_loop *loop, struct ent_round *r)
{
    memset(r, 0, sizeof *r);
    r->round = ++loop->round;
    struct round_work w = {.loop = loop, .r = r, .journal_round = -1, .started = ent_now()};
    ent_model_init(&w.m);
    ent_mapping_init(&w.target);
    ent_plan_init(&w.plan);
    ent_error_init(&w.err);
    if (loop->journal && ent_journal_round_begin(loop->journal, &w.journal_round, &w.err))
        skip(&w, "the journal cannot record");
    else if (monitor_phase(&w) && failover_phase(&w) && maintenance_phase(&w) &&
             ent_loop_power(loop, r, w.journal_round, &w.m) && !stopping(loop, r) &&
             decide_phase(&w) && plan_phase(&w) && approval_phase(&w) && record_plan(&w))
        execute_phase(&w);
    if (r->skipped)
        ent_warn("round %ld: nothing done: %s", r->round, r->reason);
    if (w.snapshot_ok) {
        settle_placement(&w.m, &w.plan, &r->exec);
        ent_failover_learn(&loop->failover, &w.m);
        ent_loop_maintenance_end(loop, r, &w.m, &w.mr);
        ent_loop_account_energy(loop, r, &w.m);
    }
    journal_round_end(loop, w.journal_round, r); /* its figures: the watts after the round too */
    phase(loop, "idle", r, w.snapshot_ok ? &w.m : NULL, NULL);
    ent_plan_release(&w.plan);
    ent_mapping_release(&w.target);
    ent_model_release(&w.m);
}
