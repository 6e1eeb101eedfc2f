/* The QMP driver: live migration between QEMU processes, as in the local lab (src/lab). The
 * destination is a new QEMU started with "-incoming defer" and listening on a port of its choice;
 * the source is told to migrate there (events on, max-bandwidth and downtime-limit set) and polled
 * with query-migrate to the end. The source is ended only once the destination runs; a failed,
 * cancelled or timed-out migration ends the destination and leaves the VM running on its source. */
#include "config/properties.h"
#include "drivers/driver.h"
#include "lab/lab.h"
#include "model/definition.h"
#include "monitor/monitor.h"
#include "proto/qmp_client.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QMP_TIMEOUT 5.0 /* seconds for one QMP exchange */

struct qmp_migration {
    struct ent_lab_vm vm;
    struct ent_lab_instance dest;
    bool dest_started;
    int lock; /* the VM's lock, -1 until held: without it nothing is touched, not even on abort */
    char uri[64];
};

static int qmp_open(struct ent_driver *drv, void *arg, struct ent_error *err)
{
    if (!arg)
        return ent_error(err, ENT_EINVALID, "the qmp driver needs a lab directory");
    struct ent_lab *lab = ent_malloc(sizeof *lab);
    int rc = ent_lab_open(lab, arg, err);
    if (rc) {
        ent_free(lab);
        return rc;
    }
    drv->state = lab;
    return 0;
}

static void qmp_close(struct ent_driver *drv)
{
    ent_lab_release(drv->state);
    ent_free(drv->state);
}

/* Memory the lab's VMs hold on node now. */
static int64_t node_used(const struct ent_lab *lab, const char *node)
{
    char **names;
    size_t n;
    int64_t used = 0;
    if (ent_lab_vm_names(lab, &names, &n, NULL))
        return 0;
    for (size_t i = 0; i < n; i++) {
        struct ent_lab_vm vm;
        if (!ent_lab_vm_read(lab, names[i], &vm, NULL) && strcmp(vm.node, node) == 0)
            used += vm.memory_mb;
    }
    ent_lab_names_free(names, n);
    return used;
}

static int incoming_uri(const struct ent_lab_instance *dest, char *uri, size_t len,
                        struct ent_error *err)
{
    struct ent_qmp q;
    json_t *ret = NULL;
    int rc = ent_qmp_connect(&q, dest->qmp, QMP_TIMEOUT, err);
    if (rc)
        return rc;
    rc = ent_qmp_call(&q, "migrate-incoming", json_pack("{s:s}", "uri", "tcp:127.0.0.1:0"), NULL,
                      err);
    if (!rc)
        rc = ent_qmp_call(&q, "query-migrate", NULL, &ret, err);
    ent_qmp_close(&q);
    json_t *addr = json_array_get(json_object_get(ret, "socket-address"), 0);
    const char *port = json_string_value(json_object_get(addr, "port"));
    if (!rc && !port)
        rc = ent_error(err, ENT_EDRIVER, "QMP %s: the destination names no listening port",
                       dest->qmp);
    if (!rc)
        snprintf(uri, len, "tcp:127.0.0.1:%s", port);
    json_decref(ret);
    return rc;
}

