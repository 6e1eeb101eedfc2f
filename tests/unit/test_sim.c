/* The simulated cluster behind the sim monitor and driver, and the control-loop round on it. */
#include "daemon/plugins.h"
#include "helpers.h"

#include "daemon/lag.h"
#include "daemon/loop.h"
#include "drivers/driver.h"
#include "model/definition.h"
#include "monitor/monitor.h"
#include "sim/cluster.h"
#include "util/log.h"
#include "util/str.h"

struct fixture {
    struct ent_sim_cluster cluster;
    struct ent_monitor mon;
    struct ent_driver_set drivers;
};

static struct fixture *setup(double failure_rate)
{
    ent_plugins_init();
    struct fixture *f = calloc(1, sizeof *f);
    struct ent_sim_options o;
    ent_sim_options_default(&o);
    o.failure_rate = failure_rate;
    struct ent_error err;
    ent_error_init(&err);
    assert_int_equal(ent_sim_cluster_init(&f->cluster, &o, &err), 0);
    assert_int_equal(ent_monitor_open(&f->mon, "sim", &f->cluster, &err), 0);
    ent_driver_set_init(&f->drivers);
    assert_int_equal(ent_driver_set_open(&f->drivers, "sim", &f->cluster, &err), 0);
    return f;
}

static void teardown(struct fixture *f)
{
    ent_driver_set_close(&f->drivers);
    ent_monitor_close(&f->mon);
    ent_sim_cluster_release(&f->cluster);
    free(f);
}

/* Every VM runs on exactly one online node. */
static void assert_all_vms_running_once(const struct ent_sim_cluster *c)
{
    for (size_t v = 0; v < c->n_vms; v++) {
        assert_true(c->vms[v].running);
        assert_in_range(c->vms[v].host, 0, (int32_t)c->n_nodes - 1);
        assert_true(c->nodes[c->vms[v].host].online);
    }
}

static void test_snapshot_describes_cluster(void **state)
{
    (void)state;
    struct fixture *f = setup(0);
    struct ent_model m;
    ent_model_init(&m);
    struct ent_error err;
    ent_error_init(&err);
    assert_int_equal(ent_monitor_snapshot(&f->mon, &m, &err), 0);
    assert_int_equal(m.n_nodes, 16);
    assert_int_equal(m.n_vms, 48);
    int mem = ent_model_resource_index(&m, "memory"), cpu = ent_model_resource_index(&m, "cpu");
    assert_true(mem >= 0 && cpu >= 0);
    assert_int_equal(m.res[mem].capacity[0], 8192);
    assert_int_equal(m.res[cpu].capacity[0], 400);
    assert_string_equal(m.vms[0].name, "vm-0001");
    assert_int_equal(m.map.vm_host[0], f->cluster.vms[0].host);
    assert_int_equal(m.res[mem].demand[5], f->cluster.vms[5].memory_mb);
    ent_model_release(&m);
    teardown(f);
}

static void test_registry_rejects_duplicates_and_unknown(void **state)
{
    (void)state;
    struct ent_error err;
    ent_error_init(&err);
    ent_plugins_init();
    assert_int_equal(ent_monitor_register(&ent_monitor_sim_ops, &err), ENT_EEXISTS);
    assert_int_equal(ent_driver_register(&ent_driver_sim_ops, &err), ENT_EEXISTS);
    struct ent_monitor mon;
    assert_int_equal(ent_monitor_open(&mon, "nagios", NULL, &err), ENT_ENOTFOUND);
    assert_non_null(strstr(err.msg, "nagios"));
}

static void test_migration_moves_vm(void **state)
{
    (void)state;
    struct fixture *f = setup(0);
    struct ent_error err;
    ent_error_init(&err);
    struct ent_sim_vm *vm = &f->cluster.vms[0];
    const char *from = f->cluster.nodes[vm->host].name;
    int32_t to = (vm->host + 1) % (int32_t)f->cluster.n_nodes;
    struct ent_migration mig = {
        .vm = vm->name, .from = from, .to = f->cluster.nodes[to].name, .memory_mb = vm->memory_mb};
    assert_int_equal(ent_driver_migrate(&f->drivers.drivers[0], &mig, &err), 0);
    assert_int_equal(vm->host, to);
    assert_true(mig.seconds > 0 && mig.downtime > 0 && mig.bytes > 0);
    teardown(f);
}

