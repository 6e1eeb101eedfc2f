/* daemon/power_policy.c: which nodes the loop powers off, from what monitoring sees: only nodes
 * empty for power.min_idle, the spare ones kept (the largest), none that cannot be powered off,
 * none hosting a VM; a load that oscillates for 20 rounds switches nothing off (no flapping);
 * a node being shut down leaves the decision, and comes back when it does not go off. */
#include "helpers.h"

#include "daemon/power_policy.h"

/* Four nodes n1..n4 (memory 4096, 8192, 8192, 4096) and one VM on each of those named in
 * hosting ("1010": on n1 and n3). */
static void cluster(struct ent_model *m, const char *hosting)
{
    struct ent_error err;
    ent_error_init(&err);
    ent_model_init(m);
    assert_int_equal(ent_model_add_resource(m, "memory", 0, 0, &err), 0);
    static const int64_t mem[] = {4096, 8192, 8192, 4096};
    for (int n = 0; n < 4; n++) {
        char name[16];
        snprintf(name, sizeof name, "n%d", n + 1);
        assert_int_equal(ent_model_add_node(m, n, name, ENT_NODE_ONLINE, &err), n);
        m->res[0].capacity[n] = mem[n];
    }
    for (int n = 0, v = 0; n < 4; n++)
        if (hosting[n] == '1') {
            char name[16];
            snprintf(name, sizeof name, "vm%d", v);
            assert_true(ent_model_add_vm(m, v, name, ENT_VM_RUNNING, n, &err) >= 0);
            m->res[0].demand[v++] = 1024;
        }
}

static bool always(void *arg, const char *node)
{
    (void)arg;
    (void)node;
    return true;
}

static bool not_n4(void *arg, const char *node)
{
    (void)arg;
    return strcmp(node, "n4") != 0;
}

/* Observes hosting at now and returns the chosen nodes as "n2,n4". */
static const char *round_at(struct ent_power_policy *p, const char *hosting, double now,
                            bool (*can)(void *, const char *), char *out, size_t len)
{
    struct ent_model m;
    cluster(&m, hosting);
    ent_power_policy_observe(p, &m, now);
    int32_t off[4];
    size_t n = ent_power_policy_choose_off(p, &m, now, can, NULL, off);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        snprintf(out + strlen(out), len - strlen(out), "%s%s", i ? "," : "", m.nodes[off[i]].name);
    ent_model_release(&m);
    return out;
}

static void test_min_idle_and_spares(void **state)
{
    (void)state;
    struct ent_power_policy p;
    ent_power_policy_init(&p, 1, 60, 600, 600);
    char out[64];
    assert_string_equal(round_at(&p, "1000", 0, always, out, sizeof out), ""); /* just emptied */
    assert_string_equal(round_at(&p, "1000", 59, always, out, sizeof out), "");
    /* n2, n3, n4 empty for 60 s: the largest (n2, 8192 MB) is the spare */
    assert_string_equal(round_at(&p, "1000", 60, always, out, sizeof out), "n3,n4");
    assert_string_equal(round_at(&p, "1000", 60, not_n4, out, sizeof out), "n3");
    ent_power_policy_release(&p);
    ent_power_policy_init(&p, 0, 0, 600, 600);
    assert_string_equal(round_at(&p, "1111", 0, always, out, sizeof out), ""); /* all host */
    assert_string_equal(round_at(&p, "0111", 0, always, out, sizeof out), "n1");
    ent_power_policy_release(&p);
}

static void test_oscillating_load_never_flaps(void **state)
{
    (void)state;
    struct ent_power_policy p;
    ent_power_policy_init(&p, 0, 300, 600, 600);
    char out[64];
    /* A load around the threshold: each 60 s round, n4 is emptied, then filled again. */
    for (int round = 0; round < 20; round++) {
        const char *hosting = round % 2 ? "1111" : "1110";
        assert_string_equal(round_at(&p, hosting, round * 60.0, always, out, sizeof out), "");
    }
    ent_power_policy_release(&p);
}

static void test_shutting_down_nodes_leave_the_decision(void **state)
{
    (void)state;
    struct ent_power_policy p;
    ent_power_policy_init(&p, 0, 0, 600, 600);
    char out[64];
    assert_string_equal(round_at(&p, "1110", 0, always, out, sizeof out), "n4");
    ent_power_policy_set(&p, "n4", ENT_NODE_POWER_SHUTTING_DOWN, 0);
    struct ent_model m;
    cluster(&m, "1110");
    ent_power_policy_observe(&p, &m, 10); /* still seen online: shutting down */
    assert_int_equal(ent_power_policy_find(&p, "n4")->state, ENT_NODE_POWER_SHUTTING_DOWN);
    ent_power_policy_hide(&p, &m);
    assert_int_equal(m.map.node_state[3], ENT_NODE_SHUTTING_DOWN); /* no VM goes there */
    assert_int_equal(m.map.node_state[2], ENT_NODE_ONLINE);
    ent_model_release(&m);
    /* gone from monitoring's online nodes: off */
    cluster(&m, "1110");
    m.map.node_state[3] = ENT_NODE_OFFLINE;
    ent_power_policy_observe(&p, &m, 20);
    assert_int_equal(ent_power_policy_find(&p, "n4")->state, ENT_NODE_POWER_OFF);
    int32_t off[4];
    assert_int_equal(ent_power_policy_choose_off(&p, &m, 20, always, NULL, off), 0);
    ent_model_release(&m);
    /* a node that never goes off is counted on again past the timeout */
    ent_power_policy_set(&p, "n3", ENT_NODE_POWER_SHUTTING_DOWN, 20);
    cluster(&m, "1100");
    ent_power_policy_observe(&p, &m, 700);
    assert_int_equal(ent_power_policy_find(&p, "n3")->state, ENT_NODE_POWER_ON);
    ent_model_release(&m);
    ent_power_policy_release(&p);
}

