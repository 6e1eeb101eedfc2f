/* The monitor.* configuration keys into the sources' settings. */
#include "monitor/sources.h"

#include "config/properties.h"
#include "monitor/ganglia.h"
#include "monitor/libvirt.h"
#include "monitor/xend.h"

#include <string.h>

/* The monitor.* keys into the sources; options on the command line come after and override.
 * Settings common to every source are kept in g and handed to the others once all is read. */
void ent_monitor_apply_config(const struct ent_config *c, int with_source,
                              struct ent_ganglia_source *g, struct ent_xend_source *x,
                              struct ent_libvirt_source *lv)
{
    const char *source = ent_config_string(c, "monitor.source");
    g->timeout = ent_config_number(c, "monitor.timeout");
    g->opts.dom0_memory_mb = (int64_t)ent_config_number(c, "monitor.dom0_memory_mb");
    g->opts.vm_memory_mb = (int64_t)ent_config_number(c, "monitor.vm_memory_mb");
    g->opts.vm_cpu = (int64_t)ent_config_number(c, "monitor.vm_cpu");
    g->opts.active_threshold = (int64_t)ent_config_number(c, "monitor.active_threshold");
    g->opts.liveness = ent_config_number(c, "monitor.ganglia.liveness");
    if (!with_source)
        return;
    if (strcmp(source, "ganglia") == 0) {
        const char *file = ent_config_string(c, "monitor.ganglia.file");
        const char *query = ent_config_string(c, "monitor.ganglia.query");
        if (*file)
            g->file = file;
        else
            g->host = ent_config_string(c, "monitor.ganglia.host");
        g->port = (int)ent_config_number(c, "monitor.ganglia.port");
        g->query = *query ? query : NULL;
    }
    if (strcmp(source, "xend") == 0)
        ent_xend_source_add(x, ent_config_string(c, "monitor.xend.urls"));
    if (strcmp(source, "libvirt") == 0)
        ent_libvirt_source_add(lv, ent_config_string(c, "monitor.libvirt.uris"));
}
