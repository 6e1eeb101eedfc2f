/* Failover (failover.after, vm.definitions): a node that hosted VMs and that monitoring loses for
 * failover.after consecutive rounds is suspected dead, then fenced: powered off through its power
 * driver and confirmed off by status, or confirmed dead by an administrator (entropy node
 * confirm-dead). Nothing is restarted before: until then the VMs it ran are held (never booted
 * elsewhere, not even by autostart). Once fenced, its VMs that have definitions on shared storage
 * are booted elsewhere by priority (the decision places them, autostart's way); what cannot be
 * restarted is reported. A fenced node that comes back stays out of every placement, and a VM it
 * still runs that runs elsewhere too is paused there and reported, never resumed by Entropy,
 * until an administrator clears the node (entropy node clear). */
#ifndef ENT_DAEMON_FAILOVER_H
#define ENT_DAEMON_FAILOVER_H

#include "util/hashmap.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct ent_driver_set;
struct ent_error;
struct ent_journal;
struct ent_model;
struct ent_power_set;

/* X(ENUM, name) */
#define ENT_HEALTH_STATES(X)                                                                       \
    X(SEEN, "seen")           /* monitoring shows it online */                                     \
    X(SUSPECTED, "suspected") /* lost for fewer than failover.after rounds */                      \
    X(FENCING, "fencing")     /* lost long enough: to be powered off, or confirmed dead */         \
    X(FENCED, "fenced")       /* off for sure: its VMs may run elsewhere */                        \
    X(RETURNED, "returned")   /* fenced, then seen again: kept out until cleared */

enum ent_health {
#define ENT_HEALTH_ENUM(e, name) ENT_HEALTH_##e,
    ENT_HEALTH_STATES(ENT_HEALTH_ENUM)
#undef ENT_HEALTH_ENUM
};

const char *ent_health_name(enum ent_health h);
/* -1 when unknown. */
int ent_health_from_name(const char *name);

struct ent_watched_node {
    char *name;
    enum ent_health health;
    long missed;   /* consecutive rounds unseen */
    json_t *vms;   /* the VMs it ran at last sight (names), or since it was lost */
    char *detail;  /* the last word on it (why fencing waits, what returned) */
    long since;    /* the round the health began */
    bool by_admin; /* fenced on an administrator's word */
    /* Of its VMs, this round: those to restart (defined, running nowhere), those that cannot be
     * (no definition); each newly listed one is logged. NULL until fenced. */
    json_t *restarting, *cannot_restart;
};

struct ent_failover {
    bool enabled;
    long after; /* failover.after */
    struct ent_watched_node *nodes;
    size_t len, cap;
    /* Node name -> its index in nodes (the names are the nodes'); rebuilt after a removal. */
    struct ent_namemap index;
    bool index_stale;
};

void ent_failover_release(struct ent_failover *f);
/* On a reload: fresh takes over what old watches. */
void ent_failover_carry(struct ent_failover *fresh, struct ent_failover *old);

/* After a snapshot: updates each node's health (a node that hosted VMs and is not online counts
 * as lost), takes the administrator's confirmations and clearances from the journal (may be
 * NULL), fences what is due through power (may be NULL: then only a confirmation fences), and
 * marks m: VMs of nodes not known dead are held ("held" attribute), those of fenced nodes to be
 * restarted ("restart"), returned nodes banned from placement. Health changes go to the journal
 * and the log. */
void ent_failover_observe(struct ent_failover *f, struct ent_model *m, long round,
                          const struct ent_power_set *power, struct ent_journal *journal);
/* After execution, with m moved on by what the round did: what each node seen now runs. */
void ent_failover_learn(struct ent_failover *f, const struct ent_model *m);
/* After execution: pauses, through the drivers, the copies a returned node runs of VMs that run
 * elsewhere too (never resumed by Entropy). */
void ent_failover_pause_returned(struct ent_failover *f, const struct ent_model *m,
                                 struct ent_driver_set *drivers);
/* The nodes not seen: [{"node", "health", "missed", "vms", "detail", "since_round"}]. */
json_t *ent_failover_json(const struct ent_failover *f);

/* The attributes failover puts on VMs of a snapshot. */
#define ENT_VM_ATTR_HELD    "held"    /* why it must not be booted: its node is not known dead */
#define ENT_VM_ATTR_RESTART "restart" /* the dead node it is restarted from */

#endif
