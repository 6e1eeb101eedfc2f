/* The monitoring sources as the configuration sets them (entropy monitor --config, the daemon). */
#ifndef ENT_MONITOR_SOURCES_H
#define ENT_MONITOR_SOURCES_H

struct ent_config;
struct ent_ganglia_source;
struct ent_xend_source;
struct ent_libvirt_source;

/* The monitor.* keys into the sources; with_source: also the source's endpoints (the file's
 * monitor.source is the one used). Settings common to every source are kept in g: the caller
 * hands them to the others (timeout, vm_cpu, active_threshold). */
void ent_monitor_apply_config(const struct ent_config *c, int with_source,
                              struct ent_ganglia_source *g, struct ent_xend_source *x,
                              struct ent_libvirt_source *lv);

#endif
