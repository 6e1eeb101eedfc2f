/* Room accounting for the planners. */
#include "plan/room.h"

#include "model/demand.h"
#include "model/model.h"
#include "util/alloc.h"

void ent_room_init(struct ent_room *room, const struct ent_model *m)
{
    room->m = m;
    room->R = m->n_res;
    room->final = ent_final_demand(m);
    room->cap = ent_effective_capacity(m);
    room->usage = ent_calloc(m->n_nodes * room->R + 1, sizeof *room->usage);
    room->held = ent_calloc(m->n_vms * room->R + 1, sizeof *room->held);
    for (size_t v = 0; v < m->n_vms; v++)
        if (m->map.vm_state[v] == ENT_VM_RUNNING)
            for (size_t r = 0; r < room->R; r++) {
                room->held[v * room->R + r] = m->res[r].demand[v];
                room->usage[(size_t)m->map.vm_host[v] * room->R + r] += m->res[r].demand[v];
            }
}

void ent_room_release(struct ent_room *room)
{
    if (!room)
        return;
    ent_free(room->usage);
    ent_free(room->held);
    ent_final_demand_free(room->final, room->m);
    ent_effective_capacity_free(room->cap, room->m);
}

int ent_room_fits(const struct ent_room *room, int32_t vm, int32_t node)
{
    for (size_t r = 0; r < room->R; r++)
        if (room->usage[(size_t)node * room->R + r] + room->final[r][vm] > room->cap[r][node])
            return 0;
    return 1;
}

void ent_room_arrive(struct ent_room *room, int32_t vm, int32_t node)
{
    for (size_t r = 0; r < room->R; r++)
        room->usage[(size_t)node * room->R + r] += room->final[r][vm];
}

void ent_room_settle(struct ent_room *room, int32_t vm)
{
    for (size_t r = 0; r < room->R; r++)
        room->held[(size_t)vm * room->R + r] = room->final[r][vm];
}

void ent_room_depart(struct ent_room *room, int32_t vm, int32_t node)
{
    for (size_t r = 0; r < room->R; r++) {
        room->usage[(size_t)node * room->R + r] -= room->held[(size_t)vm * room->R + r];
        room->held[(size_t)vm * room->R + r] = 0;
    }
}

double ent_room_free_share(const struct ent_room *room, int32_t node)
{
    double f = 0;
    for (size_t r = 0; r < room->R; r++) {
        int64_t cap = room->cap[r][node];
        f += (double)(cap - room->usage[(size_t)node * room->R + r]) / (double)(cap > 0 ? cap : 1);
    }
    return f;
}

int ent_room_node_used(const struct ent_room *room, int32_t node)
{
    for (size_t r = 0; r < room->R; r++)
        if (room->usage[(size_t)node * room->R + r] > 0)
            return 1;
    return 0;
}
