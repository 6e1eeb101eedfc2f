/* The sim source: the simulated cluster as a model, with resources "cpu" (hundredths of a core)
 * and "memory" (MB). A VM's CPU demand is its current use. Configured from monitor.sim.*, the
 * source owns the cluster; the sim driver acts on that same cluster (ent_monitor_sim_cluster). */
#include "config/properties.h"
#include "model/model.h"
#include "monitor/issues.h"
#include "monitor/monitor.h"
#include "sim/cluster.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/error.h"

#include <string.h>

static int sim_open(struct ent_monitor *mon, void *arg, struct ent_error *err)
{
    if (!arg)
        return ent_error(err, ENT_EINVALID, "the sim monitor needs a simulated cluster");
    mon->state = arg;
    return 0;
}

static int sim_configure(struct ent_monitor *mon, const struct ent_config *c, struct ent_error *err)
{
    struct ent_sim_options so;
    ent_sim_options_default(&so);
    so.nodes = (size_t)ent_config_number(c, "monitor.sim.nodes");
    so.vms = (size_t)ent_config_number(c, "monitor.sim.vms");
    so.seed = (uint64_t)ent_config_number(c, "monitor.sim.seed");
    so.action_seconds = ent_config_number(c, "monitor.sim.action_seconds");
    so.power_seconds = ent_config_number(c, "monitor.sim.power_seconds");
    struct ent_sim_cluster *cluster = ent_malloc(sizeof *cluster);
    int rc = ent_sim_cluster_init(cluster, &so, err);
    if (rc) {
        ent_free(cluster);
        return rc;
    }
    return sim_open(mon, cluster, err);
}

static void sim_close(struct ent_monitor *mon)
{
    ent_sim_cluster_release(mon->state);
    ent_free(mon->state);
}

static int sim_read(struct ent_monitor *mon, struct ent_monitor_round *r, struct ent_error *err)
{
    struct ent_sim_cluster *c = mon->state;
    struct ent_model *out = r->m;
    ent_sim_power_settle(c, ent_now());
    for (size_t n = 0; n < c->n_nodes; n++) {
        const struct ent_sim_node *sn = &c->nodes[n];
        int i = ent_model_add_node(out, (int64_t)n, sn->name,
                                   sn->online ? ENT_NODE_ONLINE : ENT_NODE_OFFLINE, err);
        if (i < 0)
            return i;
        out->res[r->cpu].capacity[i] = (int64_t)sn->cpus * 100;
        out->res[r->mem].capacity[i] = sn->memory_mb;
        out->nodes[i].driver = ent_strdup("sim");
    }
    for (size_t v = 0; v < c->n_vms; v++) {
        const struct ent_sim_vm *sv = &c->vms[v];
        int i =
            ent_model_add_vm(out, (int64_t)v, sv->name, sv->running ? ENT_VM_RUNNING : ENT_VM_READY,
                             sv->running ? sv->host : -1, err);
        if (i < 0)
            return i;
        out->res[r->cpu].demand[i] = (int64_t)(sv->load * sv->vcpus + 0.5);
        out->res[r->mem].demand[i] = sv->memory_mb;
    }
    return 0;
}

/* The simulated cluster goes on as it is (loads, placement, nodes off) when its size is the
 * same; the contents move, so that the sim driver, which holds the fresh cluster's address,
 * acts on it. */
static void sim_reload(struct ent_monitor *fresh, struct ent_monitor *old)
{
    struct ent_sim_cluster *a = fresh->state, *b = old->state;
    if (a->n_nodes != b->n_nodes || a->n_vms != b->n_vms)
        return;
    struct ent_sim_cluster swap = *a;
    *a = *b;
    *b = swap;
    struct ent_sim_options fresh_opts = b->opts; /* the new settings apply from now on */
    b->opts = a->opts;
    a->opts = fresh_opts;
}

static const char *const sim_keys[] = {"monitor.sim.nodes",         "monitor.sim.vms",
                                       "monitor.sim.seed",          "monitor.sim.action_seconds",
                                       "monitor.sim.power_seconds", NULL};

const struct ent_monitor_ops ent_monitor_sim_ops = {
    .name = "sim",
    .driver = "sim",
    .keys = sim_keys,
    .configure = sim_configure,
    .open = sim_open,
    .read = sim_read,
    .reload = sim_reload,
    .close = sim_close,
};

struct ent_sim_cluster *ent_monitor_sim_cluster(const struct ent_monitor *mon)
{
    return mon && mon->ops == &ent_monitor_sim_ops ? mon->state : NULL;
}