static int qmp_prepare(struct ent_driver *drv, struct ent_migration *mig, struct ent_error *err)
{
    struct ent_lab *lab = drv->state;
    if (strcmp(mig->from, mig->to) == 0)
        return ent_error(err, ENT_EINVALID, "source and destination are both %s", mig->to);
    const struct ent_lab_node *to = ent_lab_node(lab, mig->to);
    if (!to)
        return ent_error(err, ENT_ENOTFOUND, "no lab node %s", mig->to);
    struct qmp_migration *pm = ent_calloc(1, sizeof *pm);
    mig->priv = pm;
    pm->lock = ent_lab_vm_lock(lab, mig->vm, err);
    if (pm->lock < 0)
        return pm->lock;
    bool settled;
    int rc = ent_lab_settle(lab, mig->vm, &settled, err); /* leftovers of a cut migration */
    if (!rc)
        rc = ent_lab_vm_read(lab, mig->vm, &pm->vm, err);
    if (rc)
        return rc;
    if (strcmp(pm->vm.node, mig->from) != 0)
        return ent_error(err, ENT_EINVALID, "%s runs on %s, not on %s", mig->vm, pm->vm.node,
                         mig->from);
    char status[32];
    rc = ent_qmp_status(pm->vm.qemu.qmp, QMP_TIMEOUT, status, sizeof status, err);
    if (!rc && strcmp(status, "running") != 0)
        rc =
            ent_error(err, ENT_EINVALID, "%s is %s on %s, not running", mig->vm, status, mig->from);
    if (rc)
        return rc;
    int64_t used = node_used(lab, mig->to);
    if (used + pm->vm.memory_mb > to->memory_mb)
        return ent_error(
            err, ENT_EINVALID, "the destination refuses: %lld MB free on %s, %s needs %lld MB",
            (long long)(to->memory_mb - used), mig->to, mig->vm, (long long)pm->vm.memory_mb);
    rc = ent_lab_qemu_start(lab, &pm->vm, mig->to, ent_lab_next_generation(lab, &pm->vm), true,
                            &pm->dest, err);
    pm->dest_started = !rc;
    if (!rc && incoming_uri(&pm->dest, pm->uri, sizeof pm->uri, err))
        /* The destination died or stopped answering before the copy began: to the caller the
         * same event as a death during the copy, so the same words. */
        rc = ent_error_prefix(err, "the migration failed: the destination on %s is not ready",
                              mig->to);
    return rc;
}

/* Figures of a completed migration (query-migrate's times are in ms). */
static void record(struct ent_migration *mig, json_t *info)
{
    json_t *ram = json_object_get(info, "ram");
    mig->seconds = (double)json_integer_value(json_object_get(info, "total-time")) / 1000.0;
    mig->downtime = (double)json_integer_value(json_object_get(info, "downtime")) / 1000.0;
    mig->bytes = json_integer_value(json_object_get(ram, "transferred"));
    double pages = json_number_value(json_object_get(ram, "dirty-pages-rate"));
    double page = (double)json_integer_value(json_object_get(ram, "page-size"));
    mig->dirty_rate = pages * (page > 0 ? page : 4096) / 1e6;
}

static int start_migration(struct ent_qmp *q, const struct ent_migration *mig, const char *uri,
                           struct ent_error *err)
{
    int rc = ent_qmp_call(
        q, "migrate-set-capabilities",
        json_pack("{s:[{s:s, s:b}]}", "capabilities", "capability", "events", "state", 1), NULL,
        err);
    json_t *params = json_object();
    if (mig->bandwidth > 0)
        json_object_set_new(params, "max-bandwidth",
                            json_integer((json_int_t)(mig->bandwidth * 1e6)));
    if (mig->max_downtime > 0)
        json_object_set_new(params, "downtime-limit",
                            json_integer((json_int_t)(mig->max_downtime * 1000)));
    if (!rc && json_object_size(params))
        rc = ent_qmp_call(q, "migrate-set-parameters", json_incref(params), NULL, err);
    json_decref(params);
    if (!rc)
        rc = ent_qmp_call(q, "migrate", json_pack("{s:s}", "uri", uri), NULL, err);
    return rc;
}

static int qmp_perform(struct ent_driver *drv, struct ent_migration *mig, struct ent_error *err)
{
    (void)drv;
    struct qmp_migration *pm = mig->priv;
    struct ent_qmp q;
    int rc = ent_qmp_connect(&q, pm->vm.qemu.qmp, QMP_TIMEOUT, err);
    if (rc)
        return rc;
    double start = ent_now();
    rc = start_migration(&q, mig, pm->uri, err);
    while (!rc) {
        json_t *info = NULL;
        rc = ent_qmp_call(&q, "query-migrate", NULL, &info, err);
        if (rc)
            break;
        const char *status = json_string_value(json_object_get(info, "status"));
        json_t *ram = json_object_get(info, "ram");
        mig->progress_bytes = json_integer_value(json_object_get(ram, "transferred"));
        mig->progress_remaining = json_integer_value(json_object_get(ram, "remaining"));
        if (status && strcmp(status, "completed") == 0) {
            record(mig, info);
            if (mig->seconds <= 0) /* QEMU counts whole ms: a very quick copy reads 0 */
                mig->seconds = ent_now() - start;
            json_decref(info);
            break;
        }
        if (!status || strcmp(status, "failed") == 0 || strcmp(status, "cancelled") == 0) {
            const char *why = json_string_value(json_object_get(info, "error-desc"));
            rc = ent_error(err, ENT_EDRIVER, "the migration %s: %s", status ? status : "vanished",
                           why ? why : "no reason given");
        }
        json_decref(info);
        if (!rc && mig->timeout > 0 && ent_now() - start > mig->timeout) {
            ent_lab_cancel_migration(&q);
            rc = ent_error(err, ENT_ETIMEOUT, "cancelled after %.1f s (timeout)", mig->timeout);
        }
        if (!rc)
            ent_sleep(0.02);
    }
    ent_qmp_close(&q);
    return rc;
}