static void test_a_vm_on_a_node_going_down_keeps_it_in_the_decision(void **state)
{
    (void)state;
    struct ent_power_policy p;
    ent_power_policy_init(&p, 0, 0, 600, 600);
    ent_power_policy_set(&p, "n2", ENT_NODE_POWER_SHUTTING_DOWN, 0);
    struct ent_model m;
    cluster(&m, "1100");
    ent_power_policy_hide(&p, &m);
    assert_int_equal(m.map.node_state[1], ENT_NODE_ONLINE); /* never a VM on an offline node */
    ent_model_release(&m);
    ent_power_policy_release(&p);
}

static bool always_on(void *arg, const char *node)
{
    (void)arg;
    (void)node;
    return true;
}

static void test_boots_for_spares_and_when_short_of_room(void **state)
{
    (void)state;
    struct ent_power_policy p;
    ent_power_policy_init(&p, 3, 0, 600, 60);
    struct ent_model m;
    cluster(&m, "1100");
    ent_power_policy_observe(&p, &m, 0); /* capacities seen while on */
    ent_power_policy_set(&p, "n3", ENT_NODE_POWER_OFF, 1);
    ent_power_policy_set(&p, "n4", ENT_NODE_POWER_OFF, 1);
    m.map.node_state[2] = m.map.node_state[3] = ENT_NODE_OFFLINE;
    ent_power_policy_observe(&p, &m, 2);
    assert_int_equal(ent_power_policy_boots_wanted(&p, &m, 0), 3); /* no empty online node */
    const char *on[4];
    /* two can be booted, the fewer watts per MB first: n3 (8192 MB) before n4 (4096 MB) */
    assert_int_equal(ent_power_policy_choose_on(&p, 3, always_on, NULL, on), 2);
    assert_string_equal(on[0], "n3");
    assert_string_equal(on[1], "n4");
    ent_power_policy_set(&p, "n3", ENT_NODE_POWER_BOOTING, 10);
    assert_int_equal(ent_power_policy_boots_wanted(&p, &m, 0), 2); /* booting counts as spare */
    /* n3 never shows up: counted off past the boot timeout, and not booted again */
    ent_power_policy_observe(&p, &m, 71);
    assert_int_equal(ent_power_policy_find(&p, "n3")->state, ENT_NODE_POWER_OFF);
    assert_true(ent_power_policy_find(&p, "n3")->boot_failed);
    assert_int_equal(ent_power_policy_choose_on(&p, 3, always_on, NULL, on), 1);
    assert_string_equal(on[0], "n4");
    ent_model_release(&m);
    ent_power_policy_release(&p);

    ent_power_policy_init(&p, 0, 0, 600, 60);
    cluster(&m, "1100");
    ent_power_policy_observe(&p, &m, 0);
    m.map.node_state[2] = ENT_NODE_OFFLINE;
    ent_power_policy_set(&p, "n3", ENT_NODE_POWER_OFF, 1);
    assert_int_equal(ent_power_policy_boots_wanted(&p, &m, 0), 0);
    assert_int_equal(ent_power_policy_boots_wanted(&p, &m, 100), 1); /* no room at 100 */
    ent_power_policy_set(&p, "n3", ENT_NODE_POWER_BOOTING, 101);
    assert_int_equal(ent_power_policy_boots_wanted(&p, &m, 100), 0); /* one is booting */
    m.map.node_state[2] = ENT_NODE_ONLINE;
    ent_power_policy_observe(&p, &m, 105); /* and it is up: the next decision sees it first */
    assert_true(ent_power_policy_find(&p, "n3")->boot_seconds >= 0);
    assert_int_equal(ent_power_policy_boots_wanted(&p, &m, 100), 0);
    assert_int_equal(ent_power_policy_boots_wanted(&p, &m, 200), 1);
    ent_model_release(&m);
    ent_power_policy_release(&p);
}

int main(void)
{
    struct ent_error err;
    ent_log_open(NULL, ENT_LOG_ERROR, &err);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_min_idle_and_spares),
        cmocka_unit_test(test_oscillating_load_never_flaps),
        cmocka_unit_test(test_shutting_down_nodes_leave_the_decision),
        cmocka_unit_test(test_a_vm_on_a_node_going_down_keeps_it_in_the_decision),
        cmocka_unit_test(test_boots_for_spares_and_when_short_of_room),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