static void test_failed_migration_leaves_vm_on_source(void **state)
{
    (void)state;
    struct fixture *f = setup(1.0);
    struct ent_error err;
    ent_error_init(&err);
    struct ent_sim_vm *vm = &f->cluster.vms[0];
    int32_t src = vm->host;
    struct ent_migration mig = {.vm = vm->name,
                                .from = f->cluster.nodes[src].name,
                                .to = f->cluster.nodes[(src + 1) % 16].name,
                                .memory_mb = vm->memory_mb};
    assert_int_equal(ent_driver_migrate(&f->drivers.drivers[0], &mig, &err), ENT_EDRIVER);
    assert_non_null(strstr(err.msg, vm->name));
    assert_int_equal(vm->host, src);
    assert_true(vm->running);
    teardown(f);
}

static void test_prepare_refuses_full_destination(void **state)
{
    (void)state;
    struct fixture *f = setup(0);
    struct ent_error err;
    ent_error_init(&err);
    f->cluster.nodes[1].memory_mb = 1; /* node-002 cannot take anything more */
    struct ent_sim_vm *vm = &f->cluster.vms[0];
    struct ent_migration mig = {.vm = vm->name,
                                .from = f->cluster.nodes[vm->host].name,
                                .to = "node-002",
                                .memory_mb = vm->memory_mb};
    assert_int_equal(ent_driver_migrate(&f->drivers.drivers[0], &mig, &err), ENT_EINVALID);
    assert_non_null(strstr(err.msg, "memory"));
    assert_int_equal(vm->host, 0);
    teardown(f);
}

static void test_round_consolidates(void **state)
{
    (void)state;
    struct fixture *f = setup(0);
    struct ent_loop loop = {.monitor = &f->mon, .drivers = &f->drivers};
    ent_solve_options_init(&loop.solve);
    ent_plan_options_init(&loop.plan);
    loop.learn = true;
    double bandwidth = loop.plan.cost.bandwidth;
    size_t before = ent_sim_active_nodes(&f->cluster);
    struct ent_round r;
    ent_loop_round(&loop, &r);
    ent_round_release(&r);
    assert_false(r.skipped);
    assert_int_equal(r.exec.failed, 0);
    assert_true(r.exec.done > 0);
    /* the sim's migrations run at about 113 MB/s: the model's 125 moves towards it */
    assert_true(loop.plan.cost.bandwidth < bandwidth);
    assert_true(loop.plan.cost.bandwidth > 100);
    size_t after = ent_sim_active_nodes(&f->cluster);
    assert_true(after < before);
    assert_int_equal(after, (size_t)r.decision.nodes_used);
    assert_all_vms_running_once(&f->cluster);
    for (int i = 0; i < 5; i++) {
        ent_sim_cluster_step(&f->cluster);
        ent_loop_round(&loop, &r);
        if (r.skipped)
            fail_msg("round %d skipped: %s", i, r.reason);
        ent_round_release(&r);
        assert_all_vms_running_once(&f->cluster);
    }
    ent_loop_release(&loop);
    teardown(f);
}

static void test_round_with_failures_loses_nothing(void **state)
{
    (void)state;
    struct fixture *f = setup(1.0);
    struct ent_loop loop = {.monitor = &f->mon, .drivers = &f->drivers};
    ent_solve_options_init(&loop.solve);
    ent_plan_options_init(&loop.plan);
    int32_t hosts[48];
    for (int v = 0; v < 48; v++)
        hosts[v] = f->cluster.vms[v].host;
    struct ent_round r;
    ent_loop_round(&loop, &r);
    ent_round_release(&r);
    /* Every migration that was ready failed; whatever depended on them was dropped. */
    assert_true(r.exec.failed >= 1);
    assert_int_equal(r.exec.done, 0);
    assert_true(r.exec.dropped > 0);
    assert_int_equal(r.exec.failed + r.exec.dropped, r.actions);
    for (int v = 0; v < 48; v++)
        assert_int_equal(f->cluster.vms[v].host, hosts[v]);
    assert_all_vms_running_once(&f->cluster);
    ent_loop_release(&loop);
    teardown(f);
}

/* A node that refuses every migration to it (the first destination the driver is asked for). */
static char refused[32];

static int refuse_perform(struct ent_driver *drv, struct ent_migration *mig, struct ent_error *err)
{
    if (!refused[0])
        snprintf(refused, sizeof refused, "%s", mig->to);
    if (strcmp(mig->to, refused) == 0)
        return ent_error(err, ENT_EDRIVER, "connection refused by %s", mig->to);
    return ent_driver_sim_ops.migrate_perform(drv, mig, err);
}

