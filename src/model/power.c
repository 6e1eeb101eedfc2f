/* Node power from the model's attributes. */
#include "model/power.h"

#include "model/mapping.h"
#include "model/model.h"
#include "util/alloc.h"

#include <jansson.h>
#include <math.h>

static double attr(const json_t *attrs, const char *key, double fallback)
{
    const json_t *v = attrs ? json_object_get(attrs, key) : NULL;
    double x = json_is_number(v) ? json_number_value(v) : fallback;
    return isfinite(x) && x >= 0 && x < 1e9 ? x : fallback;
}

struct ent_node_power ent_node_power(const struct ent_model *m, int32_t n)
{
    const json_t *a = m->nodes[n].attrs;
    double idle = attr(a, "wattsIdle", -1), peak = attr(a, "wattsPeak", -1);
    if (idle < 0 && peak < 0)
        return (struct ent_node_power){1, 1};
    if (idle < 0)
        idle = peak;
    if (peak < idle)
        peak = idle;
    return (struct ent_node_power){idle, peak};
}

bool ent_model_has_power(const struct ent_model *m)
{
    for (size_t n = 0; n < m->n_nodes; n++) {
        const json_t *a = m->nodes[n].attrs;
        if (attr(a, "wattsIdle", -1) >= 0 || attr(a, "wattsPeak", -1) >= 0)
            return true;
    }
    return false;
}

double ent_node_watts(const struct ent_model *m, int32_t n, int64_t cpu_used)
{
    struct ent_node_power pw = ent_node_power(m, n);
    int cpu = ent_model_resource_index(m, "cpu");
    int64_t cap = cpu >= 0 ? m->res[cpu].capacity[n] : 0;
    double share = cap > 0 ? (double)cpu_used / (double)cap : 0;
    if (share > 1)
        share = 1;
    return pw.idle + (pw.peak - pw.idle) * share;
}

/* Watts of the nodes hosting running VMs in map, and with online_too of the online ones too. */
static double watts_of(const struct ent_model *m, const struct ent_mapping *map, bool online_too)
{
    int cpu = ent_model_resource_index(m, "cpu");
    int64_t *used = ent_calloc(m->n_nodes + 1, sizeof *used);
    bool *hosts = ent_calloc(m->n_nodes + 1, sizeof *hosts);
    for (size_t v = 0; v < m->n_vms; v++) {
        int32_t h = map->vm_host[v];
        if (map->vm_state[v] != ENT_VM_RUNNING || h < 0 || (size_t)h >= m->n_nodes)
            continue;
        hosts[h] = true;
        used[h] += cpu >= 0 ? m->res[cpu].demand[v] : 0;
    }
    double watts = 0;
    for (size_t n = 0; n < m->n_nodes; n++)
        if (hosts[n] || (online_too && map->node_state[n] == ENT_NODE_ONLINE))
            watts += ent_node_watts(m, (int32_t)n, used[n]);
    ent_free(used);
    ent_free(hosts);
    return watts;
}

double ent_mapping_watts(const struct ent_model *m, const struct ent_mapping *map)
{
    return watts_of(m, map, false);
}

double ent_online_watts(const struct ent_model *m, const struct ent_mapping *map)
{
    return watts_of(m, map, true);
}
