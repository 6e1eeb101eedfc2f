/* The sequential planner. Nodes that must come up boot first; actions that only free resources
 * (shutdown, suspend, kill) come next; then, pass after pass, every migration, boot or resume
 * whose destination has room for the VM's final demand runs. When none can run, the migrations
 * wait on each other in a cycle: one VM takes a bypass through the pivot node with the most room,
 * and goes on to its destination later. Emptied nodes that must go offline shut down last. */
#include "model/demand.h"
#include "model/model.h"
#include "model/plan.h"
#include "plan/durations.h"
#include "plan/planner.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stddef.h>
#include <string.h>

struct move {
    enum ent_action_kind kind;
    int32_t vm, from, to;
};

struct seq {
    const struct ent_model *m;
    const struct ent_mapping *target;
    int64_t **final; /* [r][vm] */
    int64_t *usage;  /* [node * R + r] */
    int64_t *held;   /* [vm * R + r] */
    size_t R;
    struct ent_plan *plan;
    int64_t now;
};

static struct ent_action *emit(struct seq *s, enum ent_action_kind kind, int32_t vm, int32_t from,
                               int32_t to, int32_t node)
{
    struct ent_action *a = ent_plan_add(s->plan, kind);
    a->vm = vm;
    a->from = from;
    a->to = to;
    a->node = node;
    a->start = s->now;
    a->end = s->now + ent_action_duration(s->m, kind, vm, node >= 0 ? node : to);
    s->now = a->end;
    return a;
}

static int has_room(const struct seq *s, int32_t vm, int32_t node)
{
    for (size_t r = 0; r < s->R; r++)
        if (s->usage[(size_t)node * s->R + r] + s->final[r][vm] > s->m->res[r].capacity[node])
            return 0;
    return 1;
}

static void leave(struct seq *s, int32_t vm, int32_t node)
{
    for (size_t r = 0; r < s->R; r++) {
        s->usage[(size_t)node * s->R + r] -= s->held[(size_t)vm * s->R + r];
        s->held[(size_t)vm * s->R + r] = 0;
    }
}

static void arrive(struct seq *s, int32_t vm, int32_t node)
{
    for (size_t r = 0; r < s->R; r++) {
        s->usage[(size_t)node * s->R + r] += s->final[r][vm];
        s->held[(size_t)vm * s->R + r] = s->final[r][vm];
    }
}

/* Runs one room-needing move now. */
static void run_move(struct seq *s, const struct move *mv, int bypass)
{
    struct ent_action *a = emit(s, mv->kind, mv->vm, mv->from, mv->to, -1);
    a->bypass = bypass != 0;
    if (mv->kind == ENT_ACTION_MIGRATE_VM)
        leave(s, mv->vm, mv->from);
    arrive(s, mv->vm, mv->to);
}

/* A node with room for vm that stays online and is neither end of the move; the roomiest. */
static int32_t find_pivot(const struct seq *s, const struct move *mv)
{
    const struct ent_model *m = s->m;
    int32_t best = -1;
    double best_free = -1;
    for (size_t n = 0; n < m->n_nodes; n++) {
        int32_t node = (int32_t)n;
        if (node == mv->from || node == mv->to || m->map.node_state[n] != ENT_NODE_ONLINE ||
            s->target->node_state[n] != ENT_NODE_ONLINE || !has_room(s, mv->vm, node))
            continue;
        double free_share = 0;
        for (size_t r = 0; r < s->R; r++) {
            int64_t cap = m->res[r].capacity[n];
            free_share += (double)(cap - s->usage[n * s->R + r]) / (double)(cap > 0 ? cap : 1);
        }
        if (free_share > best_free) {
            best_free = free_share;
            best = node;
        }
    }
    return best;
}

static void collect(struct seq *s, struct move *moves, size_t *n_moves)
{
    const struct ent_model *m = s->m;
    const struct ent_mapping *t = s->target;
    for (size_t i = 0; i < m->n_vms; i++) {
        int32_t v = (int32_t)i;
        uint8_t now = m->map.vm_state[v], then = t->vm_state[v];
        int32_t h = m->map.vm_host[v], th = t->vm_host[v];
        if (now == ENT_VM_RUNNING && then == ENT_VM_RUNNING && h != th)
            moves[(*n_moves)++] = (struct move){ENT_ACTION_MIGRATE_VM, v, h, th};
        else if (now == ENT_VM_READY && then == ENT_VM_RUNNING)
            moves[(*n_moves)++] = (struct move){ENT_ACTION_BOOT_VM, v, -1, th};
        else if (now == ENT_VM_SLEEPING && then == ENT_VM_RUNNING)
            moves[(*n_moves)++] = (struct move){ENT_ACTION_RESUME_VM, v, h, th};
        else if (now == ENT_VM_RUNNING && then == ENT_VM_READY) {
            emit(s, ENT_ACTION_SHUTDOWN_VM, v, h, -1, -1);
            leave(s, v, h);
        } else if (now == ENT_VM_RUNNING && then == ENT_VM_SLEEPING) {
            emit(s, ENT_ACTION_SUSPEND_VM, v, h, th >= 0 ? th : h, -1);
            leave(s, v, h);
        } else if (now != ENT_VM_KILLED && then == ENT_VM_KILLED) {
            emit(s, ENT_ACTION_KILL_VM, v, h, -1, -1);
            if (h >= 0 && now == ENT_VM_RUNNING)
                leave(s, v, h);
        }
    }
}

