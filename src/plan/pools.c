/* Entropy 1's plans, kept as a baseline: successive pools of actions run in parallel. A pool
 * takes every waiting move whose destination has room given the moves already in it; it lasts as
 * long as its longest action; migrations in a pool share the links they cross, at most
 * node_concurrency through a link (and total_concurrency in all), as the scheduler. Node boots form
 * the first pool, actions that only free room the next; cycles are broken as the sequential planner
 * does (bypass, else suspend); nodes that go offline shut down in the last pool. */
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

struct pools {
    const struct ent_model *m;
    const struct ent_plan_options *opts;
    struct ent_room room;
    struct ent_plan *plan;
    int64_t now, pool_end;
};

static struct ent_action *emit(struct pools *p, enum ent_action_kind kind, int32_t vm, int32_t from,
                               int32_t to, int32_t node, int64_t duration)
{
    struct ent_action *a = ent_plan_add(p->plan, kind);
    a->vm = vm;
    a->from = from;
    a->to = to;
    a->node = node;
    a->start = p->now;
    a->end = p->now + duration;
    if (a->end > p->pool_end)
        p->pool_end = a->end;
    return a;
}

static int64_t duration_of(struct pools *p, enum ent_action_kind kind, int32_t vm, int32_t node)
{
    return ent_action_duration(p->m, &p->opts->cost, kind, vm, node);
}

/* Closes the pool: time moves to its end. */
static void next_pool(struct pools *p, struct ent_plan_stats *stats)
{
    if (p->pool_end > p->now) {
        p->now = p->pool_end;
        stats->pools++;
    }
}

/* No move fits: one VM takes a bypass through a pivot, or is suspended where it is; returns -1
 * when neither is possible. */
static int break_cycle(struct pools *p, struct ent_move *moves, size_t n,
                       const struct ent_mapping *target, const uint8_t *done, size_t *budget,
                       struct ent_plan_stats *stats)
{
    struct ent_cycle_choice c =
        ent_moves_break_cycle(&p->room, target, moves, n, done, *budget > 0);
    ptrdiff_t i = c.move;
    if (c.how == ENT_CYCLE_BYPASS) {
        struct ent_action *a = emit(p, ENT_ACTION_MIGRATE_VM, moves[i].vm, moves[i].from, c.pivot,
                                    -1, duration_of(p, ENT_ACTION_MIGRATE_VM, moves[i].vm, -1));
        a->bypass = true;
        ent_room_arrive(&p->room, moves[i].vm, c.pivot);
        ent_room_depart(&p->room, moves[i].vm, moves[i].from);
        ent_room_settle(&p->room, moves[i].vm);
        moves[i].from = c.pivot;
        stats->bypasses++;
        (*budget)--;
        return 0;
    }
    if (c.how == ENT_CYCLE_SUSPEND) {
        emit(p, ENT_ACTION_SUSPEND_VM, moves[i].vm, moves[i].from, moves[i].from, -1,
             duration_of(p, ENT_ACTION_SUSPEND_VM, moves[i].vm, -1));
        ent_room_depart(&p->room, moves[i].vm, moves[i].from);
        moves[i].kind = ENT_ACTION_RESUME_VM;
        stats->suspends++;
        return 0;
    }
    return -1;
}

