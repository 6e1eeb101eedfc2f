/* The plug-in shape: every source and driver describes itself (name, keys, the driver a source
 * brings), the configuration table agrees with the registries, a snapshot goes through one round
 * that keeps the source's issues, and the daemon plans no node shutdown no driver can do. */
#include "helpers.h"

#include "config/properties.h"
#include "daemon/plugins.h"
#include "daemon/setup.h"
#include "drivers/driver.h"
#include "drivers/power.h"
#include "monitor/issues.h"
#include "monitor/monitor.h"
#include "sim/cluster.h"
#include "util/log.h"

#include <stdio.h>
#include <unistd.h>

/* Whether name is one of the words of a "a|b|c" choice list. */
static int in_choices(const char *choices, const char *name)
{
    size_t len = strlen(name);
    for (const char *p = choices; p && *p;) {
        size_t word = strcspn(p, "|");
        if (word == len && strncmp(p, name, len) == 0)
            return 1;
        p += word + (p[word] == '|');
    }
    return 0;
}

static const struct ent_config_key *key(const char *name)
{
    const struct ent_config_key *k = ent_config_key_find(name);
    if (!k)
        fail_msg("%s is not in the configuration table", name);
    return k;
}

/* Who owns key: a plug-in listing it, or NULL. */
static const char *owner(const char *name)
{
    for (size_t i = 0; ent_monitor_at(i); i++)
        for (const char *const *k = ent_monitor_at(i)->keys; k && *k; k++)
            if (strcmp(*k, name) == 0)
                return ent_monitor_at(i)->name;
    for (size_t i = 0; ent_driver_at(i); i++)
        for (const char *const *k = ent_driver_at(i)->keys; k && *k; k++)
            if (strcmp(*k, name) == 0)
                return ent_driver_at(i)->name;
    for (size_t i = 0; ent_power_at(i); i++)
        for (const char *const *k = ent_power_at(i)->keys; k && *k; k++)
            if (strcmp(*k, name) == 0)
                return ent_power_at(i)->name;
    return "(no plug-in)";
}

static void test_registries_match_the_configuration_table(void **state)
{
    (void)state;
    ent_plugins_init();
    const struct ent_config_key *source = key("monitor.source");
    const struct ent_config_key *def = key("driver.default");
    size_t sources = 0, drivers = 0;
    for (size_t i = 0; ent_monitor_at(i); i++, sources++) {
        const struct ent_monitor_ops *m = ent_monitor_at(i);
        assert_true(in_choices(source->choices, m->name));
        if (m->driver)
            assert_non_null(ent_driver_lookup(m->driver));
        for (const char *const *k = m->keys; k && *k; k++)
            key(*k);
    }
    for (size_t i = 0; ent_driver_at(i); i++, drivers++) {
        assert_true(in_choices(def->choices, ent_driver_at(i)->name));
        for (const char *const *k = ent_driver_at(i)->keys; k && *k; k++)
            key(*k);
    }
    /* No more choices than plug-ins ("auto" aside), and every plug-in key belongs to one. */
    size_t words = 1;
    for (const char *p = source->choices; *p; p++)
        words += *p == '|';
    assert_int_equal(words, sources);
    words = 1;
    for (const char *p = def->choices; *p; p++)
        words += *p == '|';
    assert_int_equal(words, drivers + 1);
    for (size_t i = 0; i < ent_config_n_keys; i++) {
        const char *name = ent_config_keys[i].name;
        char plugin[64];
        if (sscanf(name, "monitor.%63[a-z].", plugin) == 1 && strchr(name + 8, '.'))
            assert_string_equal(owner(name), plugin);
        else if (sscanf(name, "driver.%63[a-z].", plugin) == 1 && strchr(name + 7, '.'))
            assert_string_equal(owner(name), plugin);
        else if (sscanf(name, "power.%63[a-z].", plugin) == 1 && strchr(name + 6, '.'))
            assert_string_equal(owner(name), plugin);
    }
}

/* A source that reports one node, one issue, and remembers how its rounds ended. */
static int settled_kept = -1, fail_next;

static int issuer_open(struct ent_monitor *mon, void *arg, struct ent_error *err)
{
    return 0;
}

