/* Room gathered from crumbs (src/solve/gather.c): three kept nodes with 2, 1 and 2 units of room
 * take a VM of 4 by swapping VMs that arrived there, never one at home; a VM of 6, more than all
 * their room, finds none and nothing moves. */
#include "helpers.h"

#include "solve/internal.h"
#include "solve/pack.h"
#include "util/clock.h"

/* Nodes 0-2 of 10 CPU, node 3 of 100 where every VM runs now, but VM 6 (1 CPU) on node 1. VMs 0-5
 * arrived on nodes 0-2 (rooms 2, 1, 2); VM 7 waits. */
static const int64_t demand[7] = {4, 4, 3, 5, 6, 2, 1};
static const int32_t now_on[8] = {3, 3, 3, 3, 3, 3, 1, 3};
static const int32_t arrived_on[7] = {0, 0, 1, 1, 2, 2, 1};

static void build(struct ent_model *m, struct ent_pack *p, int64_t waiting)
{
    struct ent_error err;
    ent_model_init(m);
    ent_model_add_resource(m, "cpu", 0, 0, &err);
    for (int64_t n = 0; n < 4; n++) {
        ent_model_add_node(m, n, NULL, ENT_NODE_ONLINE, &err);
        m->res[0].capacity[n] = n == 3 ? 100 : 10;
    }
    for (int64_t v = 0; v < 8; v++) {
        ent_model_add_vm(m, v, NULL, ENT_VM_RUNNING, now_on[v], &err);
        m->res[0].demand[v] = v < 7 ? demand[v] : waiting;
    }
    assert_int_equal(ent_pack_init(p, m, &err), 0);
    for (int32_t v = 0; v < 8; v++)
        if (now_on[v] == 3) {
            ent_pack_unplace(p, v);
            if (v < 7)
                ent_pack_place(p, v, arrived_on[v]);
        }
}

static void test_crumbs_gathered(void **state)
{
    (void)state;
    struct ent_model m;
    struct ent_pack p;
    build(&m, &p, 4);
    const uint8_t keep[4] = {1, 1, 1, 0};
    int32_t node = ent__gather_room(&p, keep, 7, ent_now() + 30);
    assert_true(node >= 0 && node < 3);
    assert_int_equal(p.target.vm_host[7], node);
    for (int32_t n = 0; n < 4; n++)
        assert_true(ent_pack_node_ok(&p, n));
    assert_int_equal(p.target.vm_host[6], 1); /* at home: stays */
    assert_int_equal(p.n_residents[3], 0);
    ent_pack_release(&p);
    ent_model_release(&m);
}

static void test_too_little_room_changes_nothing(void **state)
{
    (void)state;
    struct ent_model m;
    struct ent_pack p;
    build(&m, &p, 6);
    const uint8_t keep[4] = {1, 1, 1, 0};
    int32_t before[8];
    for (int32_t v = 0; v < 8; v++)
        before[v] = p.target.vm_host[v];
    assert_int_equal(ent__gather_room(&p, keep, 7, ent_now() + 30), -1);
    for (int32_t v = 0; v < 8; v++)
        assert_int_equal(p.target.vm_host[v], before[v]);
    for (int32_t n = 0; n < 4; n++)
        assert_true(ent_pack_node_ok(&p, n));
    ent_pack_release(&p);
    ent_model_release(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crumbs_gathered),
        cmocka_unit_test(test_too_little_room_changes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
