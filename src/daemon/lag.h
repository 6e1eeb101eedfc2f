/* Monitoring that lags behind the loop's own actions (see lag.c). */
#ifndef ENT_DAEMON_LAG_H
#define ENT_DAEMON_LAG_H

#include <stdbool.h>

struct ent_exec_result;
struct ent_loop;
struct ent_model;
struct ent_plan;
struct ent_str;

/* A VM the last round put on a node, to find there in the next snapshots. */
struct ent_moved {
    char *vm, *node;
    double when; /* ent_now() when the round ended */
};

/* After execution: the VMs the round moved (or booted) and where to. */
void ent_lag_learn(struct ent_loop *loop, const struct ent_model *m, const struct ent_plan *plan,
                   const struct ent_exec_result *res);
/* After a snapshot: whether it still shows a VM where it was before the last round moved it
 * (why says which), within ENT_LAG_GRACE seconds of that round; past them, or once it agrees,
 * the memory is dropped. */
bool ent_lag_stale(struct ent_loop *loop, const struct ent_model *m, struct ent_str *why);
/* Forgets it (ent_loop_release calls it). */
void ent_lag_release(struct ent_loop *loop);

/* Monitoring is given this long to catch up with the loop's migrations (Ganglia's gmetad polls
 * every 15 s by default; the seed's script publishes every second). */
#define ENT_LAG_GRACE 120.0

#endif
