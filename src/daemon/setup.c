/* The daemon's setup from its configuration file. */
#include "daemon/setup.h"

#include "daemon/plugins.h"
#include "monitor/sources.h"
#include "util/error.h"

#include <string.h>

static bool yes(const struct ent_config *c, const char *key)
{
    return strcmp(ent_config_string(c, key), "yes") == 0;
}

static const char *either(const struct ent_config *c, const char *key, const char *fallback)
{
    const char *v = ent_config_string(c, key);
    return *v ? v : ent_config_string(c, fallback);
}

static int open_source(struct ent_daemon_setup *d, struct ent_error *err)
{
    const struct ent_config *c = &d->config;
    ent_ganglia_source_default(&d->ganglia);
    ent_xend_source_init(&d->xend);
    ent_libvirt_source_init(&d->libvirt);
    ent_monitor_apply_config(c, 1, &d->ganglia, &d->xend, &d->libvirt);
    d->xend.timeout = d->libvirt.timeout = d->ganglia.timeout;
    d->xend.cpu_share = d->libvirt.cpu_share = d->ganglia.opts.vm_cpu;
    d->xend.active_threshold = d->libvirt.active_threshold = d->ganglia.opts.active_threshold;
    d->lab = (struct ent_lab_source){.dir = ent_config_string(c, "monitor.lab.dir"),
                                     .cpu_share = d->ganglia.opts.vm_cpu};
    void *arg = &d->ganglia;
    if (strcmp(d->source, "sim") == 0) {
        struct ent_sim_options so;
        ent_sim_options_default(&so);
        so.nodes = (size_t)ent_config_number(c, "monitor.sim.nodes");
        so.vms = (size_t)ent_config_number(c, "monitor.sim.vms");
        so.seed = (uint64_t)ent_config_number(c, "monitor.sim.seed");
        so.action_seconds = ent_config_number(c, "monitor.sim.action_seconds");
        int rc = ent_sim_cluster_init(&d->sim, &so, err);
        if (rc)
            return rc;
        d->have_sim = true;
        arg = &d->sim;
    } else if (strcmp(d->source, "xend") == 0) {
        if (!d->xend.n_urls)
            return ent_error(err, ENT_EINVALID, "%s: monitor.source = xend needs monitor.xend.urls",
                             c->path);
        arg = &d->xend;
    } else if (strcmp(d->source, "libvirt") == 0) {
        if (!d->libvirt.nodes.len)
            return ent_error(err, ENT_EINVALID,
                             "%s: monitor.source = libvirt needs monitor.libvirt.uris", c->path);
        arg = &d->libvirt;
    } else if (strcmp(d->source, "lab") == 0) {
        arg = &d->lab;
    }
    return ent_monitor_open(&d->monitor, d->source, arg, err);
}

