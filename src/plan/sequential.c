/* The sequential baseline: one action at a time. Nodes that must come up boot first; actions that
 * only free room come next; then, pass after pass, every move whose destination has room runs.
 * When none can, the moves wait on each other in a cycle: a VM takes a bypass through a pivot
 * node, or, with no pivot, is suspended where it is and resumed at its destination later. Nodes
 * that go offline shut down last. */
#include "model/model.h"
#include "model/plan.h"
#include "plan/durations.h"
#include "plan/internal.h"
#include "plan/moves.h"
#include "plan/planner.h"
#include "plan/room.h"
#include "util/alloc.h"
#include "util/error.h"

#include <string.h>

struct seq {
    const struct ent_model *m;
    const struct ent_plan_options *opts;
    struct ent_room room;
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
    a->end = s->now + ent_action_duration(s->m, &s->opts->cost, kind, vm, node >= 0 ? node : to);
    s->now = a->end;
    return a;
}

static void run_move(struct seq *s, const struct ent_move *mv, int bypass)
{
    struct ent_action *a = emit(s, mv->kind, mv->vm, mv->from, mv->to, -1);
    a->bypass = bypass != 0;
    ent_room_arrive(&s->room, mv->vm, mv->to);
    if (mv->kind == ENT_ACTION_MIGRATE_VM)
        ent_room_depart(&s->room, mv->vm, mv->from);
    ent_room_settle(&s->room, mv->vm);
}

static int run_moves(struct seq *s, struct ent_move *moves, size_t n,
                     const struct ent_mapping *target, struct ent_plan_stats *stats,
                     struct ent_error *err)
{
    size_t left = n, budget = 2 * n + 16;
    uint8_t *done = ent_calloc(n + 1, 1);
    int rc = 0;
    while (left && !rc) {
        size_t progress = 0;
        for (size_t i = 0; i < n; i++)
            if (!done[i] && ent_room_fits(&s->room, moves[i].vm, moves[i].to)) {
                run_move(s, &moves[i], 0);
                done[i] = 1;
                progress++;
                left--;
            }
        if (progress || !left)
            continue;
        struct ent_cycle_choice c =
            ent_moves_break_cycle(&s->room, target, moves, n, done, budget > 0);
        ptrdiff_t i = c.move;
        if (c.how == ENT_CYCLE_BYPASS) {
            struct ent_move hop = {ENT_ACTION_MIGRATE_VM, moves[i].vm, moves[i].from, c.pivot};
            run_move(s, &hop, 1);
            moves[i].from = c.pivot;
            stats->bypasses++;
            budget--;
            continue;
        }
        if (c.how == ENT_CYCLE_NONE) {
            rc = ent__plan_unexecutable(s->m, moves, n, done, left, err);
            break;
        }
        /* Suspend where it runs (memory only), resume at the destination once there is room. */
        emit(s, ENT_ACTION_SUSPEND_VM, moves[i].vm, moves[i].from, moves[i].from, -1);
        ent_room_depart(&s->room, moves[i].vm, moves[i].from);
        moves[i].kind = ENT_ACTION_RESUME_VM;
        stats->suspends++;
    }
    ent_free(done);
    return rc;
}

static int plan_sequential(const struct ent_model *m, const struct ent_mapping *target,
                           const struct ent_plan_options *opts, struct ent_plan *plan,
                           struct ent_plan_stats *stats, struct ent_error *err)
{
    struct seq s = {.m = m, .opts = opts, .plan = plan};
    memset(stats, 0, sizeof *stats);
    ent_room_init(&s.room, m);
    struct ent_moves mv;
    ent_moves_collect(&mv, m, target, opts->shutdown_empty);
    for (size_t i = 0; i < mv.n_boot; i++)
        emit(&s, ENT_ACTION_BOOT_NODE, -1, -1, -1, mv.boot_nodes[i]);
    for (size_t i = 0; i < mv.n_freeing; i++) {
        const struct ent_freeing *f = &mv.freeing[i];
        emit(&s, f->kind, f->vm, f->from, f->to, -1);
        if (f->from >= 0)
            ent_room_depart(&s.room, f->vm, f->from);
    }
    int rc = run_moves(&s, mv.moves, mv.n_moves, target, stats, err);
    for (size_t i = 0; i < mv.n_halt && !rc; i++)
        emit(&s, ENT_ACTION_SHUTDOWN_NODE, -1, -1, -1, mv.halt_nodes[i]);
    ent_moves_release(&mv);
    ent_room_release(&s.room);
    return rc;
}

const struct ent_planner ent_planner_sequential = {
    .name = "sequential",
    .summary = "one action at a time (a baseline)",
    .plan = plan_sequential,
};
