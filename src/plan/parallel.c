/* The parallel scheduler (list scheduling in continuous time, as BtrPlace plans). Every action
 * starts as soon as it can: a move when its destination is online and has room for the VM's
 * final demand, and, for a migration, when both nodes' links have a free slot (at most
 * node_concurrency migrations through a link, total_concurrency in all). A migration holds k of
 * its links' slots and runs at k / node_concurrency of the bandwidth, so no migration already
 * running is ever slowed down by a later one; k is every free slot when nothing else waits for
 * those links, else one. Among the moves that can start, those that leave a node another move
 * waits for go first, then the shortest (which keeps the sum of end times, the MTTR, low).
 * Ends release the source. Cycles are broken as in the sequential planner, when nothing is
 * running: a bypass through a pivot, else a suspend and a later resume. Nodes that go offline
 * shut down as soon as they are empty; nodes the plan empties (option) at the end. */
#include "model/model.h"
#include "model/plan.h"
#include "plan/durations.h"
#include "plan/internal.h"
#include "plan/moves.h"
#include "plan/planner.h"
#include "plan/room.h"
#include "plan/timing.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum { WAITING, RUNNING, DONE };

struct inflight {
    int64_t end;
    int32_t action; /* index in the plan */
    int32_t move;   /* index in moves; -1 for other actions; -2 - i for a hop (bypass or suspend)
                     * of move i, which waits again once the hop ends */
    int32_t slots;  /* link slots held on from and to */
};

#define HOP(i) (-2 - (int32_t)(i))

struct sched {
    const struct ent_model *m;
    const struct ent_mapping *target;
    const struct ent_plan_options *opts;
    struct ent_room room;
    struct ent_plan *plan;
    struct ent_move *moves;
    size_t n_moves, left;
    uint8_t *state;      /* per move */
    int32_t *slots_used; /* per node */
    int32_t running_migrations;
    uint8_t *online;     /* per node, as the plan unfolds */
    int32_t *on_node;    /* VMs hosted (running or sleeping) per node */
    int32_t *waiting_to; /* waiting moves per destination node */
    uint8_t *halting;    /* per node: goes offline once empty (1), shutdown emitted (2) */
    /* moves by destination and by source (CSR) */
    uint32_t *by_to_start, *by_from_start;
    int32_t *by_to, *by_from;
    /* in flight: a binary heap on end */
    struct inflight *heap;
    size_t n_heap;
    /* nodes whose room or links changed since the last look */
    uint8_t *dirty;
    int32_t *dirty_list;
    int32_t *want; /* per node: candidate migrations through its link, at one decision point */
    struct ent_timing timing;  /* continuous constraints, seq, noDelay */
    struct ent_freeing *defer; /* freeing actions waiting for their turn (seq) */
    size_t n_defer;
    int look_again; /* a VM others wait for (seq) is done: look at every move */
    size_t n_dirty;
    int64_t now;
};

static void heap_push(struct sched *s, struct inflight x)
{
    size_t i = s->n_heap++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (s->heap[parent].end < x.end ||
            (s->heap[parent].end == x.end && s->heap[parent].action < x.action))
            break;
        s->heap[i] = s->heap[parent];
        i = parent;
    }
    s->heap[i] = x;
}

static struct inflight heap_pop(struct sched *s)
{
    struct inflight top = s->heap[0], last = s->heap[--s->n_heap];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= s->n_heap)
            break;
        if (c + 1 < s->n_heap &&
            (s->heap[c + 1].end < s->heap[c].end ||
             (s->heap[c + 1].end == s->heap[c].end && s->heap[c + 1].action < s->heap[c].action)))
            c++;
        if (last.end < s->heap[c].end ||
            (last.end == s->heap[c].end && last.action <= s->heap[c].action))
            break;
        s->heap[i] = s->heap[c];
        i = c;
    }
    s->heap[i] = last;
    return top;
}

static void mark_dirty(struct sched *s, int32_t node)
{
    if (node >= 0 && !s->dirty[node]) {
        s->dirty[node] = 1;
        s->dirty_list[s->n_dirty++] = node;
    }
}

