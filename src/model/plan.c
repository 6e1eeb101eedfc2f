/* Reconfiguration plans. */
#include "model/plan.h"

#include "util/alloc.h"

#include <string.h>

static const char *const action_names[] = {
#define ENT_AK_NAME(e, name) name,
    ENT_ACTION_KINDS(ENT_AK_NAME)
#undef ENT_AK_NAME
};

void ent_plan_init(struct ent_plan *plan)
{
    memset(plan, 0, sizeof *plan);
}

void ent_plan_release(struct ent_plan *plan)
{
    if (!plan)
        return;
    ent_free(plan->actions);
    ent_plan_init(plan);
}

struct ent_action *ent_plan_add(struct ent_plan *plan, enum ent_action_kind kind)
{
    ENT_GROW(plan->actions, plan->cap, plan->len);
    struct ent_action *a = &plan->actions[plan->len++];
    *a = (struct ent_action){.kind = kind, .vm = -1, .node = -1, .from = -1, .to = -1, .res = -1};
    return a;
}

int64_t ent_plan_makespan(const struct ent_plan *plan)
{
    int64_t end = 0;
    for (size_t i = 0; i < plan->len; i++)
        if (plan->actions[i].end > end)
            end = plan->actions[i].end;
    return end;
}

const char *ent_action_kind_name(enum ent_action_kind kind)
{
    return kind < ENT_ACTION_KIND_COUNT ? action_names[kind] : "?";
}

int ent_action_kind_from_name(const char *name)
{
    for (int k = 0; k < ENT_ACTION_KIND_COUNT; k++)
        if (strcmp(action_names[k], name) == 0)
            return k;
    return -1;
}
