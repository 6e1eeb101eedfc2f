/* Monitoring sources (the original Entropy's ConfigurationAdapter): each builds a snapshot of the
 * cluster as a model, behind one ops table. A source only reads nodes and VMs into a round
 * (issues.h); opening the round, validating the model, keeping the issues the source found and
 * telling it whether the snapshot was kept are done here, once for all of them. */
#ifndef ENT_MONITOR_MONITOR_H
#define ENT_MONITOR_MONITOR_H

#include "util/error.h"

#include "model/enclosure.h"
#include "monitor/definitions.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct ent_config;
struct ent_error;
struct ent_model;
struct ent_monitor;
struct ent_monitor_round;
struct ent_sim_cluster;

struct ent_monitor_ops {
    const char *name;
    const char *driver;      /* the driver of its nodes when driver.default = auto */
    const char *const *keys; /* its own rows of the configuration table, NULL-terminated */
    /* From the configuration file: builds its settings from its keys (and the common monitor.*
     * ones) into mon->state, which close frees; a missing setting is an error naming its key. */
    int (*configure)(struct ent_monitor *mon, const struct ent_config *c, struct ent_error *err);
    /* From settings the caller keeps and frees: arg is the source's own struct
     * (struct ent_xend_source *, struct ent_sim_cluster *, ...). */
    int (*open)(struct ent_monitor *mon, void *arg, struct ent_error *err);
    /* Reads the cluster as the source sees it now into r: nodes, VMs, issues. */
    int (*read)(struct ent_monitor *mon, struct ent_monitor_round *r, struct ent_error *err);
    /* After each snapshot: kept says whether it was taken (CPU meters advance) or failed (they
     * forget this round's readings). NULL when the source keeps nothing between rounds. */
    void (*settle)(struct ent_monitor *mon, bool kept);
    /* On a reload (SIGHUP), fresh (just configured) takes over what the running instance old of
     * the same source learned: CPU-time history, the simulated cluster's state. NULL when the
     * source keeps nothing between rounds. */
    void (*reload)(struct ent_monitor *fresh, struct ent_monitor *old);
    /* Frees what configure built. */
    void (*close)(struct ent_monitor *mon);
    /* The source in a few words ("xend http://node-1:8000, ..."), for entropy monitor. */
    void (*describe)(const struct ent_monitor *mon, char *buf, size_t size);
};

struct ent_monitor {
    const struct ent_monitor_ops *ops;
    void *state;
    bool owned;     /* state built by configure (close frees it) */
    json_t *issues; /* what the last snapshot reported (an array), NULL before the first */
    /* MB of every node's memory kept free for migrations (monitor.memory_reserve_mb): taken out
     * of its capacity, so that no plan fills a node to the last MB (xend's balloon driver then
     * refuses every live migration off it). */
    int64_t memory_reserve_mb;
    /* The enclosure.NAME keys: each snapshot's nodes get their innermost enclosure; a member
     * monitoring does not show is reported (an issue). */
    struct ent_enclosures enclosures;
    /* vm.definitions: the VMs that should exist, merged into each snapshot. */
    struct ent_definitions_input definitions;
};

/* Registration (daemon/plugins.c registers the built-in sources); a name twice is refused. */
ENT_MUST_USE int ent_monitor_register(const struct ent_monitor_ops *ops, struct ent_error *err);
const struct ent_monitor_ops *ent_monitor_lookup(const char *name);
/* The registered sources in order, NULL past the last; and their names (for ent_names). */
const struct ent_monitor_ops *ent_monitor_at(size_t i);
const char *ent_monitor_name_at(size_t i);

ENT_MUST_USE int ent_monitor_open(struct ent_monitor *mon, const char *name, void *arg,
                                  struct ent_error *err);
/* Opens the source monitor.source names, from the configuration. */
ENT_MUST_USE int ent_monitor_configure(struct ent_monitor *mon, const struct ent_config *c,
                                       struct ent_error *err);
/* Fills out (initialised, empty) with the cluster now; the issues found stay in mon->issues. */
ENT_MUST_USE int ent_monitor_snapshot(struct ent_monitor *mon, struct ent_model *out,
                                      struct ent_error *err);
void ent_monitor_describe(const struct ent_monitor *mon, char *buf, size_t size);
/* After a reload: fresh carries on from old when both are the same source (ops->reload). */
void ent_monitor_reload(struct ent_monitor *fresh, struct ent_monitor *old);
void ent_monitor_close(struct ent_monitor *mon);

extern const struct ent_monitor_ops ent_monitor_sim_ops;
/* The simulated cluster behind a sim source (for the sim driver), NULL for another source. */
struct ent_sim_cluster *ent_monitor_sim_cluster(const struct ent_monitor *mon);
extern const struct ent_monitor_ops ent_monitor_ganglia_ops;
extern const struct ent_monitor_ops ent_monitor_xend_ops;
extern const struct ent_monitor_ops ent_monitor_libvirt_ops;

#endif