static int run_pools(struct pools *p, struct ent_move *moves, size_t n,
                     const struct ent_mapping *target, struct ent_plan_stats *stats,
                     struct ent_error *err)
{
    const struct ent_model *m = p->m;
    size_t left = n, budget = 2 * n + 16;
    uint8_t *done = ent_calloc(n + 1, 1);
    int32_t *pool = ent_malloc((n + 1) * sizeof *pool);
    int32_t *links = ent_calloc(m->n_nodes + 1, sizeof *links);
    int rc = 0;
    while (left && !rc) {
        size_t k = 0;
        int migrations = 0, per_link = p->opts->node_concurrency;
        int total = p->opts->total_concurrency;
        for (size_t i = 0; i < n; i++) {
            const struct ent_move *mv = &moves[i];
            if (done[i] || !ent_room_fits(&p->room, mv->vm, mv->to))
                continue;
            if (mv->kind == ENT_ACTION_MIGRATE_VM) { /* the same link limits as the scheduler */
                if (links[mv->from] >= per_link || links[mv->to] >= per_link ||
                    (total > 0 && migrations >= total))
                    continue;
                links[mv->from]++;
                links[mv->to]++;
                migrations++;
            }
            ent_room_arrive(&p->room, mv->vm, mv->to);
            pool[k++] = (int32_t)i;
        }
        if (k == 0) {
            if (break_cycle(p, moves, n, target, done, &budget, stats))
                rc = ent__plan_unexecutable(m, moves, n, done, left, err);
            next_pool(p, stats);
            continue;
        }
        /* Migrations in the pool share the links they cross (counted above). */
        for (size_t j = 0; j < k; j++) {
            struct ent_move *mv = &moves[pool[j]];
            int64_t d;
            if (mv->kind == ENT_ACTION_MIGRATE_VM) {
                int32_t sharing = links[mv->from] > links[mv->to] ? links[mv->from] : links[mv->to];
                d = ent_migration_duration(m, &p->opts->cost, mv->vm, 1.0 / sharing, NULL);
            } else {
                d = duration_of(p, mv->kind, mv->vm, mv->to);
            }
            emit(p, mv->kind, mv->vm, mv->from, mv->to, -1, d);
        }
        for (size_t j = 0; j < k; j++) {
            struct ent_move *mv = &moves[pool[j]];
            if (mv->kind == ENT_ACTION_MIGRATE_VM) {
                ent_room_depart(&p->room, mv->vm, mv->from);
                links[mv->from] = links[mv->to] = 0;
            }
            ent_room_settle(&p->room, mv->vm);
            done[pool[j]] = 1;
            left--;
        }
        next_pool(p, stats);
    }
    ent_free(done);
    ent_free(pool);
    ent_free(links);
    return rc;
}

static int plan_pools(const struct ent_model *m, const struct ent_mapping *target,
                      const struct ent_plan_options *opts, struct ent_plan *plan,
                      struct ent_plan_stats *stats, struct ent_error *err)
{
    struct pools p = {.m = m, .opts = opts, .plan = plan};
    memset(stats, 0, sizeof *stats);
    ent_room_init(&p.room, m);
    struct ent_moves mv;
    ent_moves_collect(&mv, m, target, opts->shutdown_empty);
    for (size_t i = 0; i < mv.n_boot; i++)
        emit(&p, ENT_ACTION_BOOT_NODE, -1, -1, -1, mv.boot_nodes[i],
             duration_of(&p, ENT_ACTION_BOOT_NODE, -1, mv.boot_nodes[i]));
    next_pool(&p, stats);
    for (size_t i = 0; i < mv.n_freeing; i++) {
        const struct ent_freeing *f = &mv.freeing[i];
        emit(&p, f->kind, f->vm, f->from, f->to, -1, duration_of(&p, f->kind, f->vm, -1));
    }
    next_pool(&p, stats);
    for (size_t i = 0; i < mv.n_freeing; i++)
        if (mv.freeing[i].from >= 0)
            ent_room_depart(&p.room, mv.freeing[i].vm, mv.freeing[i].from);
    int rc = run_pools(&p, mv.moves, mv.n_moves, target, stats, err);
    for (size_t i = 0; i < mv.n_halt && !rc; i++)
        emit(&p, ENT_ACTION_SHUTDOWN_NODE, -1, -1, -1, mv.halt_nodes[i],
             duration_of(&p, ENT_ACTION_SHUTDOWN_NODE, -1, mv.halt_nodes[i]));
    next_pool(&p, stats);
    ent_moves_release(&mv);
    ent_room_release(&p.room);
    return rc;
}

const struct ent_planner ent_planner_pools = {
    .name = "pools",
    .summary = "Entropy 1's successive pools of parallel actions (a baseline)",
    .counts_pools = 1,
    .plan = plan_pools,
};
