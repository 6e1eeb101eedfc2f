/* The loop's power phase and its energy accounting (loop_power.c). */
#ifndef ENT_DAEMON_LOOP_POWER_H
#define ENT_DAEMON_LOOP_POWER_H

#include "daemon/loop.h"

/* After monitoring: the power-offs and boots of this round (when loop.power_off_empty and a power
 * driver are set), and the nodes being switched taken out of m. Returns true (the round goes on).
 */
bool ent_loop_power(struct ent_loop *loop, struct ent_round *r, int64_t journal_round,
                    struct ent_model *m);
/* At the end of a round: the watts the online nodes draw at m, with every node on, and the energy
 * since the start (loop->energy, copied into r), logged. */
void ent_loop_account_energy(struct ent_loop *loop, struct ent_round *r, const struct ent_model *m);

#endif
