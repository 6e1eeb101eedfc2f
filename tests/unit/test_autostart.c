/* daemon/autostart.c: which ready VMs the loop boots (autostart, startable anywhere, not larger
 * than every node), the higher priority first when not all fit, and never twice: a VM the loop
 * booted is not required again until monitoring shows it running. */
#include "helpers.h"

#include "daemon/autostart.h"
#include "daemon/plugins.h"
#include "daemon/recover.h"
#include "drivers/driver.h"
#include "exec/executor.h"
#include "exec/journal.h"
#include "model/definition.h"
#include "monitor/monitor.h"
#include "sim/cluster.h"
#include "util/alloc.h"

#include <stdlib.h>

/* Two nodes of 1000 MB; ready VMs: "low" (priority 1) and "high" (9) marked autostart, "plain"
 * not marked, "local" marked but on a local disk, "big" marked and larger than every node. */
static void cluster(struct ent_model *m)
{
    struct ent_error err;
    ent_error_init(&err);
    ent_model_init(m);
    int mem = ent_model_add_resource(m, "memory", 0, 0, &err);
    for (int n = 0; n < 2; n++) {
        char name[16];
        snprintf(name, sizeof name, "n%d", n);
        assert_int_equal(ent_model_add_node(m, n, name, ENT_NODE_ONLINE, &err), n);
        m->res[mem].capacity[n] = 1000;
    }
    static const struct {
        const char *name;
        bool autostart;
        int priority;
        const char *local;
        int64_t memory;
    } vms[] = {{"low", true, 1, NULL, 100},
               {"high", true, 9, NULL, 100},
               {"plain", false, 0, NULL, 100},
               {"local", true, 5, "/dev/sdb", 100},
               {"big", true, 99, NULL, 5000}};
    for (int v = 0; v < 5; v++) {
        assert_int_equal(ent_model_add_vm(m, v, vms[v].name, ENT_VM_READY, -1, &err), v);
        m->res[mem].demand[v] = vms[v].memory;
        m->vms[v].attrs = json_pack("{s:b, s:i}", ENT_VM_ATTR_AUTOSTART, vms[v].autostart,
                                    ENT_VM_ATTR_PRIORITY, vms[v].priority);
        if (vms[v].local)
            json_object_set_new(m->vms[v].attrs, ENT_VM_ATTR_LOCAL_DISK, json_string(vms[v].local));
    }
}

static void test_candidates_by_priority(void **state)
{
    (void)state;
    struct ent_autostart a = {.enabled = true};
    struct ent_model m;
    cluster(&m);
    assert_int_equal(ent_autostart_candidates(&a, &m), 2);
    /* Room for one: the higher priority. */
    json_t *left = json_array();
    assert_int_equal(ent_autostart_require(&a, &m, 1, left), 1);
    assert_int_equal(m.constraints.len, 1);
    assert_int_equal(m.constraints.items[0].kind, ENT_CK_RUNNING);
    assert_int_equal(m.constraints.items[0].vms[0], 1);
    assert_int_equal(json_array_size(left), 1); /* the lower priority, named */
    assert_string_equal(json_string_value(json_array_get(left, 0)), "low");
    json_decref(left);
    assert_int_equal(ent_autostart_require(&a, &m, 10, NULL), 2);
    assert_int_equal(m.constraints.len, 3);
    ent_model_release(&m);

    struct ent_autostart off = {.enabled = false}; /* loop.autostart = no */
    cluster(&m);
    assert_int_equal(ent_autostart_candidates(&off, &m), 0);
    ent_model_release(&m);
}

