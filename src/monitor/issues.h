/* What adapters report about a snapshot that is not an error: logged and kept for the
 * administrator (entropy monitor prints them). */
#ifndef ENT_MONITOR_ISSUES_H
#define ENT_MONITOR_ISSUES_H

#include "util/hashmap.h"
#include "util/names.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ent_error;
struct ent_model;

/* Logs "SOURCE: message" as a warning and appends the message to issues. */
void ent_monitor_issue(json_t *issues, const char *source, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Keeps VM vm where it is this round (a root constraint): what adapters do with a VM whose
 * place they cannot trust. */
void ent_monitor_pin_vm(struct ent_model *m, int32_t vm);
/* VM vm is in a migration the hypervisor goes on with (xend's migrating-NAME): pinned, and marked
 * so (attribute "in_flight") for whoever must not call the cluster coherent meanwhile. Call it
 * once the VM's attributes are set. */
void ent_monitor_mark_in_flight(struct ent_model *m, int32_t vm);
/* How many VMs of m are so marked. */
size_t ent_monitor_in_flight(const struct ent_model *m);

/* What separates names in a list (container.vms): any whitespace, the seed script's gmetric
 * publishes one per line, or commas. */
#define ENT_NAME_SEPARATORS " \t\r\n\v\f,"

/* The node and VM names a snapshot holds so far (the model does not refuse a name twice). */
struct ent_monitor_names {
    struct ent_namemap nodes, vms;
};

void ent_monitor_names_init(struct ent_monitor_names *n);
void ent_monitor_names_release(struct ent_monitor_names *n);
struct ent_monitor_round;
/* Adds an online node; ENT_EEXISTS (nothing added, err untouched) when the snapshot already has
 * one of that name, what to do then being the source's call; ENT_EINVALID (reported in the
 * round's issues, err untouched) when the name is refused: the source leaves the node and its
 * VMs out. */
int ent_monitor_add_node(struct ent_monitor_round *r, const char *source, const char *name,
                         struct ent_error *err);
/* Adds a running VM on node. A VM already on another node is kept there, pinned for the round
 * and reported in issues under source: ENT_EEXISTS, nothing added. A VM whose name is refused is
 * added under a placeholder ("vm#N"), pinned and reported: its demand counts, nothing acts on it.
 */
int ent_monitor_add_vm(struct ent_model *m, struct ent_monitor_names *names, json_t *issues,
                       const char *source, const char *name, int32_t node, struct ent_error *err);

/* A snapshot being built node by node: the model with its "cpu" and "memory" resources, the
 * names seen so far, the issues found. */
struct ent_monitor_round {
    struct ent_model *m;
    int cpu, mem;
    json_t *issues;
    struct ent_monitor_names names;
};

/* Starts a round on m (initialised, empty); whatever it returns, ent_monitor_round_end follows. */
int ent_monitor_round_begin(struct ent_monitor_round *r, struct ent_model *m,
                            struct ent_error *err);
/* Ends it: with rc 0 the model is validated and, when valid, the issues go to *issues; otherwise
 * they are dropped. Returns the outcome. */
/* A node a source cannot read this round (libvirt, xend): lost, reported under source with why,
 * and listed in the model's lost nodes with what it runs unknown (failover.h). key names it there
 * and in the report; with name (the node's name from its last read, NULL when never read) it is
 * also in the snapshot, offline, with the driver and the capacity it last had. */
int ent_monitor_lose_node(struct ent_monitor_round *r, const char *source, const char *key,
                          const char *name, const char *driver, int64_t cpu, int64_t memory_mb,
                          const char *why, struct ent_error *err);
/* Reads nodes 0 .. n-1 of src with read_node: 0 read, 1 lost (it called ent_monitor_lose_node
 * and left why in err), negative an error that fails the round. A node lost is not a failure of
 * the round, unless no node at all could be read: then it fails with the first one's reason. */
typedef int (*ent_monitor_read_node_fn)(void *src, size_t i, struct ent_monitor_round *r,
                                        struct ent_error *err);
int ent_monitor_read_nodes(struct ent_monitor_round *r, void *src, size_t n,
                           ent_monitor_read_node_fn read_node, struct ent_error *err);
int ent_monitor_round_end(struct ent_monitor_round *r, int rc, json_t **issues,
                          struct ent_error *err);

#endif
