/* The plans of a replay run by Entropy's executor through the simulator's driver, on a simulated
 * cluster mirroring the replayed one; where the VMs are afterwards is read back from it, as the
 * simulator's monitor would see it. Migrations take no wall-clock time: their duration is the
 * plan's (simulated time). */
#include "replay/internal.h"

#include "drivers/driver.h"
#include "exec/executor.h"
#include "replay/trace.h"
#include "sim/cluster.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdio.h>

int ent__replay_sim_open(struct ent_replay_sim *s, const struct ent_replay *r,
                         struct ent_error *err)
{
    struct ent_sim_cluster *c = ent_calloc(1, sizeof *c);
    ent_sim_options_default(&c->opts);
    c->opts.nodes = r->n_hosts;
    c->opts.vms = r->n_vms;
    ent_prng_init(&c->rng, r->opts->seed);
    c->opts.failure_rate = r->opts->failure_rate;
    c->n_nodes = r->n_hosts;
    c->nodes = ent_calloc(r->n_hosts + 1, sizeof *c->nodes);
    for (size_t h = 0; h < r->n_hosts; h++) {
        snprintf(c->nodes[h].name, sizeof c->nodes[h].name, "host-%04zu", h);
        c->nodes[h].cpus = 2;
        /* memory that does not bind after the start never refuses a VM */
        c->nodes[h].memory_mb =
            r->preset->memory_binds ? r->host_type[h]->memory_mb : INT64_MAX / 4;
        c->nodes[h].online = true;
    }
    c->n_vms = r->n_vms;
    c->vms = ent_calloc(r->n_vms + 1, sizeof *c->vms);
    for (size_t v = 0; v < r->n_vms; v++) {
        snprintf(c->vms[v].name, sizeof c->vms[v].name, "vm-%06zu", v);
        c->vms[v].vcpus = 1;
        c->vms[v].memory_mb = r->vm_memory[v];
        c->vms[v].host = r->host_of[v];
        c->vms[v].running = true;
    }
    s->cluster = c;
    s->drivers = ent_calloc(1, sizeof *s->drivers);
    ent_driver_set_init(s->drivers);
    int rc = ent_driver_set_open_ops(s->drivers, &ent_driver_sim_ops, c, err);
    if (rc)
        ent__replay_sim_close(s);
    return rc;
}

void ent__replay_sim_close(struct ent_replay_sim *s)
{
    if (!s)
        return;
    if (s->drivers)
        ent_driver_set_close(s->drivers);
    ent_free(s->drivers);
    ent_sim_cluster_release(s->cluster);
    ent_free(s->cluster);
    s->drivers = NULL;
    s->cluster = NULL;
}

size_t ent__replay_sim_execute(struct ent_replay_sim *s, const struct ent_model *m,
                               const struct ent_plan *plan, int32_t *placement)
{
    struct ent_exec_options eo;
    ent_exec_options_default(&eo);
    struct ent_exec_result res;
    ent_execute_plan(m, plan, s->drivers, &eo, NULL, &res);
    size_t failed = res.failed + res.dropped + res.not_started;
    ent_exec_result_release(&res);
    for (size_t v = 0; v < s->cluster->n_vms; v++)
        placement[v] = s->cluster->vms[v].host;
    return failed;
}

void ent__replay_sim_place(struct ent_replay_sim *s, const int32_t *placement)
{
    for (size_t v = 0; v < s->cluster->n_vms; v++)
        s->cluster->vms[v].host = placement[v];
}