static void test_never_booted_twice(void **state)
{
    (void)state;
    struct ent_autostart a = {.enabled = true};
    struct ent_model m;
    cluster(&m);
    /* The round booted "high" on n1, and failed to boot "low". */
    struct ent_plan plan;
    ent_plan_init(&plan);
    struct ent_action *boot = ent_plan_add(&plan, ENT_ACTION_BOOT_VM);
    boot->vm = 1;
    boot->to = 1;
    boot = ent_plan_add(&plan, ENT_ACTION_BOOT_VM);
    boot->vm = 0;
    boot->to = 0;
    struct ent_action_outcome outcomes[2] = {{.status = ENT_ACTION_DONE},
                                             {.status = ENT_ACTION_FAILED}};
    struct ent_exec_result res = {.outcomes = outcomes, .len = 2};
    ent_autostart_learn(&a, &m, &plan, &res, 4);
    json_t *waiting = ent_autostart_waiting_json(&a);
    assert_int_equal(json_array_size(waiting), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(waiting, 0), "vm")),
                        "high");
    json_decref(waiting);
    /* Monitoring does not show it yet: only "low" is to boot (it failed: tried again). */
    assert_int_equal(ent_autostart_candidates(&a, &m), 1);
    assert_int_equal(ent_autostart_require(&a, &m, 10, NULL), 1);
    assert_int_equal(m.constraints.items[0].vms[0], 0);
    /* Seen running: forgotten. Should it stop later, it is booted again (autostart). */
    m.map.vm_state[1] = ENT_VM_RUNNING;
    m.map.vm_host[1] = 1;
    assert_int_equal(ent_autostart_candidates(&a, &m), 1);
    assert_null(ent_autostart_waiting_json(&a));
    m.map.vm_state[1] = ENT_VM_READY;
    m.map.vm_host[1] = -1;
    assert_int_equal(ent_autostart_candidates(&a, &m), 2);

    /* A reload carries what waits. */
    ent_autostart_learn(&a, &m, &plan, &res, 5);
    struct ent_autostart fresh = {.enabled = true};
    ent_autostart_carry(&fresh, &a);
    assert_int_equal(fresh.len, 1);
    assert_int_equal(a.len, 0);
    ent_autostart_release(&fresh);
    ent_autostart_release(&a);
    ent_plan_release(&plan);
    ent_model_release(&m);
}

/* A boot in flight when the daemon died, its VM not seen since: remembered as booted (never booted
 * again until seen), through the journal's reconciliation. */
static void test_a_boot_in_flight_at_a_crash_is_not_booted_again(void **state)
{
    (void)state;
    char dir[] = "/tmp/entropy-boot-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/journal.db", dir);
    struct ent_model *m = load_instance(
        "{\"model\": {\"mapping\": {\"onlineNodes\": {\"0\": {\"runningVMs\": [], "
        "\"sleepingVMs\": []}}, \"offlineNodes\": [], \"readyVMs\": [5]}, \"views\": []}, "
        "\"constraints\": [], \"objective\": null}");
    m->vms[0].name = ent_strdup("late-vm");
    m->nodes[0].name = ent_strdup("node-001");
    struct ent_plan plan;
    load_plan(&plan, m,
              "{\"actions\": [{\"id\": \"bootVM\", \"vm\": 5, \"to\": 0, "
              "\"start\": 0, \"end\": 10}]}");
    struct ent_journal j;
    struct ent_error err;
    ent_error_init(&err);
    int64_t round = -1;
    assert_int_equal(ent_journal_open(&j, path, &err), 0);
    assert_int_equal(ent_journal_round_begin(&j, &round, &err), 0);
    assert_int_equal(ent_journal_plan(&j, round, m, &plan, &err), 0);
    assert_int_equal(ent_journal_action(&j, round, 0, "running", "", &err), 0);
    ent_journal_close(&j); /* kill -9 */

    ent_plugins_init();
    struct ent_sim_cluster cluster;
    struct ent_sim_options o;
    ent_sim_options_default(&o);
    o.vms = 0;
    assert_int_equal(ent_sim_cluster_init(&cluster, &o, &err), 0);
    struct ent_monitor mon;
    assert_int_equal(ent_monitor_open(&mon, "sim", &cluster, &err), 0);
    struct ent_driver_set drivers;
    ent_driver_set_init(&drivers);
    struct ent_autostart a = {.enabled = true};
    assert_int_equal(ent_journal_open(&j, path, &err), 0);
    assert_int_equal(ent_daemon_recover(&j, &mon, &drivers, &a, &err), 1);
    assert_int_equal(a.len, 1);
    assert_string_equal(a.booted[0].vm, "late-vm");
    assert_string_equal(a.booted[0].node, "node-001");
    ent_journal_close(&j);
    ent_autostart_release(&a);
    ent_driver_set_close(&drivers);
    ent_monitor_close(&mon);
    ent_sim_cluster_release(&cluster);
    ent_plan_release(&plan);
    free_instance(m);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    ent_log_open(NULL, ENT_LOG_ERROR, NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_candidates_by_priority),
        cmocka_unit_test(test_never_booted_twice),
        cmocka_unit_test(test_a_boot_in_flight_at_a_crash_is_not_booted_again),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
