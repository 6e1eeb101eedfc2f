/* Collecting the moves of a plan, and choosing how to break a cycle. */
#include "plan/moves.h"

#include "model/model.h"
#include "plan/room.h"
#include "util/alloc.h"

#include <string.h>

/* Nodes the plan empties: hosting VMs now, none in the target, not kept online by a constraint. */
static void add_emptied(struct ent_moves *mv, const struct ent_model *m,
                        const struct ent_mapping *target)
{
    uint8_t *busy = ent_calloc(m->n_nodes + 1, 2);
    for (size_t v = 0; v < m->n_vms; v++) {
        if (m->map.vm_host[v] >= 0)
            busy[m->map.vm_host[v]] |= 1;
        if (target->vm_host[v] >= 0)
            busy[target->vm_host[v]] |= 2;
    }
    for (size_t i = 0; i < m->constraints.len; i++) {
        const struct ent_constraint *c = &m->constraints.items[i];
        for (size_t k = 0; c->kind == ENT_CK_ONLINE && k < c->n_nodes; k++)
            busy[c->nodes[k]] |= 2;
    }
    for (size_t n = 0; n < m->n_nodes; n++)
        if (busy[n] == 1 && target->node_state[n] == ENT_NODE_ONLINE &&
            m->map.node_state[n] == ENT_NODE_ONLINE)
            mv->halt_nodes[mv->n_halt++] = (int32_t)n;
    ent_free(busy);
}

void ent_moves_collect(struct ent_moves *mv, const struct ent_model *m,
                       const struct ent_mapping *target, int shutdown_empty)
{
    memset(mv, 0, sizeof *mv);
    mv->moves = ent_malloc((m->n_vms + 1) * sizeof *mv->moves);
    mv->freeing = ent_malloc((m->n_vms + 1) * sizeof *mv->freeing);
    mv->boot_nodes = ent_malloc((m->n_nodes + 1) * sizeof *mv->boot_nodes);
    mv->halt_nodes = ent_malloc((m->n_nodes + 1) * sizeof *mv->halt_nodes);
    for (size_t n = 0; n < m->n_nodes; n++) {
        uint8_t now = m->map.node_state[n], then = target->node_state[n];
        if (now == ENT_NODE_OFFLINE && then == ENT_NODE_ONLINE)
            mv->boot_nodes[mv->n_boot++] = (int32_t)n;
        else if (now == ENT_NODE_ONLINE && then == ENT_NODE_OFFLINE)
            mv->halt_nodes[mv->n_halt++] = (int32_t)n;
    }
    if (shutdown_empty)
        add_emptied(mv, m, target);
    for (size_t i = 0; i < m->n_vms; i++) {
        int32_t v = (int32_t)i;
        uint8_t now = m->map.vm_state[v], then = target->vm_state[v];
        int32_t h = m->map.vm_host[v], th = target->vm_host[v];
        if (now == ENT_VM_RUNNING && then == ENT_VM_RUNNING && h != th)
            mv->moves[mv->n_moves++] = (struct ent_move){ENT_ACTION_MIGRATE_VM, v, h, th};
        else if (now == ENT_VM_READY && then == ENT_VM_RUNNING)
            mv->moves[mv->n_moves++] = (struct ent_move){ENT_ACTION_BOOT_VM, v, -1, th};
        else if (now == ENT_VM_SLEEPING && then == ENT_VM_RUNNING)
            mv->moves[mv->n_moves++] = (struct ent_move){ENT_ACTION_RESUME_VM, v, h, th};
        else if (now == ENT_VM_RUNNING && then == ENT_VM_READY)
            mv->freeing[mv->n_freeing++] = (struct ent_freeing){ENT_ACTION_SHUTDOWN_VM, v, h, -1};
        else if (now == ENT_VM_RUNNING && then == ENT_VM_SLEEPING)
            mv->freeing[mv->n_freeing++] =
                (struct ent_freeing){ENT_ACTION_SUSPEND_VM, v, h, th >= 0 ? th : h};
        else if (now != ENT_VM_KILLED && then == ENT_VM_KILLED)
            mv->freeing[mv->n_freeing++] = (struct ent_freeing){ENT_ACTION_KILL_VM, v, h, -1};
    }
}

void ent_moves_release(struct ent_moves *mv)
{
    if (!mv)
        return;
    ent_free(mv->moves);
    ent_free(mv->freeing);
    ent_free(mv->boot_nodes);
    ent_free(mv->halt_nodes);
    memset(mv, 0, sizeof *mv);
}

/* Whether vm leaving its node gives move j the room it lacks there. */
static int departure_unblocks(const struct ent_room *room, int32_t vm, const struct ent_move *j)
{
    for (size_t r = 0; r < room->R; r++) {
        int64_t short_by =
            room->usage[(size_t)j->to * room->R + r] + room->final[r][j->vm] - room->cap[r][j->to];
        if (short_by > room->held[(size_t)vm * room->R + r])
            return 0;
    }
    return 1;
}

/* The roomiest node that stays online, is neither end of the move, and takes vm. */
static int32_t find_pivot(const struct ent_room *room, const struct ent_mapping *target,
                          const struct ent_move *mv)
{
    const struct ent_model *m = room->m;
    int32_t best = -1;
    double best_free = -1;
    for (size_t n = 0; n < m->n_nodes; n++) {
        int32_t node = (int32_t)n;
        if (node == mv->from || node == mv->to || m->map.node_state[n] != ENT_NODE_ONLINE ||
            target->node_state[n] != ENT_NODE_ONLINE || !ent_room_fits(room, mv->vm, node))
            continue;
        double f = ent_room_free_share(room, node);
        if (f > best_free) {
            best_free = f;
            best = node;
        }
    }
    return best;
}

struct ent_cycle_choice ent_moves_break_cycle(const struct ent_room *room,
                                              const struct ent_mapping *target,
                                              const struct ent_move *moves, size_t n,
                                              const uint8_t *done, int allow_bypass)
{
    /* Best first: unblocks and has a pivot; then has a pivot; then unblocks (suspend); then any. */
    struct ent_cycle_choice best[4] = {{ENT_CYCLE_NONE, -1, -1},
                                       {ENT_CYCLE_NONE, -1, -1},
                                       {ENT_CYCLE_NONE, -1, -1},
                                       {ENT_CYCLE_NONE, -1, -1}};
    for (size_t j = 0; j < n; j++) {
        if (done[j])
            continue;
        for (size_t i = 0; i < n; i++) {
            if (done[i] || i == j || moves[i].kind != ENT_ACTION_MIGRATE_VM ||
                moves[i].from != moves[j].to)
                continue;
            int unblocks = departure_unblocks(room, moves[i].vm, &moves[j]);
            int rank_pivot = unblocks ? 0 : 1, rank_suspend = unblocks ? 2 : 3;
            if (allow_bypass && best[rank_pivot].how == ENT_CYCLE_NONE) {
                int32_t pivot = find_pivot(room, target, &moves[i]);
                if (pivot >= 0)
                    best[rank_pivot] =
                        (struct ent_cycle_choice){ENT_CYCLE_BYPASS, (ptrdiff_t)i, pivot};
            }
            if (best[rank_suspend].how == ENT_CYCLE_NONE)
                best[rank_suspend] = (struct ent_cycle_choice){ENT_CYCLE_SUSPEND, (ptrdiff_t)i, -1};
            if (best[0].how != ENT_CYCLE_NONE)
                return best[0];
        }
    }
    for (int k = 1; k < 4; k++)
        if (best[k].how != ENT_CYCLE_NONE)
            return best[k];
    return best[0];
}
