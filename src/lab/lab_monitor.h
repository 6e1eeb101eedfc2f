/* The lab's monitoring source: its QEMU micro-VMs as a model. Nodes have the capacity
 * the lab gave them; a VM is where its file says, once its QEMU answers QMP. A VM whose QEMU is
 * gone is reported in issues and left out; one that answers but does not run (paused,
 * mid-migration) is kept where it is, pinned for the round. */
#ifndef ENT_LAB_LAB_MONITOR_H
#define ENT_LAB_LAB_MONITOR_H

#include <jansson.h>
#include <stdint.h>

struct ent_error;
struct ent_model;

struct ent_lab_source {
    const char *dir;
    int64_t cpu_share; /* a VM's CPU demand per vCPU, in hundredths of a core (100) */
};

#endif
