/* The first solver and the sequential planner; every plan is validated by the checker. */
#include "helpers.h"

#include "check/check.h"
#include "plan/planner.h"
#include "solve/solve.h"

/* Solves, plans, validates; returns the stats. */
static struct ent_solve_stats solve_and_check(const char *instance, const struct ent_objective *obj,
                                              struct ent_plan_stats *pstats)
{
    struct ent_model *m = load_instance(instance);
    struct ent_solve_options opts;
    ent_solve_options_init(&opts);
    opts.objective = obj;
    struct ent_mapping target;
    ent_mapping_init(&target);
    struct ent_solve_stats stats;
    struct ent_error err;
    ent_error_init(&err);
    if (ent_solve(m, &opts, &target, &stats, &err))
        fail_msg("solve: %s", err.msg);
    struct ent_plan plan;
    ent_plan_init(&plan);
    struct ent_plan_stats ps;
    if (ent_plan_sequential(m, &target, &plan, pstats ? pstats : &ps, &err))
        fail_msg("plan: %s", err.msg);
    assert_plan_valid(m, &plan);
    ent_plan_release(&plan);
    ent_mapping_release(&target);
    free_instance(m);
    return stats;
}

/* n nodes of memory 100 / cpu 100, VMs given as "id": memory, all placed by the mapping. */
static const char *instance(const char *online, const char *offline, const char *ready,
                            const char *vm_memory, const char *constraints)
{
    static char buf[8192];
    snprintf(buf, sizeof buf,
             "{\"model\": {\"mapping\": {\"onlineNodes\": {%s}, \"offlineNodes\": [%s],"
             " \"readyVMs\": [%s]}, \"views\": [{\"id\": \"shareableResource\", \"rcId\": "
             "\"memory\", \"defCapacity\": 100, \"nodes\": {}, \"vms\": {%s}},"
             " {\"id\": \"shareableResource\", \"rcId\": \"cpu\", \"defCapacity\": 100,"
             " \"defConsumption\": 10, \"nodes\": {}, \"vms\": {}}]},"
             " \"constraints\": [%s]}",
             online, offline, ready, vm_memory, constraints);
    return buf;
}

#define ON(id, vms) "\"" #id "\": {\"runningVMs\": [" vms "], \"sleepingVMs\": []}"

static void test_consolidate_packs_spread_vms(void **state)
{
    (void)state;
    /* Four VMs of 40 on four nodes of 100: two nodes suffice. */
    struct ent_solve_stats s =
        solve_and_check(instance(ON(0, "0") "," ON(1, "1") "," ON(2, "2") "," ON(3, "3"), "", "",
                                 "\"0\": 40, \"1\": 40, \"2\": 40, \"3\": 40", ""),
                        &ent_objective_consolidate, NULL);
    assert_int_equal(s.nodes_used, 2);
    /* Two VMs at least must move; first-fit decreasing from scratch may move a third. */
    assert_in_range(s.migrations, 2, 3);
}

static void test_consolidate_keeps_packed_cluster(void **state)
{
    (void)state;
    /* Already on the fewest nodes: nothing moves. */
    struct ent_solve_stats s =
        solve_and_check(instance(ON(0, "0, 1") "," ON(1, "2") "," ON(2, ""), "", "",
                                 "\"0\": 50, \"1\": 50, \"2\": 30", ""),
                        &ent_objective_consolidate, NULL);
    assert_int_equal(s.nodes_used, 2);
    assert_int_equal(s.migrations, 0);
}

static void test_balance_spreads_the_load(void **state)
{
    (void)state;
    /* Six VMs of cpu 10 on node 0 of three: two per node, four moves; a banned node is kept
     * out, and a VM that may not move stays. */
    struct ent_solve_stats s = solve_and_check(
        instance(ON(0, "0, 1, 2, 3, 4, 5") "," ON(1, "") "," ON(2, ""), "", "",
                 "\"0\": 10, \"1\": 10, \"2\": 10, \"3\": 10, \"4\": 10, \"5\": 10", ""),
        &ent_objective_balance, NULL);
    assert_int_equal(s.nodes_used, 3);
    assert_int_equal(s.migrations, 4);
    s = solve_and_check(instance(ON(0, "0, 1, 2, 3") "," ON(1, "") "," ON(2, ""), "", "",
                                 "\"0\": 10, \"1\": 10, \"2\": 10, \"3\": 10",
                                 "{\"id\": \"ban\", \"vm\": 0, \"nodes\": [1, 2]},"
                                 "{\"id\": \"ban\", \"vm\": 1, \"nodes\": [2]},"
                                 "{\"id\": \"ban\", \"vm\": 2, \"nodes\": [2]},"
                                 "{\"id\": \"ban\", \"vm\": 3, \"nodes\": [2]}"),
                        &ent_objective_balance, NULL);
    assert_int_equal(s.nodes_used, 2); /* node 2 is banned for all: 2 and 2 on nodes 0, 1 */
    assert_int_equal(s.migrations, 2);
}

