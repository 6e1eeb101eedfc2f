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

static const struct {
    int64_t cpu, mem;
    unsigned weight;
    double idle, peak; /* watts (the power model of tests/cli/mixed.py) */
} node_types[] = {{800, 32768, 8, 55, 110},    {1600, 65536, 6, 80, 190},
                  {3200, 131072, 4, 140, 330}, {4800, 262144, 3, 210, 480},
                  {6400, 524288, 2, 260, 640}, {12800, 1048576, 1, 450, 1100}};
static const struct {
    int64_t cpu, mem;
    unsigned weight;
} vm_types[] = {{100, 2048, 10},  {200, 4096, 8},    {400, 8192, 6},   {800, 16384, 4},
                {1600, 65536, 2}, {3200, 131072, 1}, {6400, 262144, 1}};

#define N_NODE_TYPES (sizeof node_types / sizeof *node_types)
#define N_VM_TYPES   (sizeof vm_types / sizeof *vm_types)

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

int ent_gen_mixed(struct ent_model *m, size_t nodes, double load, enum ent_gen_start start,
                  uint64_t seed, struct ent_error *err)
{
    struct ent_prng rng;
    ent_prng_init(&rng, seed);
    unsigned nw[N_NODE_TYPES], vw[N_VM_TYPES];
    for (size_t i = 0; i < N_NODE_TYPES; i++)
        nw[i] = node_types[i].weight;
    for (size_t i = 0; i < N_VM_TYPES; i++)
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
        size_t t = draw(&rng, nw, N_NODE_TYPES);
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
        size_t t = draw(&rng, vw, N_VM_TYPES);
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
