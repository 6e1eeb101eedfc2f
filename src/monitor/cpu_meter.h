/* CPU use from a cumulative CPU-time counter (xend's cpu_time, libvirt's cpu.time) read round
 * after round: the growth between two readings over the time between them. */
#ifndef ENT_MONITOR_CPU_METER_H
#define ENT_MONITOR_CPU_METER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct ent_config;

/* What the sources that poll nodes (xend, libvirt) share: how long a node has to answer, a VM's
 * CPU demand per vCPU before its use is measured, and the use above which a VM is active. */
struct ent_poll_settings {
    double timeout;           /* seconds (monitor.timeout, 10) */
    int64_t cpu_share;        /* hundredths of a core (monitor.vm_cpu, 100) */
    int64_t active_threshold; /* hundredths of a core (monitor.active_threshold, 10) */
};

void ent_poll_settings_default(struct ent_poll_settings *s);
void ent_poll_settings_read(struct ent_poll_settings *s, const struct ent_config *c);

struct ent_cpu_meter {
    json_t *previous; /* {"key": [CPU seconds, monotonic seconds]}: the last good round */
    json_t *now;      /* this round's readings, until committed */
};

void ent_cpu_meter_init(struct ent_cpu_meter *cm);
void ent_cpu_meter_release(struct ent_cpu_meter *cm);
/* After a snapshot: kept, this round's readings become the reference (commit); else they are
 * forgotten (discard). */
void ent_cpu_meter_settle(struct ent_cpu_meter *cm, bool kept);
/* Exchanges two meters (a reloaded source takes over the running one's history). */
void ent_cpu_meter_swap(struct ent_cpu_meter *a, struct ent_cpu_meter *b);
/* Hundredths of a core used by key (a VM) since the previous round, or fallback when there is
 * no earlier reading (first round, or too recent), or the counter went back (a restarted VM). */
int64_t ent_cpu_meter_read(struct ent_cpu_meter *cm, const char *key, double cpu_seconds,
                           int64_t fallback);
/* The round succeeded: its readings are the ones the next compares with. */
void ent_cpu_meter_commit(struct ent_cpu_meter *cm);
/* The round failed: its readings are dropped, the previous ones kept. */
void ent_cpu_meter_discard(struct ent_cpu_meter *cm);

#endif
