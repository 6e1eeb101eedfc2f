/* Action durations. */
#include "plan/durations.h"

#include "model/model.h"
#include "plan/costmodel.h"

#include <math.h>

static int64_t attr_seconds(json_t *attrs, const char *key, int64_t fallback)
{
    json_t *v = attrs ? json_object_get(attrs, key) : NULL;
    if (json_is_integer(v) && json_integer_value(v) > 0 && json_integer_value(v) < 86400)
        return json_integer_value(v);
    return fallback;
}

static double memory_of(const struct ent_model *m, int32_t vm)
{
    int mem = ent_model_memory_resource(m);
    return mem >= 0 ? (double)m->res[mem].demand[vm] : 0;
}

static int64_t whole_seconds(double s)
{
    int64_t w = (int64_t)ceil(s - 1e-9);
    return w > 0 ? w : 1;
}

int64_t ent_migration_duration(const struct ent_model *m, const struct ent_costmodel *cm,
                               int32_t vm, double share, struct ent_precopy *pc)
{
    json_t *attrs = m->vms[vm].attrs;
    json_t *d = attrs ? json_object_get(attrs, "dirtyRate") : NULL;
    double dirty =
        json_is_number(d) && json_number_value(d) >= 0 ? json_number_value(d) : cm->dirty_rate;
    struct ent_precopy local;
    struct ent_precopy *out = pc ? pc : &local;
    ent_precopy(cm, memory_of(m, vm), cm->bandwidth * share, dirty, out);
    return attr_seconds(attrs, "migrate", whole_seconds(out->seconds));
}

int64_t ent_action_duration(const struct ent_model *m, const struct ent_costmodel *cm,
                            enum ent_action_kind kind, int32_t vm, int32_t node)
{
    json_t *vattrs = vm >= 0 ? m->vms[vm].attrs : NULL;
    json_t *nattrs = node >= 0 ? m->nodes[node].attrs : NULL;
    switch (kind) {
    case ENT_ACTION_MIGRATE_VM:
        return ent_migration_duration(m, cm, vm, 1.0, NULL);
    case ENT_ACTION_SUSPEND_VM:
        return attr_seconds(vattrs, "suspend", whole_seconds(memory_of(m, vm) / cm->bandwidth));
    case ENT_ACTION_RESUME_VM:
        return attr_seconds(vattrs, "resume",
                            whole_seconds(memory_of(m, vm) / cm->bandwidth + cm->resume));
    case ENT_ACTION_BOOT_VM:
        return attr_seconds(vattrs, "boot", 10);
    case ENT_ACTION_SHUTDOWN_VM:
        return attr_seconds(vattrs, "shutdown", 5);
    case ENT_ACTION_KILL_VM:
    case ENT_ACTION_ALLOCATE:
        return 1;
    case ENT_ACTION_BOOT_NODE:
        return attr_seconds(nattrs, "boot", 60);
    case ENT_ACTION_SHUTDOWN_NODE:
        return attr_seconds(nattrs, "shutdown", 30);
    case ENT_ACTION_KIND_COUNT:
        break;
    }
    return 1;
}
