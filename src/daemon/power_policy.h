/* When to power nodes off: the policy the loop applies after monitoring, from what monitoring
 * sees, not from what a plan intends. A node is powered off only when it has been seen hosting no
 * VM for at least min_idle seconds (a load that oscillates never empties one long enough: no
 * flapping), while spare_nodes empty online nodes are kept for bursts, and only through a power
 * driver that can. Nodes being switched are kept out of the decision. */
#ifndef ENT_DAEMON_POWER_POLICY_H
#define ENT_DAEMON_POWER_POLICY_H

#include "util/hashmap.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ent_model;

enum ent_node_power_state {
    ENT_NODE_POWER_ON,
    ENT_NODE_POWER_BOOTING,
    ENT_NODE_POWER_SHUTTING_DOWN,
    ENT_NODE_POWER_OFF
};

const char *ent_node_power_name(enum ent_node_power_state p);

/* What the policy remembers of a node across rounds. */
struct ent_power_record {
    char *node;
    enum ent_node_power_state state;
    double empty_since;   /* when monitoring first saw it empty (online), < 0: it hosts a VM */
    double changed_at;    /* when state last changed */
    int64_t memory_mb;    /* its capacity when last seen online (0: never seen) */
    double watts_idle;    /* its idle watts when last seen (the power model; 1 without one) */
    double boot_seconds;  /* how long its last boot took until monitoring saw it, < 0: unknown */
    bool boot_failed;     /* its last boot did not come back in time: not booted again */
    bool shown;           /* in the last snapshot observed (online or offline) */
    bool maintenance;     /* in maintenance this round: neither a spare nor booted for one */
    bool maintenance_off; /* in maintenance with power-off: switched off once seen empty */
    bool off_for_maintenance; /* switched off by a maintenance: booted again when it ends */
};

struct ent_power_policy {
    size_t spare_nodes;  /* power.spare_nodes */
    double min_idle;     /* power.min_idle, seconds */
    double off_timeout;  /* seconds a node has to go off before it is counted on again */
    double boot_timeout; /* seconds a booted node has to appear online before it is avoided */
    struct ent_power_record *nodes;
    size_t len;
    struct ent_namemap index; /* node name -> its record: rounds at 100,000 nodes */
};

void ent_power_policy_init(struct ent_power_policy *p, size_t spare_nodes, double min_idle,
                           double off_timeout, double boot_timeout);
void ent_power_policy_release(struct ent_power_policy *p);
struct ent_power_record *ent_power_policy_find(const struct ent_power_policy *p, const char *node);
/* What old learnt of the nodes goes on in fresh (a reload), old gets fresh's. */
void ent_power_policy_carry(struct ent_power_policy *fresh, struct ent_power_policy *old);

/* A snapshot taken at now: each node's emptiness and power as monitoring shows them (a node
 * being shut down that monitoring no longer shows online, or no longer shows at all, is off;
 * one that stays online past off_timeout is on again, logged; a booting one seen online is on,
 * its boot time kept; one not seen past boot_timeout is off again and not booted again, logged). */
void ent_power_policy_observe(struct ent_power_policy *p, const struct ent_model *m, double now);

/* The nodes of m (indexes into out, at most m->n_nodes) to power off now: online, empty since
 * at least min_idle, can_off(arg, name) true; the spare_nodes empty online nodes with the most
 * memory (then by name) stay on. Returns how many. */
size_t ent_power_policy_choose_off(const struct ent_power_policy *p, const struct ent_model *m,
                                   double now, bool (*can_off)(void *arg, const char *node),
                                   void *arg, int32_t *out);

/* How many nodes to boot now: as many as the empty online nodes fall short of spare_nodes
 * (nodes booting count as empty); when the decision found no placement at short_since (it
 * did: 0), at least one, unless a node is booting or came online since (the next decision sees it
 * first). */
size_t ent_power_policy_boots_wanted(const struct ent_power_policy *p, const struct ent_model *m,
                                     double short_since);
/* Up to want powered-off nodes to boot (names, the policy's; valid until it changes): the least
 * idle watts per MB first, none whose last boot failed, can_on(arg, name) true. */
size_t ent_power_policy_choose_on(const struct ent_power_policy *p, size_t want,
                                  bool (*can_on)(void *arg, const char *node), void *arg,
                                  const char **out);

/* Clears the maintenance marks of the last round, then marks node as in maintenance this round
 * (power_off: switch it off once empty). */
void ent_power_policy_maintain_none(struct ent_power_policy *p);
void ent_power_policy_maintain(struct ent_power_policy *p, const char *node, bool power_off,
                               double now);

/* What maintenance asks of power now: into off (node indexes of m) the nodes in maintenance
 * with power-off that monitoring shows online and empty (min_idle and spares do not apply: the
 * administrator asked); into on (names) the nodes a maintenance switched off whose maintenance
 * has ended. Returns how many into on. */
size_t ent_power_policy_maintenance_changes(const struct ent_power_policy *p,
                                            const struct ent_model *m, int32_t *off, size_t *n_off,
                                            const char **on);

/* Records a change the loop made (or that failed: state as it was). */
void ent_power_policy_set(struct ent_power_policy *p, const char *node,
                          enum ent_node_power_state state, double now);

/* Marks in m's mapping every node the policy is switching or has switched off as booting,
 * shutting down or offline, so that no VM is placed there (one that hosts a VM stays, logged). */
void ent_power_policy_hide(const struct ent_power_policy *p, struct ent_model *m);

#endif
