/* An executed plan as JSON: each action with its outcome and measured figures. */
#include "exec/executor.h"

#include "model/model.h"
#include "model/plan.h"

#include <jansson.h>

static json_t *name_or_null(const struct ent_model *m, int32_t node)
{
    return node >= 0 ? json_string(m->nodes[node].name) : json_null();
}

json_t *ent_exec_report_json(const struct ent_model *m, const struct ent_plan *plan,
                             const struct ent_exec_result *res)
{
    json_t *actions = json_array();
    for (size_t i = 0; i < plan->len && i < res->len; i++) {
        const struct ent_action *a = &plan->actions[i];
        const struct ent_action_outcome *o = &res->outcomes[i];
        json_t *j =
            json_pack("{s:s, s:o, s:o, s:o, s:I, s:I, s:s}", "kind", ent_action_kind_name(a->kind),
                      "vm", a->vm >= 0 ? json_string(m->vms[a->vm].name) : json_null(), "from",
                      name_or_null(m, a->from), "to", name_or_null(m, a->to >= 0 ? a->to : a->node),
                      "planned_start", (json_int_t)a->start, "planned_end", (json_int_t)a->end,
                      "status", ent_action_status_name(o->status));
        if (o->status == ENT_ACTION_DONE || o->status == ENT_ACTION_FAILED) {
            json_object_set_new(j, "started", json_real(o->started));
            json_object_set_new(j, "ended", json_real(o->ended));
        }
        if (a->kind == ENT_ACTION_MIGRATE_VM && o->status == ENT_ACTION_DONE) {
            json_object_set_new(j, "seconds", json_real(o->seconds));
            json_object_set_new(j, "downtime_ms",
                                o->downtime >= 0 ? json_real(o->downtime * 1000) : json_null());
            json_object_set_new(j, "bytes", o->bytes >= 0 ? json_integer(o->bytes) : json_null());
            json_object_set_new(j, "dirty_rate_mbs", json_real(o->dirty_rate));
        }
        if (a->bypass)
            json_object_set_new(j, "bypass", json_true());
        if (o->status == ENT_ACTION_FAILED)
            json_object_set_new(j, "error", json_string(o->error));
        json_array_append_new(actions, j);
    }
    return json_pack("{s:I, s:I, s:I, s:I, s:f, s:I, s:f, s:f, s:o}", "done", (json_int_t)res->done,
                     "failed", (json_int_t)res->failed, "dropped", (json_int_t)res->dropped,
                     "not_started", (json_int_t)res->not_started, "wall_seconds", res->wall_seconds,
                     "migrations", (json_int_t)res->migrations, "migration_seconds",
                     res->migration_seconds, "max_downtime_ms", res->max_downtime * 1000, "actions",
                     actions);
}