static int qmp_finish(struct ent_driver *drv, struct ent_migration *mig, struct ent_error *err)
{
    struct ent_lab *lab = drv->state;
    struct qmp_migration *pm = mig->priv;
    char status[32] = "";
    int rc = 0;
    for (double end = ent_now() + 10.0;;) {
        rc = ent_qmp_status(pm->dest.qmp, QMP_TIMEOUT, status, sizeof status, err);
        if (rc || strcmp(status, "running") == 0)
            break;
        if (ent_now() > end) {
            rc = ent_error(err, ENT_EDRIVER, "the destination is %s, not running", status);
            break;
        }
        ent_sleep(0.02);
    }
    if (rc)
        return rc;
    struct ent_lab_vm moved = pm->vm;
    snprintf(moved.node, sizeof moved.node, "%s", mig->to);
    moved.qemu = pm->dest;
    rc = ent_lab_vm_write(lab, &moved, err);
    if (rc)
        return rc;
    ent_lab_qemu_stop(&pm->vm.qemu); /* the destination runs: the source may end */
    ent_lab_vm_unlock(pm->lock);
    ent_free(pm);
    mig->priv = NULL;
    return 0;
}

static void qmp_abort(struct ent_driver *drv, struct ent_migration *mig)
{
    (void)drv;
    struct qmp_migration *pm = mig->priv;
    if (!pm)
        return;
    if (pm->lock < 0) { /* another process migrates this VM: its instances are not ours */
        ent_free(pm);
        mig->priv = NULL;
        return;
    }
    if (pm->dest_started)
        ent_lab_qemu_stop(&pm->dest);
    /* A source stopped at the end of the copy resumes, now that no destination runs. */
    char status[32];
    if (pm->vm.qemu.pid &&
        !ent_qmp_status(pm->vm.qemu.qmp, QMP_TIMEOUT, status, sizeof status, NULL) &&
        strcmp(status, "running") != 0 && strcmp(status, "shutdown") != 0) {
        ent_lab_resume(&pm->vm.qemu);
        ent_warn("qmp: %s was %s on %s after the failed migration: resumed", mig->vm, status,
                 mig->from);
    }
    ent_lab_vm_unlock(pm->lock);
    ent_free(pm);
    mig->priv = NULL;
}

static int qmp_progress(struct ent_driver *drv, struct ent_migration *mig, int64_t *sent,
                        int64_t *remaining)
{
    (void)drv;
    *sent = mig->progress_bytes;
    *remaining = mig->progress_remaining;
    return 0;
}

static int live_copies(const struct ent_lab *lab, const char *vm)
{
    struct ent_lab_instance *all;
    size_t n;
    if (ent_lab_instances(lab->dir, vm, &all, &n))
        return 0;
    ent_free(all);
    return (int)n;
}

static int qmp_locate(struct ent_driver *drv, const char *vm, const char *from, const char *to,
                      struct ent_vm_place *out, struct ent_error *err)
{
    (void)from;
    (void)to;
    struct ent_lab *lab = drv->state;
    struct ent_lab_vm v;
    memset(out, 0, sizeof *out);
    int rc = ent_lab_vm_read(lab, vm, &v, err);
    if (rc)
        return rc;
    out->copies = live_copies(lab, vm);
    if (!ent_lab_qemu_alive(&v.qemu)) {
        snprintf(out->state, sizeof out->state, "gone");
        return 0;
    }
    snprintf(out->node, sizeof out->node, "%s", v.node);
    if (ent_qmp_status(v.qemu.qmp, QMP_TIMEOUT, out->state, sizeof out->state, err))
        snprintf(out->state, sizeof out->state, "unanswering");
    return 0;
}

