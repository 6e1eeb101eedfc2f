/* The loop's failure memory: a node that a failed action went to is avoided as a destination for
 * loop.avoid_rounds rounds, logged and shown by entropy status, so that a node that keeps
 * refusing does not make every round plan the same failing moves; and the loop's memory of its
 * rounds as a whole: released, or carried over to a reload's new setup. */
#include "daemon/avoid.h"
#include "daemon/in_flight.h"
#include "daemon/lag.h"

#include "daemon/loop.h"
#include "model/model.h"
#include "model/plan.h"
#include "util/alloc.h"
#include "util/log.h"

#include <string.h>

void ent_loop_release(struct ent_loop *loop)
{
    if (!loop)
        return;
    for (size_t i = 0; i < loop->n_avoided; i++) {
        ent_free(loop->avoided[i].node);
        ent_free(loop->avoided[i].why);
    }
    ent_free(loop->avoided);
    loop->avoided = NULL;
    loop->n_avoided = 0;
    ent_lag_release(loop);
    ent_in_flight_release(loop);
    ent_autostart_release(&loop->autostart);
    ent_failover_release(&loop->failover);
}

void ent_loop_carry_memory(struct ent_loop *next, struct ent_loop *old)
{
    next->round = old->round;
    next->avoided = old->avoided;
    next->n_avoided = old->n_avoided;
    old->avoided = NULL;
    old->n_avoided = 0;
    next->moved = old->moved;
    next->n_moved = old->n_moved;
    old->moved = NULL;
    old->n_moved = 0;
    next->in_flight = old->in_flight;
    next->n_in_flight = old->n_in_flight;
    next->cap_in_flight = old->cap_in_flight;
    old->in_flight = NULL;
    old->n_in_flight = old->cap_in_flight = 0;
    ent_autostart_carry(&next->autostart, &old->autostart);
    ent_failover_carry(&next->failover, &old->failover);
}

void ent_avoid_remember(struct ent_loop *loop, const char *node, const char *why)
{
    if (loop->avoid_rounds <= 0 || !node)
        return;
    long until = loop->round + loop->avoid_rounds;
    for (size_t i = 0; i < loop->n_avoided; i++)
        if (strcmp(loop->avoided[i].node, node) == 0) {
            loop->avoided[i].until_round = until;
            ent_free(loop->avoided[i].why);
            loop->avoided[i].why = ent_strdup(why ? why : "");
            return;
        }
    loop->avoided = ent_reallocarray(loop->avoided, loop->n_avoided + 1, sizeof *loop->avoided);
    loop->avoided[loop->n_avoided++] =
        (struct ent_avoided){ent_strdup(node), until, ent_strdup(why ? why : "")};
    ent_warn("round %ld: node %s avoided as a destination until round %ld: %s", loop->round, node,
             until, why ? why : "an action to it failed");
}

/* Forgets the nodes whose time is over. */
static void expire(struct ent_loop *loop)
{
    size_t kept = 0;
    for (size_t i = 0; i < loop->n_avoided; i++) {
        struct ent_avoided *a = &loop->avoided[i];
        if (a->until_round >= loop->round) {
            loop->avoided[kept++] = *a;
            continue;
        }
        ent_info("round %ld: node %s is a destination again", loop->round, a->node);
        ent_free(a->node);
        ent_free(a->why);
    }
    loop->n_avoided = kept;
}

static int32_t node_by_name(const struct ent_model *m, const char *name)
{
    for (size_t n = 0; n < m->n_nodes; n++)
        if (m->nodes[n].name && strcmp(m->nodes[n].name, name) == 0)
            return (int32_t)n;
    return -1;
}

json_t *ent_avoid_json(const struct ent_loop *loop)
{
    json_t *list = json_array();
    for (size_t i = 0; i < loop->n_avoided; i++)
        json_array_append_new(
            list, json_pack("{s:s, s:I, s:s}", "node", loop->avoided[i].node, "until_round",
                            (json_int_t)loop->avoided[i].until_round, "why", loop->avoided[i].why));
    return list;
}

void ent_avoid_apply(struct ent_loop *loop, struct ent_model *m)
{
    expire(loop);
    for (size_t i = 0; i < loop->n_avoided; i++) {
        int32_t node = node_by_name(m, loop->avoided[i].node);
        if (node < 0)
            continue;
        /* ban: no VM that is not on the node already may go there this round */
        struct ent_constraint ban = {.kind = ENT_CK_BAN, .name = ent_strdup("ban"), .res = -1};
        ban.vms = ent_malloc((m->n_vms + 1) * sizeof *ban.vms);
        for (size_t v = 0; v < m->n_vms; v++)
            if (m->map.vm_host[v] != node)
                ban.vms[ban.n_vms++] = (int32_t)v;
        ban.nodes = ent_malloc(sizeof *ban.nodes);
        ban.nodes[0] = node;
        ban.n_nodes = 1;
        ent_constraint_set_add(&m->constraints, &ban);
    }
}

void ent_avoid_learn(struct ent_loop *loop, const struct ent_model *m, const struct ent_plan *plan,
                     const struct ent_exec_result *res)
{
    for (size_t i = 0; i < plan->len && i < res->len; i++) {
        const struct ent_action *a = &plan->actions[i];
        int32_t dest = a->to >= 0 ? a->to : a->node;
        if (res->outcomes[i].status == ENT_ACTION_FAILED && dest >= 0 &&
            a->kind != ENT_ACTION_SHUTDOWN_NODE)
            ent_avoid_remember(loop, m->nodes[dest].name, res->outcomes[i].error);
    }
}