static int refuse_open(struct ent_driver *drv, void *arg, struct ent_error *err)
{
    return ent_driver_sim_ops.open(drv, arg, err);
}

static struct ent_driver_ops refuser_ops;

static void test_a_refusing_destination_is_avoided(void **state)
{
    (void)state;
    struct fixture *f = setup(0);
    refuser_ops = ent_driver_sim_ops;
    refuser_ops.name = "refuser";
    refuser_ops.open = refuse_open;
    refuser_ops.configure = NULL;
    refuser_ops.configured = NULL;
    refuser_ops.migrate_perform = refuse_perform;
    if (!ent_driver_lookup("refuser"))
        assert_int_equal(ent_driver_register(&refuser_ops, NULL), 0);
    ent_driver_set_close(&f->drivers);
    ent_driver_set_init(&f->drivers);
    assert_int_equal(ent_driver_set_open(&f->drivers, "refuser", &f->cluster, NULL), 0);
    struct ent_loop loop = {.monitor = &f->mon, .drivers = &f->drivers, .avoid_rounds = 3};
    ent_solve_options_init(&loop.solve);
    ent_plan_options_init(&loop.plan);
    struct ent_round r;
    ent_loop_round(&loop, &r);
    assert_true(r.exec.failed >= 1);
    ent_round_release(&r);
    assert_int_equal(loop.n_avoided, 1);
    assert_string_equal(loop.avoided[0].node, refused);
    /* The next rounds plan around it and fail no more: the loop converges without it. */
    for (int i = 0; i < 2; i++) {
        ent_loop_round(&loop, &r);
        assert_false(r.skipped);
        assert_int_equal(r.exec.failed, 0);
        assert_int_equal(json_array_size(r.avoided), 1);
        ent_round_release(&r);
    }
    assert_all_vms_running_once(&f->cluster);
    ent_loop_release(&loop);
    teardown(f);
}

static void test_stop_flag_starts_nothing(void **state)
{
    (void)state;
    struct fixture *f = setup(0);
    atomic_int stop = 1;
    struct ent_loop loop = {.monitor = &f->mon, .drivers = &f->drivers, .stop = &stop};
    ent_solve_options_init(&loop.solve);
    ent_plan_options_init(&loop.plan);
    struct ent_round r;
    ent_loop_round(&loop, &r);
    ent_round_release(&r);
    assert_true(r.skipped);
    assert_int_equal(f->cluster.migrations_done, 0);
    ent_loop_release(&loop);
    teardown(f);
}

static void test_dry_run_executes_nothing(void **state)
{
    (void)state;
    struct fixture *f = setup(0);
    struct ent_loop loop = {.monitor = &f->mon, .drivers = &f->drivers, .dry_run = true};
    ent_solve_options_init(&loop.solve);
    ent_plan_options_init(&loop.plan);
    struct ent_round r;
    ent_loop_round(&loop, &r);
    ent_round_release(&r);
    assert_false(r.skipped);
    assert_true(r.actions > 0);
    assert_int_equal(f->cluster.migrations_done, 0);
    ent_loop_release(&loop);
    teardown(f);
}

static void test_bad_simulation_options(void **state)
{
    (void)state;
    struct ent_sim_options o;
    ent_sim_options_default(&o);
    o.vms = 1000; /* 1000 VMs of >= 512 MB cannot fit 16 x 8 GiB */
    struct ent_sim_cluster c;
    struct ent_error err;
    ent_error_init(&err);
    assert_int_equal(ent_sim_cluster_init(&c, &o, &err), ENT_EINVALID);
    assert_non_null(strstr(err.msg, "do not fit"));
    o.vms = 10;
    o.failure_rate = 2;
    assert_int_equal(ent_sim_cluster_init(&c, &o, &err), ENT_EINVALID);
}

/* A snapshot that still shows a VM where the last round moved it from is stale (Ganglia lags):
 * no decision on it; once monitoring agrees, the memory is dropped. A VM moved twice in one plan
 * (a bypass) is expected where its last action put it. */
