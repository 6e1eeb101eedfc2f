/* The lab's monitoring source. */
#include "lab/lab_monitor.h"

#include "config/properties.h"
#include "lab/lab.h"
#include "model/model.h"
#include "monitor/issues.h"
#include "monitor/monitor.h"
#include "proto/qmp_client.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>

/* A VM found split between processes, or not running, is made whole through the lab's own
 * recovery (a migration cut short, journaled by no one), unless a migration of it is under way
 * in some process (its lock is held): then it is left for this round. Whether it settled. */
static bool settle(const struct ent_lab *lab, const char *vm, json_t *issues)
{
    struct ent_error err;
    ent_error_init(&err);
    int lock = ent_lab_vm_lock(lab, vm, &err);
    if (lock < 0)
        return false;
    bool changed = false;
    if (ent_lab_settle(lab, vm, &changed, &err))
        ent_monitor_issue(issues, "lab", "%s could not be made whole: %s", vm, err.msg);
    else if (changed)
        ent_monitor_issue(issues, "lab",
                          "%s was split between QEMU processes (a migration cut "
                          "short): made whole, one instance kept",
                          vm);
    ent_lab_vm_unlock(lock);
    return changed;
}

/* Whether vm's own instance runs alone (no other live instance of it). */
static bool whole(const struct ent_lab *lab, const struct ent_lab_vm *vm, const char *status)
{
    struct ent_lab_instance *all;
    size_t n = 0;
    if (ent_lab_instances(lab->dir, vm->name, &all, &n))
        return true;
    ent_free(all);
    return n <= 1 && strcmp(status, "running") == 0;
}

static int add_vms(const struct ent_lab *lab, const struct ent_lab_source *src,
                   struct ent_monitor_round *r, struct ent_error *err)
{
    struct ent_model *m = r->m;
    json_t *issues = r->issues;
    char **vms;
    size_t n;
    int rc = ent_lab_vm_names(lab, &vms, &n, err);
    for (size_t i = 0; !rc && i < n; i++) {
        struct ent_lab_vm vm;
        struct ent_error verr;
        ent_error_init(&verr);
        char status[32] = "";
        if (ent_lab_vm_read(lab, vms[i], &vm, &verr)) {
            ent_monitor_issue(issues, "lab", "%s", verr.msg);
            continue;
        }
        /* QMP is asked once, and again only when settling changed the VM's instance. */
        int unanswered = ent_qmp_status(vm.qemu.qmp, 5.0, status, sizeof status, NULL);
        if (unanswered)
            status[0] = '\0';
        if (!whole(lab, &vm, status) && settle(lab, vm.name, issues)) {
            if (ent_lab_vm_read(lab, vms[i], &vm, &verr)) {
                ent_monitor_issue(issues, "lab", "%s", verr.msg);
                continue;
            }
            unanswered = ent_qmp_status(vm.qemu.qmp, 5.0, status, sizeof status, NULL);
        }
        int32_t node = (int32_t)ent_namemap_get(&r->names.nodes, vm.node);
        if (node < 0) {
            ent_monitor_issue(issues, "lab", "%s is on %s, which is no lab node", vm.name, vm.node);
            continue;
        }
        if (!ent_lab_qemu_alive(&vm.qemu) || unanswered) {
            ent_monitor_issue(issues, "lab", "%s: its QEMU (pid %d) is gone or does not answer",
                              vm.name, (int)vm.qemu.pid);
            continue;
        }
        int v = ent_monitor_add_vm(m, &r->names, issues, "lab", vm.name, node, err);
        if (v == ENT_EEXISTS)
            continue;
        if (v < 0) {
            rc = v;
            break;
        }
        m->res[r->cpu].demand[v] = vm.vcpus * src->cpu_share;
        m->res[r->mem].demand[v] = vm.memory_mb;
        if (strcmp(status, "running") != 0) {
            ent_monitor_issue(issues, "lab", "%s is %s on %s: kept there this round", vm.name,
                              status, vm.node);
            ent_monitor_pin_vm(m, v);
        }
    }
    ent_lab_names_free(vms, n);
    return rc;
}

static int lab_read(struct ent_monitor *mon, struct ent_monitor_round *r, struct ent_error *err)
{
    const struct ent_lab_source *src = mon->state;
    struct ent_model *m = r->m;
    struct ent_lab lab;
    int rc = ent_lab_open(&lab, src->dir, err);
    if (rc)
        return rc;
    for (size_t i = 0; !rc && i < lab.n_nodes; i++) {
        int n = ent_monitor_add_node(r, "lab", lab.nodes[i].name, err);
        if (n == ENT_EINVALID)
            continue; /* reported */
        if (n < 0) {
            rc = n;
            break;
        }
        m->res[r->cpu].capacity[n] = lab.nodes[i].cpus * 100;
        m->res[r->mem].capacity[n] = lab.nodes[i].memory_mb;
        m->nodes[n].driver = ent_strdup("qmp");
        if (!ent_lab_node_powered(&lab, lab.nodes[i].name))
            m->map.node_state[n] = ENT_NODE_OFFLINE;
    }
    if (!rc)
        rc = add_vms(&lab, src, r, err);
    ent_lab_release(&lab);
    return rc;
}

static int lab_open(struct ent_monitor *mon, void *arg, struct ent_error *err)
{
    if (!arg)
        return ent_error(err, ENT_EINVALID, "the lab monitor needs its source");
    mon->state = arg;
    return 0;
}

static int lab_configure(struct ent_monitor *mon, const struct ent_config *c, struct ent_error *err)
{
    struct ent_lab_source *src = ent_malloc(sizeof *src);
    *src = (struct ent_lab_source){.dir = ent_lab_configured_dir(c),
                                   .cpu_share = (int64_t)ent_config_number(c, "monitor.vm_cpu")};
    return lab_open(mon, src, err);
}

static void lab_close(struct ent_monitor *mon)
{
    ent_free(mon->state);
}

static void lab_describe(const struct ent_monitor *mon, char *buf, size_t size)
{
    const struct ent_lab_source *src = mon->state;
    snprintf(buf, size, "lab %s", src->dir);
}

static const char *const lab_keys[] = {"monitor.lab.dir", NULL};

const struct ent_monitor_ops ent_monitor_lab_ops = {
    .name = "lab",
    .driver = "qmp",
    .keys = lab_keys,
    .configure = lab_configure,
    .open = lab_open,
    .read = lab_read,
    .close = lab_close,
    .describe = lab_describe,
};