static int32_t start_action(struct sched *s, enum ent_action_kind kind, int32_t vm, int32_t from,
                            int32_t to, int32_t node, int64_t duration, int32_t move, int32_t slots,
                            int bypass)
{
    struct ent_action *a = ent_plan_add(s->plan, kind);
    a->vm = vm;
    a->from = from;
    a->to = to;
    a->node = node;
    a->start = s->now;
    a->end = s->now + duration;
    a->bypass = bypass != 0;
    int32_t idx = (int32_t)(s->plan->len - 1);
    heap_push(s, (struct inflight){a->end, idx, move, slots});
    return idx;
}

static void build_index(struct sched *s)
{
    size_t N = s->m->n_nodes;
    s->by_to_start = ent_calloc(N + 2, sizeof(uint32_t));
    s->by_from_start = ent_calloc(N + 2, sizeof(uint32_t));
    for (size_t i = 0; i < s->n_moves; i++) {
        s->by_to_start[s->moves[i].to + 2]++;
        if (s->moves[i].from >= 0)
            s->by_from_start[s->moves[i].from + 2]++;
    }
    for (size_t n = 0; n < N; n++) {
        s->by_to_start[n + 2] += s->by_to_start[n + 1];
        s->by_from_start[n + 2] += s->by_from_start[n + 1];
    }
    s->by_to = ent_malloc((s->n_moves + 1) * sizeof(int32_t));
    s->by_from = ent_malloc((s->n_moves + 1) * sizeof(int32_t));
    for (size_t i = 0; i < s->n_moves; i++) {
        s->by_to[s->by_to_start[s->moves[i].to + 1]++] = (int32_t)i;
        if (s->moves[i].from >= 0)
            s->by_from[s->by_from_start[s->moves[i].from + 1]++] = (int32_t)i;
    }
}

struct candidate {
    int urgent;   /* noDelay: must start now */
    int unblocks; /* its source is a node some waiting move needs */
    int64_t duration;
    int32_t move;
};

static int cmp_candidate(const void *a, const void *b)
{
    const struct candidate *x = a, *y = b;
    if (x->urgent != y->urgent)
        return y->urgent - x->urgent;
    if (x->unblocks != y->unblocks)
        return y->unblocks - x->unblocks;
    if (x->duration != y->duration)
        return x->duration < y->duration ? -1 : 1;
    return (x->move > y->move) - (x->move < y->move);
}

static int free_slots(const struct sched *s, int32_t node)
{
    return s->opts->node_concurrency - s->slots_used[node];
}

static bool can_start(const struct sched *s, const struct ent_move *mv)
{
    if (!s->online[mv->to] || s->halting[mv->to] || !ent_room_fits(&s->room, mv->vm, mv->to) ||
        !ent_timing_may_arrive(&s->timing, mv->vm, mv->to))
        return 0;
    if (mv->kind != ENT_ACTION_MIGRATE_VM)
        return 1;
    if (s->opts->total_concurrency > 0 && s->running_migrations >= s->opts->total_concurrency)
        return 0;
    return free_slots(s, mv->from) > 0 && free_slots(s, mv->to) > 0;
}

static void start_move(struct sched *s, int32_t i, int contended, int bypass_to)
{
    struct ent_move *mv = &s->moves[i];
    int32_t to = bypass_to >= 0 ? bypass_to : mv->to;
    int64_t d;
    int32_t k = 0;
    if (mv->kind == ENT_ACTION_MIGRATE_VM) {
        int f = free_slots(s, mv->from) < free_slots(s, to) ? free_slots(s, mv->from)
                                                            : free_slots(s, to);
        k = contended ? 1 : f;
        d = ent_migration_duration(s->m, &s->opts->cost, mv->vm,
                                   (double)k / s->opts->node_concurrency, NULL);
        s->slots_used[mv->from] += k;
        s->slots_used[to] += k;
        s->running_migrations++;
    } else {
        d = ent_action_duration(s->m, &s->opts->cost, mv->kind, mv->vm, to);
    }
    start_action(s, mv->kind, mv->vm, mv->from, to, -1, d, bypass_to >= 0 ? HOP(i) : i, k,
                 bypass_to >= 0);
    ent_room_arrive(&s->room, mv->vm, to);
    s->timing.dest[mv->vm] = to;
    if (mv->kind != ENT_ACTION_MIGRATE_VM)
        ent_room_settle(&s->room, mv->vm); /* it held nothing: nothing to release later */
    s->on_node[to]++;
    s->state[i] = RUNNING; /* a hop too: the move waits again when it ends */
    if (bypass_to < 0)
        s->waiting_to[mv->to]--;
}

