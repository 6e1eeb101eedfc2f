/* The consolidation engine: lower bounds, optimality against an exhaustive search on small
 * instances, determinism for a seed. */
#include "helpers.h"

#include "check/check.h"
#include "model/demand_model.h"
#include "plan/planner.h"
#include "solve/bounds.h"
#include "solve/freeindex.h"
#include "solve/pack.h"
#include "solve/roomtree.h"
#include "solve/solve.h"
#include "util/prng.h"

/* Builds a model with the given capacities (cpu, memory) and VM demands, VMs spread. */
static void build(struct ent_model *m, size_t nodes, const int64_t (*cap)[2], size_t vms,
                  const int64_t (*dem)[2])
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
    int64_t *used = calloc(nodes * 2, sizeof *used);
    for (size_t v = 0; v < vms; v++) {
        size_t h = v % nodes; /* spread, first node with room from there */
        for (size_t k = 0; k < nodes; k++, h = (h + 1) % nodes)
            if (used[2 * h] + dem[v][0] <= cap[h][0] && used[2 * h + 1] + dem[v][1] <= cap[h][1])
                break;
        used[2 * h] += dem[v][0];
        used[2 * h + 1] += dem[v][1];
        ent_model_add_vm(m, (int64_t)v, NULL, ENT_VM_RUNNING, (int32_t)h, &err);
        m->res[0].demand[v] = dem[v][0];
        m->res[1].demand[v] = dem[v][1];
    }
    free(used);
}

/* Exhaustive search: the fewest nodes that can host the VMs. */
struct brute {
    size_t nodes, vms;
    const int64_t (*cap)[2];
    const int64_t (*dem)[2];
    int64_t used[16][2];
    int count[16];
    size_t best;
};

static void brute(struct brute *b, size_t v, size_t open)
{
    if (open >= b->best)
        return;
    if (v == b->vms) {
        b->best = open;
        return;
    }
    int64_t tried[16][2];
    size_t n_tried = 0;
    for (size_t n = 0; n < b->nodes; n++) {
        if (b->used[n][0] + b->dem[v][0] > b->cap[n][0] ||
            b->used[n][1] + b->dem[v][1] > b->cap[n][1])
            continue;
        int empty = b->count[n] == 0, seen = 0;
        for (size_t t = 0; empty && t < n_tried && !seen; t++)
            seen = tried[t][0] == b->cap[n][0] && tried[t][1] == b->cap[n][1];
        if (seen)
            continue; /* an identical empty node was tried at this level */
        if (empty) {
            tried[n_tried][0] = b->cap[n][0];
            tried[n_tried++][1] = b->cap[n][1];
        }
        b->used[n][0] += b->dem[v][0];
        b->used[n][1] += b->dem[v][1];
        b->count[n]++;
        brute(b, v + 1, open + (size_t)empty);
        b->count[n]--;
        b->used[n][0] -= b->dem[v][0];
        b->used[n][1] -= b->dem[v][1];
    }
}

static void test_bounds(void **state)
{
    (void)state;
    struct ent_model m;
    struct ent_pack p;
    struct ent_bound b;
    struct ent_error err;
    /* Three VMs of 60 in nodes of 100: volume says 2, but no two share a node. */
    const int64_t cap[4][2] = {{100, 100}, {100, 100}, {100, 100}, {100, 100}};
    const int64_t big[3][2] = {{60, 10}, {60, 10}, {60, 10}};
    build(&m, 4, cap, 3, big);
    assert_int_equal(ent_pack_init(&p, &m, &err), 0);
    ent_lower_bound(&p, &b);
    assert_int_equal(b.l1, 2);
    assert_int_equal(b.nodes, 3);
    ent_pack_release(&p);
    ent_model_release(&m);
    /* PlanetLab's memory sizes in 4096 MB: volume says 3, patterns prove 4 (no three of these
     * fill a node with what remains). */
    const int64_t hosts[6][2] = {{4000, 4096}, {4000, 4096}, {4000, 4096},
                                 {4000, 4096}, {4000, 4096}, {4000, 4096}};
    const int64_t vms[7][2] = {{1, 1740}, {1, 1740}, {1, 1740}, {1, 1740},
                               {1, 1740}, {1, 870},  {1, 870}};
    build(&m, 6, hosts, 7, vms);
    assert_int_equal(ent_pack_init(&p, &m, &err), 0);
    ent_lower_bound(&p, &b);
    assert_int_equal(b.l1, 3);
    assert_int_equal(b.pattern, 3); /* {1740,1740} x2 + {1740,870,870}: 3 nodes, and it fits */
    ent_pack_release(&p);
    ent_model_release(&m);
    const int64_t odd[5][2] = {{1, 2100}, {1, 2100}, {1, 2100}, {1, 1000}, {1, 1000}};
    build(&m, 6, hosts, 5, odd);
    assert_int_equal(ent_pack_init(&p, &m, &err), 0);
    ent_lower_bound(&p, &b);
    assert_int_equal(b.l1, 3);      /* 8300 / 4096 */
    assert_int_equal(b.pattern, 3); /* 2100 + 1000 twice, 2100 alone */
    ent_pack_release(&p);
    ent_model_release(&m);
}

