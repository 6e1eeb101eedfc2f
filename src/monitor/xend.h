/* The xend adapter (Xen 3.x): each node's xend HTTP server (port 8000), GET /xend/node and
 * GET /xend/domain?detail=1, answers in SXP. */
#ifndef ENT_MONITOR_XEND_H
#define ENT_MONITOR_XEND_H

#include "monitor/cpu_meter.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct ent_error;
struct ent_model;

struct ent_xend_source {
    char **urls; /* one per node, e.g. http://node-1:8000 */
    size_t n_urls;
    double timeout;    /* seconds per request */
    int64_t cpu_share; /* a VM's CPU demand per vCPU when no use is known yet (100) */
    int64_t active_threshold;
    struct ent_cpu_meter cpu; /* CPU use from cpu_time between rounds, by VM name */
};

void ent_xend_source_init(struct ent_xend_source *s);
/* Adds the nodes of urls: one URL, or several separated by commas or blanks. */
void ent_xend_source_add(struct ent_xend_source *s, const char *urls);
void ent_xend_source_release(struct ent_xend_source *s);
/* Reads every node; any node that does not answer well fails the whole snapshot (never half a
 * cluster). Domain-0 is never a VM and its memory is taken out of the node's capacity. */
int ent_xend_snapshot(struct ent_xend_source *src, struct ent_model *m, json_t **issues,
                      struct ent_error *err);

#endif