/* Starts what can start among the moves touching dirty nodes (all moves when `all`). */
static size_t start_ready(struct sched *s, int all, struct candidate *cand)
{
    size_t n = 0;
    if (all) {
        for (size_t i = 0; i < s->n_moves; i++)
            if (s->state[i] == WAITING && can_start(s, &s->moves[i]))
                cand[n++] = (struct candidate){0, 0, 0, (int32_t)i};
    } else {
        for (size_t d = 0; d < s->n_dirty; d++) {
            int32_t node = s->dirty_list[d];
            for (int side = 0; side < 2; side++) {
                const uint32_t *st = side ? s->by_from_start : s->by_to_start;
                const int32_t *idx = side ? s->by_from : s->by_to;
                for (uint32_t k = st[node]; k < st[node + 1]; k++) {
                    int32_t i = idx[k];
                    if (s->state[i] == WAITING && can_start(s, &s->moves[i])) {
                        s->state[i] = 3; /* listed once */
                        cand[n++] = (struct candidate){0, 0, 0, i};
                    }
                }
            }
        }
        for (size_t c = 0; c < n; c++)
            s->state[cand[c].move] = WAITING;
    }
    for (size_t d = 0; d < s->n_dirty; d++)
        s->dirty[s->dirty_list[d]] = 0;
    s->n_dirty = 0;
    for (size_t c = 0; c < n; c++) {
        const struct ent_move *mv = &s->moves[cand[c].move];
        cand[c].urgent = s->timing.no_delay[mv->vm];
        cand[c].unblocks = mv->from >= 0 && s->waiting_to[mv->from] > 0;
        cand[c].duration = ent_action_duration(s->m, &s->opts->cost, mv->kind, mv->vm, mv->to);
    }
    qsort(cand, n, sizeof *cand, cmp_candidate);
    /* A migration that no other candidate shares a link with takes every free slot. */
    for (size_t c = 0; c < n; c++) {
        const struct ent_move *mv = &s->moves[cand[c].move];
        if (mv->kind == ENT_ACTION_MIGRATE_VM) {
            s->want[mv->from]++;
            s->want[mv->to]++;
        }
    }
    size_t started = 0;
    for (size_t c = 0; c < n; c++) {
        int32_t i = cand[c].move;
        const struct ent_move *mv = &s->moves[i];
        int contended =
            mv->kind == ENT_ACTION_MIGRATE_VM && (s->want[mv->from] > 1 || s->want[mv->to] > 1);
        if (can_start(s, mv)) {
            start_move(s, i, contended, -1);
            started++;
        }
    }
    for (size_t c = 0; c < n; c++) {
        const struct ent_move *mv = &s->moves[cand[c].move];
        if (mv->kind == ENT_ACTION_MIGRATE_VM)
            s->want[mv->from] = s->want[mv->to] = 0;
    }
    return started;
}

static void maybe_halt(struct sched *s, int32_t node)
{
    if (s->halting[node] != 1 || s->on_node[node] > 0 || s->waiting_to[node] > 0 ||
        ent_room_node_used(&s->room, node))
        return;
    s->halting[node] = 2;
    start_action(s, ENT_ACTION_SHUTDOWN_NODE, -1, -1, -1, node,
                 ent_action_duration(s->m, &s->opts->cost, ENT_ACTION_SHUTDOWN_NODE, -1, node), -1,
                 0, 0);
}

/* vm has one action fewer to finish; those waiting for it (seq) may go on. */
static void vm_done(struct sched *s, int32_t vm)
{
    if (vm >= 0 && --s->timing.busy[vm] == 0)
        s->look_again = 1;
}

