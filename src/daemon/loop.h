/* One round of the control loop: monitor -> decide -> plan -> execute. */
#ifndef ENT_DAEMON_LOOP_H
#define ENT_DAEMON_LOOP_H

#include "daemon/autostart.h"
#include "daemon/failover.h"
#include "daemon/in_flight.h"
#include "exec/executor.h"
#include "plan/planner.h"
#include "solve/solve.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

struct ent_monitor;
struct ent_driver_set;
struct ent_power_set;
struct ent_power_policy;
struct ent_disruption;
struct ent_journal;
struct ent_round;

/* What the cluster draws by the power model (model/power.h: watts, or the node count without
 * one), and what it would with every node on; the energy since the daemon started. */
struct ent_energy {
    double watts, watts_all_on;
    double kwh, kwh_all_on;
    double at; /* when watts were last taken (ent_now()), 0: never */
};

/* A node a failed action went to, avoided as a destination until a round (failure memory). */
struct ent_avoided {
    char *node;
    long until_round; /* the last round it is avoided in */
    char *why;        /* the failure */
};

struct ent_loop {
    struct ent_monitor *monitor;
    struct ent_driver_set *drivers;
    struct ent_solve_options solve;
    struct ent_plan_options plan;
    struct ent_exec_options exec; /* zero: ent_exec_options_default */
    bool learn;                   /* measured migrations tune plan.cost for the next rounds */
    bool report;                  /* keep what was executed in the round's report */
    bool dry_run;                 /* decide and plan, execute nothing */
    bool dry_run_once;            /* the same for this round only (the API's dry run) */
    bool recommend;               /* loop.mode = recommend: a plan waits for approval */
    double approval_wait;         /* how long, from the round's start (loop.period) */
    atomic_int *stop;
    long round;
    bool monitor_only;           /* objective none: snapshot and log, decide nothing */
    struct ent_journal *journal; /* may be NULL: rounds, plans, actions recorded */
    /* Observers (the daemon's status), may be NULL: a phase begins ("monitoring", "deciding",
     * "planning", "executing", "idle"; m and plan as far as known), an action changes. */
    void (*on_phase)(void *arg, const char *phase, const struct ent_round *r,
                     const struct ent_model *m, const struct ent_plan *plan);
    void (*on_action)(void *arg, const struct ent_model *m, const struct ent_plan *plan,
                      size_t index, const struct ent_action_outcome *o);
    void *observer;
    /* Asked before an action starts (before the journal records the start), may be NULL: when
     * it refuses (non-zero, err says why) the action is not started, nor any after it (HA: a
     * leader that lost its lease starts nothing). */
    int (*guard_start)(void *arg, long round, size_t index, const char *what,
                       struct ent_error *err);
    void *guard_arg;
    /* Failure memory: after an action to a node fails, that node is no destination for
     * avoid_rounds rounds (0: never avoided), so the loop converges without it. */
    long avoid_rounds;
    struct ent_avoided *avoided;
    size_t n_avoided;
    /* Power (power_policy.h): with power_off_empty, nodes seen empty long enough are powered
     * off through their power driver after monitoring, and booted for spares or room;
     * maintenance switches its nodes either way. Both NULL when no node has a power driver. */
    bool power_off_empty;
    struct ent_power_set *power;
    struct ent_power_policy *power_policy;
    struct ent_disruption *disruption; /* how much a round may move (disruption.h), or NULL */
    double short_of_room; /* when the last decision found no placement (boot a node), 0: it did */
    struct ent_energy energy;
    /* Where the last round put VMs, until monitoring shows them there (lag.c). */
    struct ent_moved *moved;
    size_t n_moved;
    struct ent_autostart autostart; /* loop.autostart: what it booted, until seen */
    struct ent_failover failover;   /* nodes lost with VMs: suspected, fenced, returned */
    /* Migrations given up that the hypervisor went on with, until it says they ended. */
    struct ent_in_flight *in_flight;
    size_t n_in_flight, cap_in_flight;
};

/* Frees what the loop remembers of its rounds: failure memory, lag, migrations in flight,
 * autostart, failover. */
void ent_loop_release(struct ent_loop *loop);
/* Moves that memory, and the round number, from old to next (a reload's new setup, which
 * remembers nothing yet): the cooldowns of avoided nodes, where the last round put VMs, what the
 * hypervisor goes on with, what was booted and not seen, the lost nodes go on. */
void ent_loop_carry_memory(struct ent_loop *next, struct ent_loop *old);

struct ent_round {
    long round;
    bool skipped; /* nothing was acted on; reason says why */
    /* recommend mode: why the plan was not executed ("superseded", "stale"), NULL when it was */
    const char *unapproved;
    char *reason; /* when skipped */
    size_t nodes, vms, active_nodes;
    double monitor_seconds, plan_seconds;
    struct ent_solve_stats decision;
    struct ent_plan_stats plan;
    size_t actions;
    long long makespan;
    struct ent_exec_result exec;
    json_t *report;  /* what was executed (ent_exec_report_json), when loop->report is set */
    json_t *issues;  /* what monitoring reported about the snapshot (an array), NULL when none */
    json_t *avoided; /* the nodes no destination this round (ent_avoid_json), NULL when none */
    size_t in_flight_seen; /* VMs monitoring saw in a migration the hypervisor goes on with */
    size_t powered_off, powered_on, power_failed; /* nodes switched this round, and refusals */
    struct ent_energy energy;                     /* after the round */
    json_t *power; /* nodes the power policy switched, [{node, state, boot_seconds}], or NULL */
    json_t *maintenance; /* per target in maintenance, its progress (maintenance.h), or NULL */
    /* Autostart VMs this round: to boot (required of the decision), left for lack of room, and
     * those booted earlier that monitoring has not shown yet. */
    size_t autostart_required, autostart_left;
    json_t *autostart_no_room; /* the names of those left, or NULL */
    json_t *autostart_waiting;
    json_t *failover; /* the nodes not seen (ent_failover_json) */
};

/* Runs one round and logs it; r->exec is released by ent_round_release. Failures of a phase skip
 * the rest of the round (never act on a partial view); they are reported in r, not as an error. */
void ent_loop_round(struct ent_loop *loop, struct ent_round *r);
/* The round's numbers as JSON (nodes, active_nodes, vms, target_nodes, lower_bound, gap, actions,
 * done, failed, dropped, not_started, watts, executed_seconds, monitor_seconds, decision_seconds,
 * plan_seconds): the journal's history and the status document's last_round. */
json_t *ent_round_figures(const struct ent_round *r);
void ent_round_release(struct ent_round *r);

#endif