/* The vector-packing bound: VMs whose CPU and memory are out of proportion. */
static void test_vector_bound(void **state)
{
    (void)state;
    struct ent_model m;
    struct ent_pack p;
    struct ent_bound b;
    struct ent_error err;
    /* Four VMs of (40, 70) and two of (90, 10) in nodes of (100, 100): in CPU alone two of the
     * first share a node, in memory alone one of each, and the volume says 4; but no two VMs fit
     * one node in both at once: 6. */
    const int64_t cap[6][2] = {{100, 100}, {100, 100}, {100, 100},
                               {100, 100}, {100, 100}, {100, 100}};
    const int64_t dem[6][2] = {{40, 70}, {40, 70}, {40, 70}, {40, 70}, {90, 10}, {90, 10}};
    build(&m, 6, cap, 6, dem);
    assert_int_equal(ent_pack_init(&p, &m, &err), 0);
    ent_lower_bound(&p, &b);
    assert_int_equal(b.joint, 4);
    assert_int_equal(b.pattern, 4);
    assert_int_equal(b.vector, 6);
    assert_int_equal(b.nodes, 6);
    ent_pack_release(&p);
    ent_model_release(&m);
    /* One resource: the cutting-stock bound's business, not this one's (nothing to free). */
    ent_model_init(&m);
    ent_model_add_resource(&m, "cpu", 0, 0, &err);
    ent_model_add_node(&m, 0, NULL, ENT_NODE_ONLINE, &err);
    m.res[0].capacity[0] = 100;
    ent_model_add_vm(&m, 0, NULL, ENT_VM_RUNNING, 0, &err);
    m.res[0].demand[0] = 10;
    assert_int_equal(ent_pack_init(&p, &m, &err), 0);
    ent_lower_bound(&p, &b);
    assert_int_equal(b.vector, -1);
    assert_int_equal(b.nodes, 1);
    ent_pack_release(&p);
    ent_model_release(&m);
    /* Random out-of-proportion VMs on two node shapes: the bound never above the optimum, and
     * above the other bounds on some instances. */
    struct ent_prng rng;
    ent_prng_init(&rng, 77);
    int stronger = 0, checked = 0;
    for (int round = 0; round < 120; round++) {
        size_t nodes = 4 + ent_prng_below(&rng, 5), vms = 4 + ent_prng_below(&rng, 7);
        int64_t caps[16][2], dems[16][2];
        for (size_t n = 0; n < nodes; n++) {
            int wide = n >= nodes / 2;
            caps[n][0] = wide ? 160 : 100;
            caps[n][1] = wide ? 100 : 160;
        }
        for (size_t v = 0; v < vms; v++) {
            int cpu_heavy = (int)ent_prng_below(&rng, 2);
            dems[v][0] = cpu_heavy ? 50 + (int64_t)ent_prng_below(&rng, 60) : 10;
            dems[v][1] = cpu_heavy ? 10 : 50 + (int64_t)ent_prng_below(&rng, 60);
        }
        struct brute br = {
            nodes, vms,      (const int64_t(*)[2])caps, (const int64_t(*)[2])dems, {{0}},
            {0},   nodes + 1};
        brute(&br, 0, 0);
        if (br.best > nodes)
            continue;
        build(&m, nodes, (const int64_t(*)[2])caps, vms, (const int64_t(*)[2])dems);
        assert_int_equal(ent_pack_init(&p, &m, &err), 0);
        ent_lower_bound(&p, &b);
        if (b.vector > (int64_t)br.best)
            fail_msg("round %d: vector bound %lld above the optimum %zu", round,
                     (long long)b.vector, br.best);
        stronger += b.vector > b.joint && b.vector > b.pattern;
        checked++;
        ent_pack_release(&p);
        ent_model_release(&m);
    }
    assert_true(checked >= 60);
    assert_true(stronger > 0);
}

static struct ent_solve_stats consolidate(const struct ent_model *m, uint64_t seed,
                                          struct ent_mapping *target)
{
    struct ent_solve_options opts;
    ent_solve_options_init(&opts);
    opts.seed = seed;
    opts.time_limit = 5;
    struct ent_solve_stats st;
    struct ent_error err;
    ent_mapping_init(target);
    if (ent_solve(m, &opts, target, &st, &err))
        fail_msg("solve: %s", err.msg);
    return st;
}

