/* The monitor registry (redis connTypeRegister): explicit, by name, no duplicates. */
#include "monitor/monitor.h"

#include "util/error.h"

#include <string.h>

#define MAX_MONITORS 16

static const struct ent_monitor_ops *registry[MAX_MONITORS];
static size_t n_registered;

int ent_monitor_register(const struct ent_monitor_ops *ops, struct ent_error *err)
{
    if (!ops->name || !ops->open || !ops->snapshot)
        return ent_error(err, ENT_EINVALID, "monitor adapter without name, open or snapshot");
    if (ent_monitor_lookup(ops->name))
        return ent_error(err, ENT_EEXISTS, "monitor adapter \"%s\" registered twice", ops->name);
    if (n_registered == MAX_MONITORS)
        return ent_error(err, ENT_EINVALID, "too many monitor adapters");
    registry[n_registered++] = ops;
    return 0;
}

const struct ent_monitor_ops *ent_monitor_lookup(const char *name)
{
    for (size_t i = 0; i < n_registered; i++)
        if (strcmp(registry[i]->name, name) == 0)
            return registry[i];
    return NULL;
}

void ent_monitors_init(void)
{
    if (n_registered)
        return;
    ent_monitor_register(&ent_monitor_sim_ops, NULL);
}

int ent_monitor_open(struct ent_monitor *mon, const char *name, void *arg, struct ent_error *err)
{
    ent_monitors_init();
    mon->ops = ent_monitor_lookup(name);
    mon->state = NULL;
    if (!mon->ops)
        return ent_error(err, ENT_ENOTFOUND, "no monitor adapter named \"%s\"", name);
    return mon->ops->open(mon, arg, err);
}

int ent_monitor_snapshot(struct ent_monitor *mon, struct ent_model *out, struct ent_error *err)
{
    int rc = mon->ops->snapshot(mon, out, err);
    if (rc)
        ent_error_prefix(err, "monitor %s", mon->ops->name);
    return rc;
}

void ent_monitor_close(struct ent_monitor *mon)
{
    if (mon && mon->ops && mon->ops->close)
        mon->ops->close(mon);
    if (mon)
        mon->ops = NULL;
}
