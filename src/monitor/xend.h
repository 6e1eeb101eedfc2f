/* The xend source (Xen 3.x): each node's xend HTTP server (port 8000), GET /xend/node and
 * GET /xend/domain?detail=1, answers in SXP. Any node that does not answer well fails the whole
 * snapshot (never half a cluster). Domain-0 is never a VM and its memory is taken out of the
 * node's capacity. */
#ifndef ENT_MONITOR_XEND_H
#define ENT_MONITOR_XEND_H

#include "monitor/cpu_meter.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ent_config;
struct ent_error;
struct ent_model;

/* What a node's xend said last: its name and capacity, for a round it cannot be read. */
struct ent_xend_seen {
    char *name;
    int64_t cpu, memory_mb;
};

struct ent_xend_source {
    char **urls;                /* one per node, e.g. http://node-1:8000 */
    struct ent_xend_seen *seen; /* one per URL */
    size_t n_urls;
    struct ent_poll_settings poll;
    struct ent_cpu_meter cpu; /* CPU use from cpu_time between rounds, by VM name */
};

void ent_xend_source_init(struct ent_xend_source *s);
/* Adds the nodes of urls: one URL, or several separated by commas or blanks. */
void ent_xend_source_add(struct ent_xend_source *s, const char *urls);
void ent_xend_source_release(struct ent_xend_source *s);
/* The common monitor.* settings (timeout, vm_cpu, active_threshold) and, with endpoints, the
 * nodes of monitor.xend.urls. */
void ent_xend_source_configure(struct ent_xend_source *s, const struct ent_config *c,
                               bool endpoints);

#endif