static void test_repair_evacuates_offline_node(void **state)
{
    (void)state;
    struct ent_solve_stats s = solve_and_check(instance(ON(0, "0, 1") "," ON(1, "2") "," ON(2, ""),
                                                        "", "", "\"0\": 30, \"1\": 30, \"2\": 30",
                                                        "{\"id\": \"offline\", \"node\": 0}"),
                                               &ent_objective_repair, NULL);
    assert_int_equal(s.migrations, 2);
    assert_int_equal(s.shutdowns, 1);
}

static void test_repair_fixes_preserve_overload_with_one_move(void **state)
{
    (void)state;
    /* VM 1 now needs 85 cpu beside two VMs of 10 (105 > 100): one VM must leave, not more. */
    struct ent_solve_stats s = solve_and_check(
        instance(ON(0, "0, 1, 2") "," ON(1, "3"), "", "", "\"0\": 10, \"1\": 10, \"2\": 10",
                 "{\"id\": \"preserve\", \"vm\": 1, \"rc\": \"cpu\", \"amount\": 85}"),
        &ent_objective_repair, NULL);
    assert_int_equal(s.migrations, 1);
}

static void test_repair_boots_and_respects_ban_fence(void **state)
{
    (void)state;
    struct ent_solve_stats s = solve_and_check(
        instance(ON(0, "0") "," ON(1, "") "," ON(2, ""), "", "4", "\"0\": 50, \"4\": 60",
                 "{\"id\": \"running\", \"vm\": 4}, {\"id\": \"ban\", \"vm\": 4, \"nodes\": [1]},"
                 "{\"id\": \"fence\", \"vm\": 0, \"nodes\": [1, 2]}"),
        &ent_objective_repair, NULL);
    assert_int_equal(s.boots, 1);
    assert_int_equal(s.migrations, 1);
}

static void test_boots_node_needed_online(void **state)
{
    (void)state;
    struct ent_solve_stats s =
        solve_and_check(instance(ON(0, "0"), "1", "", "\"0\": 50",
                                 "{\"id\": \"online\", \"node\": 1}, "
                                 "{\"id\": \"fence\", \"vm\": 0, \"nodes\": [1]}"),
                        &ent_objective_repair, NULL);
    assert_int_equal(s.migrations, 1);
}

static void test_infeasible_names_the_vm(void **state)
{
    (void)state;
    struct ent_model *m =
        load_instance(instance(ON(0, "0") "," ON(1, "1"), "", "", "\"0\": 60, \"1\": 60",
                               "{\"id\": \"offline\", \"node\": 1}"));
    for (int obj = 0; obj < 2; obj++) {
        struct ent_solve_options opts;
        ent_solve_options_init(&opts);
        opts.objective = ent_objective_at((size_t)obj);
        struct ent_mapping target;
        ent_mapping_init(&target);
        struct ent_solve_stats stats;
        struct ent_error err;
        ent_error_init(&err);
        assert_int_equal(ent_solve(m, &opts, &target, &stats, &err), ENT_EINFEASIBLE);
        assert_non_null(strstr(err.msg, "vm#"));
        ent_mapping_release(&target);
    }
    free_instance(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_consolidate_packs_spread_vms),
        cmocka_unit_test(test_balance_spreads_the_load),
        cmocka_unit_test(test_consolidate_keeps_packed_cluster),
        cmocka_unit_test(test_repair_evacuates_offline_node),
        cmocka_unit_test(test_repair_fixes_preserve_overload_with_one_move),
        cmocka_unit_test(test_repair_boots_and_respects_ban_fence),
        cmocka_unit_test(test_boots_node_needed_online),
        cmocka_unit_test(test_infeasible_names_the_vm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
