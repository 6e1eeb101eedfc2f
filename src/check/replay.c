/* Replays a plan in time order. At an instant, actions that end release what they held before
 * actions that start reserve (intervals are [start, end)). A migrating VM holds its demand on the
 * source until the end and its final demand on the destination from the start. A VM that stays
 * keeps its current demand until the plan is over; the final state is checked with final demands.
 */
#include "check/check.h"
#include "check/internal.h"

#include "model/model.h"
#include "model/plan.h"
#include "util/alloc.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct event {
    int64_t time;
    uint32_t action;
    uint8_t is_start;
};

static int cmp_event(const void *a, const void *b)
{
    const struct event *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    if (x->is_start != y->is_start)
        return x->is_start - y->is_start; /* ends first */
    return x->action < y->action ? -1 : x->action > y->action;
}

static const char *vm_name(struct replay *rp, int32_t vm, char *b, size_t n)
{
    return ent_vm_label(rp->m, vm, b, n);
}

static const char *node_name(struct replay *rp, int32_t node, char *b, size_t n)
{
    return ent_node_label(rp->m, node, b, n);
}

static void check_node_capacity(struct replay *rp, int32_t node, int64_t time, long action)
{
    char b[64];
    for (size_t r = 0; r < rp->m->n_res; r++) {
        int64_t cap = rp->cap[r][node];
        if (rp->usage[r][node] > cap)
            ent_check_violation(rp->rep, ENT_VIOLATION_CAPACITY, time, action,
                                "node %s: %s use %" PRId64 " exceeds capacity %" PRId64,
                                node_name(rp, node, b, sizeof b), rp->m->res[r].name,
                                rp->usage[r][node], cap);
    }
}

static void reserve(struct replay *rp, int32_t vm, int32_t node, int64_t time, long action)
{
    for (size_t r = 0; r < rp->m->n_res; r++)
        rp->usage[r][node] += rp->final_demand[r][vm];
    check_node_capacity(rp, node, time, action);
}

static void release(struct replay *rp, int32_t vm, int32_t node)
{
    for (size_t r = 0; r < rp->m->n_res; r++) {
        rp->usage[r][node] -= rp->held[r][vm];
        rp->held[r][vm] = 0;
    }
}

static void hold_final(struct replay *rp, int32_t vm)
{
    for (size_t r = 0; r < rp->m->n_res; r++)
        rp->held[r][vm] = rp->final_demand[r][vm];
}

/* A node can receive a VM: online and not shutting down. */
static bool can_receive(struct replay *rp, int32_t node)
{
    return rp->map->node_state[node] == ENT_NODE_ONLINE && rp->node_busy[node] == NODE_IDLE;
}

#define ILLEGAL(...) ent_check_violation(rp->rep, ENT_VIOLATION_ILLEGAL, t, (long)i, __VA_ARGS__)

/* Whether the VM of action i is in the state the action starts from; records why not. */
static int vm_state_allows(struct replay *rp, uint32_t i)
{
    const struct ent_action *a = &rp->plan->actions[i];
    int64_t t = a->start;
    char b1[64], b2[64], b3[64];
    const char *kind = ent_action_kind_name(a->kind);
    uint8_t st = a->vm >= 0 ? rp->map->vm_state[a->vm] : 0;
    int32_t host = a->vm >= 0 ? rp->map->vm_host[a->vm] : -1;
    const char *state = ent_vm_state_name((enum ent_vm_state)st);
    switch (a->kind) {
    case ENT_ACTION_BOOT_VM:
        if (st == ENT_VM_READY)
            return 1;
        ILLEGAL("bootVM of VM %s, which is %s, not ready", vm_name(rp, a->vm, b1, sizeof b1),
                state);
        return 0;
    case ENT_ACTION_RESUME_VM:
        if (st == ENT_VM_SLEEPING && host == a->from)
            return 1;
        ILLEGAL("resumeVM of VM %s from %s, but the VM is %s", vm_name(rp, a->vm, b1, sizeof b1),
                node_name(rp, a->from, b2, sizeof b2), state);
        return 0;
    case ENT_ACTION_KILL_VM:
        if (st != ENT_VM_KILLED &&
            !((st == ENT_VM_RUNNING || st == ENT_VM_SLEEPING) && host != a->from))
            return 1;
        ILLEGAL("killVM of VM %s on %s, but the VM is %s elsewhere",
                vm_name(rp, a->vm, b1, sizeof b1), node_name(rp, a->from, b2, sizeof b2), state);
        return 0;
    default: /* migrate, suspend, shutdown, allocate: from where it runs */
        if (st == ENT_VM_RUNNING && host == a->from)
            return 1;
        ILLEGAL("%s of VM %s from %s, but the VM is %s on %s", kind,
                vm_name(rp, a->vm, b1, sizeof b1), node_name(rp, a->from, b2, sizeof b2), state,
                node_name(rp, host, b3, sizeof b3));
        return 0;
    }
}

