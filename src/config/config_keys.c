/* Every configuration key, its default, its range and what it does: the one table from which
 * the daemon, `entropy monitor --config` and config/entropy.properties all come. */
#include "config/properties.h"

#define NUM(name, def, lo, hi, doc)                                                                \
    {                                                                                              \
        name, ENT_CFG_NUMBER, def, lo, hi, NULL, doc                                               \
    }
#define STR(name, def, doc)                                                                        \
    {                                                                                              \
        name, ENT_CFG_STRING, def, 0, 0, NULL, doc                                                 \
    }
#define CHOICE(name, def, choices, doc)                                                            \
    {                                                                                              \
        name, ENT_CFG_CHOICE, def, 0, 0, choices, doc                                              \
    }

const struct ent_config_key ent_config_keys[] = {
    CHOICE("monitor.source", "ganglia", "ganglia|xend|libvirt",
           "Where the cluster is read: Ganglia (gmond or gmetad), each node's xend (Xen 3.x), or "
           "each node's libvirt."),
    NUM("monitor.timeout", "10", 0.001, 3600,
        "Seconds a source has to answer; past it the round is skipped."),
    STR("monitor.ganglia.host", "localhost", "gmond or gmetad to read."),
    NUM("monitor.ganglia.port", "8649", 1, 65535,
        "8649: gmond's XML dump; 8651: gmetad's; 8652: gmetad's interactive port (with "
        "monitor.ganglia.query)."),
    STR("monitor.ganglia.query", "", "Path asked on gmetad's interactive port, e.g. /cluster."),
    STR("monitor.ganglia.file", "", "A saved XML dump to read instead of the network (tests)."),
    NUM("monitor.ganglia.liveness", "4", 1, 1000,
        "A host silent for more than this many times its TMAX is lost."),
    NUM("monitor.dom0_memory_mb", "0", 0, 1e9,
        "MB subtracted from a Xen node's container.mem_total for Domain-0; 0 when the publishing "
        "script already did (the seed script does)."),
    NUM("monitor.vm_memory_mb", "1024", 1, 1e9,
        "Memory of a VM that does not report to Ganglia as a host."),
    NUM("monitor.vm_cpu", "100", 0, 1e9,
        "CPU demand (hundredths of a core) of such a VM, and of a VM's vCPU before its use is "
        "measured (xend, libvirt)."),
    NUM("monitor.active_threshold", "10", 0, 1e9,
        "CPU use (hundredths of a core) above which a VM is active."),
    STR("monitor.xend.urls", "",
        "Each node's xend, comma-separated: http://node-1:8000,http://node-2:8000"),
    STR("monitor.libvirt.uris", "",
        "Each node's libvirt, space-separated, [NAME=]URI: node-1=qemu+ssh://node-1/system"),
};

const size_t ent_config_n_keys = sizeof ent_config_keys / sizeof ent_config_keys[0];
