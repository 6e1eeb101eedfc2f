/* The journal kept in etcd when HA is on (docs/ha.md): every row the leader writes (rounds, plans
 * and each action's state, maintenance, fencing) is written ahead to PREFIX/journal/TABLE/KEY in
 * a transaction guarded by its leadership, and a write etcd does not take does not happen (the
 * journal's mirror, exec/journal.h). A new leader imports every row before it reconciles, so that
 * it knows the plan its predecessor left; at each round it imports what changed since, which is
 * how the commands' words reach it from any machine: entropy maintenance, node and plan approve,
 * and the API, import the rows too and write theirs to etcd (unguarded: an administrator's word,
 * not an action). */
#ifndef ENT_DAEMON_HA_JOURNAL_H
#define ENT_DAEMON_HA_JOURNAL_H

#include "exec/journal.h"
#include "util/error.h"

#include <stdbool.h>
#include <stdint.h>

struct ent_ha;
struct ent_config;

/* The leader's side. */
struct ent_ha_journal {
    struct ent_ha *ha;
    struct ent_journal_mirror mirror;
    int64_t revision; /* of the last import */
    long newest;      /* the newest round seen in etcd */
    long keep;        /* rounds kept there before it (ha.keep_rounds) */
};

/* j's rows go to etcd through ha from now on; etcd keeps those of the last keep rounds. */
void ent_ha_journal_attach(struct ent_ha_journal *hj, struct ent_ha *ha, long keep,
                           struct ent_journal *j);
/* etcd's rows into j: every one (whole: a new term), or those changed since the last call. */
ENT_MUST_USE int ent_ha_journal_sync(struct ent_ha_journal *hj, struct ent_journal *j, bool whole,
                                     struct ent_error *err);

/* The commands' side (and the API's): NULL when ha.etcd.endpoints is empty. */
struct ent_ha_admin;
ENT_MUST_USE int ent_ha_admin_open(struct ent_ha_admin **out, const struct ent_config *c,
                                   struct ent_error *err);
/* j brought up to date from etcd, and its writes sent there. Thread-safe. */
ENT_MUST_USE int ent_ha_admin_attach(struct ent_ha_admin *a, struct ent_journal *j,
                                     struct ent_error *err);
void ent_ha_admin_close(struct ent_ha_admin *a);

#endif
