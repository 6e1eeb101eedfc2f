/* The driver registry and the migration transaction. */
#include "drivers/driver.h"

#include "util/error.h"
#include "util/names.h"
#include "util/registry.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

static struct ent_registry registry = {.what = "driver"};

int ent_driver_register(const struct ent_driver_ops *ops, struct ent_error *err)
{
    if (!ops->name || !ops->migrate_perform || !ops->configure != !ops->configured)
        return ent_error(err, ENT_EINVALID,
                         "driver without name or migrate_perform, or with only one of configure "
                         "and configured");
    return ent_registry_add(&registry, ops->name, ops, err);
}

const struct ent_driver_ops *ent_driver_lookup(const char *name)
{
    return ent_registry_find(&registry, name);
}

const struct ent_driver_ops *ent_driver_at(size_t i)
{
    return ent_registry_at(&registry, i);
}

bool ent_driver_can(const struct ent_driver_ops *ops, enum ent_driver_can what)
{
    switch (what) {
    case ENT_CAN_BOOT_NODE:
        return ops->boot_node != NULL;
    case ENT_CAN_SHUTDOWN_NODE:
        return ops->shutdown_node != NULL;
    case ENT_CAN_SUSPEND_VM:
        return ops->suspend_vm != NULL && ops->resume_vm != NULL;
    }
    return false;
}

/* drv as ops, opened on arg. */
static int open_ops(struct ent_driver *drv, const struct ent_driver_ops *ops, void *arg,
                    struct ent_error *err)
{
    drv->ops = ops;
    drv->state = NULL;
    return ops->open ? ops->open(drv, arg, err) : 0;
}

int ent_driver_open(struct ent_driver *drv, const char *name, void *arg, struct ent_error *err)
{
    const struct ent_driver_ops *ops = ent_driver_lookup(name);
    if (!ops) {
        drv->ops = NULL;
        drv->state = NULL;
        return ent_error(err, ENT_ENOTFOUND, "no driver named \"%s\"", name);
    }
    return open_ops(drv, ops, arg, err);
}

void ent_driver_close(struct ent_driver *drv)
{
    if (drv && drv->ops && drv->ops->close)
        drv->ops->close(drv);
    if (drv)
        drv->ops = NULL;
}

/* Every name a driver puts in a command, a URL or a path passes the name rule first. */
static int names_ok(const struct ent_migration *mig, struct ent_error *err)
{
    const char *const names[] = {mig->vm, mig->from, mig->to};
    for (size_t i = 0; i < 3; i++)
        if (!names[i] || !ent_name_ok(names[i])) {
            struct ent_str q = ENT_STR_INIT;
            int rc = ent_error(err, ENT_EINVALID,
                               "\"%s\" is not a valid name (1 to %d of letters, digits and "
                               "._-+:@): nothing is done",
                               names[i] ? ent_name_quote(names[i], &q) : "(none)", ENT_NAME_MAX);
            ent_str_release(&q);
            return rc;
        }
    if (strcmp(mig->from, mig->to) == 0) /* xend would answer success and do nothing */
        return ent_error(err, ENT_EINVALID,
                         "%s is already on %s: a migration needs another node; nothing is done",
                         mig->vm, mig->to);
    return 0;
}

int ent_driver_migrate(struct ent_driver *drv, struct ent_migration *mig, struct ent_error *err)
{
    const struct ent_driver_ops *ops = drv->ops;
    int rc = names_ok(mig, err);
    if (rc)
        return rc;
    rc = ops->migrate_prepare ? ops->migrate_prepare(drv, mig, err) : 0;
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
    const struct ent_driver_ops *ops = ent_driver_lookup(name);
    if (!ops)
        return ent_error(err, ENT_ENOTFOUND, "no driver named \"%s\"", name);
    return ent_driver_set_open_ops(set, ops, arg, err);
}

int ent_driver_set_open_ops(struct ent_driver_set *set, const struct ent_driver_ops *ops, void *arg,
                            struct ent_error *err)
{
    if (set->len == ENT_DRIVER_SET_MAX)
        return ent_error(err, ENT_EINVALID, "more than %d drivers", ENT_DRIVER_SET_MAX);
    int rc = open_ops(&set->drivers[set->len], ops, arg, err);
    if (!rc)
        set->len++;
    return rc;
}

/* Whether ops answers to name: its own, or what monitoring calls its hypervisor. */
static bool answers_to(const struct ent_driver_ops *ops, const char *name)
{
    if (strcmp(ops->name, name) == 0)
        return true;
    for (const char *const *a = ops->aliases; a && *a; a++)
        if (strcmp(*a, name) == 0)
            return true;
    return false;
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
        if (answers_to(set->drivers[i].ops, name))
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

int ent_driver_set_configure(struct ent_driver_set *set, const char *name,
                             const struct ent_config *c, const struct ent_monitor *mon,
                             struct ent_error *err)
{
    for (size_t i = 0; i < set->len; i++)
        if (strcmp(set->drivers[i].ops->name, name) == 0)
            return 0;
    const struct ent_driver_ops *ops = ent_driver_lookup(name);
    if (!ops)
        return ent_error(err, ENT_ENOTFOUND, "no driver named \"%s\"", name);
    if (!ops->configure)
        return ent_error(err, ENT_EUNSUPPORTED,
                         "the %s driver cannot be set up from the configuration", name);
    if (set->len == ENT_DRIVER_SET_MAX)
        return ent_error(err, ENT_EINVALID, "more than %d drivers", ENT_DRIVER_SET_MAX);
    struct ent_driver *drv = &set->drivers[set->len];
    *drv = (struct ent_driver){.ops = ops};
    int rc = ops->configure(drv, c, mon, err);
    if (rc) {
        drv->ops = NULL;
        return rc;
    }
    set->len++;
    return 0;
}

const char *ent_driver_set_names(const struct ent_driver_set *set, struct ent_str *out)
{
    for (size_t i = 0; i < set->len; i++)
        ent_str_addf(out, "%s%s", i ? ", " : "", set->drivers[i].ops->name);
    return ent_str_cstr(out);
}

bool ent_driver_set_can(const struct ent_driver_set *set, enum ent_driver_can what)
{
    for (size_t i = 0; i < set->len; i++)
        if (ent_driver_can(set->drivers[i].ops, what))
            return true;
    return false;
}

void ent_driver_set_close(struct ent_driver_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->len; i++)
        ent_driver_close(&set->drivers[i]);
    set->len = 0;
}