/* The driver a source brings, when driver.default is auto. */
static const char *source_driver(const char *source)
{
    static const char *const map[][2] = {
        {"sim", "sim"}, {"lab", "qmp"}, {"xend", "xend"}, {"libvirt", "libvirt"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(source, map[i][0]) == 0)
            return map[i][1];
    return NULL;
}

/* Opens name unless it is open already; a driver without its settings is skipped when it was
 * not asked for by name (required). */
static int open_driver(struct ent_daemon_setup *d, const char *name, bool required,
                       struct ent_error *err)
{
    for (size_t i = 0; i < d->drivers.len; i++)
        if (strcmp(d->drivers.drivers[i].ops->name, name) == 0)
            return 0;
    const struct ent_config *c = &d->config;
    void *arg = NULL;
    if (strcmp(name, "sim") == 0) {
        if (!d->have_sim)
            return required ? ent_error(err, ENT_EINVALID,
                                        "%s: the sim driver needs monitor.source = sim", c->path)
                            : 0;
        arg = &d->sim;
    } else if (strcmp(name, "qmp") == 0) {
        arg = (void *)d->lab.dir;
    } else if (strcmp(name, "xend") == 0) {
        d->xend_driver = (struct ent_xend_driver_config){
            .nodes = either(c, "driver.xend.urls", "monitor.xend.urls"),
            .relocation_port = (int)ent_config_number(c, "driver.xend.relocation_port"),
            .timeout = d->ganglia.timeout};
        if (!*d->xend_driver.nodes)
            return required ? ent_error(err, ENT_EINVALID,
                                        "%s: the xend driver needs "
                                        "driver.xend.urls",
                                        c->path)
                            : 0;
        arg = &d->xend_driver;
    } else if (strcmp(name, "libvirt") == 0) {
        const char *m = ent_config_string(c, "driver.libvirt.migrate_uris");
        d->libvirt_driver = (struct ent_libvirt_driver_config){
            .nodes = either(c, "driver.libvirt.uris", "monitor.libvirt.uris"),
            .migrate_uris = *m ? m : NULL};
        if (!*d->libvirt_driver.nodes)
            return required ? ent_error(err, ENT_EINVALID,
                                        "%s: the libvirt driver needs "
                                        "driver.libvirt.uris",
                                        c->path)
                            : 0;
        arg = &d->libvirt_driver;
    } else if (strcmp(name, "xl") == 0) {
        d->xl_driver =
            (struct ent_xl_driver_config){.nodes = ent_config_string(c, "driver.xl.nodes"),
                                          .ssh = ent_config_string(c, "driver.xl.ssh")};
        if (!*d->xl_driver.nodes)
            return required ? ent_error(err, ENT_EINVALID,
                                        "%s: the xl driver needs "
                                        "driver.xl.nodes",
                                        c->path)
                            : 0;
        arg = &d->xl_driver;
    }
    int rc = ent_driver_set_open(&d->drivers, name, arg, err);
    return rc ? ent_error_prefix(err, "%s: driver %s", c->path, name) : 0;
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
        def = source_driver(d->source);
    int rc = def ? open_driver(d, def, true, err) : 0;
    static const char *const all[] = {"sim", "qmp", "libvirt", "xend", "xl"};
    for (size_t i = 0; !rc && i < sizeof all / sizeof all[0]; i++) {
        char pat[16];
        snprintf(pat, sizeof pat, "=%s", all[i]);
        bool named = strstr(d->drivers.node_map, pat) || strstr(d->drivers.value_map, pat);
        if (strcmp(all[i], "qmp") == 0 && !named && strcmp(d->source, "lab") != 0)
            continue;
        if (strcmp(all[i], "sim") == 0 && !named)
            continue;
        rc = open_driver(d, all[i], named, err);
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
    l->plan.shutdown_empty = yes(c, "loop.power_off_empty");
    l->plan.node_concurrency = (int)ent_config_number(c, "migration.node_concurrency");
    l->exec.node_concurrency = l->plan.node_concurrency;
    l->exec.max_parallel = (int)ent_config_number(c, "migration.max_parallel");
    double bw = ent_config_number(c, "migration.bandwidth");
    if (bw > 0)
        l->plan.cost.bandwidth = bw;
    l->exec.bandwidth = bw;
    l->exec.max_downtime = ent_config_number(c, "migration.max_downtime_ms") / 1000;
    l->exec.timeout = ent_config_number(c, "migration.timeout");
    l->learn = true;
    l->report = true;
    d->period = ent_config_number(c, "loop.period");
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
    rc = open_source(d, err);
    if (!rc)
        rc = open_drivers(d, err);
    if (rc) {
        ent_daemon_teardown(d);
        return rc;
    }
    loop_options(d);
    return 0;
}

void ent_daemon_teardown(struct ent_daemon_setup *d)
{
    ent_driver_set_close(&d->drivers);
    ent_monitor_close(&d->monitor);
    if (d->have_sim)
        ent_sim_cluster_release(&d->sim);
    d->have_sim = false;
    ent_xend_source_release(&d->xend);
    ent_libvirt_source_release(&d->libvirt);
    ent_config_release(&d->config);
}
