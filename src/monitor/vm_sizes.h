/* The size of VMs a source names but does not measure, asked from their hypervisors: with the
 * seed documents' gmetric script Ganglia knows each node and the names of its VMs, not their
 * memory or CPU. Each xend (GET /xend/domain?detail=1) and libvirtd the drivers reach is asked
 * once a round; a VM is then sized by the one that runs it: memory as the hypervisor gives it,
 * CPU from its CPU time between rounds (vCPUs x monitor.vm_cpu until there are two readings). */
#ifndef ENT_MONITOR_VM_SIZES_H
#define ENT_MONITOR_VM_SIZES_H

#include "monitor/cpu_meter.h"
#include "proto/libvirt_nodes.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ent_config;

struct ent_vm_sizes {
    char **xend_urls; /* each node's xend */
    size_t n_xend;
    struct ent_libvirt_nodes libvirt; /* each node's libvirtd, connections kept between rounds */
    struct ent_poll_settings poll;
    struct ent_cpu_meter cpu; /* CPU use from CPU time between rounds, by VM name */
    json_t *known;            /* this round: {"VM": [memory MB, CPU, "sized by"]} */
};

/* The hypervisors of the configuration (driver.xend.urls or monitor.xend.urls,
 * driver.libvirt.uris or monitor.libvirt.uris) unless monitor.ganglia.sizing = defaults; NULL
 * when there are none. Release with ent_vm_sizes_free. */
struct ent_vm_sizes *ent_vm_sizes_from_config(const struct ent_config *c);
void ent_vm_sizes_free(struct ent_vm_sizes *s);

/* Asks every hypervisor; one that does not answer is listed in issues (its VMs keep the sizes
 * of its last answer), never an error: Ganglia still says where every VM is. */
void ent_vm_sizes_fetch(struct ent_vm_sizes *s, json_t *issues);
/* VM name's memory (MB) and CPU (hundredths of a core) as the last answers give them, and
 * which hypervisor said so ("xend http://...", "libvirt URI"): false when none knows it. */
bool ent_vm_sizes_lookup(const struct ent_vm_sizes *s, const char *name, int64_t *memory_mb,
                         int64_t *cpu, const char **sized_by);
/* After the snapshot: kept, this round's CPU readings are the next one's reference. */
void ent_vm_sizes_settle(struct ent_vm_sizes *s, bool kept);
/* A reloaded source takes over the CPU-time history. */
void ent_vm_sizes_swap_history(struct ent_vm_sizes *a, struct ent_vm_sizes *b);

#endif