static void test_optimal_on_small_instances(void **state)
{
    (void)state;
    struct ent_prng rng;
    ent_prng_init(&rng, 2026);
    int checked = 0;
    for (int round = 0; round < 150; round++) {
        size_t nodes = 3 + ent_prng_below(&rng, 6), vms = 4 + ent_prng_below(&rng, 9);
        int64_t cap[16][2], dem[16][2];
        int hetero = round % 3 == 0;
        for (size_t n = 0; n < nodes; n++) {
            cap[n][0] = hetero ? 80 + 40 * (int64_t)ent_prng_below(&rng, 2) : 100;
            cap[n][1] = hetero ? 800 + 400 * (int64_t)ent_prng_below(&rng, 2) : 1000;
        }
        /* sort capacities so that identical empty nodes are adjacent for the brute force */
        for (size_t i = 1; i < nodes; i++)
            for (size_t j = i; j > 0 && (cap[j][0] < cap[j - 1][0] ||
                                         (cap[j][0] == cap[j - 1][0] && cap[j][1] < cap[j - 1][1]));
                 j--) {
                int64_t t0 = cap[j][0], t1 = cap[j][1];
                cap[j][0] = cap[j - 1][0];
                cap[j][1] = cap[j - 1][1];
                cap[j - 1][0] = t0;
                cap[j - 1][1] = t1;
            }
        for (size_t v = 0; v < vms; v++) {
            dem[v][0] = 5 + (int64_t)ent_prng_below(&rng, 50);
            dem[v][1] = 100 + 100 * (int64_t)ent_prng_below(&rng, 5);
        }
        struct brute b = {
            nodes, vms, (const int64_t(*)[2])cap, (const int64_t(*)[2])dem, {{0}}, {0}, nodes + 1};
        brute(&b, 0, 0);
        if (b.best > nodes)
            continue; /* does not fit at all */
        struct ent_model m;
        build(&m, nodes, (const int64_t(*)[2])cap, vms, (const int64_t(*)[2])dem);
        struct ent_error err;
        if (ent_model_validate(&m, &err)) { /* the spread start overflowed: skip */
            ent_model_release(&m);
            continue;
        }
        struct ent_mapping target;
        struct ent_solve_stats st = consolidate(&m, 1, &target);
        if ((size_t)st.nodes_used != b.best)
            fail_msg("round %d: %zu nodes, %zu VMs: engine %lld nodes, optimum %zu", round, nodes,
                     vms, (long long)st.nodes_used, b.best);
        assert_true(st.lower_bound <= (int64_t)b.best);
        /* and the plan to get there is valid */
        struct ent_plan plan;
        struct ent_plan_stats ps;
        ent_plan_init(&plan);
        if (ent_plan_sequential(&m, &target, &plan, &ps, &err) == 0) {
            struct ent_check_report rep;
            ent_check_report_init(&rep);
            ent_check_plan(&m, &plan, &rep);
            assert_true(rep.valid);
            ent_check_report_release(&rep);
        }
        ent_plan_release(&plan);
        ent_mapping_release(&target);
        ent_model_release(&m);
        checked++;
    }
    assert_true(checked >= 100);
}

static void test_same_seed_same_answer(void **state)
{
    (void)state;
    int64_t cap[40][2], dem[120][2];
    struct ent_prng rng;
    ent_prng_init(&rng, 7);
    for (size_t n = 0; n < 40; n++) {
        cap[n][0] = 100;
        cap[n][1] = 1000;
    }
    for (size_t v = 0; v < 120; v++) {
        dem[v][0] = 3 + (int64_t)ent_prng_below(&rng, 30);
        dem[v][1] = 50 + 10 * (int64_t)ent_prng_below(&rng, 30);
    }
    struct ent_model m;
    build(&m, 40, (const int64_t(*)[2])cap, 120, (const int64_t(*)[2])dem);
    struct ent_mapping a, b;
    struct ent_solve_stats sa = consolidate(&m, 99, &a), sb = consolidate(&m, 99, &b);
    assert_int_equal(sa.nodes_used, sb.nodes_used);
    assert_memory_equal(a.vm_host, b.vm_host, m.n_vms * sizeof *a.vm_host);
    assert_true(sa.nodes_used >= sa.lower_bound);
    assert_int_equal(sa.gap, sa.nodes_used - sa.lower_bound);
    ent_mapping_release(&a);
    ent_mapping_release(&b);
    ent_model_release(&m);
}

