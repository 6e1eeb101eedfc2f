/* Action durations. */
#include "plan/durations.h"

#include "model/model.h"

#define LINK_MB_PER_S 125
#define RESUME_S      1

static int64_t attr_seconds(json_t *attrs, const char *key, int64_t fallback)
{
    json_t *v = attrs ? json_object_get(attrs, key) : NULL;
    if (json_is_integer(v) && json_integer_value(v) > 0 && json_integer_value(v) < 86400)
        return json_integer_value(v);
    return fallback;
}

static int64_t memory_seconds(const struct ent_model *m, int32_t vm)
{
    int mem = ent_model_memory_resource(m);
    int64_t mb = mem >= 0 ? m->res[mem].demand[vm] : 0;
    return (mb + LINK_MB_PER_S - 1) / LINK_MB_PER_S + RESUME_S;
}

int64_t ent_action_duration(const struct ent_model *m, enum ent_action_kind kind, int32_t vm,
                            int32_t node)
{
    json_t *vattrs = vm >= 0 ? m->vms[vm].attrs : NULL;
    json_t *nattrs = node >= 0 ? m->nodes[node].attrs : NULL;
    switch (kind) {
    case ENT_ACTION_MIGRATE_VM:
        return attr_seconds(vattrs, "migrate", memory_seconds(m, vm));
    case ENT_ACTION_SUSPEND_VM:
        return attr_seconds(vattrs, "suspend", memory_seconds(m, vm));
    case ENT_ACTION_RESUME_VM:
        return attr_seconds(vattrs, "resume", memory_seconds(m, vm));
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