/* Whether node action i may start: boot an idle offline node, shut down an idle empty online one
 * nothing arrives on; records why not. */
static int node_state_allows(struct replay *rp, uint32_t i)
{
    const struct ent_action *a = &rp->plan->actions[i];
    struct ent_mapping *map = rp->map;
    int64_t t = a->start;
    int32_t n = a->node;
    char b1[64], b2[64];
    if (a->kind == ENT_ACTION_BOOT_NODE) {
        if (map->node_state[n] == ENT_NODE_OFFLINE && !rp->node_busy[n])
            return 1;
        ILLEGAL("bootNode of %s, which is not an idle offline node",
                node_name(rp, n, b1, sizeof b1));
        return 0;
    }
    if (map->node_state[n] != ENT_NODE_ONLINE || rp->node_busy[n]) {
        ILLEGAL("shutdownNode of %s, which is not an idle online node",
                node_name(rp, n, b1, sizeof b1));
        return 0;
    }
    if (rp->incoming[n]) {
        ILLEGAL("shutdownNode of %s while %d VM(s) are arriving on it",
                node_name(rp, n, b1, sizeof b1), rp->incoming[n]);
        return 0;
    }
    for (size_t r = 0; r < rp->m->n_res; r++)
        if (rp->usage[r][n] > 0) {
            ILLEGAL("shutdownNode of %s, which still hosts running VMs",
                    node_name(rp, n, b1, sizeof b1));
            return 0;
        }
    for (size_t v = 0; v < rp->m->n_vms; v++)
        if (map->vm_host[v] == n) {
            ILLEGAL("shutdownNode of %s, which still hosts VM %s", node_name(rp, n, b1, sizeof b1),
                    vm_name(rp, (int32_t)v, b2, sizeof b2));
            return 0;
        }
    return 1;
}

/* Returns whether the action may start; records why not. */
static int start_is_legal(struct replay *rp, uint32_t i)
{
    const struct ent_action *a = &rp->plan->actions[i];
    struct ent_mapping *map = rp->map;
    int64_t t = a->start;
    char b1[64], b2[64];
    const char *kind = ent_action_kind_name(a->kind);
    if (a->vm >= 0 && rp->vm_busy[a->vm]) {
        ent_check_violation(rp->rep, ENT_VIOLATION_OVERLAP, t, (long)i,
                            "%s of VM %s overlaps action %" PRId64 " on the same VM", kind,
                            vm_name(rp, a->vm, b1, sizeof b1), rp->vm_busy[a->vm] - 1);
        return 0;
    }
    if (a->kind >= ENT_ACTION_KIND_COUNT)
        return 0;
    int node_action = a->kind == ENT_ACTION_BOOT_NODE || a->kind == ENT_ACTION_SHUTDOWN_NODE;
    if (!(node_action ? node_state_allows(rp, i) : vm_state_allows(rp, i)))
        return 0;
    int32_t dest = a->kind == ENT_ACTION_MIGRATE_VM || a->kind == ENT_ACTION_BOOT_VM ||
                           a->kind == ENT_ACTION_RESUME_VM || a->kind == ENT_ACTION_SUSPEND_VM
                       ? a->to
                       : -1;
    if (dest >= 0 && !can_receive(rp, dest)) {
        ILLEGAL("%s of VM %s to %s, which is %s", kind, vm_name(rp, a->vm, b1, sizeof b1),
                node_name(rp, dest, b2, sizeof b2),
                map->node_state[dest] == ENT_NODE_ONLINE ? "shutting down" : "offline");
        return 0;
    }
    if (a->kind == ENT_ACTION_MIGRATE_VM && a->to == a->from) {
        ILLEGAL("migrateVM of VM %s to the node it is on", vm_name(rp, a->vm, b1, sizeof b1));
        return 0;
    }
    return 1;
}