static void test_entropy_demand_model(void **state)
{
    (void)state;
    const int64_t cap[2][2] = {{400, 4096}, {400, 4096}};
    const int64_t dem[4][2] = {{5, 512}, {60, 512}, {200, 1024}, {11, 512}};
    struct ent_model m;
    build(&m, 2, cap, 4, dem);
    struct ent_error err;
    struct ent_demand_model dm = {10, 100};
    m.vms[2].attrs = json_pack("{s:i}", "vcpus", 2);
    assert_int_equal(ent_demand_model_apply(&m, &dm, &err), 3);
    assert_int_equal(m.res[0].demand[0], 0);   /* idle: memory only */
    assert_int_equal(m.res[0].demand[1], 100); /* one vCPU's share */
    assert_int_equal(m.res[0].demand[2], 200); /* two vCPUs */
    assert_int_equal(m.res[0].demand[3], 100);
    assert_int_equal(m.res[1].demand[2], 1024); /* memory untouched */
    ent_model_release(&m);
    struct ent_model bare;
    ent_model_init(&bare);
    ent_model_add_resource(&bare, "memory", 1, 0, &err);
    assert_int_equal(ent_demand_model_apply(&bare, &dm, &err), ENT_EINVALID);
    ent_model_release(&bare);
}

/* The room tree and the free-capacity index give what a scan over every node gives: first fit in
 * the tree's order; a node that fits from the index, and -1 only when none does. */
static void test_indexes_match_a_scan(void **state)
{
    (void)state;
    struct ent_prng rng;
    ent_prng_init(&rng, 7);
    for (int round = 0; round < 20; round++) {
        size_t nodes = 5 + ent_prng_below(&rng, 60), vms = 10 + ent_prng_below(&rng, 150);
        int64_t(*cap)[2] = calloc(nodes, sizeof *cap), (*dem)[2] = calloc(vms, sizeof *dem);
        for (size_t n = 0; n < nodes; n++) {
            cap[n][0] = 100 * (int64_t)(1 + ent_prng_below(&rng, 8));
            cap[n][1] = 1024 * (int64_t)(1 + ent_prng_below(&rng, 16));
        }
        for (size_t v = 0; v < vms; v++) {
            dem[v][0] = 10 * (int64_t)ent_prng_below(&rng, 30);
            dem[v][1] = 128 * (int64_t)(1 + ent_prng_below(&rng, 24));
        }
        struct ent_model m;
        build(&m, nodes, (const int64_t(*)[2])cap, vms, (const int64_t(*)[2])dem);
        struct ent_pack p;
        struct ent_error err;
        assert_int_equal(ent_pack_init(&p, &m, &err), 0);
        for (size_t v = 0; v < vms; v++)
            if (p.target.vm_host[v] >= 0)
                ent_pack_unplace(&p, (int32_t)v);
        int32_t *order = malloc(nodes * sizeof *order);
        for (size_t n = 0; n < nodes; n++)
            order[n] = (int32_t)n;
        for (size_t n = nodes; n > 1; n--) { /* shuffled */
            size_t j = ent_prng_below(&rng, n);
            int32_t t = order[n - 1];
            order[n - 1] = order[j];
            order[j] = t;
        }
        struct ent_roomtree tree;
        ent_roomtree_init(&tree, &p, order, nodes);
        struct ent_freeindex fi;
        ent_freeindex_init(&fi, &p, 1, 64);
        for (size_t n = 0; n < nodes; n++)
            ent_freeindex_add(&fi, (int32_t)n);
        for (size_t v = 0; v < vms; v++) {
            int32_t scan = -1, any = -1;
            for (size_t k = 0; k < nodes && scan < 0; k++)
                if (ent_pack_fits(&p, (int32_t)v, order[k]))
                    scan = order[k];
            for (size_t n = 0; n < nodes && any < 0; n++)
                if (ent_pack_fits(&p, (int32_t)v, (int32_t)n))
                    any = (int32_t)n;
            assert_int_equal(ent_roomtree_first_fit(&tree, (int32_t)v), scan);
            int32_t best = ent_freeindex_best_fit(&fi, (int32_t)v, -1);
            assert_int_equal(best >= 0, any >= 0);
            if (best >= 0)
                assert_true(ent_pack_fits(&p, (int32_t)v, best));
            if (scan >= 0 && (v & 1)) { /* place half the VMs by first fit, half by best fit */
                ent_pack_place(&p, (int32_t)v, scan);
                ent_roomtree_update(&tree, scan);
                ent_freeindex_update(&fi, scan);
            } else if (best >= 0) {
                ent_pack_place(&p, (int32_t)v, best);
                ent_roomtree_update(&tree, best);
                ent_freeindex_update(&fi, best);
            }
        }
        ent_freeindex_release(&fi);
        ent_roomtree_release(&tree);
        free(order);
        ent_pack_release(&p);
        ent_model_release(&m);
        free(cap);
        free(dem);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_vector_bound),
        cmocka_unit_test(test_optimal_on_small_instances),
        cmocka_unit_test(test_same_seed_same_answer),
        cmocka_unit_test(test_entropy_demand_model),
        cmocka_unit_test(test_indexes_match_a_scan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
