/* What the daemon runs with, from config/entropy.properties: the monitoring source, the drivers,
 * and the loop's options. Built whole or not at all, so that a reload on SIGHUP can keep the old
 * one when the new file is wrong. */
#ifndef ENT_DAEMON_SETUP_H
#define ENT_DAEMON_SETUP_H

#include "config/properties.h"
#include "daemon/loop.h"
#include "drivers/driver.h"
#include "drivers/libvirt.h"
#include "drivers/xend.h"
#include "drivers/xl.h"
#include "lab/lab_monitor.h"
#include "monitor/ganglia.h"
#include "monitor/libvirt.h"
#include "monitor/monitor.h"
#include "monitor/xend.h"
#include "sim/cluster.h"

#include <stdbool.h>

struct ent_daemon_setup {
    struct ent_config config;
    const char *source; /* monitor.source */
    struct ent_sim_cluster sim;
    bool have_sim;
    struct ent_ganglia_source ganglia;
    struct ent_xend_source xend;
    struct ent_libvirt_source libvirt;
    struct ent_lab_source lab;
    struct ent_monitor monitor;
    struct ent_xend_driver_config xend_driver;
    struct ent_libvirt_driver_config libvirt_driver;
    struct ent_xl_driver_config xl_driver;
    struct ent_driver_set drivers;
    struct ent_loop loop; /* monitor, drivers and options set; the caller adds stop, journal */
    bool decide;          /* loop.objective is not none */
    double period;
};

/* Reads path (errors name FILE:LINE) and opens the source and the drivers. */
int ent_daemon_setup(struct ent_daemon_setup *d, const char *path, struct ent_error *err);
void ent_daemon_teardown(struct ent_daemon_setup *d);

#endif