static void apply_start(struct replay *rp, uint32_t i)
{
    const struct ent_action *a = &rp->plan->actions[i];
    if (a->vm >= 0)
        rp->vm_busy[a->vm] = (int64_t)i + 1;
    switch (a->kind) {
    case ENT_ACTION_MIGRATE_VM:
    case ENT_ACTION_BOOT_VM:
    case ENT_ACTION_RESUME_VM:
        rp->incoming[a->to]++;
        rp->dest[a->vm] = a->to;
        reserve(rp, a->vm, a->to, a->start, (long)i);
        break;
    case ENT_ACTION_SUSPEND_VM:
        rp->incoming[a->to]++;
        break;
    case ENT_ACTION_ALLOCATE: {
        int64_t delta = a->amount - rp->held[a->res][a->vm];
        if (delta > 0) { /* growth is reserved at the start, shrinking released at the end */
            rp->usage[a->res][a->from] += delta;
            rp->held[a->res][a->vm] = a->amount;
            check_node_capacity(rp, a->from, a->start, (long)i);
        }
        break;
    }
    case ENT_ACTION_BOOT_NODE:
        rp->node_busy[a->node] = NODE_BOOTING;
        break;
    case ENT_ACTION_SHUTDOWN_NODE:
        rp->node_busy[a->node] = NODE_HALTING;
        break;
    default:
        break;
    }
}

static void apply_end(struct replay *rp, uint32_t i)
{
    const struct ent_action *a = &rp->plan->actions[i];
    struct ent_mapping *map = rp->map;
    if (a->vm >= 0) {
        rp->vm_busy[a->vm] = 0;
        rp->dest[a->vm] = -1;
    }
    switch (a->kind) {
    case ENT_ACTION_MIGRATE_VM:
        release(rp, a->vm, a->from);
        hold_final(rp, a->vm);
        map->vm_host[a->vm] = a->to;
        rp->incoming[a->to]--;
        break;
    case ENT_ACTION_BOOT_VM:
    case ENT_ACTION_RESUME_VM:
        hold_final(rp, a->vm);
        map->vm_state[a->vm] = ENT_VM_RUNNING;
        map->vm_host[a->vm] = a->to;
        rp->incoming[a->to]--;
        break;
    case ENT_ACTION_SUSPEND_VM:
        release(rp, a->vm, a->from);
        map->vm_state[a->vm] = ENT_VM_SLEEPING;
        map->vm_host[a->vm] = a->to;
        rp->incoming[a->to]--;
        break;
    case ENT_ACTION_SHUTDOWN_VM:
        release(rp, a->vm, a->from);
        map->vm_state[a->vm] = ENT_VM_READY;
        map->vm_host[a->vm] = -1;
        break;
    case ENT_ACTION_KILL_VM:
        if (map->vm_host[a->vm] >= 0)
            release(rp, a->vm, map->vm_host[a->vm]);
        map->vm_state[a->vm] = ENT_VM_KILLED;
        map->vm_host[a->vm] = -1;
        break;
    case ENT_ACTION_ALLOCATE: {
        int64_t delta = a->amount - rp->held[a->res][a->vm];
        if (delta < 0) {
            rp->usage[a->res][a->from] += delta;
            rp->held[a->res][a->vm] = a->amount;
        }
        break;
    }
    case ENT_ACTION_BOOT_NODE:
        map->node_state[a->node] = ENT_NODE_ONLINE;
        rp->node_busy[a->node] = NODE_IDLE;
        break;
    case ENT_ACTION_SHUTDOWN_NODE:
        map->node_state[a->node] = ENT_NODE_OFFLINE;
        rp->node_busy[a->node] = NODE_IDLE;
        break;
    case ENT_ACTION_KIND_COUNT:
        break;
    }
}

