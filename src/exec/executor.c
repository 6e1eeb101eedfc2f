/* The sequential executor. */
#include "exec/executor.h"

#include "drivers/driver.h"
#include "model/model.h"
#include "model/plan.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/log.h"

#include <stdlib.h>
#include <string.h>

static int cmp_start(const void *a, const void *b, void *arg)
{
    const struct ent_plan *plan = arg;
    const struct ent_action *x = &plan->actions[*(const size_t *)a];
    const struct ent_action *y = &plan->actions[*(const size_t *)b];
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static int run_action(const struct ent_model *m, const struct ent_action *a, struct ent_driver *drv,
                      struct ent_exec_result *res, struct ent_error *err)
{
    const struct ent_driver_ops *ops = drv->ops;
    const char *vm = a->vm >= 0 ? m->vms[a->vm].name : NULL;
    const char *from = a->from >= 0 ? m->nodes[a->from].name : NULL;
    const char *to = a->to >= 0 ? m->nodes[a->to].name : NULL;
    const char *node = a->node >= 0 ? m->nodes[a->node].name : NULL;
    int (*vm_op)(struct ent_driver *, const char *, const char *, struct ent_error *) = NULL;
    int (*node_op)(struct ent_driver *, const char *, struct ent_error *) = NULL;
    switch (a->kind) {
    case ENT_ACTION_MIGRATE_VM: {
        int mem = ent_model_memory_resource(m);
        struct ent_migration mig = {vm, from, to, mem >= 0 ? m->res[mem].demand[a->vm] : 0,
                                    0,  0,    0};
        int rc = ent_driver_migrate(drv, &mig, err);
        if (!rc) {
            res->migration_seconds += mig.seconds;
            if (mig.downtime > res->max_downtime)
                res->max_downtime = mig.downtime;
            ent_info("migrated %s from %s to %s%s: %.2f s, downtime %.0f ms, %lld bytes", vm, from,
                     to, a->bypass ? " (bypass)" : "", mig.seconds, mig.downtime * 1000,
                     (long long)mig.bytes);
        }
        return rc;
    }
    case ENT_ACTION_BOOT_VM:
        vm_op = ops->boot_vm;
        from = to;
        break;
    case ENT_ACTION_SHUTDOWN_VM:
        vm_op = ops->shutdown_vm;
        break;
    case ENT_ACTION_SUSPEND_VM:
        vm_op = ops->suspend_vm;
        break;
    case ENT_ACTION_RESUME_VM:
        vm_op = ops->resume_vm;
        from = to;
        break;
    case ENT_ACTION_BOOT_NODE:
        node_op = ops->boot_node;
        break;
    case ENT_ACTION_SHUTDOWN_NODE:
        node_op = ops->shutdown_node;
        break;
    default:
        break;
    }
    if (!vm_op && !node_op)
        return ent_error(err, ENT_EUNSUPPORTED, "the %s driver cannot %s", ops->name,
                         ent_action_kind_name(a->kind));
    int rc = vm_op ? vm_op(drv, vm, from, err) : node_op(drv, node, err);
    if (!rc)
        ent_info("%s %s%s%s: done", ent_action_kind_name(a->kind), vm ? vm : node,
                 from && vm ? " on " : "", from && vm ? from : "");
    return rc;
}

void ent_execute_plan(const struct ent_model *m, const struct ent_plan *plan,
                      struct ent_driver *drv, volatile sig_atomic_t *stop,
                      struct ent_exec_result *res)
{
    memset(res, 0, sizeof *res);
    size_t *order = ent_malloc((plan->len + 1) * sizeof *order);
    for (size_t i = 0; i < plan->len; i++)
        order[i] = i;
    qsort_r(order, plan->len, sizeof *order, cmp_start, (void *)plan);
    for (size_t k = 0; k < plan->len; k++) {
        if ((stop && *stop) || res->failed) {
            res->skipped = plan->len - k;
            ent_warn("%zu action(s) not started: %s", res->skipped,
                     res->failed ? "an earlier action failed, the next round re-plans"
                                 : "stop requested");
            break;
        }
        struct ent_error err;
        ent_error_init(&err);
        if (run_action(m, &plan->actions[order[k]], drv, res, &err)) {
            res->failed++;
            ent_log_error("action %zu (%s) failed: %s", order[k],
                          ent_action_kind_name(plan->actions[order[k]].kind), err.msg);
        } else {
            res->done++;
        }
    }
    ent_free(order);
}
