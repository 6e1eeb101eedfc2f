/* entropy check: a valid plan passes, and each kind of violation is caught. */
#include "helpers.h"

#include "check/check.h"

/* Three nodes of memory 100 / cpu 10; VM 0 (60) on node 0, VM 1 (60) on node 1, VM 2 (30) on
 * node 2, VM 3 ready; node 3 offline. */
#define BASE_MODEL                                                                                 \
    "{\"mapping\": {\"onlineNodes\": {\"0\": {\"runningVMs\": [0], \"sleepingVMs\": []},"          \
    "  \"1\": {\"runningVMs\": [1], \"sleepingVMs\": []},"                                         \
    "  \"2\": {\"runningVMs\": [2], \"sleepingVMs\": []}},"                                        \
    " \"offlineNodes\": [3], \"readyVMs\": [3]},"                                                  \
    " \"views\": [{\"id\": \"shareableResource\", \"rcId\": \"memory\", \"defConsumption\": 0,"    \
    "  \"defCapacity\": 100, \"nodes\": {}, \"vms\": {\"0\": 60, \"1\": 60, \"2\": 30, \"3\": "    \
    "20}},"                                                                                        \
    " {\"id\": \"shareableResource\", \"rcId\": \"cpu\", \"defCapacity\": 10, "                    \
    "\"defConsumption\": 1,"                                                                       \
    "  \"nodes\": {}, \"vms\": {}}]}"

static const char *instance_with(const char *constraints)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "{\"model\": %s, \"constraints\": [%s], \"objective\": null}",
             BASE_MODEL, constraints);
    return buf;
}

static struct ent_check_report run_on(const char *instance, const char *plan_text)
{
    struct ent_model *m = load_instance(instance);
    struct ent_plan plan;
    load_plan(&plan, m, plan_text);
    struct ent_check_report rep;
    ent_check_report_init(&rep);
    ent_check_plan(m, &plan, &rep);
    ent_plan_release(&plan);
    free_instance(m);
    return rep;
}

/* Checks plan_text against an instance with the given constraints; returns the report. */
static struct ent_check_report run(const char *constraints, const char *plan_text)
{
    return run_on(instance_with(constraints), plan_text);
}

static void expect(const char *constraints, const char *plan, enum ent_violation_kind kind)
{
    struct ent_check_report rep = run(constraints, plan);
    if (rep.valid || rep.by_kind[kind] == 0) {
        char *text = json_dumps(rep.violations, 0);
        fail_msg("expected a %s violation, got valid=%d: %s", ent_violation_kind_name(kind),
                 rep.valid, text);
    }
    ent_check_report_release(&rep);
}

static void test_valid_plan_passes_with_figures(void **state)
{
    (void)state;
    /* VM 2 joins VM 0 on node 0 (60 + 30 <= 100), then node 2 is empty; VM 3 boots on node 2. */
    struct ent_check_report rep = run(
        "", "{\"actions\": ["
            "{\"id\": \"migrateVM\", \"vm\": 2, \"from\": 2, \"to\": 0, \"start\": 0, \"end\": 3},"
            "{\"id\": \"bootVM\", \"vm\": 3, \"to\": 2, \"start\": 3, \"end\": 5}]}");
    assert_true(rep.valid);
    assert_int_equal(rep.migrations, 1);
    assert_int_equal(rep.moved_memory, 30);
    assert_int_equal(rep.makespan, 5);
    assert_int_equal(rep.mttr, 8);
    assert_int_equal(rep.online_nodes_used, 3);
    ent_check_report_release(&rep);
}

static void test_migration_counts_on_both_nodes(void **state)
{
    (void)state;
    /* VM 1 (60) to node 0 (60 used): 120 > 100 while it migrates, even though VM 0 leaves at the
     * same moment (its migration ends later). */
    expect("",
           "{\"actions\": ["
           "{\"id\": \"migrateVM\", \"vm\": 0, \"from\": 0, \"to\": 2, \"start\": 0, \"end\": 4},"
           "{\"id\": \"migrateVM\", \"vm\": 1, \"from\": 1, \"to\": 0, \"start\": 0, \"end\": 4}]}",
           ENT_VIOLATION_CAPACITY);
}

