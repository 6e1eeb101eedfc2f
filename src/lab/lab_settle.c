/* One VM of the lab at a time, across processes, and its leftovers settled: a migration holds
 * the VM's lock (run/NAME.lock, flock) from its preparation to its end, so that the daemon and a
 * manual `entropy lab migrate` (or two of them) never act on one VM at once; before a new
 * destination is prepared, and whenever monitoring finds a VM split between processes (a
 * migration cut short by kill -9, journaled or not), the instance that runs is kept, recorded,
 * and every other one ended; a new instance never reuses a generation. */
#include "lab/lab.h"

#include "proto/qmp_client.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"
#include "util/str.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#define QMP_TIMEOUT 5.0

int ent_lab_vm_lock(const struct ent_lab *lab, const char *vm, struct ent_error *err)
{
    char *path = ent_strdup_printf("%s/run/%s.lock", lab->dir, vm);
    int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    int rc = fd < 0 ? ent_error(err, ENT_EIO, "%s: %s", path, strerror(errno)) : 0;
    if (!rc && flock(fd, LOCK_EX | LOCK_NB) != 0)
        rc = ent_error(err, ENT_EEXISTS,
                       "%s is being migrated by another Entropy process (%s is locked): nothing "
                       "done",
                       vm, path);
    ent_free(path);
    if (rc && fd >= 0)
        close(fd);
    return rc ? rc : fd;
}

void ent_lab_vm_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* the lock goes with it */
}

unsigned ent_lab_next_generation(const struct ent_lab *lab, const struct ent_lab_vm *vm)
{
    unsigned top = vm->qemu.generation;
    char *run = ent_strdup_printf("%s/run", lab->dir);
    DIR *d = opendir(run);
    size_t len = strlen(vm->name);
    struct dirent *e;
    while (d && (e = readdir(d))) /* every file of every instance, live or not */
        if (strncmp(e->d_name, vm->name, len) == 0 && strncmp(e->d_name + len, ".g", 2) == 0) {
            unsigned long g = strtoul(e->d_name + len + 2, NULL, 10);
            if (g > top && g < 1000000)
                top = (unsigned)g;
        }
    if (d)
        closedir(d);
    ent_free(run);
    return top + 1;
}

void ent_lab_resume(const struct ent_lab_instance *inst)
{
    struct ent_qmp q;
    struct ent_error err;
    ent_error_init(&err);
    int rc = ent_qmp_connect(&q, inst->qmp, QMP_TIMEOUT, &err);
    if (!rc) {
        rc = ent_qmp_call(&q, "cont", NULL, NULL, &err);
        ent_qmp_close(&q);
    }
    if (rc) /* the VM may stay paused: the administrator must know */
        ent_log_error("lab: resuming QEMU %d: %s", (int)inst->pid, err.msg);
}

/* Cancels and waits until the source has given up, so that it keeps running. */
void ent_lab_cancel_migration(struct ent_qmp *q)
{
    struct ent_error err;
    ent_error_init(&err);
    if (ent_qmp_call(q, "migrate_cancel", NULL, NULL, &err)) /* the polling below still says */
        ent_warn("lab: cancelling a migration: %s", err.msg);
    /* QEMU cancels in milliseconds; a source that takes longer is left to the abort's check
     * (its status, then resume), so --timeout is overrun by 2 s at most, not 10. */
    for (double end = ent_now() + 2.0; ent_now() < end; ent_sleep(0.02)) {
        json_t *info = NULL;
        if (ent_qmp_call(q, "query-migrate", NULL, &info, NULL))
            return;
        const char *s = json_string_value(json_object_get(info, "status"));
        int over = !s || strcmp(s, "cancelled") == 0 || strcmp(s, "failed") == 0 ||
                   strcmp(s, "completed") == 0;
        json_decref(info);
        if (over)
            return;
    }
}

/* Cancels a migration the instance may still be sending (to a destination just ended), and
 * waits until it has given up: the next migration of the VM would be refused while it lasts. */
static void cancel_outgoing(const struct ent_lab_instance *inst)
{
    struct ent_qmp q;
    if (ent_qmp_connect(&q, inst->qmp, QMP_TIMEOUT, NULL))
        return;
    ent_lab_cancel_migration(&q);
    ent_qmp_close(&q);
}

/* Records the running instance other as VM v (from a migration that completed unrecorded). */
static int adopt(const struct ent_lab *lab, struct ent_lab_vm *v,
                 const struct ent_lab_instance *other, struct ent_error *err)
{
    struct ent_lab_vm moved = *v;
    snprintf(moved.node, sizeof moved.node, "%s", other->node);
    moved.qemu = *other;
    int rc = *moved.node
                 ? ent_lab_vm_write(lab, &moved, err)
                 : ent_error(err, ENT_EINVALID, "%s: no node recorded for its new QEMU", v->name);
    if (!rc) {
        ent_warn("lab: %s had been migrated to %s without being recorded: recorded there", v->name,
                 moved.node);
        *v = moved;
    }
    return rc;
}

int ent_lab_settle(const struct ent_lab *lab, const char *vm, bool *changed, struct ent_error *err)
{
    struct ent_lab_vm v;
    *changed = false;
    int rc = ent_lab_vm_read(lab, vm, &v, err);
    if (rc)
        return rc;
    struct ent_lab_instance *all;
    size_t n;
    if (ent_lab_instances(lab->dir, vm, &all, &n)) /* no run/ directory: no instance */
        n = 0;
    int own = -1, other = -1;
    char own_status[32] = "";
    for (size_t i = 0; i < n; i++) {
        char status[32] = "";
        if (ent_qmp_status(all[i].qmp, QMP_TIMEOUT, status, sizeof status, NULL))
            status[0] = '\0'; /* not answering: neither running nor ours to trust */
        if (all[i].pid == v.qemu.pid && strcmp(all[i].qmp, v.qemu.qmp) == 0) {
            own = (int)i;
            snprintf(own_status, sizeof own_status, "%s", status);
        } else if (strcmp(status, "running") == 0 && other < 0) {
            other = (int)i;
        }
    }
    int keep = own;
    if (strcmp(own_status, "running") != 0 && other >= 0) {
        rc = adopt(lab, &v, &all[other], err);
        keep = other;
        *changed = true;
    }
    for (size_t i = 0; !rc && i < n; i++)
        if ((int)i != keep) {
            ent_warn("lab: ending a leftover QEMU of %s (pid %d)", vm, (int)all[i].pid);
            ent_lab_qemu_stop(&all[i]);
            *changed = true;
        }
    if (!rc && keep == own && own >= 0 && *changed) /* its outgoing copy lost its destination */
        cancel_outgoing(&all[own]);
    if (!rc && keep == own && own >= 0 && strcmp(own_status, "running") != 0) {
        ent_warn("lab: %s was %s on %s: resumed", vm, own_status, v.node);
        ent_lab_resume(&all[own]);
        *changed = true;
    }
    ent_free(all);
    return rc;
}
