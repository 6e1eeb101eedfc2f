/* The room on every node while a plan unfolds: what each VM holds where, against capacities, with
 * final demands for arrivals (as the checker counts). Shared by the planners. */
#ifndef ENT_PLAN_ROOM_H
#define ENT_PLAN_ROOM_H

#include <stddef.h>
#include <stdint.h>

struct ent_model;
struct ent_mapping;

struct ent_room {
    const struct ent_model *m;
    int64_t **final; /* [r][vm] */
    int64_t **cap;   /* [r][node], overbooking applied */
    int64_t *usage;  /* [node * R + r] */
    int64_t *held;   /* [vm * R + r] */
    size_t R;
};

/* Starts from the model's current placement. */
void ent_room_init(struct ent_room *room, const struct ent_model *m);
void ent_room_release(struct ent_room *room);
/* Whether node can take vm's final demand now. */
int ent_room_fits(const struct ent_room *room, int32_t vm, int32_t node);
/* vm starts arriving on node: its final demand is reserved there (what it holds where it is now
 * stays held until it departs). */
void ent_room_arrive(struct ent_room *room, int32_t vm, int32_t node);
/* vm has left node: what it held there is released, and it holds nothing. */
void ent_room_depart(struct ent_room *room, int32_t vm, int32_t node);
/* vm's arrival is complete: it now holds its final demand (reserved by ent_room_arrive). */
void ent_room_settle(struct ent_room *room, int32_t vm);
/* Free share of node's capacity, summed over resources. */
double ent_room_free_share(const struct ent_room *room, int32_t node);
/* Whether any resource is in use on node. */
int ent_room_node_used(const struct ent_room *room, int32_t node);

#endif
