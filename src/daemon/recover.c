/* Reconciliation of the journal with the cluster. */
#include "daemon/recover.h"

#include "daemon/autostart.h"

#include "drivers/driver.h"
#include "exec/journal.h"
#include "model/model.h"
#include "monitor/monitor.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/hashmap.h"
#include "util/log.h"

#include <stdio.h>
#include <string.h>

/* Where the snapshot has vm, or NULL. */
static const char *node_of(const struct ent_model *m, const char *vm)
{
    for (size_t v = 0; v < m->n_vms; v++)
        if (m->vms[v].name && strcmp(m->vms[v].name, vm) == 0 && m->map.vm_host[v] >= 0)
            return m->nodes[m->map.vm_host[v]].name;
    return NULL;
}

/* How the snapshot shows node: "online", "offline" or "nowhere" (a node switched off may vanish
 * from monitoring). */
static const char *node_state(const struct ent_model *m, const char *node)
{
    for (size_t n = 0; n < m->n_nodes; n++)
        if (m->nodes[n].name && strcmp(m->nodes[n].name, node) == 0)
            return ent_node_state_name(m->map.node_state[n]);
    return "nowhere";
}

/* Lets the drivers that can settle a VM a migration left in two processes do it first. */
static void settle(struct ent_driver_set *drivers, const struct ent_journal_entry *e)
{
    struct ent_driver *drv = ent_driver_set_pick(drivers, e->from, NULL);
    if (!drv || !drv->ops->recover_vm || !*e->vm)
        return;
    struct ent_vm_place place;
    struct ent_error err;
    ent_error_init(&err);
    if (drv->ops->recover_vm(drv, e->vm, &place, &err))
        ent_log_error("recovery: %s: %s", e->vm, err.msg);
}

static void reconcile(struct ent_journal *j, const struct ent_journal_entry *e,
                      const struct ent_model *m, int snapshot_ok)
{
    char detail[512];
    const char *state = "reconciled";
    const char *now = snapshot_ok && *e->vm ? node_of(m, e->vm) : NULL;
    if (strcmp(e->state, "pending") == 0) {
        state = "abandoned";
        snprintf(detail, sizeof detail, "never started; not replayed");
    } else if (!snapshot_ok) {
        state = "unknown";
        snprintf(detail, sizeof detail, "in flight; monitoring failed, the next rounds will see");
    } else if (!*e->vm) {
        snprintf(detail, sizeof detail,
                 "in flight on node %s, which monitoring shows %s; the next "
                 "rounds will see",
                 e->to, node_state(m, e->to));
    } else if (!now) {
        state = "unknown";
        snprintf(detail, sizeof detail,
                 "in flight; monitoring does not see %s: an administrator "
                 "should look",
                 e->vm);
    } else if (strcmp(e->kind, "migrateVM") == 0) {
        int arrived = strcmp(now, e->to) == 0, stayed = strcmp(now, e->from) == 0;
        snprintf(detail, sizeof detail, "in flight; %s is on %s: %s", e->vm, now,
                 arrived  ? "the migration completed"
                 : stayed ? "the migration did not happen"
                          : "elsewhere than planned");
    } else {
        snprintf(detail, sizeof detail, "in flight; %s is on %s", e->vm, now);
    }
    ent_warn("recovery: round %lld action %lld (%s %s %s -> %s): %s", (long long)e->round,
             (long long)e->index, e->kind, e->vm, *e->from ? e->from : "-", *e->to ? e->to : "-",
             detail);
    struct ent_error err;
    ent_error_init(&err);
    if (ent_journal_resolve(j, e, state, detail, &err))
        ent_log_error("%s", err.msg);
}

/* A boot in flight whose VM is not seen: remembered as booted, so that it is not booted again. */
static void remember_boot(struct ent_autostart *boots, const struct ent_journal_entry *e,
                          const struct ent_model *m, int snapshot_ok)
{
    if (!boots || strcmp(e->kind, "bootVM") != 0 || strcmp(e->state, "running") != 0 || !*e->vm)
        return;
    if (snapshot_ok && node_of(m, e->vm))
        return; /* seen: nothing to wait for */
    ENT_GROW(boots->booted, boots->cap, boots->len);
    boots->booted[boots->len++] =
        (struct ent_booted){ent_strdup(e->vm), ent_strdup(*e->to ? e->to : "?"), 0};
    ent_warn("recovery: %s was being booted on %s when the daemon stopped and is not seen: not "
             "booted again until monitoring shows it",
             e->vm, *e->to ? e->to : "?");
}

int ent_daemon_recover(struct ent_journal *j, struct ent_monitor *mon,
                       struct ent_driver_set *drivers, struct ent_autostart *boots,
                       struct ent_error *err)
{
    struct ent_journal_entry *entries;
    size_t n;
    int rc = ent_journal_unfinished(j, &entries, &n, err);
    if (rc)
        return rc;
    if (!n) {
        ent_free(entries);
        return ent_journal_close_open_rounds(j, err);
    }
    size_t running = 0;
    for (size_t i = 0; i < n; i++) {
        running += strcmp(entries[i].state, "running") == 0;
        if (strcmp(entries[i].state, "running") == 0)
            settle(drivers, &entries[i]);
    }
    ent_warn("recovery: the journal holds %zu unfinished action(s) (%zu in flight) of a run that "
             "did not stop cleanly; reconciling with what monitoring sees, replaying none",
             n, running);
    struct ent_model m;
    ent_model_init(&m);
    struct ent_error serr;
    ent_error_init(&serr);
    int snapshot_ok = ent_monitor_snapshot(mon, &m, &serr) == 0;
    if (!snapshot_ok)
        ent_log_error("recovery: monitoring failed: %s", serr.msg);
    for (size_t i = 0; i < n; i++) {
        reconcile(j, &entries[i], &m, snapshot_ok);
        remember_boot(boots, &entries[i], &m, snapshot_ok);
    }
    ent_model_release(&m);
    ent_free(entries);
    rc = ent_journal_close_open_rounds(j, err);
    return rc ? rc : (int)n;
}
