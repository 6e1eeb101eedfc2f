/* The loop's failure memory (see avoid.c). */
#ifndef ENT_DAEMON_AVOID_H
#define ENT_DAEMON_AVOID_H

#include <jansson.h>

struct ent_exec_result;
struct ent_loop;
struct ent_model;
struct ent_plan;

/* Avoid node as a destination from now for loop->avoid_rounds rounds (why: the failure). */
void ent_avoid_remember(struct ent_loop *loop, const char *node, const char *why);
/* After a snapshot: forgets what expired, and bans the avoided nodes as destinations in m. */
void ent_avoid_apply(struct ent_loop *loop, struct ent_model *m);
/* After execution: remembers the destination of every failed action. */
void ent_avoid_learn(struct ent_loop *loop, const struct ent_model *m, const struct ent_plan *plan,
                     const struct ent_exec_result *res);

/* The nodes avoided now: [{"node", "until_round", "why"}]. */
json_t *ent_avoid_json(const struct ent_loop *loop);

#endif
