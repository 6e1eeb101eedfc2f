/* Fewer migrations at the same active nodes (src/solve/fewer_moves.c): a cycle of VMs that each
 * left its node comes home, and on random placements the step never adds a migration, never
 * makes a node active and never overloads a node. */
#include "helpers.h"

#include "solve/internal.h"
#include "solve/pack.h"
#include "util/clock.h"
#include "util/prng.h"

/* A model with the given capacities and demands (cpu, memory); VM v runs on host[v]. */
static void build(struct ent_model *m, size_t nodes, const int64_t (*cap)[2], size_t vms,
                  const int64_t (*dem)[2], const int32_t *host)
{
    struct ent_error err;
    ent_model_init(m);
    ent_model_add_resource(m, "cpu", 0, 0, &err);
    ent_model_add_resource(m, "memory", 0, 0, &err);
    for (size_t n = 0; n < nodes; n++) {
        ent_model_add_node(m, (int64_t)n, NULL, ENT_NODE_ONLINE, &err);
        m->res[0].capacity[n] = cap[n][0];
        m->res[1].capacity[n] = cap[n][1];
    }
    for (size_t v = 0; v < vms; v++) {
        ent_model_add_vm(m, (int64_t)v, NULL, ENT_VM_RUNNING, host[v], &err);
        m->res[0].demand[v] = dem[v][0];
        m->res[1].demand[v] = dem[v][1];
    }
}

static size_t migrations(const struct ent_pack *p)
{
    size_t n = 0;
    for (size_t v = 0; v < p->n_vms; v++)
        n += p->target.vm_host[v] != ent_pack_home(p, (int32_t)v);
    return n;
}

/* Three full nodes; the large VM of each sits on the next node, the small one stays: no VM can go
 * home alone, every one can when the arrivals are repacked. */
static void test_a_cycle_comes_home(void **state)
{
    (void)state;
    const int64_t cap[3][2] = {{100, 10}, {100, 10}, {100, 10}};
    const int64_t dem[6][2] = {{10, 6}, {10, 6}, {10, 6}, {10, 4}, {10, 4}, {10, 4}};
    const int32_t host[6] = {0, 1, 2, 0, 1, 2};
    struct ent_model m;
    build(&m, 3, cap, 6, dem, host);
    struct ent_pack p;
    struct ent_error err;
    assert_int_equal(ent_pack_init(&p, &m, &err), 0);
    for (int32_t v = 0; v < 3; v++)
        ent_pack_unplace(&p, v);
    for (int32_t v = 0; v < 3; v++)
        ent_pack_place(&p, v, (v + 1) % 3);
    assert_int_equal(migrations(&p), 3);
    ent__fewer_moves(&p, 1, 1, ent_now() + 30);
    assert_int_equal(migrations(&p), 0);
    for (int32_t n = 0; n < 3; n++)
        assert_true(ent_pack_node_ok(&p, n));
    ent_pack_release(&p);
    ent_model_release(&m);
}

/* Random placements, shuffled by random moves that keep capacity: the step only takes away. */
static void test_never_adds_a_migration(void **state)
{
    (void)state;
    struct ent_prng rng;
    ent_prng_init(&rng, 11);
    for (int round = 0; round < 200; round++) {
        size_t nodes = 3 + ent_prng_below(&rng, 10), vms = nodes * (2 + ent_prng_below(&rng, 4));
        int64_t(*cap)[2] = calloc(nodes, sizeof *cap), (*dem)[2] = calloc(vms, sizeof *dem);
        int64_t(*used)[2] = calloc(nodes, sizeof *used);
        int32_t *host = calloc(vms, sizeof *host);
        for (size_t n = 0; n < nodes; n++) {
            cap[n][0] = 100 * (int64_t)(2 + ent_prng_below(&rng, 6));
            cap[n][1] = 1024 * (int64_t)(2 + ent_prng_below(&rng, 14));
        }
        for (size_t v = 0; v < vms; v++) {
            dem[v][0] = 10 * (int64_t)ent_prng_below(&rng, 20);
            dem[v][1] = 128 * (int64_t)(1 + ent_prng_below(&rng, 12));
            host[v] = (int32_t)ent_prng_below(&rng, nodes);
            for (size_t k = 0; k < nodes; k++, host[v] = (host[v] + 1) % (int32_t)nodes)
                if (used[host[v]][0] + dem[v][0] <= cap[host[v]][0] &&
                    used[host[v]][1] + dem[v][1] <= cap[host[v]][1])
                    break;
            if (used[host[v]][0] + dem[v][0] > cap[host[v]][0] ||
                used[host[v]][1] + dem[v][1] > cap[host[v]][1])
                dem[v][0] = dem[v][1] = 0; /* no room anywhere: a VM that needs nothing */
            used[host[v]][0] += dem[v][0];
            used[host[v]][1] += dem[v][1];
        }
        struct ent_model m;
        build(&m, nodes, (const int64_t(*)[2])cap, vms, (const int64_t(*)[2])dem, host);
        struct ent_pack p;
        struct ent_error err;
        assert_int_equal(ent_pack_init(&p, &m, &err), 0);
        for (size_t k = 0; k < 4 * vms; k++) { /* random moves that fit */
            int32_t v = (int32_t)ent_prng_below(&rng, vms),
                    n = (int32_t)ent_prng_below(&rng, nodes);
            int32_t from = p.target.vm_host[v];
            ent_pack_unplace(&p, v);
            ent_pack_place(&p, v, ent_pack_fits(&p, v, n) ? n : from);
        }
        size_t before = migrations(&p);
        uint8_t *active = calloc(nodes, 1);
        for (size_t n = 0; n < nodes; n++) {
            active[n] = p.n_residents[n] > 0;
            assert_true(ent_pack_node_ok(&p, (int32_t)n));
        }
        ent__fewer_moves(&p, 1, (uint64_t)round, ent_now() + 30);
        assert_true(migrations(&p) <= before);
        for (size_t n = 0; n < nodes; n++) {
            assert_true(active[n] || p.n_residents[n] == 0); /* no node becomes active */
            assert_true(ent_pack_node_ok(&p, (int32_t)n));
        }
        for (size_t v = 0; v < vms; v++)
            assert_true(p.target.vm_host[v] >= 0);
        free(active);
        ent_pack_release(&p);
        ent_model_release(&m);
        free(host);
        free(used);
        free(dem);
        free(cap);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_cycle_comes_home),
        cmocka_unit_test(test_never_adds_a_migration),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
