/* One action through its driver, and where its VM is after a failure. */
#include "exec/executor.h"

#include "drivers/driver.h"
#include "drivers/power.h"
#include "model/definition.h"
#include "model/model.h"
#include "model/plan.h"
#include "util/error.h"
#include "util/log.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

static const char *node_name(const struct ent_model *m, int32_t n)
{
    return n >= 0 ? m->nodes[n].name : NULL;
}

static int migrate(const struct ent_model *m, const struct ent_action *a, struct ent_driver *drv,
                   const struct ent_exec_options *opts, struct ent_action_outcome *out,
                   struct ent_error *err)
{
    int mem = ent_model_memory_resource(m);
    struct ent_migration mig = {.vm = m->vms[a->vm].name,
                                .from = node_name(m, a->from),
                                .to = node_name(m, a->to),
                                .memory_mb = mem >= 0 ? m->res[mem].demand[a->vm] : 0,
                                .bandwidth = opts->bandwidth,
                                .max_downtime = opts->max_downtime,
                                .timeout = opts->timeout,
                                .downtime = -1,
                                .bytes = -1};
    int rc = ent_driver_migrate(drv, &mig, err);
    if (rc)
        return rc;
    out->seconds = mig.seconds;
    out->downtime = mig.downtime;
    out->bytes = mig.bytes;
    out->dirty_rate = mig.dirty_rate;
    struct ent_str figures = ENT_STR_INIT;
    ent_info("migrated %s from %s to %s%s: %s", mig.vm, mig.from, mig.to,
             a->bypass ? " (bypass)" : "",
             ent_migration_figures(&figures, mig.seconds, mig.downtime, mig.bytes));
    ent_str_release(&figures);
    return 0;
}

const char *ent_migration_figures(struct ent_str *out, double seconds, double downtime,
                                  int64_t bytes)
{
    ent_str_addf(out, "%.3f s, ", seconds);
    if (downtime >= 0)
        ent_str_addf(out, "downtime %.1f ms, ", downtime * 1000);
    else
        ent_str_addf(out, "downtime unknown, ");
    if (bytes >= 0)
        ent_str_addf(out, "%lld bytes", (long long)bytes);
    else
        ent_str_addf(out, "bytes unknown");
    return ent_str_cstr(out);
}

/* A node boot or shutdown through the node's power driver. */
static int power_node(const struct ent_model *m, const struct ent_action *a,
                      const struct ent_power_set *power, struct ent_error *err)
{
    enum ent_power_state ignored;
    const char *node = node_name(m, a->node);
    int rc = ent_power_act(power, node,
                           a->kind == ENT_ACTION_BOOT_NODE ? ENT_POWER_DO_ON : ENT_POWER_DO_OFF,
                           &ignored, err);
    if (!rc)
        ent_info("%s %s: done (power driver)", ent_action_kind_name(a->kind), node);
    return rc;
}

/* A boot from the VM's definition, read again now (the file may have changed since the snapshot;
 * one that now names another VM is refused). */
static int create_vm(const struct ent_model *m, const struct ent_action *a, struct ent_driver *drv,
                     const char *definition, struct ent_error *err)
{
    struct ent_vm_definition def;
    const char *vm = m->vms[a->vm].name, *on = node_name(m, a->to);
    int rc = ent_definition_load_file(definition, &def, err);
    if (!rc && strcmp(def.name, vm) != 0)
        rc = ent_error(err, ENT_EINVALID, "%s now defines %s, not %s", definition, def.name, vm);
    if (!rc)
        rc = drv->ops->create_vm(drv, &def, on, err);
    if (!rc)
        ent_info("bootVM %s on %s: created from %s", vm, on, definition);
    ent_definition_release(&def);
    return rc;
}

int ent_exec_action(const struct ent_model *m, const struct ent_action *a, struct ent_driver *drv,
                    const struct ent_exec_options *opts, struct ent_action_outcome *out,
                    struct ent_error *err)
{
    const struct ent_driver_ops *ops = drv->ops;
    if (a->kind == ENT_ACTION_MIGRATE_VM)
        return migrate(m, a, drv, opts, out, err);
    if ((a->kind == ENT_ACTION_BOOT_NODE || a->kind == ENT_ACTION_SHUTDOWN_NODE) && opts->power &&
        ent_power_set_find(opts->power, node_name(m, a->node)))
        return power_node(m, a, opts->power, err);
    const char *vm = a->vm >= 0 ? m->vms[a->vm].name : NULL;
    const char *definition =
        a->vm >= 0 && m->vms[a->vm].attrs
            ? json_string_value(json_object_get(m->vms[a->vm].attrs, ENT_VM_ATTR_DEFINITION))
            : NULL;
    if (a->kind == ENT_ACTION_BOOT_VM && definition && ops->create_vm)
        return create_vm(m, a, drv, definition, err);
    const char *on = node_name(m, a->from);
    int (*vm_op)(struct ent_driver *, const char *, const char *, struct ent_error *) = NULL;
    int (*node_op)(struct ent_driver *, const char *, struct ent_error *) = NULL;
    switch (a->kind) {
    case ENT_ACTION_BOOT_VM:
        vm_op = ops->boot_vm;
        on = node_name(m, a->to);
        break;
    case ENT_ACTION_SHUTDOWN_VM:
        vm_op = ops->shutdown_vm;
        break;
    case ENT_ACTION_SUSPEND_VM:
        vm_op = ops->suspend_vm;
        break;
    case ENT_ACTION_RESUME_VM:
        vm_op = ops->resume_vm;
        on = node_name(m, a->to);
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
    int rc = vm_op ? vm_op(drv, vm, on, err) : node_op(drv, node_name(m, a->node), err);
    if (!rc)
        ent_info("%s %s%s%s: done", ent_action_kind_name(a->kind), vm ? vm : node_name(m, a->node),
                 vm && on ? " on " : "", vm && on ? on : "");
    return rc;
}

bool ent_exec_locate(const struct ent_model *m, const struct ent_action *a, struct ent_driver *drv)
{
    if (a->vm < 0 || !drv->ops->locate_vm)
        return false;
    const char *vm = m->vms[a->vm].name;
    struct ent_vm_place place;
    struct ent_error err;
    ent_error_init(&err);
    if (drv->ops->locate_vm(drv, vm, node_name(m, a->from), node_name(m, a->to), &place, &err)) {
        ent_log_error("after the failure, %s could not be looked for: %s", vm, err.msg);
        return false;
    }
    if (strcmp(place.state, "migrating") == 0) {
        ent_warn("after the failure, %s is still migrating from %s: the hypervisor could not "
                 "cancel it, it may yet arrive",
                 vm, place.node[0] ? place.node : "?");
        return true;
    }
    if (place.copies > 1)
        ent_log_error("after the failure, %s runs %d times (on %s and elsewhere): needs an "
                      "administrator",
                      vm, place.copies, place.node[0] ? place.node : "?");
    else if (!place.node[0])
        ent_log_error("after the failure, %s is found nowhere (%s)", vm, place.state);
    else
        ent_info("after the failure, %s is %s on %s%s", vm, place.state, place.node,
                 a->from >= 0 && strcmp(place.node, m->nodes[a->from].name) == 0 ? " (where it was)"
                                                                                 : "");
    return false;
}
