/* The daemon's setup from its configuration file. */
#include "daemon/setup.h"

#include "daemon/plugins.h"
#include "model/model.h"
#include "util/error.h"
#include "util/log.h"
#include "util/str.h"

#include <string.h>

static bool yes(const struct ent_config *c, const char *key)
{
    return strcmp(ent_config_string(c, key), "yes") == 0;
}

/* Opens name unless it is open already; a driver without its settings is skipped when the
 * configuration does not name it (required). */
static int open_driver(struct ent_daemon_setup *d, const char *name, bool required,
                       struct ent_error *err)
{
    const struct ent_driver_ops *ops = ent_driver_lookup(name);
    if (!ops)
        return ent_error(err, ENT_ENOTFOUND, "%s: no driver named \"%s\"", d->config.path, name);
    if (!required && (!ops->configured || !ops->configured(&d->config, &d->monitor)))
        return 0;
    int rc = ent_driver_set_configure(&d->drivers, name, &d->config, &d->monitor, err);
    return rc ? ent_error_prefix(err, "%s: driver %s", d->config.path, name) : 0;
}

/* Whether the "=DRIVER" of a NODE=DRIVER or VALUE=DRIVER list names name. */
static bool names_driver(const char *list, const char *name)
{
    for (const char *p = list; (p = strchr(p, '=')); p++) {
        size_t len = strcspn(p + 1, " \t,");
        if (len == strlen(name) && strncmp(p + 1, name, len) == 0)
            return true;
    }
    return false;
}

/* The default first (it serves nodes no rule names), then those the maps name, then any other
 * driver whose settings are given. */
static int open_drivers(struct ent_daemon_setup *d, struct ent_error *err)
{
    const struct ent_config *c = &d->config;
    ent_driver_set_init(&d->drivers);
    d->drivers.node_map = ent_config_string(c, "driver.nodes");
    d->drivers.value_map = ent_config_string(c, "driver.map");
    const char *def = ent_config_string(c, "driver.default");
    if (strcmp(def, "auto") == 0)
        def = d->monitor.ops->driver;
    int rc = def ? open_driver(d, def, true, err) : 0;
    for (size_t i = 0; !rc && ent_driver_at(i); i++) {
        const char *name = ent_driver_at(i)->name;
        bool named =
            names_driver(d->drivers.node_map, name) || names_driver(d->drivers.value_map, name);
        rc = open_driver(d, name, named, err);
    }
    if (!rc && !d->drivers.len)
        rc = ent_error(err, ENT_EINVALID,
                       "%s: no driver can act on the cluster (driver.default, or the settings of "
                       "a driver)",
                       c->path);
    return rc;
}