static int64_t **matrix(size_t rows, size_t cols)
{
    int64_t **mx = ent_calloc(rows ? rows : 1, sizeof *mx);
    for (size_t r = 0; r < rows; r++)
        mx[r] = ent_calloc(cols ? cols : 1, sizeof(int64_t));
    return mx;
}

static void matrix_free(int64_t **mx, size_t rows)
{
    for (size_t r = 0; r < rows; r++)
        ent_free(mx[r]);
    ent_free(mx);
}

void ent__check_replay(const struct ent_model *m, const struct ent_plan *plan,
                       int64_t *const *final_demand, int64_t *const *cap, struct ent_mapping *final,
                       struct ent_check_report *rep)
{
    struct replay rp = {
        .m = m, .plan = plan, .final_demand = final_demand, .cap = cap, .map = final, .rep = rep};
    ent_mapping_copy(final, &m->map);
    rp.usage = matrix(m->n_res, m->n_nodes);
    rp.held = matrix(m->n_res, m->n_vms);
    rp.vm_busy = ent_calloc(m->n_vms ? m->n_vms : 1, sizeof *rp.vm_busy);
    rp.node_busy = ent_calloc(m->n_nodes ? m->n_nodes : 1, 1);
    rp.incoming = ent_calloc(m->n_nodes ? m->n_nodes : 1, sizeof *rp.incoming);
    rp.legal = ent_calloc(plan->len ? plan->len : 1, 1);
    rp.dest = ent_malloc((m->n_vms + 1) * sizeof *rp.dest);
    memset(rp.dest, 0xff, (m->n_vms + 1) * sizeof *rp.dest);
    ent__check_rules_init(&rp);

    for (size_t v = 0; v < m->n_vms; v++) {
        if (m->map.vm_state[v] != ENT_VM_RUNNING)
            continue;
        for (size_t r = 0; r < m->n_res; r++) {
            rp.held[r][v] = m->res[r].demand[v];
            rp.usage[r][m->map.vm_host[v]] += rp.held[r][v];
        }
    }
    /* An overload the plan starts from is the instance's (load grew), not the plan's: it is
     * reported apart. Arrivals on such a node are still checked, and the final state must fit. */
    for (size_t n = 0; n < m->n_nodes; n++)
        for (size_t r = 0; r < m->n_res; r++)
            if (rp.usage[r][n] > cap[r][n]) {
                rep->initial_overloads++;
                break;
            }

    struct event *ev = ent_malloc((2 * plan->len + 1) * sizeof *ev);
    size_t n_ev = 0;
    for (size_t i = 0; i < plan->len; i++) {
        const struct ent_action *a = &plan->actions[i];
        if (a->start < 0 || a->end < a->start) {
            ent_check_violation(rep, ENT_VIOLATION_TIMING, a->start, (long)i,
                                "%s: start %" PRId64 ", end %" PRId64
                                " (times must satisfy 0 <= start <= end)",
                                ent_action_kind_name(a->kind), a->start, a->end);
            continue;
        }
        ev[n_ev++] = (struct event){a->start, (uint32_t)i, 1};
        ev[n_ev++] = (struct event){a->end, (uint32_t)i, 0};
    }
    qsort(ev, n_ev, sizeof *ev, cmp_event);
    for (size_t k = 0; k < n_ev; k++) {
        uint32_t i = ev[k].action;
        if (ev[k].is_start) {
            if ((rp.legal[i] = (uint8_t)start_is_legal(&rp, i))) {
                ent__check_rules_on_start(&rp, i); /* before the arrival is counted */
                apply_start(&rp, i);
            }
        } else if (rp.legal[i]) {
            apply_end(&rp, i);
        }
    }

    ent__check_rules_after(&rp);
    ent__check_rules_release(&rp);
    ent_free(rp.dest);
    ent_free(ev);
    matrix_free(rp.usage, m->n_res);
    matrix_free(rp.held, m->n_res);
    ent_free(rp.vm_busy);
    ent_free(rp.node_busy);
    ent_free(rp.incoming);
    ent_free(rp.legal);
}