/* Whether vm leaving its node gives move j the room it lacks there. */
static int departure_unblocks(const struct seq *s, int32_t vm, const struct move *j)
{
    for (size_t r = 0; r < s->R; r++) {
        int64_t short_by =
            s->usage[(size_t)j->to * s->R + r] + s->final[r][j->vm] - s->m->res[r].capacity[j->to];
        if (short_by > s->held[(size_t)vm * s->R + r])
            return 0;
    }
    return 1;
}

/* Picks the migration to send through a pivot: one that leaves a node some waiting move needs,
 * preferring a departure that gives that move all the room it lacks. Returns its index, or -1. */
static ptrdiff_t choose_bypass(const struct seq *s, const struct move *moves, size_t n_moves,
                               const uint8_t *done, int32_t *pivot_out)
{
    ptrdiff_t fallback = -1;
    int32_t fallback_pivot = -1;
    for (size_t j = 0; j < n_moves; j++) {
        if (done[j])
            continue;
        for (size_t i = 0; i < n_moves; i++) {
            if (done[i] || i == j || moves[i].kind != ENT_ACTION_MIGRATE_VM ||
                moves[i].from != moves[j].to)
                continue;
            int unblocks = departure_unblocks(s, moves[i].vm, &moves[j]);
            if (!unblocks && fallback >= 0)
                continue;
            int32_t pivot = find_pivot(s, &moves[i]);
            if (pivot < 0)
                continue;
            if (unblocks) {
                *pivot_out = pivot;
                return (ptrdiff_t)i;
            }
            fallback = (ptrdiff_t)i;
            fallback_pivot = pivot;
        }
    }
    *pivot_out = fallback_pivot;
    return fallback;
}

static int run_moves(struct seq *s, struct move *moves, size_t n_moves,
                     struct ent_plan_stats *stats, struct ent_error *err)
{
    size_t left = n_moves, bypass_budget = 2 * n_moves + 16;
    uint8_t *done = ent_calloc(n_moves + 1, 1);
    int rc = 0;
    while (left && !rc) {
        size_t progress = 0;
        for (size_t i = 0; i < n_moves; i++)
            if (!done[i] && has_room(s, moves[i].vm, moves[i].to)) {
                run_move(s, &moves[i], 0);
                done[i] = 1;
                progress++;
                left--;
            }
        if (progress || !left)
            continue;
        /* Every remaining move waits for room that another remaining move holds. */
        int32_t pivot = -1;
        ptrdiff_t i = bypass_budget ? choose_bypass(s, moves, n_moves, done, &pivot) : -1;
        if (i < 0) {
            char b1[64], b2[64], b3[64];
            size_t k = 0;
            while (done[k])
                k++;
            rc = ent_error(err, ENT_EINFEASIBLE,
                           "no executable plan: %zu actions wait for room held by each other "
                           "(e.g. %s of VM %s from %s to %s) and no node has room for a bypass",
                           left, ent_action_kind_name(moves[k].kind),
                           ent_vm_label(s->m, moves[k].vm, b1, sizeof b1),
                           ent_node_label(s->m, moves[k].from, b2, sizeof b2),
                           ent_node_label(s->m, moves[k].to, b3, sizeof b3));
            break;
        }
        struct move *mv = &moves[i];
        struct move hop = {ENT_ACTION_MIGRATE_VM, mv->vm, mv->from, pivot};
        run_move(s, &hop, 1);
        mv->from = pivot;
        stats->bypasses++;
        bypass_budget--;
    }
    ent_free(done);
    return rc;
}

int ent_plan_sequential(const struct ent_model *m, const struct ent_mapping *target,
                        struct ent_plan *plan, struct ent_plan_stats *stats, struct ent_error *err)
{
    struct seq s = {.m = m, .target = target, .R = m->n_res, .plan = plan};
    memset(stats, 0, sizeof *stats);
    s.final = ent_final_demand(m);
    s.usage = ent_calloc(m->n_nodes * s.R + 1, sizeof *s.usage);
    s.held = ent_calloc(m->n_vms * s.R + 1, sizeof *s.held);
    for (size_t v = 0; v < m->n_vms; v++)
        if (m->map.vm_state[v] == ENT_VM_RUNNING)
            for (size_t r = 0; r < s.R; r++) {
                s.held[v * s.R + r] = m->res[r].demand[v];
                s.usage[(size_t)m->map.vm_host[v] * s.R + r] += m->res[r].demand[v];
            }

    for (size_t n = 0; n < m->n_nodes; n++)
        if (m->map.node_state[n] == ENT_NODE_OFFLINE && target->node_state[n] == ENT_NODE_ONLINE)
            emit(&s, ENT_ACTION_BOOT_NODE, -1, -1, -1, (int32_t)n);
    struct move *moves = ent_malloc((m->n_vms + 1) * sizeof *moves);
    size_t n_moves = 0;
    collect(&s, moves, &n_moves);
    int rc = run_moves(&s, moves, n_moves, stats, err);
    for (size_t n = 0; n < m->n_nodes && !rc; n++)
        if (m->map.node_state[n] == ENT_NODE_ONLINE && target->node_state[n] == ENT_NODE_OFFLINE)
            emit(&s, ENT_ACTION_SHUTDOWN_NODE, -1, -1, -1, (int32_t)n);

    ent_free(moves);
    ent_free(s.usage);
    ent_free(s.held);
    ent_final_demand_free(s.final, m);
    return rc;
}
