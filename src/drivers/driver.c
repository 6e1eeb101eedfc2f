/* The driver registry and the migration transaction. */
#include "drivers/driver.h"

#include "util/error.h"

#include <string.h>

#define MAX_DRIVERS 16

static const struct ent_driver_ops *registry[MAX_DRIVERS];
static size_t n_registered;

int ent_driver_register(const struct ent_driver_ops *ops, struct ent_error *err)
{
    if (!ops->name || !ops->migrate_perform)
        return ent_error(err, ENT_EINVALID, "driver without name or migrate_perform");
    if (ent_driver_lookup(ops->name))
        return ent_error(err, ENT_EEXISTS, "driver \"%s\" registered twice", ops->name);
    if (n_registered == MAX_DRIVERS)
        return ent_error(err, ENT_EINVALID, "too many drivers");
    registry[n_registered++] = ops;
    return 0;
}

const struct ent_driver_ops *ent_driver_lookup(const char *name)
{
    for (size_t i = 0; i < n_registered; i++)
        if (strcmp(registry[i]->name, name) == 0)
            return registry[i];
    return NULL;
}

void ent_drivers_init(void)
{
    if (n_registered)
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
