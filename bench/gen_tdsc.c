/* Instances shaped like BtrPlace's TDSC node-repair benchmark: racks of 50 nodes (32 cores, 128
 * GiB), three-tier applications (each tier 2 to 5 VMs under a spread constraint, the whole
 * application under an among constraint over the racks), every VM constrained; placed rack by rack
 * to 70 %; then `failed` of the nodes must go offline (an offline constraint each) and their VMs
 * move. */
#include "gen.h"

#include "model/constraint.h"
#include "model/model.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/prng.h"

#include <jansson.h>
#include <stdio.h>

#define RACK     50
#define NODE_CPU 3200
#define NODE_MEM 131072
#define FILL     0.7
#define MAX_TIER 5
#define MAX_APP  (3 * MAX_TIER)

static const int64_t vm_cpu[] = {100, 200, 200, 400};
static const int64_t vm_mem[] = {2048, 4096, 2048, 8192};

static int add_constraint(struct ent_model *m, json_t *doc, struct ent_error *err)
{
    struct ent_constraint c;
    int rc = ent_constraint_from_json(&c, doc, m, "tdsc", err);
    json_decref(doc);
    if (!rc)
        ent_constraint_set_add(&m->constraints, &c);
    return rc;
}

static json_t *ids(const int32_t *items, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_integer(items[i]));
    return a;
}

/* Places an application's tiers on distinct nodes of rack (each tier spread); 0 when it does not
 * fit at the fill. */
static int place_app(int64_t *cpu, int64_t *mem, size_t rack, size_t nodes, const int *tier_size,
                     const int *type, int32_t *host)
{
    size_t first = rack * RACK, last = first + RACK < nodes ? first + RACK : nodes;
    int k = 0;
    for (int t = 0; t < 3; t++) {
        size_t next = first;
        for (int i = 0; i < tier_size[t]; i++, k++) {
            host[k] = -1;
            for (size_t n = next; n < last && host[k] < 0; n++)
                if (cpu[n] + vm_cpu[type[k]] <= FILL * NODE_CPU &&
                    mem[n] + vm_mem[type[k]] <= FILL * NODE_MEM) {
                    host[k] = (int32_t)n;
                    next = n + 1; /* the tier's next VM on a later node: spread */
                }
            if (host[k] < 0) {
                for (int j = 0; j < k; j++) { /* undo */
                    cpu[host[j]] -= vm_cpu[type[j]];
                    mem[host[j]] -= vm_mem[type[j]];
                }
                return 0;
            }
            cpu[host[k]] += vm_cpu[type[k]];
            mem[host[k]] += vm_mem[type[k]];
        }
    }
    return 1;
}

int ent_gen_tdsc(struct ent_model *m, size_t nodes, size_t vms, double failed, uint64_t seed,
                 struct ent_error *err)
{
    struct ent_prng rng;
    ent_prng_init(&rng, seed);
    int cpu = ent_model_add_resource(m, "cpu", NODE_CPU, 0, err);
    int mem = ent_model_add_resource(m, "memory", NODE_MEM, 0, err);
    if (cpu < 0 || mem < 0)
        return ENT_EINVALID;
    for (size_t n = 0; n < nodes; n++)
        if (ent_model_add_node(m, (int64_t)n, NULL, ENT_NODE_ONLINE, err) < 0)
            return ENT_EINVALID;
    size_t racks = (nodes + RACK - 1) / RACK;
    int64_t *used_cpu = ent_calloc(nodes + 1, sizeof(int64_t));
    int64_t *used_mem = ent_calloc(nodes + 1, sizeof(int64_t));
    json_t *parts = json_array();
    for (size_t r = 0; r < racks; r++) {
        json_t *part = json_array();
        for (size_t n = r * RACK; n < nodes && n < (r + 1) * RACK; n++)
            json_array_append_new(part, json_integer((json_int_t)n));
        json_array_append_new(parts, part);
    }
    int rc = 0;
    size_t v = 0, rack = 0, full = 0;
    while (v + MAX_APP <= vms && full < racks && !rc) {
        int tier_size[3], type[MAX_APP];
        int32_t host[MAX_APP], index[MAX_APP];
        int n_app = 0;
        for (int t = 0; t < 3; t++) {
            tier_size[t] = 2 + (int)ent_prng_below(&rng, MAX_TIER - 1);
            int kind = (int)ent_prng_below(&rng, 4);
            for (int i = 0; i < tier_size[t]; i++)
                type[n_app++] = kind;
        }
        if (!place_app(used_cpu, used_mem, rack, nodes, tier_size, type, host)) {
            rack = (rack + 1) % racks; /* this rack is full for it: the next one */
            full++;
            continue;
        }
        full = 0;
        for (int k = 0; k < n_app && !rc; k++, v++) {
            index[k] = ent_model_add_vm(m, (int64_t)v, NULL, ENT_VM_RUNNING, host[k], err);
            if (index[k] < 0) {
                rc = ENT_EINVALID;
                break;
            }
            m->res[cpu].demand[index[k]] = vm_cpu[type[k]];
            m->res[mem].demand[index[k]] = vm_mem[type[k]];
        }
        for (int t = 0, k = 0; t < 3 && !rc; k += tier_size[t++])
            rc = add_constraint(m,
                                json_pack("{s:s, s:o, s:b}", "id", "spread", "vms",
                                          ids(index + k, (size_t)tier_size[t]), "continuous", 0),
                                err);
        if (!rc)
            rc = add_constraint(m,
                                json_pack("{s:s, s:o, s:O, s:b}", "id", "among", "vms",
                                          ids(index, (size_t)n_app), "parts", parts, "continuous",
                                          0),
                                err);
        rack = (rack + 1) % racks; /* applications go round the racks */
    }
    /* Node repair: some nodes must go offline. */
    for (size_t n = 0; n < nodes && !rc; n++)
        if (ent_prng_unit(&rng) < failed) {
            int32_t one = (int32_t)n;
            rc = add_constraint(m, json_pack("{s:s, s:o}", "id", "offline", "nodes", ids(&one, 1)),
                                err);
        }
    json_decref(parts);
    ent_free(used_cpu);
    ent_free(used_mem);
    return rc;
}
