/* What the daemon runs with, from config/entropy.properties: the monitoring source, the drivers,
 * and the loop's options. Built whole or not at all, so that a reload on SIGHUP can keep the old
 * one when the new file is wrong. */
#ifndef ENT_DAEMON_SETUP_H
#define ENT_DAEMON_SETUP_H

#include "util/error.h"

#include "config/properties.h"
#include "daemon/disruption.h"
#include "daemon/loop.h"
#include "daemon/power_policy.h"
#include "drivers/driver.h"
#include "drivers/power.h"
#include "monitor/monitor.h"

#include <stdbool.h>

struct ent_daemon_setup {
    struct ent_config config;
    const char *source;         /* monitor.source */
    struct ent_monitor monitor; /* configured from the file: it owns its settings */
    struct ent_driver_set drivers;
    struct ent_power_set power;           /* power.nodes */
    struct ent_power_policy power_policy; /* used when loop.power_off_empty = yes */
    struct ent_disruption disruption;     /* loop.max_migrations, window, cooldown */
    struct ent_loop loop; /* monitor, drivers and options set; the caller adds stop, journal */
    bool decide;          /* loop.objective is not none */
    double period;
};

/* Reads path (errors name FILE:LINE) and opens the source and the drivers. */
ENT_MUST_USE int ent_daemon_setup(struct ent_daemon_setup *d, const char *path,
                                  struct ent_error *err);
void ent_daemon_teardown(struct ent_daemon_setup *d);

#endif
