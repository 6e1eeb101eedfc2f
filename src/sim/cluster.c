/* The simulated cluster. */
#include "sim/cluster.h"

#include "util/alloc.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>

void ent_sim_options_default(struct ent_sim_options *o)
{
    *o = (struct ent_sim_options){.nodes = 16,
                                  .vms = 48,
                                  .node_cpus = 4,
                                  .node_memory_mb = 8192,
                                  .flip_probability = 0.15,
                                  .failure_rate = 0,
                                  .migration_delay = 0,
                                  .seed = 42};
}

static double active_load(struct ent_prng *rng)
{
    return 60 + 40 * ent_prng_unit(rng);
}

static double idle_load(struct ent_prng *rng)
{
    return 10 * ent_prng_unit(rng);
}

int ent_sim_cluster_init(struct ent_sim_cluster *c, const struct ent_sim_options *o,
                         struct ent_error *err)
{
    memset(c, 0, sizeof *c);
    if (o->nodes == 0 || o->nodes > 100000 || o->vms > 1000000)
        return ent_error(err, ENT_EINVALID, "simulated cluster: %zu nodes and %zu VMs is absurd",
                         o->nodes, o->vms);
    if (o->node_cpus <= 0 || o->node_memory_mb <= 0 || o->failure_rate < 0 || o->failure_rate > 1 ||
        o->flip_probability < 0 || o->flip_probability > 1)
        return ent_error(err, ENT_EINVALID, "simulated cluster: bad capacity or probability");
    c->opts = *o;
    ent_prng_init(&c->rng, o->seed);
    c->n_nodes = o->nodes;
    c->nodes = ent_calloc(c->n_nodes, sizeof *c->nodes);
    for (size_t i = 0; i < c->n_nodes; i++) {
        snprintf(c->nodes[i].name, sizeof c->nodes[i].name, "node-%03zu", i + 1);
        c->nodes[i].cpus = o->node_cpus;
        c->nodes[i].memory_mb = o->node_memory_mb;
        c->nodes[i].online = true;
    }
    static const int64_t sizes[] = {512, 1024, 1536, 2048};
    c->n_vms = o->vms;
    c->vms = ent_calloc(c->n_vms + 1, sizeof *c->vms);
    for (size_t i = 0; i < c->n_vms; i++) {
        struct ent_sim_vm *v = &c->vms[i];
        snprintf(v->name, sizeof v->name, "vm-%04zu", i + 1);
        v->memory_mb = sizes[ent_prng_below(&c->rng, 4)];
        v->vcpus = 1 + (int)ent_prng_below(&c->rng, 2);
        v->active = ent_prng_unit(&c->rng) < 0.5;
        v->load = v->active ? active_load(&c->rng) : idle_load(&c->rng);
        v->host = (int32_t)(i % c->n_nodes);
        v->running = true;
    }
    for (size_t n = 0; n < c->n_nodes; n++) {
        int64_t mem, cpu;
        ent_sim_node_usage(c, (int32_t)n, &mem, &cpu);
        if (mem > c->nodes[n].memory_mb) {
            ent_sim_cluster_release(c);
            return ent_error(err, ENT_EINVALID,
                             "simulated cluster: %zu VMs do not fit in the memory of %zu nodes",
                             o->vms, o->nodes);
        }
    }
    return 0;
}

void ent_sim_cluster_release(struct ent_sim_cluster *c)
{
    if (!c)
        return;
    ent_free(c->nodes);
    ent_free(c->vms);
    memset(c, 0, sizeof *c);
}

void ent_sim_cluster_step(struct ent_sim_cluster *c)
{
    for (size_t i = 0; i < c->n_vms; i++) {
        struct ent_sim_vm *v = &c->vms[i];
        if (ent_prng_unit(&c->rng) < c->opts.flip_probability)
            v->active = !v->active;
        v->load = v->active ? active_load(&c->rng) : idle_load(&c->rng);
    }
}

void ent_sim_cluster_set_loads(struct ent_sim_cluster *c, const double *share, size_t stride)
{
    for (size_t i = 0; i < c->n_vms; i++) {
        double load = share[i * stride] * 100;
        c->vms[i].load = load < 0 ? 0 : load > 100 ? 100 : load;
        c->vms[i].active = c->vms[i].load >= 30;
    }
}

