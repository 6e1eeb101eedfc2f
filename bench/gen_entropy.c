/* Entropy-like instances. */
#include "gen.h"

#include "model/model.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/prng.h"

#include <stdio.h>
#include <string.h>

int32_t ent__gen_first_fit(int64_t *used_cpu, int64_t *used_mem, const int64_t *cap_cpu,
                           const int64_t *cap_mem, size_t nodes, int64_t cpu, int64_t mem,
                           double fill, size_t *cursor)
{
    for (size_t k = 0; k < nodes; k++) {
        size_t n = (*cursor + k) % nodes;
        if ((double)(used_cpu[n] + cpu) <= fill * (double)cap_cpu[n] &&
            (double)(used_mem[n] + mem) <= fill * (double)cap_mem[n]) {
            used_cpu[n] += cpu;
            used_mem[n] += mem;
            *cursor = n; /* first fit from where the last one went: nodes fill in turn */
            return (int32_t)n;
        }
    }
    return -1;
}

static const int64_t sizes[] = {512, 1024, 1536, 2048};

/* order: 0..7 in a random order. */
static void shuffled(struct ent_prng *rng, int *order)
{
    for (int i = 0; i < 8; i++)
        order[i] = i;
    for (int i = 7; i > 0; i--) {
        int j = (int)ent_prng_below(rng, (uint64_t)i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
}

/* The instance: nodes of node_cpu and node_mem, VMs of the given classes drawn uniformly,
 * `inactive` of them idle (class cpu 0 then), placed as `start` says. */
static int generate(struct ent_model *m, size_t nodes, size_t vms, int64_t node_cpu,
                    int64_t node_mem, const int64_t *class_mem, const int64_t *class_cpu,
                    int classes, double inactive, enum ent_gen_start start, struct ent_prng *rng,
                    struct ent_error *err)
{
    int cpu = ent_model_add_resource(m, "cpu", node_cpu, 0, err);
    int mem = ent_model_add_resource(m, "memory", node_mem, 0, err);
    if (cpu < 0 || mem < 0)
        return ENT_EINVALID;
    for (size_t n = 0; n < nodes; n++) {
        char name[32];
        snprintf(name, sizeof name, "node-%05zu", n);
        if (ent_model_add_node(m, (int64_t)n, name, ENT_NODE_ONLINE, err) < 0)
            return ENT_EINVALID;
    }
    int64_t *used_cpu = ent_calloc(nodes + 1, sizeof(int64_t));
    int64_t *used_mem = ent_calloc(nodes + 1, sizeof(int64_t));
    int64_t *mem_of = ent_malloc((vms + 1) * sizeof *mem_of);
    int64_t *then = ent_malloc((vms + 1) * sizeof *then), *now = ent_malloc((vms + 1) * 8);
    for (size_t v = 0; v < vms; v++) {
        int c = (int)ent_prng_below(rng, (uint64_t)classes);
        int64_t vcpu = class_cpu[c];
        mem_of[v] = class_mem[c];
        then[v] = ent_prng_unit(rng) < inactive ? 0 : vcpu;
        now[v] = then[v];
        if (start == ENT_GEN_PREVIOUS_ROUND && ent_prng_unit(rng) < 0.3)
            now[v] = then[v] ? 0 : vcpu; /* activity changed since the placement was made */
    }
    /* The previous round filled nodes to 70 %, or more when the VMs need it. */
    int32_t *host = ent_malloc((vms + 1) * sizeof *host);
    double fill = 0.7;
    int rc = 0;
    for (;; fill += 0.05) {
        size_t cursor = 0, v = 0;
        memset(used_cpu, 0, (nodes + 1) * sizeof(int64_t));
        memset(used_mem, 0, (nodes + 1) * sizeof(int64_t));
        for (; v < vms; v++) {
            host[v] = start == ENT_GEN_PREVIOUS_ROUND
                          ? ent__gen_first_fit(used_cpu, used_mem, m->res[cpu].capacity,
                                               m->res[mem].capacity, nodes, then[v], mem_of[v],
                                               fill, &cursor)
                          : (int32_t)(v % nodes);
            if (host[v] < 0)
                break;
        }
        if (v == vms)
            break;
        if (fill > 1.0) {
            rc = ent_error(err, ENT_EINFEASIBLE, "%zu VMs do not fit %zu nodes", vms, nodes);
            break;
        }
    }
    for (size_t v = 0; v < vms && !rc; v++) {
        char name[32];
        snprintf(name, sizeof name, "vm-%06zu", v);
        int i = ent_model_add_vm(m, (int64_t)v, name, ENT_VM_RUNNING, host[v], err);
        if (i < 0) {
            rc = ENT_EINVALID;
            break;
        }
        m->res[mem].demand[i] = mem_of[v];
        m->res[cpu].demand[i] = now[v];
    }
    ent_free(mem_of);
    ent_free(then);
    ent_free(now);
    ent_free(host);
    ent_free(used_cpu);
    ent_free(used_mem);
    /* Activity that grew may overload a node now: that is the repair's business, not an error. */
    return rc;
}

int ent_gen_entropy(struct ent_model *m, size_t nodes, size_t vms, int classes, double inactive,
                    enum ent_gen_start start, uint64_t seed, struct ent_error *err)
{
    struct ent_prng rng;
    ent_prng_init(&rng, seed);
    /* The classes: distinct (memory, vCPU) pairs drawn from the 8 possible. */
    int64_t class_mem[8], class_cpu[8];
    int order[8];
    shuffled(&rng, order);
    for (int c = 0; c < classes; c++) {
        class_mem[c] = sizes[order[c] % 4];
        class_cpu[c] = 100 * (1 + order[c] / 4);
    }
    return generate(m, nodes, vms, 800, 16384, class_mem, class_cpu, classes, inactive, start, &rng,
                    err);
}

int ent_gen_entropy_paper(struct ent_model *m, size_t nodes, size_t vms, int classes, uint64_t seed,
                          struct ent_error *err)
{
    struct ent_prng rng;
    ent_prng_init(&rng, seed);
    /* The classes: distinct (memory, active) pairs drawn from the 8 possible. */
    int64_t class_mem[8], class_cpu[8];
    int order[8];
    shuffled(&rng, order);
    for (int c = 0; c < classes; c++) {
        class_mem[c] = sizes[order[c] % 4];
        class_cpu[c] = order[c] < 4 ? 100 : 0;
    }
    return generate(m, nodes, vms, 200, 4096, class_mem, class_cpu, classes, 0, ENT_GEN_ROUND_ROBIN,
                    &rng, err);
}
