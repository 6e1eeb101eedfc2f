/* From what Ganglia reports to a snapshot of the cluster (a model). A host is a node when it
 * reports the five container.* metrics of the seed documents' gmetric script; a VM is a name in
 * some node's container.vms. */
#ifndef ENT_MONITOR_GANGLIA_SNAPSHOT_H
#define ENT_MONITOR_GANGLIA_SNAPSHOT_H

#include <jansson.h>
#include <stdint.h>

struct ent_error;
struct ent_ganglia_dump;
struct ent_model;
struct ent_monitor_round;
struct ent_vm_sizes;

struct ent_ganglia_options {
    int64_t vm_memory_mb;     /* a VM that does not report as a host: its memory (MB) */
    int64_t vm_cpu;           /* and its CPU demand (hundredths of a core) */
    int64_t active_threshold; /* CPU use (hundredths of a core) above which a VM is active */
    int64_t dom0_memory_mb;   /* subtracted from a Xen node's container.mem_total; 0 when the
                               * publisher already did, as the seed script does (the default) */
    double liveness;          /* a host silent for more than this times its TMAX is lost (4) */
    const struct ent_vm_sizes *sizes; /* the hypervisors' answers for VMs that do not report
                                       * as hosts; NULL: none */
};

void ent_ganglia_options_default(struct ent_ganglia_options *o);

/* Reads the dump into the round r (resources "cpu", hundredths of a core, and "memory", MB).
 * What is wrong or left out (a host missing metrics, a lost node and its VMs, a VM on two
 * nodes) is logged and listed in r's issues. */
int ent_ganglia_read(const struct ent_ganglia_dump *d, const struct ent_ganglia_options *o,
                     struct ent_monitor_round *r, struct ent_error *err);

/* The same on a round of its own, for a dump read outside a source (the fuzz target and the
 * benchmark): m is validated; *issues is a new reference on success. */
int ent_ganglia_snapshot(const struct ent_ganglia_dump *d, const struct ent_ganglia_options *o,
                         struct ent_model *m, json_t **issues, struct ent_error *err);

#endif
