/* Running a plan through drivers, in parallel where the plan allows. */
#ifndef ENT_EXEC_EXECUTOR_H
#define ENT_EXEC_EXECUTOR_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ent_driver_set;
struct ent_model;
struct ent_plan;

enum ent_action_status {
    ENT_ACTION_PENDING,
    ENT_ACTION_RUNNING,
    ENT_ACTION_DONE,
    ENT_ACTION_FAILED,
    ENT_ACTION_DROPPED,     /* depended on a failed action */
    ENT_ACTION_NOT_STARTED, /* stop requested */
};

struct ent_action_outcome {
    enum ent_action_status status;
    double started, ended;                /* seconds from the start of the execution */
    double seconds, downtime, dirty_rate; /* measured by the driver (migrations) */
    int64_t bytes;
    char *error;    /* when failed: why (freed by ent_exec_result_release) */
    bool in_flight; /* failed, yet the hypervisor still moves the VM (it could not cancel) */
};

struct ent_power_set;

struct ent_exec_options {
    int max_parallel;     /* actions running at once in all (32); 1 runs the plan sequentially */
    int node_concurrency; /* actions running at once that touch one node
                           * (ENT_DEFAULT_NODE_CONCURRENCY), 0 for no limit */
    double timeout;       /* seconds an action may take (600), 0 for none */
    double bandwidth;     /* MB/s a migration may use, 0 for the hypervisor's default */
    double max_downtime;  /* seconds, 0 for the hypervisor's default */
    /* Node boots and shutdowns go through the power driver of the node when this set has one
     * (drivers/power.h), else through the node's migration driver; may be NULL. */
    const struct ent_power_set *power;
    /* Called on the executor's own thread when an action starts (before its driver is called)
     * and when its outcome is known (the journal, the status): may be NULL. Write-ahead: when it
     * returns non-zero for a start (status running) that action is not started and no other
     * starts (not started, the reason logged); what runs finishes. */
    int (*on_action)(void *arg, size_t index, const struct ent_action_outcome *o);
    void *hook_arg;
};

struct ent_exec_result {
    size_t done, failed, dropped, not_started;
    size_t in_flight;         /* failed actions whose migration the hypervisor goes on with */
    double wall_seconds;      /* from the first start to the last end */
    double migration_seconds; /* summed measured migration time */
    double max_downtime;      /* seconds */
    size_t migrations;        /* measured */
    double moved_mb, moved_seconds, dirty_rate; /* sums for the cost model */
    struct ent_action_outcome *outcomes;        /* one per plan action */
    size_t len;
};

void ent_exec_options_default(struct ent_exec_options *o);
const char *ent_action_status_name(enum ent_action_status s);

/* An action starts once the actions it depends on (exec/deps.h) have ended well, within the
 * concurrency limits, through the driver of its node (the source for a migration). A failed
 * action's VM is looked for where it really is (logged), the actions that depend on it are
 * dropped and the rest goes on. When *stop becomes non-zero no action starts; running ones
 * finish. Every outcome is logged with its figures. res is released with ent_exec_result_release.
 */
void ent_execute_plan(const struct ent_model *m, const struct ent_plan *plan,
                      struct ent_driver_set *drivers, const struct ent_exec_options *opts,
                      atomic_int *stop, struct ent_exec_result *res);
void ent_exec_result_release(struct ent_exec_result *res);

/* The outcome as JSON: counts, figures and every action with its status (exec/report.c). */
json_t *ent_exec_report_json(const struct ent_model *m, const struct ent_plan *plan,
                             const struct ent_exec_result *res);

/* One action through its driver (exec/action.c). */
struct ent_driver;
struct ent_action;
struct ent_error;
struct ent_str;
/* A migration's figures as the log and the journal say them: "1.234 s, downtime 12.0 ms,
 * 123456 bytes", "unknown" for what the hypervisor does not say; appended to out. */
const char *ent_migration_figures(struct ent_str *out, double seconds, double downtime,
                                  int64_t bytes);
int ent_exec_action(const struct ent_model *m, const struct ent_action *a, struct ent_driver *drv,
                    const struct ent_exec_options *opts, struct ent_action_outcome *out,
                    struct ent_error *err);
/* After a failure: where the action's VM really is, logged. */
/* Whether the VM is still in a migration the hypervisor could not cancel (xend's migrating-). */
bool ent_exec_locate(const struct ent_model *m, const struct ent_action *a, struct ent_driver *drv);

#endif
