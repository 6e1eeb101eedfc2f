/* Recommend mode (loop.mode = recommend): a round's plan is recorded as recommended in the journal
 * and waits for an administrator's approval (entropy plan approve, the API's POST
 * /api/v1/plan/approve, both through the journal) until the next round would begin; then it is
 * superseded. An approved plan runs only when every VM it moves is still where the round found
 * it (a fresh snapshot); otherwise it is dropped as stale and the next round decides again. */
#include "daemon/recommend.h"

#include "daemon/loop.h"
#include "exec/journal.h"
#include "model/model.h"
#include "model/plan.h"
#include "monitor/monitor.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/hashmap.h"
#include "util/log.h"

#include <string.h>
#include <time.h>

#define POLL_SECONDS 0.2

static void nap(void)
{
    struct timespec ts = {0, (long)(POLL_SECONDS * 1e9)};
    nanosleep(&ts, NULL);
}

/* Whether the journal says approved before `until` (or a stop); the round settled either way. */
static bool approved_in_time(struct ent_loop *loop, int64_t journal_round, double until)
{
    struct ent_error err;
    ent_error_init(&err);
    char state[32] = "";
    while (ent_now() < until && !*loop->stop && strcmp(state, "approved") != 0) {
        nap();
        if (ent_journal_round_state(loop->journal, journal_round, state, sizeof state, &err)) {
            ent_log_error("%s", err.msg);
            break;
        }
    }
    bool approved = false;
    if (ent_journal_settle_recommendation(loop->journal, journal_round, &approved, &err))
        ent_log_error("%s", err.msg);
    return approved;
}

/* Whether each VM the plan moves runs where the round found it, by a fresh snapshot; names the
 * first that does not in why. */
static bool still_current(struct ent_loop *loop, const struct ent_model *m,
                          const struct ent_plan *plan, char *why, size_t size)
{
    struct ent_model now;
    struct ent_error err;
    ent_model_init(&now);
    ent_error_init(&err);
    if (ent_monitor_snapshot(loop->monitor, &now, &err)) {
        snprintf(why, size, "monitoring failed: %s", err.msg);
        ent_model_release(&now);
        return false;
    }
    struct ent_namemap where;
    ent_namemap_init(&where);
    for (size_t v = 0; v < now.n_vms; v++)
        if (now.vms[v].name && now.map.vm_state[v] == ENT_VM_RUNNING && now.map.vm_host[v] >= 0)
            ent_namemap_put(&where, now.vms[v].name, now.map.vm_host[v]);
    bool current = true;
    for (size_t i = 0; i < plan->len && current; i++) {
        const struct ent_action *a = &plan->actions[i];
        if (a->kind != ENT_ACTION_MIGRATE_VM || a->vm < 0 || !m->vms[a->vm].name)
            continue;
        int32_t host = ent_namemap_get(&where, m->vms[a->vm].name);
        const char *from = m->nodes[a->from].name;
        current =
            host >= 0 && from && now.nodes[host].name && strcmp(now.nodes[host].name, from) == 0;
        if (!current) {
            char vm[64], node[64];
            snprintf(why, size, "VM %s is no longer on %s", ent_vm_label(m, a->vm, vm, sizeof vm),
                     ent_node_label(m, a->from, node, sizeof node));
        }
    }
    ent_namemap_release(&where);
    ent_model_release(&now);
    return current;
}

bool ent_loop_await_approval(struct ent_loop *loop, struct ent_round *r, int64_t journal_round,
                             const struct ent_model *m, const struct ent_plan *plan, double until)
{
    struct ent_error err;
    ent_error_init(&err);
    if (!loop->journal || journal_round < 0 ||
        ent_journal_recommend(loop->journal, journal_round, &err)) {
        ent_log_error("round %ld: the plan cannot be recommended: %s", r->round,
                      loop->journal ? err.msg : "no journal");
        r->unapproved = "superseded";
        return false;
    }
    ent_info("round %ld: plan of %zu action(s) recommended: it waits for approval (entropy plan "
             "approve %lld) until the next round",
             r->round, plan->len, (long long)journal_round);
    if (!approved_in_time(loop, journal_round, until)) {
        ent_info("round %ld: plan not approved: superseded by the next round", r->round);
        r->unapproved = "superseded";
        return false;
    }
    char why[1200] = "";
    if (!still_current(loop, m, plan, why, sizeof why)) {
        ent_warn("round %ld: plan approved but stale (%s): not executed; the next round decides "
                 "again",
                 r->round, why);
        r->unapproved = "stale";
        return false;
    }
    ent_info("round %ld: plan approved: executing", r->round);
    return true;
}