static void test_room_freed_at_end_is_usable(void **state)
{
    (void)state;
    /* The same moves, the second starting when the first ends: valid. */
    struct ent_check_report rep = run(
        "",
        "{\"actions\": ["
        "{\"id\": \"migrateVM\", \"vm\": 0, \"from\": 0, \"to\": 2, \"start\": 0, \"end\": 4},"
        "{\"id\": \"migrateVM\", \"vm\": 1, \"from\": 1, \"to\": 0, \"start\": 4, \"end\": 8}]}");
    assert_true(rep.valid);
    ent_check_report_release(&rep);
}

static void test_migration_from_wrong_node_is_illegal(void **state)
{
    (void)state;
    expect("",
           "{\"actions\": [{\"id\": \"migrateVM\", \"vm\": 0, \"from\": 1, \"to\": 2, "
           "\"start\": 0, \"end\": 1}]}",
           ENT_VIOLATION_ILLEGAL);
}

static void test_migration_to_offline_node_is_illegal(void **state)
{
    (void)state;
    expect("",
           "{\"actions\": [{\"id\": \"migrateVM\", \"vm\": 2, \"from\": 2, \"to\": 3, "
           "\"start\": 0, \"end\": 1}]}",
           ENT_VIOLATION_ILLEGAL);
}

static void test_boot_of_running_vm_is_illegal(void **state)
{
    (void)state;
    expect("",
           "{\"actions\": [{\"id\": \"bootVM\", \"vm\": 0, \"to\": 2, \"start\": 0, \"end\": 1}]}",
           ENT_VIOLATION_ILLEGAL);
}

static void test_shutdown_of_busy_node_is_illegal(void **state)
{
    (void)state;
    expect("", "{\"actions\": [{\"id\": \"shutdownNode\", \"node\": 2, \"start\": 0, \"end\": 1}]}",
           ENT_VIOLATION_ILLEGAL);
}

static void test_overlapping_actions_on_a_vm(void **state)
{
    (void)state;
    expect("",
           "{\"actions\": ["
           "{\"id\": \"migrateVM\", \"vm\": 2, \"from\": 2, \"to\": 0, \"start\": 0, \"end\": 4},"
           "{\"id\": \"migrateVM\", \"vm\": 2, \"from\": 2, \"to\": 1, \"start\": 2, \"end\": 5}]}",
           ENT_VIOLATION_OVERLAP);
}

/* Node 0 starts at memory 160 > 100 (VM 4 of 100 arrived with the load): not the plan's fault, but
 * nothing may arrive there, and the plan must end within capacity. */
#define OVERLOADED                                                                                 \
    "{\"model\": {\"mapping\": {\"onlineNodes\": {\"0\": {\"runningVMs\": [0, 4]},"                \
    " \"1\": {\"runningVMs\": []}, \"2\": {\"runningVMs\": [2]}}},"                                \
    " \"views\": [{\"id\": \"shareableResource\", \"rcId\": \"memory\", \"defCapacity\": 100,"     \
    " \"vms\": {\"0\": 60, \"4\": 100, \"2\": 30}}]}}"

static void test_initial_overload_is_reported_apart(void **state)
{
    (void)state;
    struct ent_check_report rep = run_on(
        OVERLOADED, "{\"actions\": [{\"id\": \"migrateVM\", \"vm\": 4, \"from\": 0, \"to\": 1,"
                    " \"start\": 0, \"end\": 2}]}");
    assert_true(rep.valid);
    assert_int_equal(rep.initial_overloads, 1);
    ent_check_report_release(&rep);
    /* Something arriving on the overloaded node is a violation. */
    rep = run_on(OVERLOADED,
                 "{\"actions\": [{\"id\": \"migrateVM\", \"vm\": 2, \"from\": 2, \"to\": 0,"
                 " \"start\": 0, \"end\": 2}, {\"id\": \"migrateVM\", \"vm\": 4, \"from\": 0,"
                 " \"to\": 1, \"start\": 0, \"end\": 2}]}");
    assert_false(rep.valid);
    assert_true(rep.by_kind[ENT_VIOLATION_CAPACITY] > 0);
    ent_check_report_release(&rep);
    /* Doing nothing leaves it overloaded at the end. */
    rep = run_on(OVERLOADED, "{\"actions\": []}");
    assert_false(rep.valid);
    assert_true(rep.by_kind[ENT_VIOLATION_FINAL_CAPACITY] > 0);
    ent_check_report_release(&rep);
}

