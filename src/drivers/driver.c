/* The driver registry and the migration transaction. */
#include "drivers/driver.h"

#include "util/error.h"
#include "util/registry.h"

#include <stdio.h>
#include <string.h>

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

int ent_driver_open(struct ent_driver *drv, const char *name, void *arg, struct ent_error *err)
{
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

void ent_driver_set_init(struct ent_driver_set *set)
{
    memset(set, 0, sizeof *set);
}

int ent_driver_set_open(struct ent_driver_set *set, const char *name, void *arg,
                        struct ent_error *err)
{
    if (set->len == ENT_DRIVER_SET_MAX)
        return ent_error(err, ENT_EINVALID, "more than %d drivers", ENT_DRIVER_SET_MAX);
    int rc = ent_driver_open(&set->drivers[set->len], name, arg, err);
    if (!rc)
        set->len++;
    return rc;
}

/* What monitoring names the hypervisor, as the driver that migrates on it. */
static const char *driver_alias(const char *name)
{
    static const char *const aliases[][2] = {
        {"xen", "xend"}, {"xen3", "xend"}, {"kvm", "libvirt"}, {"qemu", "libvirt"}, {"lab", "qmp"}};
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(name, aliases[i][0]) == 0)
            return aliases[i][1];
    return name;
}

/* The value of key in a "KEY=VALUE ..." list, into out; 0 when found. */
static int lookup(const char *list, const char *key, char *out, size_t len)
{
    size_t klen = key ? strlen(key) : 0;
    for (const char *p = list; key && p && *p;) {
        p += strspn(p, " \t,");
        size_t word = strcspn(p, " \t,");
        if (word > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
            snprintf(out, len, "%.*s", (int)(word - klen - 1), p + klen + 1);
            return 0;
        }
        p += word;
    }
    return -1;
}

static struct ent_driver *by_name(struct ent_driver_set *set, const char *name)
{
    for (size_t i = 0; name && i < set->len; i++)
        if (strcmp(set->drivers[i].ops->name, name) == 0 ||
            strcmp(set->drivers[i].ops->name, driver_alias(name)) == 0)
            return &set->drivers[i];
    return NULL;
}

struct ent_driver *ent_driver_set_pick(struct ent_driver_set *set, const char *node,
                                       const char *node_driver)
{
    if (!set->len)
        return NULL;
    char name[64];
    struct ent_driver *d = NULL;
    if (!lookup(set->node_map, node, name, sizeof name))
        d = by_name(set, name);
    if (!d && !lookup(set->value_map, node_driver, name, sizeof name))
        d = by_name(set, name);
    if (!d)
        d = by_name(set, node_driver);
    return d ? d : &set->drivers[0];
}

void ent_driver_set_close(struct ent_driver_set *set)
{
    for (size_t i = 0; i < set->len; i++)
        ent_driver_close(&set->drivers[i]);
    set->len = 0;
}
