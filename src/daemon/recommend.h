/* Recommend mode: a round's plan waits for approval (see recommend.c). */
#ifndef ENT_DAEMON_RECOMMEND_H
#define ENT_DAEMON_RECOMMEND_H

#include <stdbool.h>
#include <stdint.h>

struct ent_loop;
struct ent_model;
struct ent_plan;
struct ent_round;

/* Records the plan as recommended, waits for its approval until `until` (ent_now() time) or a
 * stop; true when approved and still current (then execute it). Otherwise r->unapproved says why
 * ("superseded", "stale"). */
bool ent_loop_await_approval(struct ent_loop *loop, struct ent_round *r, int64_t journal_round,
                             const struct ent_model *m, const struct ent_plan *plan, double until);

#endif
