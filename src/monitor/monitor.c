/* The monitor registry (redis connTypeRegister): explicit, by name, no duplicates. */
#include "monitor/monitor.h"

#include "util/error.h"
#include "util/registry.h"

static struct ent_registry registry = {.what = "monitor adapter"};

int ent_monitor_register(const struct ent_monitor_ops *ops, struct ent_error *err)
{
    if (!ops->name || !ops->open || !ops->snapshot)
        return ent_error(err, ENT_EINVALID, "monitor adapter without name, open or snapshot");
    return ent_registry_add(&registry, ops->name, ops, err);
}

const struct ent_monitor_ops *ent_monitor_lookup(const char *name)
{
    return ent_registry_find(&registry, name);
}

int ent_monitor_open(struct ent_monitor *mon, const char *name, void *arg, struct ent_error *err)
{
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