/* The VM made whole (lab_settle.c), under its lock, then where it is now. */
static int qmp_recover(struct ent_driver *drv, const char *vm, struct ent_vm_place *out,
                       struct ent_error *err)
{
    struct ent_lab *lab = drv->state;
    memset(out, 0, sizeof *out);
    int lock = ent_lab_vm_lock(lab, vm, err);
    if (lock < 0)
        return lock;
    bool changed;
    int rc = ent_lab_settle(lab, vm, &changed, err);
    ent_lab_vm_unlock(lock);
    return rc ? rc : qmp_locate(drv, vm, NULL, NULL, out, err); /* as it is now */
}

/* QMP stop on the VM's instance, when it runs on node. */
static int qmp_pause(struct ent_driver *drv, const char *vm, const char *node,
                     struct ent_error *err)
{
    struct ent_lab *lab = drv->state;
    struct ent_lab_vm v;
    int rc = ent_lab_vm_read(lab, vm, &v, err);
    if (!rc && strcmp(v.node, node) != 0)
        rc = ent_error(err, ENT_ENOTFOUND, "lab: %s runs on %s, not %s", vm, v.node, node);
    struct ent_qmp q;
    if (!rc)
        rc = ent_qmp_connect(&q, v.qemu.qmp, QMP_TIMEOUT, err);
    if (!rc) {
        rc = ent_qmp_call(&q, "stop", NULL, NULL, err);
        ent_qmp_close(&q);
    }
    return rc;
}

/* A defined VM started on a lab node as a new micro-VM of its memory and vCPUs (under its lock),
 * refused when an instance of it lives or the node lacks the memory. */
static int qmp_create(struct ent_driver *drv, const struct ent_vm_definition *def, const char *node,
                      struct ent_error *err)
{
    struct ent_lab *lab = drv->state;
    const struct ent_lab_node *n = ent_lab_node(lab, node);
    if (!n)
        return ent_error(err, ENT_ENOTFOUND, "lab: no node %s", node);
    if (strlen(def->name) >= ENT_LAB_NAME_MAX)
        return ent_error(err, ENT_EINVALID, "lab: VM name %s is longer than %d bytes", def->name,
                         ENT_LAB_NAME_MAX - 1);
    int lock = ent_lab_vm_lock(lab, def->name, err);
    if (lock < 0)
        return lock;
    struct ent_lab_vm vm = {.memory_mb = def->memory_mb, .vcpus = (int)def->vcpus};
    snprintf(vm.name, sizeof vm.name, "%s", def->name);
    snprintf(vm.node, sizeof vm.node, "%s", node);
    int rc = 0;
    if (live_copies(lab, def->name) > 0)
        rc = ent_error(err, ENT_EEXISTS, "lab: VM %s already runs", def->name);
    else if (node_used(lab, node) + def->memory_mb > n->memory_mb)
        rc = ent_error(err, ENT_EINVALID, "lab: node %s has not %lld MB free", node,
                       (long long)def->memory_mb);
    else
        rc = ent_lab_qemu_start(lab, &vm, node, ent_lab_next_generation(lab, &vm), false, &vm.qemu,
                                err);
    if (!rc && (rc = ent_lab_vm_write(lab, &vm, err)) != 0)
        ent_lab_qemu_stop(&vm.qemu);
    ent_lab_vm_unlock(lock);
    return rc;
}

/* Opened with the lab as the source, or when the configuration names it. */
static bool qmp_configured(const struct ent_config *c, const struct ent_monitor *mon)
{
    return mon && mon->ops == &ent_monitor_lab_ops;
}

static int qmp_configure(struct ent_driver *drv, const struct ent_config *c,
                         const struct ent_monitor *mon, struct ent_error *err)
{
    return qmp_open(drv, (void *)ent_lab_configured_dir(c), err);
}

static const char *const qmp_aliases[] = {"lab", NULL};

const struct ent_driver_ops ent_driver_qmp_ops = {
    .aliases = qmp_aliases,
    .configured = qmp_configured,
    .configure = qmp_configure,
    .name = "qmp",
    .recover_vm = qmp_recover,
    .open = qmp_open,
    .close = qmp_close,
    .migrate_prepare = qmp_prepare,
    .migrate_perform = qmp_perform,
    .migrate_finish = qmp_finish,
    .migrate_abort = qmp_abort,
    .migrate_progress = qmp_progress,
    .locate_vm = qmp_locate,
    .create_vm = qmp_create,
    .pause_vm = qmp_pause,
};
