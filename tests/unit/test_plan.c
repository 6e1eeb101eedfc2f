/* The planners (parallel, pools, sequential) on hand-made cases, every plan validated by the
 * checker; and the pre-copy cost model. */
#include "helpers.h"

#include "check/check.h"
#include "plan/costmodel.h"
#include "plan/planner.h"

#include <math.h>
#include <unistd.h>

/* Nodes of memory 100, VMs with the given memory; `extra` goes into constraints. */
static const char *instance(const char *online, const char *vm_memory, const char *extra)
{
    static char buf[4096];
    snprintf(buf, sizeof buf,
             "{\"model\": {\"mapping\": {\"onlineNodes\": {%s}, \"readyVMs\": [9]},"
             " \"views\": [{\"id\": \"shareableResource\", \"rcId\": \"memory\","
             " \"defCapacity\": 100, \"vms\": {%s}},"
             " {\"id\": \"shareableResource\", \"rcId\": \"cpu\", \"defCapacity\": 100,"
             " \"defConsumption\": 10}]}, \"constraints\": [%s]}",
             online, vm_memory, extra);
    return buf;
}

#define ON(id, vms) "\"" #id "\": {\"runningVMs\": [" vms "], \"sleepingVMs\": []}"

/* Plans current -> a target where the VM of id i goes to node hosts[i] (-1, or an id past the
 * array's 10 entries: it stays as it is). */
static int plan_to(const char *text, const int32_t *hosts, const struct ent_planner *planner,
                   struct ent_plan *plan, struct ent_plan_stats *ps, struct ent_error *err,
                   struct ent_model **out)
{
    struct ent_model *m = load_instance(text);
    struct ent_mapping target;
    ent_mapping_init(&target);
    ent_mapping_copy(&target, &m->map);
    for (size_t v = 0; v < m->n_vms; v++) {
        int64_t id = m->vms[v].id;
        if (id < 10 && hosts[id] >= 0) {
            target.vm_host[v] = ent_model_node_index(m, hosts[id]);
            target.vm_state[v] = ENT_VM_RUNNING;
        }
    }
    struct ent_plan_options opts;
    ent_plan_options_init(&opts);
    opts.planner = planner;
    ent_plan_init(plan);
    ent_error_init(err);
    int rc = ent_plan_build(m, &target, &opts, plan, ps, err);
    ent_mapping_release(&target);
    *out = m;
    return rc;
}

static const struct ent_planner *const planners[] = {&ent_planner_parallel, &ent_planner_pools,
                                                     &ent_planner_sequential};

static void test_swap_needs_a_bypass(void **state)
{
    (void)state;
    /* VMs of 60 swap nodes 0 and 1 (each fits only alone); node 2 has room for a pivot. */
    for (int k = 0; k < 3; k++) {
        struct ent_plan plan;
        struct ent_plan_stats ps;
        struct ent_error err;
        struct ent_model *m;
        const int32_t hosts[10] = {1, 0, -1, -1, -1, -1, -1, -1, -1, -1};
        assert_int_equal(
            plan_to(instance(ON(0, "0") "," ON(1, "1") "," ON(2, ""), "\"0\": 60, \"1\": 60", ""),
                    hosts, planners[k], &plan, &ps, &err, &m),
            0);
        assert_int_equal(ps.bypasses, 1);
        assert_int_equal(ps.suspends, 0);
        assert_int_equal(plan.len, 3);
        int marked = 0;
        for (size_t i = 0; i < plan.len; i++)
            marked += plan.actions[i].bypass && plan.actions[i].to == 2;
        assert_int_equal(marked, 1);
        assert_plan_valid(m, &plan);
        ent_plan_release(&plan);
        free_instance(m);
    }
}

static void test_no_pivot_suspends_and_resumes(void **state)
{
    (void)state;
    /* Node 2 holds 50: no room for a VM of 60. A VM is suspended and resumed on the other side. */
    for (int k = 0; k < 3; k++) {
        struct ent_plan plan;
        struct ent_plan_stats ps;
        struct ent_error err;
        struct ent_model *m;
        const int32_t hosts[10] = {1, 0, -1, -1, -1, -1, -1, -1, -1, -1};
        assert_int_equal(plan_to(instance(ON(0, "0") "," ON(1, "1") "," ON(2, "2"),
                                          "\"0\": 60, \"1\": 60, \"2\": 50", ""),
                                 hosts, planners[k], &plan, &ps, &err, &m),
                         0);
        assert_int_equal(ps.bypasses, 0);
        assert_int_equal(ps.suspends, 1);
        int suspend = 0, resume = 0;
        for (size_t i = 0; i < plan.len; i++) {
            suspend += plan.actions[i].kind == ENT_ACTION_SUSPEND_VM;
            resume += plan.actions[i].kind == ENT_ACTION_RESUME_VM;
        }
        assert_int_equal(suspend, 1);
        assert_int_equal(resume, 1);
        assert_plan_valid(m, &plan);
        ent_plan_release(&plan);
        free_instance(m);
    }
}

