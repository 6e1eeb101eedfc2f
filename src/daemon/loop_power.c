/* The loop's power: nodes monitoring has seen empty long enough powered off, offline ones booted
 * when spare capacity runs short or the VMs no longer fit (power_policy.h decides, the power
 * drivers act); and what the cluster draws, round after round. */
#include "daemon/loop_power.h"

#include "daemon/power_policy.h"
#include "drivers/power.h"
#include "exec/journal.h"
#include "model/model.h"
#include "model/plan.h"
#include "model/power.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"

#include <stdio.h>
#include <string.h>

static bool can_power_off(void *arg, const char *node)
{
    return ent_power_can(arg, node, ENT_POWER_DO_OFF);
}

static bool can_power_on(void *arg, const char *node)
{
    return ent_power_can(arg, node, ENT_POWER_DO_ON);
}

/* One power action, journaled before and after: 0, or the refusal logged (the node as it was). */
static int switch_node(struct ent_loop *loop, struct ent_round *r, int64_t journal_round,
                       const char *node, enum ent_power_action action, const char *why)
{
    const char *verb = action == ENT_POWER_DO_ON ? "on" : "off";
    size_t index = ENT_JOURNAL_POWER_INDEX + r->powered_on + r->powered_off + r->power_failed;
    struct ent_error err;
    ent_error_init(&err);
    if (loop->journal && journal_round >= 0 &&
        ent_journal_power(loop->journal, journal_round, index,
                          ent_action_kind_name(action == ENT_POWER_DO_ON
                                                   ? ENT_ACTION_BOOT_NODE
                                                   : ENT_ACTION_SHUTDOWN_NODE),
                          node, &err)) {
        ent_log_error("round %ld: powering %s %s: %s: not done", r->round, node, verb, err.msg);
        r->power_failed++;
        return -1; /* write-ahead: what the journal did not take does not happen */
    }
    enum ent_power_state ignored;
    int rc = ent_power_act(loop->power, node, action, &ignored, &err);
    if (rc) {
        ent_log_error("round %ld: powering %s %s: %s (it stays as it was)", r->round, node, verb,
                      err.msg);
        r->power_failed++;
    } else {
        ent_info("round %ld: powering %s %s (%s)", r->round, node, verb, why);
        ent_power_policy_set(loop->power_policy, node,
                             action == ENT_POWER_DO_ON ? ENT_NODE_POWER_BOOTING
                                                       : ENT_NODE_POWER_SHUTTING_DOWN,
                             ent_now());
    }
    struct ent_error jerr;
    ent_error_init(&jerr);
    if (loop->journal && journal_round >= 0 &&
        ent_journal_action(loop->journal, journal_round, index, rc ? "failed" : "done",
                           rc ? err.msg : why, &jerr))
        ent_log_error("%s", jerr.msg);
    return rc;
}

/* Offline nodes booted while the empty online ones fall short of power.spare_nodes, or when the
 * last decision found no room: the least idle watts per MB first. */
static void boot_phase(struct ent_loop *loop, struct ent_round *r, int64_t journal_round,
                       const struct ent_model *m)
{
    size_t want = ent_power_policy_boots_wanted(loop->power_policy, m, loop->short_of_room);
    const char **on = ent_malloc((loop->power_policy->len + 1) * sizeof *on);
    size_t n = ent_power_policy_choose_on(loop->power_policy, want, can_power_on, loop->power, on);
    for (size_t i = 0; i < n; i++) {
        char *node = ent_strdup(on[i]); /* the policy's name moves when it changes */
        if (!switch_node(loop, r, journal_round, node, ENT_POWER_DO_ON,
                         loop->short_of_room > 0 ? "the VMs no longer fit" : "spare capacity"))
            r->powered_on++;
        ent_free(node);
    }
    ent_free(on);
}

/* Nodes in maintenance with power-off, seen empty: off now; those a maintenance switched off
 * whose maintenance ended: on again. */