static void finish(struct sched *s, const struct inflight *f)
{
    const struct ent_action *a = &s->plan->actions[f->action];
    if (a->vm >= 0) {
        s->timing.dest[a->vm] = -1;
        switch (a->kind) {
        case ENT_ACTION_MIGRATE_VM:
        case ENT_ACTION_BOOT_VM:
        case ENT_ACTION_RESUME_VM:
            s->timing.host[a->vm] = a->to;
            break;
        default:
            s->timing.host[a->vm] = -1;
        }
        if (f->move > -2) /* a hop (bypass, suspend) is not the end of the VM's move */
            vm_done(s, a->vm);
    }
    switch (a->kind) {
    case ENT_ACTION_MIGRATE_VM:
        ent_room_depart(&s->room, a->vm, a->from);
        ent_room_settle(&s->room, a->vm);
        s->slots_used[a->from] -= f->slots;
        s->slots_used[a->to] -= f->slots;
        s->running_migrations--;
        s->on_node[a->from]--;
        mark_dirty(s, a->from);
        mark_dirty(s, a->to);
        maybe_halt(s, a->from);
        break;
    case ENT_ACTION_SHUTDOWN_VM:
    case ENT_ACTION_SUSPEND_VM:
    case ENT_ACTION_KILL_VM:
        if (a->from >= 0) {
            ent_room_depart(&s->room, a->vm, a->from);
            if (a->kind != ENT_ACTION_SUSPEND_VM)
                s->on_node[a->from]--;
            mark_dirty(s, a->from);
            maybe_halt(s, a->from);
        }
        break;
    case ENT_ACTION_RESUME_VM:
        if (a->from >= 0 && a->from != a->to) {
            s->on_node[a->from]--;
            maybe_halt(s, a->from);
        }
        break;
    case ENT_ACTION_BOOT_NODE:
        s->online[a->node] = 1;
        mark_dirty(s, a->node);
        break;
    default:
        break;
    }
    if (f->move >= 0) {
        s->state[f->move] = DONE;
        s->left--;
    } else if (f->move <= -2) { /* a hop ended: the move may go on from where the VM is now */
        int32_t i = -2 - f->move;
        s->state[i] = WAITING;
        mark_dirty(s, s->moves[i].to);
        mark_dirty(s, s->moves[i].from);
    }
}

/* Starts the freeing actions whose VM may act now (seq). */
static void start_deferred(struct sched *s)
{
    size_t kept = 0;
    for (size_t i = 0; i < s->n_defer; i++) {
        const struct ent_freeing *f = &s->defer[i];
        if (!ent_timing_may_act(&s->timing, f->vm)) {
            s->defer[kept++] = *f;
            continue;
        }
        start_action(s, f->kind, f->vm, f->from, f->to, -1,
                     ent_action_duration(s->m, &s->opts->cost, f->kind, f->vm, -1), -1, 0, 0);
    }
    s->n_defer = kept;
}

/* Nothing runs and nothing can start: break the cycle. */
static int unblock(struct sched *s, struct ent_plan_stats *stats, size_t *budget,
                   struct ent_error *err)
{
    uint8_t *done = ent_malloc(s->n_moves + 1);
    for (size_t i = 0; i < s->n_moves; i++)
        done[i] = s->state[i] != WAITING;
    struct ent_cycle_choice c =
        ent_moves_break_cycle(&s->room, s->target, s->moves, s->n_moves, done, *budget > 0);
    ptrdiff_t i = c.move;
    int rc = 0;
    if (c.how == ENT_CYCLE_BYPASS && !ent_timing_may_arrive(&s->timing, s->moves[i].vm, c.pivot))
        c.how = ENT_CYCLE_SUSPEND; /* the pivot would break a continuous constraint */
    if (c.how == ENT_CYCLE_BYPASS) {
        start_move(s, (int32_t)i, 0, c.pivot);
        s->moves[i].from = c.pivot;
        stats->bypasses++;
        (*budget)--;
    } else if (c.how == ENT_CYCLE_SUSPEND) {
        struct ent_move *mv = &s->moves[i];
        start_action(s, ENT_ACTION_SUSPEND_VM, mv->vm, mv->from, mv->from, -1,
                     ent_action_duration(s->m, &s->opts->cost, ENT_ACTION_SUSPEND_VM, mv->vm, -1),
                     HOP(i), 0, 0);
        s->state[i] = RUNNING;
        mv->kind = ENT_ACTION_RESUME_VM; /* resumed at its destination once there is room */
        stats->suspends++;
    } else {
        rc = ent__plan_unexecutable(s->m, s->moves, s->n_moves, done, s->left, err);
    }
    ent_free(done);
    return rc;
}

