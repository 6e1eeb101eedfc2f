/* The Ganglia monitoring adapter: gmond's XML dump (TCP, default port 8649: the whole document
 * on connect) or gmetad's (8651, or 8652 with a path query), read as it arrives. */
#ifndef ENT_MONITOR_GANGLIA_H
#define ENT_MONITOR_GANGLIA_H

#include "monitor/ganglia_snapshot.h"

#include <stdbool.h>

struct ent_config;
struct ent_error;
struct ent_ganglia_dump;
struct ent_vm_sizes;

struct ent_ganglia_source {
    const char *host; /* address of gmond or gmetad */
    int port;
    const char *query; /* gmetad's interactive port: a path such as "/cluster?filter=summary" */
    const char *file;  /* instead of the network: a saved dump */
    double timeout;    /* seconds for the whole exchange */
    struct ent_ganglia_options opts;
    struct ent_vm_sizes *sizes; /* owned: the hypervisors that size the VMs (NULL: none) */
};

void ent_ganglia_source_default(struct ent_ganglia_source *s);
/* Frees what the source owns (its hypervisors); s itself is the caller's. */
void ent_ganglia_source_release(struct ent_ganglia_source *s);
/* The most a dump may weigh: gmetad's for 5,000 nodes is about 30 MiB. */
#define ENT_GANGLIA_MAX_BYTES (256 << 20)

/* Reads the dump. A source that is down, slow (past the timeout: a file too, a FIFO or a
 * terminal), sends garbage or more than ENT_GANGLIA_MAX_BYTES is an error that names it;
 * nothing half-read is returned. */
int ent_ganglia_fetch(const struct ent_ganglia_source *src, struct ent_ganglia_dump *out,
                      struct ent_error *err);
/* The monitor.* settings, the hypervisors that size VMs (monitor.ganglia.sizing) and, with
 * endpoints, monitor.ganglia.file or host, port and query. */
void ent_ganglia_source_configure(struct ent_ganglia_source *s, const struct ent_config *c,
                                  bool endpoints);

#endif