static void test_a_lagging_snapshot_is_not_acted_on(void **state)
{
    (void)state;
    struct ent_model *m = load_instance(
        "{\"model\": {\"mapping\": {\"onlineNodes\": {\"0\": {\"runningVMs\": [0], "
        "\"sleepingVMs\": []}, \"1\": {\"runningVMs\": [], \"sleepingVMs\": []}, \"2\": "
        "{\"runningVMs\": [], \"sleepingVMs\": []}}, \"offlineNodes\": [], \"readyVMs\": []}, "
        "\"views\": [{\"id\": \"ns\", \"type\": \"node\", \"map\": {\"a\": 0, \"b\": 1, "
        "\"c\": 2}}, {\"id\": \"ns\", \"type\": \"vm\", \"map\": {\"vm-1\": 0}}]}, "
        "\"constraints\": []}");
    struct ent_plan plan;
    load_plan(&plan, m,
              "{\"actions\": [{\"id\": \"migrateVM\", \"vm\": 0, \"from\": 0, \"to\": 1, "
              "\"start\": 0, \"end\": 2}, {\"id\": \"migrateVM\", \"vm\": 0, \"from\": 1, "
              "\"to\": 2, \"start\": 2, \"end\": 4}]}");
    struct ent_exec_result res = {.len = 2};
    struct ent_action_outcome done[2] = {{.status = ENT_ACTION_DONE}, {.status = ENT_ACTION_DONE}};
    res.outcomes = done;
    struct ent_loop loop = {0};
    ent_lag_learn(&loop, m, &plan, &res);
    struct ent_str why = ENT_STR_INIT;
    assert_true(ent_lag_stale(&loop, m, &why)); /* still seen on a */
    assert_string_equal(ent_str_cstr(&why),
                        "vm-1, moved to c by the last round, is still seen on a");
    m->map.vm_host[0] = 2; /* monitoring caught up */
    ent_str_release(&why);
    assert_false(ent_lag_stale(&loop, m, &why));
    assert_int_equal(loop.n_moved, 0);
    ent_str_release(&why);
    ent_loop_release(&loop);
    ent_plan_release(&plan);
    free_instance(m);
}

/* The sim driver creates a defined VM on a node, and refuses one that runs already (never twice)
 * or a node without the memory. */
static void test_create_from_a_definition_never_twice(void **state)
{
    (void)state;
    struct fixture *f = setup(0);
    struct ent_driver *drv = &f->drivers.drivers[0];
    struct ent_vm_definition def = {.name = "defined-1", .memory_mb = 256, .vcpus = 1};
    struct ent_error err;
    ent_error_init(&err);
    const char *node = f->cluster.nodes[0].name;
    assert_int_equal(drv->ops->create_vm(drv, &def, node, &err), 0);
    int32_t v = ent_sim_vm_index(&f->cluster, "defined-1");
    assert_true(v >= 0 && f->cluster.vms[v].running && f->cluster.vms[v].host == 0);
    assert_int_equal(drv->ops->create_vm(drv, &def, f->cluster.nodes[1].name, &err), ENT_EEXISTS);
    assert_non_null(strstr(err.msg, "already runs on"));
    assert_int_equal(f->cluster.vms[v].host, 0);
    /* A VM of the cluster that runs already: refused the same way. */
    def.name = f->cluster.vms[0].name;
    assert_int_equal(drv->ops->create_vm(drv, &def, node, &err), ENT_EEXISTS);
    struct ent_vm_definition big = {.name = "big-1", .memory_mb = 1 << 30, .vcpus = 1};
    assert_int_equal(drv->ops->create_vm(drv, &big, node, &err), ENT_EINVALID);
    assert_true(ent_sim_vm_index(&f->cluster, "big-1") < 0);
    teardown(f);
}

int main(void)
{
    struct ent_error err;
    ent_log_open(NULL, ENT_LOG_ERROR, &err); /* quiet: errors are expected here */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_snapshot_describes_cluster),
        cmocka_unit_test(test_create_from_a_definition_never_twice),
        cmocka_unit_test(test_registry_rejects_duplicates_and_unknown),
        cmocka_unit_test(test_migration_moves_vm),
        cmocka_unit_test(test_failed_migration_leaves_vm_on_source),
        cmocka_unit_test(test_prepare_refuses_full_destination),
        cmocka_unit_test(test_round_consolidates),
        cmocka_unit_test(test_round_with_failures_loses_nothing),
        cmocka_unit_test(test_a_refusing_destination_is_avoided),
        cmocka_unit_test(test_stop_flag_starts_nothing),
        cmocka_unit_test(test_dry_run_executes_nothing),
        cmocka_unit_test(test_a_lagging_snapshot_is_not_acted_on),
        cmocka_unit_test(test_bad_simulation_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