static void test_impossible_plan_is_refused(void **state)
{
    (void)state;
    /* VM 9 must boot on node 0, which VM 0 fills and keeps: nothing can make room. */
    for (int k = 0; k < 3; k++) {
        struct ent_plan plan;
        struct ent_plan_stats ps;
        struct ent_error err;
        struct ent_model *m;
        const int32_t hosts[10] = {-1, -1, -1, -1, -1, -1, -1, -1, -1, 0};
        assert_int_equal(plan_to(instance(ON(0, "0") "," ON(1, ""), "\"0\": 90, \"9\": 50", ""),
                                 hosts, planners[k], &plan, &ps, &err, &m),
                         ENT_EINFEASIBLE);
        assert_non_null(strstr(err.msg, "no executable plan"));
        assert_non_null(strstr(err.msg, "bootVM of VM vm#9"));
        ent_plan_release(&plan);
        free_instance(m);
    }
}

static void test_migration_waits_for_room(void **state)
{
    (void)state;
    /* VM 0 (60) to node 1, which VM 1 (50) must leave first for node 2. */
    for (int k = 0; k < 3; k++) {
        struct ent_plan plan;
        struct ent_plan_stats ps;
        struct ent_error err;
        struct ent_model *m;
        const int32_t hosts[10] = {1, 2, -1, -1, -1, -1, -1, -1, -1, -1};
        assert_int_equal(
            plan_to(instance(ON(0, "0") "," ON(1, "1") "," ON(2, ""), "\"0\": 60, \"1\": 50", ""),
                    hosts, planners[k], &plan, &ps, &err, &m),
            0);
        assert_int_equal(plan.len, 2);
        assert_int_equal(ps.bypasses, 0);
        const struct ent_action *first = &plan.actions[0], *second = &plan.actions[1];
        if (first->vm != ent_model_vm_index(m, 1)) {
            const struct ent_action *t = first;
            first = second;
            second = t;
        }
        assert_int_equal(first->vm, ent_model_vm_index(m, 1));
        assert_true(second->start >= first->end);
        assert_plan_valid(m, &plan);
        ent_plan_release(&plan);
        free_instance(m);
    }
}

static void test_preserved_vm_releases_what_it_held(void **state)
{
    (void)state;
    /* Node 0 holds VM 0 (cpu 10 now, 60 once preserved; 1000 MB: a short migration) and VM 2 (cpu
     * 80; 9000 MB: a long one); both leave, and VM 1 (cpu 50) comes onto node 0. When VM 0 has
     * left, node 0 still uses 80 (VM 2 is copying), so VM 1 must wait for VM 2. A planner that
     * released VM 0's 60 instead of the 10 it held would see 30 and start VM 1 too early. */
    const char *text =
        "{\"model\": {\"mapping\": {\"onlineNodes\": {" ON(0, "0, 2") "," ON(1, "") "," ON(
            2, "1") "," ON(3,
                           "") "}}, \"views\": [{\"id\": \"shareableResource\", \"rcId\": \"cpu\","
                               " \"defCapacity\": 100, \"vms\": {\"0\": 10, \"1\": 50, \"2\": 80}},"
                               " {\"id\": \"shareableResource\", \"rcId\": \"memory\", "
                               "\"defCapacity\": 10000,"
                               " \"vms\": {\"0\": 1000, \"1\": 1000, \"2\": 9000}}]}, "
                               "\"constraints\": [{\"id\":"
                               " \"preserve\", \"vm\": 0, \"rc\": \"cpu\", \"amount\": 60}]}";
    for (int k = 0; k < 3; k++) {
        struct ent_plan plan;
        struct ent_plan_stats ps;
        struct ent_error err;
        struct ent_model *m;
        const int32_t hosts[10] = {1, 0, 3, -1, -1, -1, -1, -1, -1, -1};
        assert_int_equal(plan_to(text, hosts, planners[k], &plan, &ps, &err, &m), 0);
        assert_plan_valid(m, &plan);
        ent_plan_release(&plan);
        free_instance(m);
    }
}