/* noDelay: every action of such a VM starts at time 0. */
static int check_no_delay(const struct sched *s, struct ent_error *err)
{
    char b1[64], b2[64];
    for (size_t i = 0; i < s->n_moves; i++)
        if (s->state[i] == WAITING && s->timing.no_delay[s->moves[i].vm])
            return ent_error(err, ENT_EINFEASIBLE,
                             "noDelay: VM %s cannot start at once (%s to %s must wait for room or "
                             "for other actions)",
                             ent_vm_label(s->m, s->moves[i].vm, b1, sizeof b1),
                             ent_action_kind_name(s->moves[i].kind),
                             ent_node_label(s->m, s->moves[i].to, b2, sizeof b2));
    for (size_t i = 0; i < s->n_defer; i++)
        if (s->timing.no_delay[s->defer[i].vm])
            return ent_error(err, ENT_EINFEASIBLE, "noDelay: VM %s cannot act at once (seq)",
                             ent_vm_label(s->m, s->defer[i].vm, b1, sizeof b1));
    return 0;
}

/* The scheduler's state for moves mv, and its first actions: node boots, then the actions that
 * only free room (deferred until their seq predecessors end). */
static void sched_init(struct sched *s, const struct ent_moves *mv)
{
    const struct ent_model *m = s->m;
    size_t N = m->n_nodes;
    ent_room_init(&s->room, m);
    s->moves = mv->moves;
    s->n_moves = s->left = mv->n_moves;
    s->state = ent_calloc(s->n_moves + 1, 1);
    s->slots_used = ent_calloc(N + 1, sizeof *s->slots_used);
    s->online = ent_calloc(N + 1, 1);
    s->on_node = ent_calloc(N + 1, sizeof *s->on_node);
    s->waiting_to = ent_calloc(N + 1, sizeof *s->waiting_to);
    s->halting = ent_calloc(N + 1, 1);
    s->dirty = ent_calloc(N + 1, 1);
    s->dirty_list = ent_malloc((N + 1) * sizeof *s->dirty_list);
    s->want = ent_calloc(N + 1, sizeof *s->want);
    s->heap = ent_malloc((mv->n_freeing + mv->n_boot + mv->n_halt + 2 * s->n_moves + 16) *
                         sizeof *s->heap);
    for (size_t n = 0; n < N; n++)
        s->online[n] = m->map.node_state[n] == ENT_NODE_ONLINE;
    for (size_t v = 0; v < m->n_vms; v++)
        if (m->map.vm_host[v] >= 0)
            s->on_node[m->map.vm_host[v]]++;
    for (size_t i = 0; i < s->n_moves; i++)
        s->waiting_to[s->moves[i].to]++;
    build_index(s);
    for (size_t i = 0; i < mv->n_boot; i++)
        start_action(
            s, ENT_ACTION_BOOT_NODE, -1, -1, -1, mv->boot_nodes[i],
            ent_action_duration(m, &s->opts->cost, ENT_ACTION_BOOT_NODE, -1, mv->boot_nodes[i]), -1,
            0, 0);
    ent_timing_init(&s->timing, m);
    s->timing.room = &s->room;
    for (size_t i = 0; i < s->n_moves; i++)
        s->timing.busy[s->moves[i].vm]++;
    for (size_t i = 0; i < mv->n_freeing; i++)
        s->timing.busy[mv->freeing[i].vm]++;
    s->defer = ent_malloc((mv->n_freeing + 1) * sizeof *s->defer);
    for (size_t i = 0; i < mv->n_freeing; i++)
        s->defer[s->n_defer++] = mv->freeing[i];
    start_deferred(s);
}

