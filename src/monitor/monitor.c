/* The source registry (redis connTypeRegister: explicit, by name, no duplicates) and the one
 * snapshot round every source goes through. */
#include "monitor/monitor.h"

#include "config/properties.h"
#include "model/model.h"
#include "monitor/issues.h"
#include "util/error.h"
#include "util/registry.h"

#include <stdio.h>
#include <string.h>

static struct ent_registry registry = {.what = "monitor adapter"};

int ent_monitor_register(const struct ent_monitor_ops *ops, struct ent_error *err)
{
    if (!ops->name || !ops->open || !ops->configure || !ops->read)
        return ent_error(err, ENT_EINVALID,
                         "monitor adapter without name, open, configure or read");
    return ent_registry_add(&registry, ops->name, ops, err);
}

const struct ent_monitor_ops *ent_monitor_lookup(const char *name)
{
    return ent_registry_find(&registry, name);
}

const struct ent_monitor_ops *ent_monitor_at(size_t i)
{
    return ent_registry_at(&registry, i);
}

const char *ent_monitor_name_at(size_t i)
{
    const struct ent_monitor_ops *ops = ent_monitor_at(i);
    return ops ? ops->name : NULL;
}

static int find(struct ent_monitor *mon, const char *name, struct ent_error *err)
{
    *mon = (struct ent_monitor){.ops = ent_monitor_lookup(name)};
    return mon->ops ? 0 : ent_error(err, ENT_ENOTFOUND, "no monitor adapter named \"%s\"", name);
}

int ent_monitor_open(struct ent_monitor *mon, const char *name, void *arg, struct ent_error *err)
{
    int rc = find(mon, name, err);
    return rc ? rc : mon->ops->open(mon, arg, err);
}

int ent_monitor_configure(struct ent_monitor *mon, const struct ent_config *c,
                          struct ent_error *err)
{
    int rc = find(mon, ent_config_string(c, "monitor.source"), err);
    if (!rc)
        rc = mon->ops->configure(mon, c, err);
    mon->owned = rc == 0;
    mon->memory_reserve_mb = (int64_t)ent_config_number(c, "monitor.memory_reserve_mb");
    if (!rc)
        rc = ent_enclosures_configure(&mon->enclosures, c, err);
    if (!rc)
        ent_definitions_input_configure(&mon->definitions, c);
    return rc;
}

int ent_monitor_snapshot(struct ent_monitor *mon, struct ent_model *out, struct ent_error *err)
{
    struct ent_monitor_round r;
    json_t *issues = NULL;
    int rc = ent_monitor_round_begin(&r, out, err);
    if (!rc)
        rc = mon->ops->read(mon, &r, err);
    for (size_t n = 0; !rc && mon->memory_reserve_mb > 0 && n < out->n_nodes; n++) {
        int64_t *cap = &out->res[r.mem].capacity[n];
        *cap = *cap > mon->memory_reserve_mb ? *cap - mon->memory_reserve_mb : 0;
    }
    if (!rc && mon->enclosures.len) {
        struct ent_error missing;
        ent_error_init(&missing);
        ent_enclosures_apply(&mon->enclosures, out);
        if (ent_enclosures_check_nodes(&mon->enclosures, out, &missing))
            ent_monitor_issue(r.issues, "enclosures", "%s", missing.msg);
    }
    if (!rc)
        rc = ent_definitions_input_apply(&mon->definitions, out, r.mem, r.cpu, r.issues, err);
    rc = ent_monitor_round_end(&r, rc, &issues, err);
    if (mon->ops->settle)
        mon->ops->settle(mon, rc == 0);
    if (rc)
        return ent_error_prefix(err, "monitor %s", mon->ops->name);
    json_decref(mon->issues);
    mon->issues = issues;
    return 0;
}

void ent_monitor_describe(const struct ent_monitor *mon, char *buf, size_t size)
{
    if (mon->ops->describe)
        mon->ops->describe(mon, buf, size);
    else
        snprintf(buf, size, "%s", mon->ops->name);
}

void ent_monitor_reload(struct ent_monitor *fresh, struct ent_monitor *old)
{
    if (fresh->ops == old->ops && fresh->ops->reload && fresh->owned && old->owned)
        fresh->ops->reload(fresh, old);
}

void ent_monitor_close(struct ent_monitor *mon)
{
    if (!mon || !mon->ops)
        return;
    if (mon->owned && mon->ops->close)
        mon->ops->close(mon);
    json_decref(mon->issues);
    ent_enclosures_release(&mon->enclosures);
    ent_definitions_input_release(&mon->definitions);
    *mon = (struct ent_monitor){0};
}
