/* One round of the control loop: monitor -> decide -> plan -> execute. */
#ifndef ENT_DAEMON_LOOP_H
#define ENT_DAEMON_LOOP_H

#include "exec/executor.h"
#include "plan/planner.h"
#include "solve/solve.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

struct ent_monitor;
struct ent_driver;

struct ent_loop {
    struct ent_monitor *monitor;
    struct ent_driver *driver;
    struct ent_solve_options solve;
    struct ent_plan_options plan;
    bool dry_run; /* decide and plan, execute nothing */
    volatile sig_atomic_t *stop;
    long round;
};

struct ent_round {
    long round;
    bool skipped; /* nothing was acted on; reason says why */
    char reason[512];
    size_t nodes, vms, active_nodes;
    double monitor_seconds, plan_seconds;
    struct ent_solve_stats decision;
    struct ent_plan_stats plan;
    size_t actions;
    long long makespan;
    struct ent_exec_result exec;
};

/* Runs one round and logs it. Failures of a phase skip the rest of the round (never act on a
 * partial view); they are reported in r, not as an error. */
void ent_loop_round(struct ent_loop *loop, struct ent_round *r);

#endif
