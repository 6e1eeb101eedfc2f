/* The room of the kept nodes filled node by node (src/solve/hole_fill.c): VMs that first fit
 * largest first cannot all place fill two nodes exactly; ties to the shape of the room place VMs
 * that ties to the least memory leave without room; nothing to place changes nothing. */
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
    assert_int_equal(ent__fill_holes(&p, keep, 0, true, vms, 6, ent_now() + 30), 0);
    for (int32_t n = 0; n < 2; n++) {
        assert_int_equal(p.used[n], 10);
        assert_true(ent_pack_node_ok(&p, n));
    }
    assert_int_equal(p.n_residents[2], 0);
    ent_pack_release(&p);
    ent_model_release(&m);
}

/* Two nodes with room for 10 CPU each, one with room for 10 of memory, the other for 2; two VMs
 * of 5 CPU and 5 memory and two of 5 CPU and 1 memory wait. Ties to the least memory give the
 * light ones to the first node and leave the heavy ones without room, until the two nodes are
 * reopened and filled the other way round; ties to the shape of the room place the heavy ones on
 * the first node at once. Either way all four run. */
static void test_ties_to_the_shape_of_the_room(void **state)
{
    (void)state;
    for (int by_shape = 0; by_shape < 2; by_shape++) {
        struct ent_model m;
        struct ent_error err;
        ent_model_init(&m);
        ent_model_add_resource(&m, "cpu", 0, 0, &err);
        ent_model_add_resource(&m, "memory", 0, 0, &err);
        const int64_t mem_cap[3] = {10, 2, 100};
        for (int64_t n = 0; n < 3; n++) {
            ent_model_add_node(&m, n, NULL, ENT_NODE_ONLINE, &err);
            m.res[0].capacity[n] = n == 2 ? 100 : 10;
            m.res[1].capacity[n] = mem_cap[n];
        }
        const int64_t mem[4] = {5, 5, 1, 1};
        for (int64_t v = 0; v < 4; v++) {
            ent_model_add_vm(&m, v, NULL, ENT_VM_RUNNING, 2, &err);
            m.res[0].demand[v] = 5;
            m.res[1].demand[v] = mem[v];
        }
        struct ent_pack p;
        assert_int_equal(ent_pack_init(&p, &m, &err), 0);
        int32_t vms[4] = {0, 1, 2, 3};
        for (int32_t v = 0; v < 4; v++)
            ent_pack_unplace(&p, v);
        const uint8_t keep[3] = {1, 1, 0};
        size_t left = ent__fill_holes(&p, keep, 0, by_shape, vms, 4, ent_now() + 30);
        assert_int_equal(left, 0);
        for (int32_t v = 0; v < 2; v++)
            assert_int_equal(p.target.vm_host[v], 0);
        for (int32_t n = 0; n < 2; n++)
            assert_true(ent_pack_node_ok(&p, n));
        ent_pack_release(&p);
        ent_model_release(&m);
    }
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
    assert_int_equal(ent__fill_holes(&p, keep, 0, true, vms, 0, ent_now() + 30), 0);
    ent_pack_unplace(&p, 0);
    assert_int_equal(ent__fill_holes(&p, keep, -1, true, vms, 1, ent_now() + 30), 1);
    assert_int_equal(vms[0], 0);
    ent_pack_release(&p);
    ent_model_release(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_fill_where_first_fit_fails),
        cmocka_unit_test(test_ties_to_the_shape_of_the_room),
        cmocka_unit_test(test_nothing_to_do),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
