/* Running a plan through a driver. */
#ifndef ENT_EXEC_EXECUTOR_H
#define ENT_EXEC_EXECUTOR_H

#include <signal.h>
#include <stddef.h>

struct ent_driver;
struct ent_model;
struct ent_plan;

struct ent_exec_result {
    size_t done, failed, skipped;
    double migration_seconds; /* summed measured migration time */
    double max_downtime;      /* seconds */
};

/* Runs the plan's actions in order of start time, one at a time. The plan was computed for the
 * state it started from, so after a failure the actions that follow could meet another state: they
 * are skipped (the failed VM stays on its source) and the next round re-plans from what monitoring
 * sees. When *stop becomes non-zero, no further action starts. Every outcome is logged. */
void ent_execute_plan(const struct ent_model *m, const struct ent_plan *plan,
                      struct ent_driver *drv, volatile sig_atomic_t *stop,
                      struct ent_exec_result *res);

#endif
