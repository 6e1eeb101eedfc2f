/* Maintenance targets to offline constraints, and their progress. */
#include "daemon/maintenance.h"

#include "daemon/power_policy.h"
#include "model/evacuate.h"
#include "model/model.h"
#include "monitor/monitor.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/log.h"

#include <string.h>

void ent_loop_maintenance_begin(struct ent_loop *loop, struct ent_model *m,
                                struct ent_maintenance_round *mr)
{
    memset(mr, 0, sizeof *mr);
    if (loop->power_policy)
        ent_power_policy_maintain_none(loop->power_policy);
    struct ent_maintenance *all;
    size_t n;
    struct ent_error err;
    ent_error_init(&err);
    if (!loop->journal)
        return;
    if (ent_journal_maintenance_list(loop->journal, &all, &n, &err)) {
        ent_log_error("maintenance: %s", err.msg);
        return;
    }
    mr->items = ent_calloc(n + 1, sizeof *mr->items);
    mr->nodes = ent_calloc(n + 1, sizeof *mr->nodes);
    mr->missing = ent_calloc(n + 1, sizeof *mr->missing);
    for (size_t i = 0; i < n; i++) {
        if (all[i].ended > 0)
            continue;
        size_t k = mr->n++;
        mr->items[k] = all[i];
        mr->nodes[k] = ent_calloc(m->n_nodes + 1, 1);
        const struct ent_enclosures *enc = loop->monitor ? &loop->monitor->enclosures : NULL;
        if (ent_model_evacuate(m, all[i].target, enc, mr->nodes[k], &err) < 0) {
            mr->missing[k] = ent_strdup(err.msg);
            ent_warn("maintenance of %s: %s", all[i].target, err.msg);
            continue;
        }
        for (size_t node = 0; loop->power_policy && node < m->n_nodes; node++)
            if (mr->nodes[k][node] && m->nodes[node].name)
                ent_power_policy_maintain(loop->power_policy, m->nodes[node].name, all[i].power_off,
                                          ent_now());
    }
    ent_free(all);
}

void ent_loop_maintenance_keep_online(const struct ent_maintenance_round *mr,
                                      const struct ent_model *m, struct ent_mapping *target)
{
    for (size_t k = 0; k < mr->n; k++)
        for (size_t n = 0; n < m->n_nodes; n++)
            if (mr->nodes[k][n] && m->map.node_state[n] == ENT_NODE_ONLINE)
                target->node_state[n] = ENT_NODE_ONLINE;
}

unsigned char *ent_loop_maintenance_nodes(const struct ent_maintenance_round *mr, size_t n_nodes)
{
    unsigned char *out = ent_calloc(n_nodes + 1, 1);
    for (size_t k = 0; k < mr->n; k++)
        for (size_t n = 0; n < n_nodes; n++)
            out[n] |= mr->nodes[k][n];
    return out;
}

/* Where one maintenance stands: not found, blocked, emptying, or its nodes empty (and off). */
static json_t *progress(const struct ent_loop *loop, const struct ent_round *r,
                        const struct ent_model *m, const struct ent_maintenance_round *mr, size_t k,
                        const size_t *hosted)
{
    json_t *nodes = json_array(), *per_node = json_object();
    long long left = 0, off = 0, count = 0;
    for (size_t n = 0; n < m->n_nodes; n++) {
        if (!mr->nodes[k][n])
            continue;
        count++;
        const char *name = m->nodes[n].name ? m->nodes[n].name : "?";
        json_array_append_new(nodes, json_string(name));
        json_object_set_new(per_node, name, json_integer((json_int_t)hosted[n]));
        left += (long long)hosted[n];
        const struct ent_power_record *rec =
            loop->power_policy && m->nodes[n].name
                ? ent_power_policy_find(loop->power_policy, m->nodes[n].name)
                : NULL;
        off += rec && rec->state == ENT_NODE_POWER_OFF; /* seen off, not only told to go */
    }
    const char *state = mr->missing[k]                          ? "not found"
                        : left > 0 && r->skipped                ? "blocked"
                        : left > 0                              ? "emptying"
                        : mr->items[k].power_off && off < count ? "powering off"
                        : mr->items[k].power_off                ? "powered off"
                                                                : "empty";
    const char *why = mr->missing[k] ? mr->missing[k] : left > 0 && r->skipped ? r->reason : NULL;
    return json_pack("{s:s, s:o, s:I, s:o, s:b, s:s, s:s?}", "state", state, "nodes", nodes,
                     "vms_left", (json_int_t)left, "vms_left_per_node", per_node, "power_off",
                     mr->items[k].power_off, "reason", mr->items[k].reason, "why", why);
}

void ent_loop_maintenance_end(struct ent_loop *loop, struct ent_round *r, const struct ent_model *m,
                              struct ent_maintenance_round *mr)
{
    size_t *hosted = mr->n ? ent_model_hosted_per_node(m) : NULL;
    for (size_t k = 0; k < mr->n; k++) {
        if (!r->maintenance)
            r->maintenance = json_object();
        json_object_set_new(r->maintenance, mr->items[k].target,
                            progress(loop, r, m, mr, k, hosted));
        ent_free(mr->nodes[k]);
        ent_free(mr->missing[k]);
    }
    ent_free(hosted);
    ent_free(mr->items);
    ent_free(mr->nodes);
    ent_free(mr->missing);
    memset(mr, 0, sizeof *mr);
}