static void test_parallel_is_shorter_than_sequential(void **state)
{
    (void)state;
    /* Four independent migrations between four pairs of nodes. */
    const char *text = instance(ON(0, "0") "," ON(1, "1") "," ON(2, "2") "," ON(3, "3") "," ON(
                                    4, "") "," ON(5, "") "," ON(6, "") "," ON(7, ""),
                                "\"0\": 50, \"1\": 50, \"2\": 50, \"3\": 50", "");
    const int32_t hosts[10] = {4, 5, 6, 7, -1, -1, -1, -1, -1, -1};
    int64_t makespan[3], mttr[3];
    for (int k = 0; k < 3; k++) {
        struct ent_plan plan;
        struct ent_plan_stats ps;
        struct ent_error err;
        struct ent_model *m;
        assert_int_equal(plan_to(text, hosts, planners[k], &plan, &ps, &err, &m), 0);
        assert_plan_valid(m, &plan);
        makespan[k] = ent_plan_makespan(&plan);
        mttr[k] = 0;
        for (size_t i = 0; i < plan.len; i++)
            mttr[k] += plan.actions[i].end;
        ent_plan_release(&plan);
        free_instance(m);
    }
    assert_true(makespan[0] * 4 <= makespan[2]);
    assert_true(mttr[0] < mttr[2]);
    assert_true(makespan[1] * 4 <= makespan[2]);
}

static void test_precopy_matches_closed_form(void **state)
{
    (void)state;
    struct ent_costmodel cm;
    ent_costmodel_default(&cm);
    struct ent_precopy pc;
    /* 1024 MB at 125 MB/s dirtying 25 MB/s: lambda 0.2. */
    ent_precopy(&cm, 1024, 125, 25, &pc);
    double lambda = 0.2, V = 1024, R = 125;
    int n = pc.rounds;
    double precopy = V / R * (1 - pow(lambda, n)) / (1 - lambda);
    double last = V * pow(lambda, n);
    assert_true(fabs(pc.downtime - (last / R + cm.resume)) < 1e-9);
    assert_true(fabs(pc.seconds - (precopy + pc.downtime)) < 1e-9);
    assert_true(last < cm.min_round && V * pow(lambda, n - 1) >= cm.min_round);
    /* An idle guest: one round and the resume. */
    ent_precopy(&cm, 1024, 125, 0, &pc);
    assert_int_equal(pc.rounds, 1);
    assert_true(fabs(pc.seconds - (1024.0 / 125 + cm.resume)) < 1e-9);
    /* Dirtying faster than the link: stopped by the 3V rule, long downtime. */
    ent_precopy(&cm, 1000, 100, 150, &pc);
    assert_true(pc.sent <= 3 * 1000 + 1000 * pow(1.5, pc.rounds));
    assert_true(pc.rounds < cm.max_rounds);
    assert_true(pc.downtime > 5);
    /* Half the bandwidth: twice as long for an idle guest. */
    struct ent_precopy half;
    ent_precopy(&cm, 1024, 62.5, 0, &half);
    assert_true(fabs(half.seconds - cm.resume - 2 * (pc.seconds * 0 + 1024.0 / 125)) < 1e-9);
}

static void test_gantt_svg(void **state)
{
    (void)state;
    struct ent_plan plan;
    struct ent_plan_stats ps;
    struct ent_error err;
    struct ent_model *m;
    const int32_t hosts[10] = {1, 0, -1, -1, -1, -1, -1, -1, -1, -1};
    assert_int_equal(
        plan_to(instance(ON(0, "0") "," ON(1, "1") "," ON(2, ""), "\"0\": 60, \"1\": 60", ""),
                hosts, &ent_planner_parallel, &plan, &ps, &err, &m),
        0);
    char path[] = "/tmp/entropy-gantt-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(ent_plan_gantt_svg(m, &plan, path, &err), 0);
    FILE *f = fopen(path, "r");
    char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    unlink(path);
    assert_non_null(strstr(text, "<svg"));
    assert_non_null(strstr(text, "url(#hatch)")); /* the bypass */
    assert_non_null(strstr(text, "vm#0"));
    assert_non_null(strstr(text, "time (s)"));
    assert_int_equal(ent_plan_gantt_svg(m, &plan, "/no/such/dir/x.svg", &err), ENT_EIO);
    ent_plan_release(&plan);
    free_instance(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_swap_needs_a_bypass),
        cmocka_unit_test(test_no_pivot_suspends_and_resumes),
        cmocka_unit_test(test_impossible_plan_is_refused),
        cmocka_unit_test(test_migration_waits_for_room),
        cmocka_unit_test(test_preserved_vm_releases_what_it_held),
        cmocka_unit_test(test_parallel_is_shorter_than_sequential),
        cmocka_unit_test(test_precopy_matches_closed_form),
        cmocka_unit_test(test_gantt_svg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
