/* The one list of built-in plug-ins. A new monitoring source, driver or power driver is its own
 * file (its ops table) and one line here. */
#include "daemon/plugins.h"

#include "drivers/driver.h"
#include "drivers/power.h"
#include "lab/lab.h"
#include "monitor/monitor.h"

#include <assert.h>
#include <stdbool.h>

static const struct ent_monitor_ops *const monitors[] = {
    &ent_monitor_sim_ops,     &ent_monitor_ganglia_ops, &ent_monitor_xend_ops,
    &ent_monitor_libvirt_ops, &ent_monitor_lab_ops,
};

static const struct ent_driver_ops *const drivers[] = {
    &ent_driver_sim_ops, &ent_driver_qmp_ops,     &ent_driver_xend_ops,
    &ent_driver_xl_ops,  &ent_driver_libvirt_ops,
};

static const struct ent_power_ops *const power_drivers[] = {
    &ent_power_ipmi_ops,
    &ent_power_wol_ops,
    &ent_power_command_ops,
    &ent_power_sim_ops,
};

void ent_plugins_init(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    /* A built-in refused (a name twice, a slot missing) is a programming error. */
    for (size_t i = 0; i < sizeof monitors / sizeof *monitors; i++) {
        int rc = ent_monitor_register(monitors[i], NULL);
        assert(rc == 0);
        (void)rc;
    }
    for (size_t i = 0; i < sizeof drivers / sizeof *drivers; i++) {
        int rc = ent_driver_register(drivers[i], NULL);
        assert(rc == 0);
        (void)rc;
    }
    for (size_t i = 0; i < sizeof power_drivers / sizeof *power_drivers; i++) {
        int rc = ent_power_register(power_drivers[i], NULL);
        assert(rc == 0);
        (void)rc;
    }
}
