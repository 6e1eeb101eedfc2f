/* Mixed clusters, shaped like public production clusters: node types from 8 cores / 32 GiB to
 * 128 cores / 1 TiB in uneven proportions (older small servers are the many), VMs of 1 to 64 cores
 * (the smaller the more frequent); the same types and power model as tests/cli/mixed.py. */
#include "gen.h"

#include "model/model.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/prng.h"

#include <jansson.h>
#include <stdio.h>

struct node_type {
    int64_t cpu, mem;
    unsigned weight;
    double idle, peak; /* watts (the power model of tests/cli/mixed.py) */
};
struct vm_type {
    int64_t cpu, mem;
    unsigned weight;
};

static const struct node_type common_nodes[] = {
    {800, 32768, 8, 55, 110},    {1600, 65536, 6, 80, 190},   {3200, 131072, 4, 140, 330},
    {4800, 262144, 3, 210, 480}, {6400, 524288, 2, 260, 640}, {12800, 1048576, 1, 450, 1100}};
static const struct vm_type common_vms[] = {{100, 2048, 10},  {200, 4096, 8},   {400, 8192, 6},
                                            {800, 16384, 4},  {1600, 65536, 2}, {3200, 131072, 1},
                                            {6400, 262144, 1}};

/* Wide: twelve node types of unlike shapes (compute nodes, big-memory nodes, old small ones) and
 * VMs whose CPU and memory are not in proportion (memory-heavy databases, CPU-heavy batch). */
static const struct node_type wide_nodes[] = {
    {800, 16384, 6, 50, 100},     {800, 65536, 3, 60, 115},    {1600, 32768, 5, 70, 170},
    {1600, 131072, 3, 90, 200},   {2400, 98304, 4, 110, 260},  {3200, 65536, 3, 130, 320},
    {3200, 262144, 3, 150, 340},  {4800, 196608, 2, 200, 470}, {6400, 131072, 2, 230, 600},
    {6400, 1048576, 1, 300, 700}, {9600, 393216, 1, 350, 860}, {12800, 524288, 1, 450, 1100}};
static const struct vm_type wide_vms[] = {{100, 1024, 8},    {100, 8192, 4},   {200, 2048, 6},
                                          {200, 16384, 3},   {400, 4096, 5},   {400, 32768, 2},
                                          {800, 8192, 3},    {800, 65536, 1},  {1600, 16384, 2},
                                          {1600, 131072, 1}, {3200, 32768, 1}, {6400, 262144, 1}};

#define N_OF(table) (sizeof table / sizeof *table)

static size_t draw(struct ent_prng *rng, const unsigned *weights, size_t n)
{
    unsigned total = 0;
    for (size_t i = 0; i < n; i++)
        total += weights[i];
    uint64_t r = ent_prng_below(rng, total);
    for (size_t i = 0; i < n; i++) {
        if (r < weights[i])
            return i;
        r -= weights[i];
    }
    return n - 1;
}

static int generate(struct ent_model *m, const struct node_type *node_types, size_t n_node_types,
                    const struct vm_type *vm_types, size_t n_vm_types, size_t nodes, double load,
                    enum ent_gen_start start, uint64_t seed, struct ent_error *err)
{
    struct ent_prng rng;
    ent_prng_init(&rng, seed);
    unsigned nw[16], vw[16];
    for (size_t i = 0; i < n_node_types; i++)
        nw[i] = node_types[i].weight;
    for (size_t i = 0; i < n_vm_types; i++)
        vw[i] = vm_types[i].weight;
    int cpu = ent_model_add_resource(m, "cpu", 0, 0, err);
    int mem = ent_model_add_resource(m, "memory", 0, 0, err);
    if (cpu < 0 || mem < 0)
        return ENT_EINVALID;
    int64_t total_mem = 0;
    for (size_t n = 0; n < nodes; n++) {
        char name[32];
        snprintf(name, sizeof name, "node-%05zu", n);
        if (ent_model_add_node(m, (int64_t)n, name, ENT_NODE_ONLINE, err) < 0)
            return ENT_EINVALID;
        size_t t = draw(&rng, nw, n_node_types);
        m->res[cpu].capacity[n] = node_types[t].cpu;
        m->res[mem].capacity[n] = node_types[t].mem;
        m->nodes[n].attrs = json_pack("{s:f, s:f}", "wattsIdle", node_types[t].idle, "wattsPeak",
                                      node_types[t].peak);
        total_mem += node_types[t].mem;
    }
    int64_t *used_cpu = ent_calloc(nodes + 1, sizeof(int64_t));
    int64_t *used_mem = ent_calloc(nodes + 1, sizeof(int64_t));
    /* Previous round: first fit to 70 %; round-robin: the next node with room, spread out. */
    double fill = start == ENT_GEN_PREVIOUS_ROUND ? 0.7 : 1.0;
    size_t cursor = 0;
    int64_t placed = 0;
    int rc = 0;
    for (size_t v = 0; (double)placed < load * (double)total_mem && !rc; v++) {
        size_t t = draw(&rng, vw, n_vm_types);
        int32_t host =
            ent__gen_first_fit(used_cpu, used_mem, m->res[cpu].capacity, m->res[mem].capacity,
                               nodes, vm_types[t].cpu, vm_types[t].mem, fill, &cursor);
        if (host < 0)
            break; /* the cluster is as full as it gets at this fill */
        if (start == ENT_GEN_ROUND_ROBIN)
            cursor = (size_t)host + 1;
        char name[32];
        snprintf(name, sizeof name, "vm-%06zu", v);
        int i = ent_model_add_vm(m, (int64_t)v, name, ENT_VM_RUNNING, host, err);
        if (i < 0) {
            rc = ENT_EINVALID;
            break;
        }
        m->res[cpu].demand[i] = vm_types[t].cpu;
        m->res[mem].demand[i] = vm_types[t].mem;
        placed += vm_types[t].mem;
    }
    ent_free(used_cpu);
    ent_free(used_mem);
    return rc;
}

int ent_gen_mixed(struct ent_model *m, size_t nodes, double load, enum ent_gen_start start,
                  uint64_t seed, struct ent_error *err)
{
    return generate(m, common_nodes, N_OF(common_nodes), common_vms, N_OF(common_vms), nodes, load,
                    start, seed, err);
}

int ent_gen_mixed_wide(struct ent_model *m, size_t nodes, double load, enum ent_gen_start start,
                       uint64_t seed, struct ent_error *err)
{
    return generate(m, wide_nodes, N_OF(wide_nodes), wide_vms, N_OF(wide_vms), nodes, load, start,
                    seed, err);
}