static void test_end_before_start(void **state)
{
    (void)state;
    expect("",
           "{\"actions\": [{\"id\": \"migrateVM\", \"vm\": 2, \"from\": 2, \"to\": 0, "
           "\"start\": 5, \"end\": 1}]}",
           ENT_VIOLATION_TIMING);
}

static void test_preserve_overload_in_final_state(void **state)
{
    (void)state;
    /* VM 0 now needs 8 cpu and VM 2 needs 5. While VM 2 arrives, node 0 holds VM 0's current 1 plus
     * VM 2's final 5; once the plan is over, VM 0's 8 applies: 13 > 10. */
    expect("{\"id\": \"preserve\", \"vm\": 0, \"rc\": \"cpu\", \"amount\": 8},"
           "{\"id\": \"preserve\", \"vm\": 2, \"rc\": \"cpu\", \"amount\": 5}",
           "{\"actions\": [{\"id\": \"migrateVM\", \"vm\": 2, \"from\": 2, \"to\": 0, "
           "\"start\": 0, \"end\": 1}]}",
           ENT_VIOLATION_FINAL_CAPACITY);
}

static void test_constraints_in_final_state(void **state)
{
    (void)state;
    const char *none = "{\"actions\": []}";
    expect("{\"id\": \"ban\", \"vm\": 0, \"nodes\": [0], \"continuous\": false}", none,
           ENT_VIOLATION_CONSTRAINT);
    expect("{\"id\": \"fence\", \"vm\": 1, \"nodes\": [0, 2]}", none, ENT_VIOLATION_CONSTRAINT);
    expect("{\"id\": \"offline\", \"node\": 2}", none, ENT_VIOLATION_CONSTRAINT);
    expect("{\"id\": \"online\", \"node\": 3}", none, ENT_VIOLATION_CONSTRAINT);
    expect("{\"id\": \"running\", \"vm\": 3}", none, ENT_VIOLATION_CONSTRAINT);
    expect("{\"id\": \"ready\", \"vm\": 0}", none, ENT_VIOLATION_CONSTRAINT);
    expect("{\"id\": \"gather\", \"vms\": [0, 1]}", none, ENT_VIOLATION_CONSTRAINT);
    expect("{\"id\": \"resourceCapacity\", \"nodes\": [0, 1], \"rc\": \"memory\", \"amount\": 100}",
           none, ENT_VIOLATION_CONSTRAINT);
    expect("{\"id\": \"runningCapacity\", \"nodes\": [0, 1, 2], \"amount\": 2}", none,
           ENT_VIOLATION_CONSTRAINT);
    expect("{\"id\": \"maxOnline\", \"nodes\": [0, 1, 2, 3], \"amount\": 2}", none,
           ENT_VIOLATION_CONSTRAINT);
    expect("{\"id\": \"spread\", \"vms\": [0, 2]}",
           "{\"actions\": [{\"id\": \"migrateVM\", \"vm\": 2, \"from\": 2, \"to\": 0, "
           "\"start\": 0, \"end\": 1}]}",
           ENT_VIOLATION_CONSTRAINT);
    expect("{\"id\": \"root\", \"vm\": 2}",
           "{\"actions\": [{\"id\": \"migrateVM\", \"vm\": 2, \"from\": 2, \"to\": 0, "
           "\"start\": 0, \"end\": 1}]}",
           ENT_VIOLATION_CONSTRAINT);
    expect("{\"id\": \"lonely\", \"vms\": [0]}",
           "{\"actions\": [{\"id\": \"migrateVM\", \"vm\": 2, \"from\": 2, \"to\": 0, "
           "\"start\": 0, \"end\": 1}]}",
           ENT_VIOLATION_CONSTRAINT);
}