static int issuer_configure(struct ent_monitor *mon, const struct ent_config *c,
                            struct ent_error *err)
{
    return 0;
}

static int issuer_read(struct ent_monitor *mon, struct ent_monitor_round *r, struct ent_error *err)
{
    if (fail_next)
        return ent_error(err, ENT_EIO, "node-1 does not answer");
    int n = ent_monitor_add_node(r, "issuer", "node-1", err);
    r->m->res[r->cpu].capacity[n] = 100;
    r->m->res[r->mem].capacity[n] = 1024;
    ent_monitor_issue(r->issues, "issuer", "host %s reported twice", "node-2");
    return 0;
}

static void issuer_settle(struct ent_monitor *mon, bool kept)
{
    settled_kept = kept;
}

static const struct ent_monitor_ops issuer_ops = {.name = "issuer",
                                                  .configure = issuer_configure,
                                                  .open = issuer_open,
                                                  .read = issuer_read,
                                                  .settle = issuer_settle};

static void test_snapshot_keeps_issues_and_settles(void **state)
{
    (void)state;
    ent_plugins_init();
    struct ent_error err;
    ent_error_init(&err);
    ent_log_open(NULL, ENT_LOG_ERROR, &err);
    if (!ent_monitor_lookup("issuer"))
        assert_int_equal(ent_monitor_register(&issuer_ops, &err), 0);
    assert_int_equal(ent_monitor_register(&issuer_ops, &err), ENT_EEXISTS);
    struct ent_monitor mon;
    assert_int_equal(ent_monitor_open(&mon, "issuer", NULL, &err), 0);
    struct ent_model m;
    ent_model_init(&m);
    fail_next = 0;
    assert_int_equal(ent_monitor_snapshot(&mon, &m, &err), 0);
    assert_int_equal(m.n_nodes, 1);
    assert_int_equal(settled_kept, 1);
    assert_int_equal(json_array_size(mon.issues), 1);
    assert_non_null(strstr(json_string_value(json_array_get(mon.issues, 0)), "node-2"));
    ent_model_release(&m);
    /* A failed snapshot: the source is told, the last good issues stay, the error names it. */
    ent_model_init(&m);
    fail_next = 1;
    assert_int_equal(ent_monitor_snapshot(&mon, &m, &err), ENT_EIO);
    assert_int_equal(settled_kept, 0);
    assert_non_null(strstr(err.msg, "monitor issuer"));
    assert_int_equal(json_array_size(mon.issues), 1);
    ent_model_release(&m);
    ent_monitor_close(&mon);
    assert_null(mon.ops);
}

static void test_no_shutdown_planned_that_no_driver_can_do(void **state)
{
    (void)state;
    char path[] = "/tmp/entropy-plugins-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "monitor.source = sim\nmonitor.sim.nodes = 4\nmonitor.sim.vms = 6\n"
               "loop.power_off_empty = yes\n");
    fclose(f);
    struct ent_daemon_setup d;
    struct ent_error err;
    ent_error_init(&err);
    ent_log_open(NULL, ENT_LOG_ERROR, &err);
    assert_int_equal(ent_daemon_setup(&d, path, &err), 0);
    assert_string_equal(d.drivers.drivers[0].ops->name, "sim");
    assert_false(ent_driver_set_can(&d.drivers, ENT_CAN_SHUTDOWN_NODE));
    assert_int_equal(d.loop.plan.shutdown_empty, 0);
    ent_daemon_teardown(&d);
    /* A driver named without its settings is refused, naming the key it needs. */
    f = fopen(path, "w");
    fprintf(f, "monitor.source = sim\ndriver.default = xend\n");
    fclose(f);
    assert_int_not_equal(ent_daemon_setup(&d, path, &err), 0);
    assert_non_null(strstr(err.msg, "driver.xend.urls"));
    /* A node the xend source reads that the xend driver does not reach is refused at start. */
    f = fopen(path, "w");
    fprintf(f, "monitor.source = xend\nmonitor.xend.urls = http://a:8000,http://b:8000\n"
               "driver.xend.urls = a=http://a:8000\n");
    fclose(f);
    assert_int_not_equal(ent_daemon_setup(&d, path, &err), 0);
    assert_non_null(strstr(err.msg, "node http://b:8000 (monitor.xend.urls)"));
    unlink(path);
}

