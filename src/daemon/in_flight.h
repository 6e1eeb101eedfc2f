/* Migrations the hypervisor goes on with after the loop gave them up (see in_flight.c). */
#ifndef ENT_DAEMON_IN_FLIGHT_H
#define ENT_DAEMON_IN_FLIGHT_H

#include <stddef.h>

struct ent_exec_result;
struct ent_loop;
struct ent_model;
struct ent_plan;

/* A VM whose migration from a node to another failed, yet goes on (xend cannot cancel one). */
struct ent_in_flight {
    char *vm, *from, *to;
};

/* After execution: the round's failed migrations that the executor found still migrating. */
void ent_in_flight_learn(struct ent_loop *loop, const struct ent_model *m,
                         const struct ent_plan *plan, const struct ent_exec_result *res);
/* Asks the driver of each one's source where its VM stands now, forgets those that ended (logged)
 * and returns how many go on, or could not be asked. */
size_t ent_in_flight_ask(struct ent_loop *loop);
/* Forgets them all (ent_loop_release calls it). */
void ent_in_flight_release(struct ent_loop *loop);

#endif