static void test_satisfied_constraints_pass(void **state)
{
    (void)state;
    struct ent_check_report rep =
        run("{\"id\": \"ban\", \"vm\": 0, \"nodes\": [1, 2]},"
            "{\"id\": \"fence\", \"vm\": 2, \"nodes\": [0]},"
            "{\"id\": \"spread\", \"vms\": [0, 1]},"
            "{\"id\": \"offline\", \"node\": 2}, {\"id\": \"running\", \"vm\": 3}",
            "{\"actions\": ["
            "{\"id\": \"migrateVM\", \"vm\": 2, \"from\": 2, \"to\": 0, \"start\": 0, \"end\": 3},"
            "{\"id\": \"bootVM\", \"vm\": 3, \"to\": 1, \"start\": 3, \"end\": 4},"
            "{\"id\": \"shutdownNode\", \"node\": 2, \"start\": 3, \"end\": 6}]}");
    assert_true(rep.valid);
    assert_int_equal(json_object_size(rep.unchecked), 0);
    ent_check_report_release(&rep);
}

static void test_unknown_constraints_are_reported_unchecked(void **state)
{
    (void)state;
    struct ent_check_report rep =
        run("{\"id\": \"sync\", \"vms\": [0, 1]}, {\"id\": \"spread\", \"vms\": [0, 1], "
            "\"continuous\": true}",
            "{\"actions\": []}");
    assert_true(rep.valid);
    assert_int_equal(json_integer_value(json_object_get(rep.unchecked, "sync")), 1);
    assert_int_equal(json_object_size(rep.unchecked), 1); /* the continuous spread is checked */
    ent_check_report_release(&rep);
}

static void test_origin_mismatch(void **state)
{
    (void)state;
    struct ent_model *m = load_instance(instance_with(""));
    struct ent_error err;
    ent_error_init(&err);
    /* Same ids, VM 0 elsewhere. */
    const char *plan = "{\"origin\": {\"mapping\": {\"onlineNodes\": {"
                       "\"0\": {\"runningVMs\": [], \"sleepingVMs\": []},"
                       "\"1\": {\"runningVMs\": [0, 1], \"sleepingVMs\": []},"
                       "\"2\": {\"runningVMs\": [2], \"sleepingVMs\": []}},"
                       "\"offlineNodes\": [3], \"readyVMs\": [3]}}, \"actions\": []}";
    json_t *doc = ent_json_load_buffer(plan, strlen(plan), "plan", &err);
    assert_non_null(doc);
    assert_int_equal(ent_plan_origin_matches(doc, m, "plan", &err), ENT_EINVALID);
    assert_non_null(strstr(err.msg, "VM 0"));
    json_decref(doc);
    free_instance(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_plan_passes_with_figures),
        cmocka_unit_test(test_migration_counts_on_both_nodes),
        cmocka_unit_test(test_room_freed_at_end_is_usable),
        cmocka_unit_test(test_migration_from_wrong_node_is_illegal),
        cmocka_unit_test(test_migration_to_offline_node_is_illegal),
        cmocka_unit_test(test_boot_of_running_vm_is_illegal),
        cmocka_unit_test(test_shutdown_of_busy_node_is_illegal),
        cmocka_unit_test(test_overlapping_actions_on_a_vm),
        cmocka_unit_test(test_end_before_start),
        cmocka_unit_test(test_initial_overload_is_reported_apart),
        cmocka_unit_test(test_preserve_overload_in_final_state),
        cmocka_unit_test(test_constraints_in_final_state),
        cmocka_unit_test(test_satisfied_constraints_pass),
        cmocka_unit_test(test_unknown_constraints_are_reported_unchecked),
        cmocka_unit_test(test_origin_mismatch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