int32_t ent_sim_node_index(const struct ent_sim_cluster *c, const char *name)
{
    for (size_t i = 0; i < c->n_nodes; i++)
        if (strcmp(c->nodes[i].name, name) == 0)
            return (int32_t)i;
    return -1;
}

int32_t ent_sim_vm_index(const struct ent_sim_cluster *c, const char *name)
{
    for (size_t i = 0; i < c->n_vms; i++)
        if (strcmp(c->vms[i].name, name) == 0)
            return (int32_t)i;
    return -1;
}

int ent_sim_vm_start(struct ent_sim_cluster *c, const char *name, int vcpus, int64_t memory_mb,
                     int32_t node, struct ent_error *err)
{
    int32_t v = ent_sim_vm_index(c, name);
    if (v >= 0 && c->vms[v].running)
        return ent_error(err, ENT_EEXISTS, "VM %s already runs on %s", name,
                         c->nodes[c->vms[v].host].name);
    if (node < 0 || (size_t)node >= c->n_nodes || !c->nodes[node].online)
        return ent_error(err, ENT_EINVALID, "node is not online");
    if (strlen(name) >= sizeof c->vms[0].name)
        return ent_error(err, ENT_EINVALID, "VM name longer than the simulator keeps");
    int64_t mem, cpu;
    ent_sim_node_usage(c, node, &mem, &cpu);
    int64_t need = v >= 0 ? c->vms[v].memory_mb : memory_mb;
    if (mem + need > c->nodes[node].memory_mb)
        return ent_error(err, ENT_EINVALID, "node has not enough free memory");
    if (v < 0) {
        c->vms = ent_reallocarray(c->vms, c->n_vms + 1, sizeof *c->vms);
        v = (int32_t)c->n_vms++;
        c->vms[v] = (struct ent_sim_vm){.vcpus = vcpus, .memory_mb = memory_mb, .load = 0};
        snprintf(c->vms[v].name, sizeof c->vms[v].name, "%s", name);
    }
    c->vms[v].host = node;
    c->vms[v].running = true;
    return 0;
}

void ent_sim_node_usage(const struct ent_sim_cluster *c, int32_t node, int64_t *memory_mb,
                        int64_t *cpu)
{
    *memory_mb = *cpu = 0;
    for (size_t i = 0; i < c->n_vms; i++)
        if (c->vms[i].running && c->vms[i].host == node) {
            *memory_mb += c->vms[i].memory_mb;
            *cpu += (int64_t)(c->vms[i].load * c->vms[i].vcpus + 0.5);
        }
}

size_t ent_sim_active_nodes(const struct ent_sim_cluster *c)
{
    size_t n = 0;
    for (size_t k = 0; k < c->n_nodes; k++) {
        int64_t mem, cpu;
        ent_sim_node_usage(c, (int32_t)k, &mem, &cpu);
        n += mem > 0;
    }
    return n;
}

int ent_sim_node_power(struct ent_sim_cluster *c, int32_t node, bool on, double now,
                       struct ent_error *err)
{
    struct ent_sim_node *n = &c->nodes[node];
    ent_sim_power_settle(c, now);
    if (n->powering)
        return ent_error(err, ENT_EINVALID, "%s is already %s", n->name,
                         n->powering > 0 ? "booting" : "shutting down");
    if (n->online == on)
        return ent_error(err, ENT_EINVALID, "%s is already %s", n->name, on ? "on" : "off");
    if (!on) {
        n->power_cycles++;
        for (size_t v = 0; v < c->n_vms; v++) /* a power cut ends what runs there */
            if (c->vms[v].running && c->vms[v].host == node)
                c->vms[v].running = false;
    }
    n->powering = on ? 1 : -1;
    n->powered_at = now + c->opts.power_seconds;
    ent_sim_power_settle(c, now);
    return 0;
}

void ent_sim_power_settle(struct ent_sim_cluster *c, double now)
{
    for (size_t i = 0; i < c->n_nodes; i++) {
        struct ent_sim_node *n = &c->nodes[i];
        if (n->powering && now >= n->powered_at) {
            n->online = n->powering > 0;
            n->powering = 0;
        }
    }
}