static void sim_config(struct ent_config *c, const char *text)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    struct ent_error err;
    ent_error_init(&err);
    ent_config_init(c);
    assert_int_equal(ent_config_read(c, f, "sim.properties", &err), 0);
    fclose(f);
}

static void test_reload_carries_the_sources_state(void **state)
{
    (void)state;
    ent_plugins_init();
    struct ent_config c1, c2, c3;
    sim_config(&c1, "monitor.source = sim\nmonitor.sim.nodes = 5\nmonitor.sim.vms = 9\n");
    sim_config(&c2, "monitor.source = sim\nmonitor.sim.nodes = 5\nmonitor.sim.vms = 9\n"
                    "monitor.sim.action_seconds = 1\n");
    sim_config(&c3, "monitor.source = sim\nmonitor.sim.nodes = 6\nmonitor.sim.vms = 9\n");
    struct ent_monitor old, fresh, bigger;
    struct ent_error err;
    ent_error_init(&err);
    assert_int_equal(ent_monitor_configure(&old, &c1, &err), 0);
    assert_int_equal(ent_monitor_configure(&fresh, &c2, &err), 0);
    assert_int_equal(ent_monitor_configure(&bigger, &c3, &err), 0);
    struct ent_sim_cluster *was = ent_monitor_sim_cluster(&old);
    for (int i = 0; i < 5; i++)
        ent_sim_cluster_step(was); /* the running cluster moved on */
    was->vms[0].load = 42.5;
    struct ent_sim_cluster *now = ent_monitor_sim_cluster(&fresh);
    ent_monitor_reload(&fresh, &old);
    assert_ptr_equal(ent_monitor_sim_cluster(&fresh), now); /* the driver's pointer stays good */
    assert_true(now->vms[0].load == 42.5);
    assert_true(now->opts.action_seconds == 1); /* with the new settings */
    ent_monitor_reload(&bigger, &fresh);        /* another size: a new cluster */
    assert_int_equal(ent_monitor_sim_cluster(&bigger)->n_nodes, 6);
    ent_monitor_close(&old);
    ent_monitor_close(&fresh);
    ent_monitor_close(&bigger);
    ent_config_release(&c1);
    ent_config_release(&c2);
    ent_config_release(&c3);
}

/* Headroom: every node's memory capacity less the reserve, in what the engine and the checker
 * see; none with a reserve of 0. */
static void test_memory_reserve_for_migrations(void **state)
{
    (void)state;
    ent_plugins_init();
    struct ent_config c;
    sim_config(&c, "monitor.source = sim\nmonitor.sim.nodes = 3\nmonitor.sim.vms = 2\n"
                   "monitor.memory_reserve_mb = 100\n");
    struct ent_monitor mon;
    struct ent_error err;
    ent_error_init(&err);
    assert_int_equal(ent_monitor_configure(&mon, &c, &err), 0);
    struct ent_model m;
    ent_model_init(&m);
    assert_int_equal(ent_monitor_snapshot(&mon, &m, &err), 0);
    int mem = ent_model_resource_index(&m, "memory");
    for (size_t n = 0; n < m.n_nodes; n++)
        assert_int_equal(m.res[mem].capacity[n], 8192 - 100);
    ent_model_release(&m);
    mon.memory_reserve_mb = 0;
    ent_model_init(&m);
    assert_int_equal(ent_monitor_snapshot(&mon, &m, &err), 0);
    assert_int_equal(m.res[mem].capacity[0], 8192);
    ent_model_release(&m);
    ent_monitor_close(&mon);
    ent_config_release(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registries_match_the_configuration_table),
        cmocka_unit_test(test_snapshot_keeps_issues_and_settles),
        cmocka_unit_test(test_no_shutdown_planned_that_no_driver_can_do),
        cmocka_unit_test(test_reload_carries_the_sources_state),
        cmocka_unit_test(test_memory_reserve_for_migrations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