static void loop_options(struct ent_daemon_setup *d)
{
    const struct ent_config *c = &d->config;
    struct ent_loop *l = &d->loop;
    memset(l, 0, sizeof *l);
    l->monitor = &d->monitor;
    l->drivers = &d->drivers;
    ent_solve_options_init(&l->solve);
    ent_plan_options_init(&l->plan);
    ent_exec_options_default(&l->exec);
    const char *objective = ent_config_string(c, "loop.objective");
    d->decide = strcmp(objective, "none") != 0;
    l->monitor_only = !d->decide;
    if (d->decide)
        l->solve.objective = ent_objective_find(objective);
    l->solve.time_limit = ent_config_number(c, "loop.time_limit");
    l->dry_run = yes(c, "loop.dry_run");
    l->recommend = strcmp(ent_config_string(c, "loop.mode"), "recommend") == 0;
    l->approval_wait = ent_config_number(c, "loop.period");
    if (d->power.len > 0)
        l->exec.power = &d->power;
    l->plan.shutdown_empty = yes(c, "loop.power_off_empty");
    if (d->power.len > 0) { /* the power policy, not the plan; maintenance uses it too */
        ent_power_policy_init(&d->power_policy, (size_t)ent_config_number(c, "power.spare_nodes"),
                              ent_config_number(c, "power.min_idle"),
                              ent_config_number(c, "power.shutdown_timeout"),
                              ent_config_number(c, "power.boot_timeout"));
        l->power = &d->power;
        l->power_policy = &d->power_policy;
        l->power_off_empty = l->plan.shutdown_empty;
        l->plan.shutdown_empty = 0;
    } else if (l->plan.shutdown_empty && !ent_driver_set_can(&d->drivers, ENT_CAN_SHUTDOWN_NODE)) {
        /* The planner plans what a driver can do: no node shutdown that every driver refuses. */
        struct ent_str names = ENT_STR_INIT;
        ent_warn("%s: loop.power_off_empty = yes, but no driver opened (%s) can shut a node "
                 "down: no node shutdown is planned",
                 c->path, ent_driver_set_names(&d->drivers, &names));
        ent_str_release(&names);
        l->plan.shutdown_empty = 0;
    }
    struct ent_disruption *dis = &d->disruption;
    dis->max_migrations = (long)ent_config_number(c, "loop.max_migrations");
    dis->max_per_node = (long)ent_config_number(c, "loop.max_migrations_per_node");
    dis->cooldown_rounds = (long)ent_config_number(c, "loop.vm_cooldown_rounds");
    dis->min_gain_nodes = (long)ent_config_number(c, "loop.min_gain_nodes");
    dis->min_gain_watts = ent_config_number(c, "loop.min_gain_watts");
    l->disruption = dis;
    l->plan.node_concurrency = (int)ent_config_number(c, "migration.node_concurrency");
    l->exec.node_concurrency = l->plan.node_concurrency;
    l->exec.max_parallel = (int)ent_config_number(c, "migration.max_parallel");
    double bw = ent_config_number(c, "migration.bandwidth");
    if (bw > 0)
        l->plan.cost.bandwidth = bw;
    l->exec.bandwidth = bw;
    l->exec.max_downtime = ent_config_number(c, "migration.max_downtime_ms") / 1000;
    l->exec.timeout = ent_config_number(c, "migration.timeout");
    l->avoid_rounds = (long)ent_config_number(c, "loop.avoid_rounds");
    l->autostart.enabled = yes(c, "loop.autostart");
    l->failover.enabled = true; /* holds always; fencing and restarts with failover.after */
    l->failover.after = (long)ent_config_number(c, "failover.after");
    l->learn = true;
    l->report = true;
    d->period = ent_config_number(c, "loop.period");
}

/* Every member of an enclosure is a node monitoring shows, or an enclosure: checked on a first
 * snapshot, so that a typo is refused at start (and a reload refused), naming the line. */
static int check_enclosures(struct ent_daemon_setup *d, struct ent_error *err)
{
    if (!d->monitor.enclosures.len)
        return 0;
    struct ent_model m;
    ent_model_init(&m);
    int rc = ent_monitor_snapshot(&d->monitor, &m, err);
    if (rc)
        ent_error_prefix(err, "checking the enclosures against monitoring");
    else
        rc = ent_enclosures_check_nodes(&d->monitor.enclosures, &m, err);
    ent_model_release(&m);
    return rc;
}

int ent_daemon_setup(struct ent_daemon_setup *d, const char *path, struct ent_error *err)
{
    memset(d, 0, sizeof *d);
    ent_plugins_init();
    ent_config_init(&d->config);
    int rc = ent_config_load(&d->config, path, err);
    if (rc) {
        ent_config_release(&d->config);
        return rc;
    }
    d->source = ent_config_string(&d->config, "monitor.source");
    ent_power_set_init(&d->power);
    rc = ent_monitor_configure(&d->monitor, &d->config, err);
    if (!rc)
        rc = open_drivers(d, err);
    if (!rc)
        rc = ent_power_set_configure(&d->power, &d->config, err);
    if (!rc)
        rc = check_enclosures(d, err);
    if (!rc &&
        ent_disruption_windows(&d->disruption, ent_config_string(&d->config, "loop.window"), err))
        rc =
            ent_error_prefix(err, "%s:%d", d->config.path,
                             d->config.lines[ent_config_key_find("loop.window") - ent_config_keys]);
    d->power.settings.sim = ent_monitor_sim_cluster(&d->monitor);
    if (rc) {
        ent_daemon_teardown(d);
        return rc;
    }
    loop_options(d);
    return 0;
}

void ent_daemon_teardown(struct ent_daemon_setup *d)
{
    ent_loop_release(&d->loop);
    ent_power_policy_release(&d->power_policy);
    ent_disruption_release(&d->disruption);
    ent_power_set_release(&d->power);
    ent_driver_set_close(&d->drivers);
    ent_monitor_close(&d->monitor);
    ent_config_release(&d->config);
}