static void maintenance_power(struct ent_loop *loop, struct ent_round *r, int64_t journal_round,
                              const struct ent_model *m)
{
    int32_t *off = ent_malloc((m->n_nodes + 1) * sizeof *off);
    const char **on = ent_malloc((loop->power_policy->len + 1) * sizeof *on);
    size_t n_off,
        n_on = ent_power_policy_maintenance_changes(loop->power_policy, m, off, &n_off, on);
    char **names = ent_calloc(n_on + 1, sizeof *names); /* the policy's names move on change */
    for (size_t i = 0; i < n_on; i++)
        names[i] = ent_strdup(on[i]);
    for (size_t i = 0; i < n_off; i++) {
        const char *node = m->nodes[off[i]].name;
        if (!can_power_off(loop->power, node))
            continue;
        if (!switch_node(loop, r, journal_round, node, ENT_POWER_DO_OFF, "maintenance")) {
            r->powered_off++;
            ent_power_policy_find(loop->power_policy, node)->off_for_maintenance = true;
        }
    }
    for (size_t i = 0; i < n_on; i++) {
        if (can_power_on(loop->power, names[i]) &&
            !switch_node(loop, r, journal_round, names[i], ENT_POWER_DO_ON, "maintenance ended")) {
            r->powered_on++;
            ent_power_policy_find(loop->power_policy, names[i])->off_for_maintenance = false;
        }
        ent_free(names[i]);
    }
    ent_free(names);
    ent_free(on);
    ent_free(off);
}

bool ent_loop_power(struct ent_loop *loop, struct ent_round *r, int64_t journal_round,
                    struct ent_model *m)
{
    if (!loop->power_policy || !loop->power)
        return true;
    double now = ent_now();
    ent_power_policy_observe(loop->power_policy, m, now);
    int32_t *off = ent_malloc((m->n_nodes + 1) * sizeof *off);
    size_t n = loop->dry_run || loop->short_of_room > 0 || !loop->power_off_empty
                   ? 0
                   : ent_power_policy_choose_off(loop->power_policy, m, now, can_power_off,
                                                 loop->power, off);
    for (size_t i = 0; i < n; i++) {
        const char *node = m->nodes[off[i]].name;
        char why[64];
        snprintf(why, sizeof why, "empty for %.0f s",
                 now - ent_power_policy_find(loop->power_policy, node)->empty_since);
        if (!switch_node(loop, r, journal_round, node, ENT_POWER_DO_OFF, why))
            r->powered_off++;
    }
    ent_free(off);
    if (!loop->dry_run) {
        maintenance_power(loop, r, journal_round, m);
        if (loop->power_off_empty)
            boot_phase(loop, r, journal_round, m);
    }
    ent_power_policy_hide(loop->power_policy, m);
    return true;
}

/* Watts the nodes that are off would draw on, idle: those monitoring shows offline, and those the
 * policy switched off that it does not show at all. */
static double watts_of_nodes_off(const struct ent_loop *loop, const struct ent_model *m)
{
    double watts = 0;
    for (size_t n = 0; n < m->n_nodes; n++)
        if (m->map.node_state[n] != ENT_NODE_ONLINE)
            watts += ent_node_watts(m, (int32_t)n, 0);
    const struct ent_power_policy *p = loop->power_policy;
    for (size_t i = 0; p && i < p->len; i++)
        if (!p->nodes[i].shown && p->nodes[i].state != ENT_NODE_POWER_ON)
            watts += p->nodes[i].watts_idle;
    return watts;
}

void ent_loop_account_energy(struct ent_loop *loop, struct ent_round *r, const struct ent_model *m)
{
    struct ent_energy *e = &loop->energy;
    double now = ent_now();
    if (e->at > 0) { /* the last round's draw, over the time since */
        double hours = (now - e->at) / 3600;
        e->kwh += e->watts * hours / 1000;
        e->kwh_all_on += e->watts_all_on * hours / 1000;
    }
    e->at = now;
    e->watts = ent_online_watts(m, &m->map);
    e->watts_all_on = e->watts + watts_of_nodes_off(loop, m);
    r->energy = *e;
    const struct ent_power_policy *p = loop->power_policy;
    for (size_t i = 0; p && i < p->len; i++) {
        const struct ent_power_record *n = &p->nodes[i];
        if (n->state == ENT_NODE_POWER_ON && n->boot_seconds < 0)
            continue; /* never switched */
        if (!r->power)
            r->power = json_array();
        json_array_append_new(r->power,
                              json_pack("{s:s, s:s, s:o?, s:b}", "node", n->node, "state",
                                        ent_node_power_name(n->state), "boot_seconds",
                                        n->boot_seconds >= 0 ? json_real(n->boot_seconds) : NULL,
                                        "boot_failed", n->boot_failed));
    }
    ent_info("round %ld: power: %.1f W predicted for the online nodes (%.1f W with every node on); "
             "%.4f kWh since start (%.4f kWh with every node on)",
             r->round, e->watts, e->watts_all_on, e->kwh, e->kwh_all_on);
}
