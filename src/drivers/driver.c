/* The driver registry and the migration transaction. */
#include "drivers/driver.h"

#include "util/error.h"
#include "util/registry.h"

static struct ent_registry registry = {.what = "driver"};

int ent_driver_register(const struct ent_driver_ops *ops, struct ent_error *err)
{
    if (!ops->name || !ops->migrate_perform)
        return ent_error(err, ENT_EINVALID, "driver without name or migrate_perform");
    return ent_registry_add(&registry, ops->name, ops, err);
}

const struct ent_driver_ops *ent_driver_lookup(const char *name)
{
    return ent_registry_find(&registry, name);
}

void ent_drivers_init(void)
{
    if (registry.len)
        return;
    ent_driver_register(&ent_driver_sim_ops, NULL);
}

int ent_driver_open(struct ent_driver *drv, const char *name, void *arg, struct ent_error *err)
{
    ent_drivers_init();
    drv->ops = ent_driver_lookup(name);
    drv->state = NULL;
    if (!drv->ops)
        return ent_error(err, ENT_ENOTFOUND, "no driver named \"%s\"", name);
    return drv->ops->open ? drv->ops->open(drv, arg, err) : 0;
}

void ent_driver_close(struct ent_driver *drv)
{
    if (drv && drv->ops && drv->ops->close)
        drv->ops->close(drv);
    if (drv)
        drv->ops = NULL;
}

int ent_driver_migrate(struct ent_driver *drv, struct ent_migration *mig, struct ent_error *err)
{
    const struct ent_driver_ops *ops = drv->ops;
    int rc = ops->migrate_prepare ? ops->migrate_prepare(drv, mig, err) : 0;
    if (!rc)
        rc = ops->migrate_perform(drv, mig, err);
    if (!rc && ops->migrate_finish)
        rc = ops->migrate_finish(drv, mig, err);
    if (rc && ops->migrate_abort)
        ops->migrate_abort(drv, mig);
    if (rc)
        ent_error_prefix(err, "%s driver: migrating %s from %s to %s", ops->name, mig->vm,
                         mig->from, mig->to);
    return rc;
}
