/* The simulator's driver: acts on a struct ent_sim_cluster. Migrations take their pre-copy time on
 * the simulated clock; failures and delays can be injected (ent_sim_options). A failed migration
 * leaves the VM running on its source, as a real one must. The cluster is shared by the executor's
 * threads: every access is under one lock, the wall-clock wait of a migration outside it. */
#include "config/properties.h"
#include "drivers/driver.h"
#include "drivers/power.h"
#include "model/definition.h"
#include "monitor/monitor.h"
#include "sim/cluster.h"
#include "util/clock.h"
#include "util/error.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t sim_lock = PTHREAD_MUTEX_INITIALIZER;

static int sim_open(struct ent_driver *drv, void *arg, struct ent_error *err)
{
    if (!arg)
        return ent_error(err, ENT_EINVALID, "the sim driver needs a simulated cluster");
    drv->state = arg;
    return 0;
}

static int find(struct ent_sim_cluster *c, const struct ent_migration *mig, int32_t *vm,
                int32_t *from, int32_t *to, struct ent_error *err)
{
    *vm = ent_sim_vm_index(c, mig->vm);
    *from = ent_sim_node_index(c, mig->from);
    *to = ent_sim_node_index(c, mig->to);
    if (*vm < 0 || *from < 0 || *to < 0)
        return ent_error(err, ENT_ENOTFOUND, "unknown VM or node");
    return 0;
}

static int prepare_locked(struct ent_driver *drv, struct ent_migration *mig, struct ent_error *err)
{
    struct ent_sim_cluster *c = drv->state;
    int32_t vm, from, to;
    int rc = find(c, mig, &vm, &from, &to, err);
    if (rc)
        return rc;
    if (!c->vms[vm].running || c->vms[vm].host != from)
        return ent_error(err, ENT_EINVALID, "VM is not running on the source");
    if (!c->nodes[to].online)
        return ent_error(err, ENT_EINVALID, "destination is offline");
    int64_t mem, cpu;
    ent_sim_node_usage(c, to, &mem, &cpu);
    if (mem + c->vms[vm].memory_mb > c->nodes[to].memory_mb)
        return ent_error(err, ENT_EINVALID, "destination has not enough free memory");
    return 0;
}

static int perform_locked(struct ent_driver *drv, struct ent_migration *mig, struct ent_error *err)
{
    struct ent_sim_cluster *c = drv->state;
    int32_t vm, from, to;
    int rc = find(c, mig, &vm, &from, &to, err);
    if (rc)
        return rc;
    /* 1 Gbit/s, a tenth of the memory dirtied again, 50 ms of downtime. */
    double copy = (double)c->vms[vm].memory_mb / 125.0 * 1.1;
    mig->seconds = copy + 0.05 + (double)c->opts.migration_delay;
    mig->downtime = 0.05;
    mig->bytes = c->vms[vm].memory_mb * 1100 * 1024;
    c->clock += (int64_t)(mig->seconds + 0.999);
    if (c->opts.failure_rate > 0 && ent_prng_unit(&c->rng) < c->opts.failure_rate) {
        c->migrations_failed++;
        return ent_error(err, ENT_EDRIVER, "injected failure: the copy broke off");
    }
    c->vms[vm].host = to;
    c->migrations_done++;
    return 0;
}

static int sim_prepare(struct ent_driver *drv, struct ent_migration *mig, struct ent_error *err)
{
    pthread_mutex_lock(&sim_lock);
    int rc = prepare_locked(drv, mig, err);
    pthread_mutex_unlock(&sim_lock);
    return rc;
}

static int sim_perform(struct ent_driver *drv, struct ent_migration *mig, struct ent_error *err)
{
    const struct ent_sim_cluster *c = drv->state;
    if (c->opts.action_seconds > 0) /* an action really in flight, for the daemon's tests */
        ent_sleep(c->opts.action_seconds);
    pthread_mutex_lock(&sim_lock);
    int rc = perform_locked(drv, mig, err);
    pthread_mutex_unlock(&sim_lock);
    return rc;
}

static int sim_create(struct ent_driver *drv, const struct ent_vm_definition *def, const char *node,
                      struct ent_error *err)
{
    pthread_mutex_lock(&sim_lock);
    struct ent_sim_cluster *c = drv->state;
    int rc = ent_sim_vm_start(c, def->name, (int)def->vcpus, def->memory_mb,
                              ent_sim_node_index(c, node), err);
    pthread_mutex_unlock(&sim_lock);
    return rc;
}

