/* The libvirt adapter: one connection per node URI (qemu+ssh://node/system, xen:///system,
 * test:///default, ...). Capacity from virNodeGetInfo, VMs from virConnectGetAllDomainStats
 * (memory from balloon.current, CPU use from cpu.time deltas between rounds), with
 * virDomainGetInfo where a driver's statistics leave them out. A node that cannot be read fails
 * the whole snapshot (never half a cluster). Domain-0 (Xen) is never a VM and its memory is taken
 * out of the node's capacity. A VM running on two nodes is kept on the first, pinned there this
 * round, and reported in issues. */
#ifndef ENT_MONITOR_LIBVIRT_H
#define ENT_MONITOR_LIBVIRT_H

#include "monitor/cpu_meter.h"
#include "proto/libvirt_nodes.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ent_config;
struct ent_error;
struct ent_model;

struct ent_libvirt_source {
    struct ent_libvirt_nodes nodes; /* unnamed ones get the host's own name */
    struct ent_poll_settings poll;
    struct ent_cpu_meter cpu; /* by domain UUID */
};

void ent_libvirt_source_init(struct ent_libvirt_source *s);
/* Adds the nodes of specs: URI or NAME=URI, or several separated by blanks (not commas: a URI
 * may hold some). */
void ent_libvirt_source_add(struct ent_libvirt_source *s, const char *specs);
void ent_libvirt_source_release(struct ent_libvirt_source *s);
/* The common monitor.* settings (timeout, vm_cpu, active_threshold) and, with endpoints, the
 * nodes of monitor.libvirt.uris. */
void ent_libvirt_source_configure(struct ent_libvirt_source *s, const struct ent_config *c,
                                  bool endpoints);

#endif