static void sched_release(struct sched *s)
{
    ent_free(s->defer);
    ent_timing_release(&s->timing);
    ent_free(s->state);
    ent_free(s->slots_used);
    ent_free(s->online);
    ent_free(s->on_node);
    ent_free(s->waiting_to);
    ent_free(s->halting);
    ent_free(s->dirty);
    ent_free(s->dirty_list);
    ent_free(s->want);
    ent_free(s->heap);
    ent_free(s->by_to_start);
    ent_free(s->by_from_start);
    ent_free(s->by_to);
    ent_free(s->by_from);
    ent_room_release(&s->room);
}

/* Starts what can start, then jumps to the next end, until every move ran or none can. */
static int run_events(struct sched *s, struct ent_plan_stats *stats, struct ent_error *err)
{
    struct candidate *cand = ent_malloc((s->n_moves + 1) * sizeof *cand);
    size_t budget = 2 * s->n_moves + 16;
    int rc = 0, first = 1;
    /* A cluster-wide limit can hold back moves on nodes nothing touched: then look at all. */
    int look_at_all = s->opts->total_concurrency > 0;
    while (!rc) {
        if (s->look_again)
            start_deferred(s);
        start_ready(s, first || look_at_all || s->look_again, cand);
        s->look_again = 0;
        if (first && (rc = check_no_delay(s, err)))
            break;
        first = 0;
        if (s->n_heap == 0) {
            if (s->left == 0 && s->n_defer == 0)
                break;
            if (s->left == 0) { /* only freeing actions wait: their turn has come, or never */
                start_deferred(s);
                if (s->n_heap == 0)
                    rc = ent_error(err, ENT_EINFEASIBLE,
                                   "no executable plan: seq constraints wait on each other "
                                   "(%zu actions can never start)",
                                   s->n_defer);
                continue;
            }
            /* Nothing runs: either something can start now that we look at every move, or the
             * waiting moves hold each other's room. */
            if (start_ready(s, 1, cand) == 0)
                rc = unblock(s, stats, &budget, err);
            continue;
        }
        struct inflight f = heap_pop(s);
        s->now = f.end;
        finish(s, &f);
        while (s->n_heap && s->heap[0].end == s->now) {
            f = heap_pop(s);
            finish(s, &f);
        }
    }
    ent_free(cand);
    return rc;
}

static int plan_parallel(const struct ent_model *m, const struct ent_mapping *target,
                         const struct ent_plan_options *opts, struct ent_plan *plan,
                         struct ent_plan_stats *stats, struct ent_error *err)
{
    struct sched s = {.m = m, .target = target, .opts = opts, .plan = plan};
    memset(stats, 0, sizeof *stats);
    struct ent_moves mv;
    ent_moves_collect(&mv, m, target, opts->shutdown_empty);
    sched_init(&s, &mv);
    /* Nodes that go offline with the target halt once empty; those the plan merely empties
     * (shutdown_empty) only at the end, since they may serve as pivots until then. */
    uint8_t *at_end = ent_calloc(m->n_nodes + 1, 1);
    for (size_t i = 0; i < mv.n_halt; i++) {
        int32_t n = mv.halt_nodes[i];
        if (target->node_state[n] == ENT_NODE_OFFLINE)
            s.halting[n] = 1;
        else
            at_end[n] = 1;
    }
    for (size_t i = 0; i < mv.n_halt; i++)
        maybe_halt(&s, mv.halt_nodes[i]);
    int rc = run_events(&s, stats, err);
    for (size_t n = 0; !rc && n < m->n_nodes; n++)
        if (at_end[n]) {
            s.halting[n] = 1;
            maybe_halt(&s, (int32_t)n);
        }
    ent_free(at_end);
    sched_release(&s);
    ent_moves_release(&mv);
    return rc;
}

const struct ent_planner ent_planner_parallel = {
    .name = "parallel",
    .summary = "every action as soon as it can start (the default)",
    .honours_timing = 1,
    .plan = plan_parallel,
};