static int sim_locate(struct ent_driver *drv, const char *vm, const char *from, const char *to,
                      struct ent_vm_place *out, struct ent_error *err)
{
    (void)from;
    (void)to;
    struct ent_sim_cluster *c = drv->state;
    pthread_mutex_lock(&sim_lock);
    int32_t v = ent_sim_vm_index(c, vm);
    memset(out, 0, sizeof *out);
    if (v < 0) {
        pthread_mutex_unlock(&sim_lock);
        return ent_error(err, ENT_ENOTFOUND, "no simulated VM %s", vm);
    }
    out->copies = c->vms[v].running ? 1 : 0;
    snprintf(out->state, sizeof out->state, "%s", c->vms[v].running ? "running" : "stopped");
    if (c->vms[v].running)
        snprintf(out->node, sizeof out->node, "%s", c->nodes[c->vms[v].host].name);
    pthread_mutex_unlock(&sim_lock);
    return 0;
}

static bool sim_configured(const struct ent_config *c, const struct ent_monitor *mon)
{
    return ent_monitor_sim_cluster(mon) != NULL;
}

static int sim_configure(struct ent_driver *drv, const struct ent_config *c,
                         const struct ent_monitor *mon, struct ent_error *err)
{
    if (!sim_configured(c, mon))
        return ent_error(err, ENT_EINVALID, "%s: the sim driver needs monitor.source = sim",
                         c->path);
    return sim_open(drv, ent_monitor_sim_cluster(mon), err);
}

const struct ent_driver_ops ent_driver_sim_ops = {
    .configured = sim_configured,
    .configure = sim_configure,
    .name = "sim",
    .locate_vm = sim_locate,
    .create_vm = sim_create,
    .open = sim_open,
    .migrate_prepare = sim_prepare,
    .migrate_perform = sim_perform,
};

/* --- Power: sim: switches a node of the simulated cluster (ent_sim_node_power) -----------------
 */

static int sim_power_parse(const char *rest, void **target, struct ent_error *err)
{
    *target = NULL;
    return *rest ? ent_error(err, ENT_EINVALID, "expected sim: alone") : 0;
}

static int sim_power(const char *node, const struct ent_power_settings *s, int what,
                     enum ent_power_state *state, struct ent_error *err)
{
    if (!s->sim)
        return ent_error(
            err, ENT_EUNSUPPORTED,
            "sim: the simulated cluster lives inside the daemon (monitor.source = sim)");
    pthread_mutex_lock(&sim_lock);
    int32_t n = ent_sim_node_index(s->sim, node);
    int rc = 0;
    if (n < 0) {
        rc = ent_error(err, ENT_ENOTFOUND, "no simulated node %s", node);
    } else if (what == ENT_POWER_DO_STATUS) {
        ent_sim_power_settle(s->sim, ent_now());
        *state = s->sim->nodes[n].online ? ENT_POWER_ON : ENT_POWER_OFF;
    } else {
        rc = ent_sim_node_power(s->sim, n, what == ENT_POWER_DO_ON, ent_now(), err);
    }
    pthread_mutex_unlock(&sim_lock);
    return rc;
}

static int sim_power_on(void *target, const char *node, const struct ent_power_settings *s,
                        enum ent_power_state *state, struct ent_error *err)
{
    (void)target;
    return sim_power(node, s, ENT_POWER_DO_ON, state, err);
}

static int sim_power_off(void *target, const char *node, const struct ent_power_settings *s,
                         enum ent_power_state *state, struct ent_error *err)
{
    (void)target;
    return sim_power(node, s, ENT_POWER_DO_OFF, state, err);
}

static int sim_power_status(void *target, const char *node, const struct ent_power_settings *s,
                            enum ent_power_state *state, struct ent_error *err)
{
    (void)target;
    return sim_power(node, s, ENT_POWER_DO_STATUS, state, err);
}

const struct ent_power_ops ent_power_sim_ops = {
    .name = "sim",
    .scheme = "sim:",
    .form = "sim:",
    .parse = sim_power_parse,
    .act = {[ENT_POWER_DO_ON] = sim_power_on,
            [ENT_POWER_DO_OFF] = sim_power_off,
            [ENT_POWER_DO_STATUS] = sim_power_status},
};
