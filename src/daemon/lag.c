/* Monitoring lags: Ganglia reports container.vms as the node's script last published it, so a
 * round that starts soon after migrations may still see a VM on its old node. Deciding on that
 * view moves VMs back and forth between nodes (ping-pong: all to hv4, then all to hv2, ...). The
 * loop remembers where its last round put each VM; a snapshot that shows one elsewhere is not
 * acted on (the round is skipped, saying so) until monitoring catches up or ENT_LAG_GRACE passes
 * (another manager may have moved it since: then the view is believed). */
#include "daemon/lag.h"

#include "daemon/loop.h"
#include "exec/executor.h"
#include "model/model.h"
#include "model/plan.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/hashmap.h"
#include "util/str.h"

#include <string.h>

void ent_lag_release(struct ent_loop *loop)
{
    if (!loop)
        return;
    for (size_t i = 0; i < loop->n_moved; i++) {
        ent_free(loop->moved[i].vm);
        ent_free(loop->moved[i].node);
    }
    ent_free(loop->moved);
    loop->moved = NULL;
    loop->n_moved = 0;
}

void ent_lag_learn(struct ent_loop *loop, const struct ent_model *m, const struct ent_plan *plan,
                   const struct ent_exec_result *res)
{
    double now = ent_now();
    int32_t *last = ent_malloc((m->n_vms + 1) * sizeof *last); /* a VM's last action (bypass) */
    for (size_t v = 0; v < m->n_vms; v++)
        last[v] = -1;
    for (size_t i = 0; i < plan->len && i < res->len; i++) {
        const struct ent_action *a = &plan->actions[i];
        if (res->outcomes[i].status != ENT_ACTION_DONE || a->vm < 0 || a->to < 0 ||
            (a->kind != ENT_ACTION_MIGRATE_VM && a->kind != ENT_ACTION_BOOT_VM))
            continue;
        if (last[a->vm] < 0 || plan->actions[last[a->vm]].end <= a->end)
            last[a->vm] = (int32_t)i;
    }
    for (size_t v = 0; v < m->n_vms; v++) {
        const struct ent_action *a = last[v] >= 0 ? &plan->actions[last[v]] : NULL;
        if (!a || !m->vms[v].name || !m->nodes[a->to].name)
            continue;
        loop->moved = ent_reallocarray(loop->moved, loop->n_moved + 1, sizeof *loop->moved);
        loop->moved[loop->n_moved++] =
            (struct ent_moved){ent_strdup(m->vms[v].name), ent_strdup(m->nodes[a->to].name), now};
    }
    ent_free(last);
}

bool ent_lag_stale(struct ent_loop *loop, const struct ent_model *m, struct ent_str *why)
{
    if (!loop->n_moved)
        return false;
    struct ent_namemap vms;
    ent_namemap_init(&vms);
    for (size_t v = 0; v < m->n_vms; v++)
        if (m->vms[v].name)
            ent_namemap_put(&vms, m->vms[v].name, (int32_t)v);
    size_t stale = 0;
    double now = ent_now();
    for (size_t i = 0; i < loop->n_moved; i++) {
        const struct ent_moved *e = &loop->moved[i];
        int32_t v = ent_namemap_get(&vms, e->vm);
        int32_t h = v >= 0 && m->map.vm_state[v] == ENT_VM_RUNNING ? m->map.vm_host[v] : -1;
        const char *seen = h >= 0 ? m->nodes[h].name : NULL;
        if (!seen || strcmp(seen, e->node) == 0 || now - e->when > ENT_LAG_GRACE)
            continue;
        if (!stale++)
            ent_str_addf(why, "%s, moved to %s by the last round, is still seen on %s", e->vm,
                         e->node, seen);
    }
    ent_namemap_release(&vms);
    if (stale > 1)
        ent_str_addf(why, " (and %zu more)", stale - 1);
    if (!stale)
        ent_lag_release(loop); /* caught up (or given up on): nothing more to wait for */
    return stale > 0;
}
