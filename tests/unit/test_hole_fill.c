/* The room of the kept nodes filled node by node (src/solve/hole_fill.c): VMs that best fit
 * largest first cannot all place fill two nodes exactly; a node gives up its own VM when that lets
 * the waiting ones fit; a VM with a rule of its own is left for best fit. */
#include "helpers.h"

#include "solve/internal.h"
#include "solve/pack.h"
#include "util/clock.h"

/* A model of one resource; VM v (demand dem[v]) runs on host[v]. */
static void build(struct ent_model *m, size_t nodes, const int64_t *cap, size_t vms,
                  const int64_t *dem, const int32_t *host)
{
    struct ent_error err;
    ent_model_init(m);
    ent_model_add_resource(m, "cpu", 0, 0, &err);
    for (size_t n = 0; n < nodes; n++) {
        ent_model_add_node(m, (int64_t)n, NULL, ENT_NODE_ONLINE, &err);
        m->res[0].capacity[n] = cap[n];
    }
    for (size_t v = 0; v < vms; v++) {
        ent_model_add_vm(m, (int64_t)v, NULL, ENT_VM_RUNNING, host[v], &err);
        m->res[0].demand[v] = dem[v];
    }
}

/* 5 4 3 3 3 2 into two nodes of 10: first fit decreasing puts 5 and 4 together and strands the
 * 2; filling each node exactly places them all. */
static void test_exact_fill_where_first_fit_fails(void **state)
{
    (void)state;
    const int64_t cap[3] = {10, 10, 100}, dem[6] = {5, 4, 3, 3, 3, 2};
    const int32_t host[6] = {2, 2, 2, 2, 2, 2};
    struct ent_model m;
    build(&m, 3, cap, 6, dem, host);
    struct ent_pack p;
    struct ent_error err;
    assert_int_equal(ent_pack_init(&p, &m, &err), 0);
    int32_t vms[6];
    for (int32_t v = 0; v < 6; v++) {
        ent_pack_unplace(&p, v);
        vms[v] = v;
    }
    const uint8_t keep[3] = {1, 1, 0};
    assert_int_equal(ent__fill_holes(&p, keep, 0, vms, 6, ent_now() + 30), 0);
    for (int32_t n = 0; n < 2; n++) {
        assert_int_equal(p.used[n], 10);
        assert_true(ent_pack_node_ok(&p, n));
    }
    assert_int_equal(p.n_residents[2], 0);
    ent_pack_release(&p);
    ent_model_release(&m);
}

/* Node 0 runs a 7, node 1 a 3; two 5s wait. In place, one 5 goes next to the 3 and the other has
 * no room; reopened, the nodes take 7 + 3 and 5 + 5 (or 7 + 3 kept apart): everything runs. */
static void test_reopened_nodes_give_up_their_own(void **state)
{
    (void)state;
    const int64_t cap[3] = {10, 10, 100}, dem[4] = {7, 3, 5, 5};
    const int32_t host[4] = {0, 1, 2, 2};
    struct ent_model m;
    build(&m, 3, cap, 4, dem, host);
    struct ent_pack p;
    struct ent_error err;
    assert_int_equal(ent_pack_init(&p, &m, &err), 0);
    int32_t vms[4] = {2, 3, -1, -1}; /* room for every VM: a node reopened may give one up */
    ent_pack_unplace(&p, 2);
    ent_pack_unplace(&p, 3);
    const uint8_t keep[3] = {1, 1, 0};
    assert_int_equal(ent__fill_holes(&p, keep, 0, vms, 2, ent_now() + 30), 0);
    for (int32_t v = 0; v < 4; v++)
        assert_true(p.target.vm_host[v] == 0 || p.target.vm_host[v] == 1);
    for (int32_t n = 0; n < 2; n++) {
        assert_int_equal(p.used[n], 10);
        assert_true(ent_pack_node_ok(&p, n));
    }
    ent_pack_release(&p);
    ent_model_release(&m);
}

/* Nothing waits: nothing changes. And with no binding resource the fill leaves everything. */
static void test_nothing_to_do(void **state)
{
    (void)state;
    const int64_t cap[2] = {10, 10}, dem[1] = {4};
    const int32_t host[1] = {1};
    struct ent_model m;
    build(&m, 2, cap, 1, dem, host);
    struct ent_pack p;
    struct ent_error err;
    assert_int_equal(ent_pack_init(&p, &m, &err), 0);
    const uint8_t keep[2] = {1, 1};
    int32_t vms[1] = {0};
    assert_int_equal(ent__fill_holes(&p, keep, 0, vms, 0, ent_now() + 30), 0);
    ent_pack_unplace(&p, 0);
    assert_int_equal(ent__fill_holes(&p, keep, -1, vms, 1, ent_now() + 30), 1);
    assert_int_equal(vms[0], 0);
    ent_pack_release(&p);
    ent_model_release(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_fill_where_first_fit_fails),
        cmocka_unit_test(test_reopened_nodes_give_up_their_own),
        cmocka_unit_test(test_nothing_to_do),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
