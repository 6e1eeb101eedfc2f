/* Plans as BtrPlace JSON. */
#include "model/plan_json.h"

#include "model/btrplace.h"
#include "model/model.h"
#include "model/plan.h"
#include "util/error.h"

#include <string.h>

/* Which fields each kind takes, in BtrPlace's spelling. */
enum { F_VM = 1, F_FROM = 2, F_TO = 4, F_ON = 8, F_NODE = 16, F_RC = 32 };

static int kind_fields(enum ent_action_kind k)
{
    switch (k) {
    case ENT_ACTION_MIGRATE_VM:
    case ENT_ACTION_SUSPEND_VM:
    case ENT_ACTION_RESUME_VM:
        return F_VM | F_FROM | F_TO;
    case ENT_ACTION_BOOT_VM:
        return F_VM | F_TO;
    case ENT_ACTION_SHUTDOWN_VM:
    case ENT_ACTION_KILL_VM:
        return F_VM | F_ON;
    case ENT_ACTION_BOOT_NODE:
    case ENT_ACTION_SHUTDOWN_NODE:
        return F_NODE;
    case ENT_ACTION_ALLOCATE:
        return F_VM | F_ON | F_RC;
    case ENT_ACTION_KIND_COUNT:
        break;
    }
    return 0;
}

static int get_node(json_t *a, const char *key, const struct ent_model *m, int32_t *out,
                    const char *where, struct ent_error *err)
{
    json_t *v = json_object_get(a, key);
    if (!json_is_integer(v))
        return ent_error(err, ENT_EPARSE, "%s: missing integer node id \"%s\"", where, key);
    *out = ent_model_node_index(m, json_integer_value(v));
    if (*out < 0)
        return ent_error(err, ENT_EINVALID, "%s: \"%s\": unknown node id %lld", where, key,
                         (long long)json_integer_value(v));
    return 0;
}

static int read_action(struct ent_plan *plan, json_t *a, const struct ent_model *m,
                       const char *where, struct ent_error *err)
{
    if (!json_is_object(a))
        return ent_error(err, ENT_EPARSE, "%s: an action must be an object", where);
    const char *id = json_string_value(json_object_get(a, "id"));
    if (!id)
        return ent_error(err, ENT_EPARSE, "%s: missing string \"id\"", where);
    int kind = ent_action_kind_from_name(id);
    if (kind < 0)
        return ent_error(err, ENT_EUNSUPPORTED, "%s: unsupported action \"%s\"", where, id);
    json_t *st = json_object_get(a, "start"), *en = json_object_get(a, "end");
    if (!json_is_integer(st) || !json_is_integer(en))
        return ent_error(err, ENT_EPARSE, "%s: \"start\" and \"end\" must be integers", where);
    struct ent_action act = {.kind = kind, .vm = -1, .node = -1, .from = -1, .to = -1, .res = -1};
    act.start = json_integer_value(st);
    act.end = json_integer_value(en);
    act.bypass = json_is_true(json_object_get(a, "bypass"));
    int f = kind_fields(kind), rc = 0;
    if (f & F_VM) {
        json_t *v = json_object_get(a, "vm");
        if (!json_is_integer(v))
            return ent_error(err, ENT_EPARSE, "%s: missing integer \"vm\"", where);
        act.vm = ent_model_vm_index(m, json_integer_value(v));
        if (act.vm < 0)
            return ent_error(err, ENT_EINVALID, "%s: unknown VM id %lld", where,
                             (long long)json_integer_value(v));
    }
    if (!rc && (f & F_FROM))
        rc = get_node(a, "from", m, &act.from, where, err);
    if (!rc && (f & F_TO))
        rc = get_node(a, "to", m, &act.to, where, err);
    if (!rc && (f & F_ON))
        rc = get_node(a, "on", m, &act.from, where, err);
    if (!rc && (f & F_NODE))
        rc = get_node(a, "node", m, &act.node, where, err);
    if (!rc && (f & F_RC)) {
        const char *rcname = json_string_value(json_object_get(a, "rc"));
        json_t *amount = json_object_get(a, "amount");
        if (!rcname || !json_is_integer(amount))
            return ent_error(err, ENT_EPARSE, "%s: needs string \"rc\" and integer \"amount\"",
                             where);
        if ((act.res = ent_model_resource_index(m, rcname)) < 0)
            return ent_error(err, ENT_EINVALID, "%s: unknown resource \"%s\"", where, rcname);
        act.amount = json_integer_value(amount);
    }
    if (rc)
        return rc;
    *ent_plan_add(plan, act.kind) = act;
    return 0;
}

int ent_plan_read_json(struct ent_plan *plan, json_t *doc, const struct ent_model *m,
                       const char *what, struct ent_error *err)
{
    if (!json_is_object(doc))
        return ent_error(err, ENT_EPARSE, "%s: a plan must be a JSON object", what);
    json_t *actions = json_object_get(doc, "actions");
    if (!json_is_array(actions))
        return ent_error(err, ENT_EPARSE, "%s: missing array \"actions\"", what);
    size_t i;
    json_t *a;
    json_array_foreach(actions, i, a)
    {
        char where[256];
        snprintf(where, sizeof where, "%s: actions[%zu]", what, i);
        int rc = read_action(plan, a, m, where, err);
        if (rc)
            return rc;
    }
    return 0;
}

/* Whether origin o places every VM of m as m does. */
static int same_placement(const struct ent_model *o, const struct ent_model *m, const char *what,
                          struct ent_error *err)
{
    if (o->n_nodes != m->n_nodes || o->n_vms != m->n_vms)
        return ent_error(err, ENT_EINVALID,
                         "%s: origin has %zu nodes and %zu VMs, the instance %zu and %zu", what,
                         o->n_nodes, o->n_vms, m->n_nodes, m->n_vms);
    for (size_t v = 0; v < o->n_vms; v++) {
        int32_t mv = ent_model_vm_index(m, o->vms[v].id);
        int32_t oh = o->map.vm_host[v];
        int64_t ohid = oh >= 0 ? o->nodes[oh].id : -1;
        int32_t mh = mv >= 0 ? m->map.vm_host[mv] : -1;
        int64_t mhid = mh >= 0 ? m->nodes[mh].id : -1;
        if (mv < 0 || o->map.vm_state[v] != m->map.vm_state[mv] || ohid != mhid)
            return ent_error(err, ENT_EINVALID,
                             "%s: origin places VM %lld differently from the instance", what,
                             (long long)o->vms[v].id);
    }
    return 0;
}

int ent_plan_origin_matches(json_t *doc, const struct ent_model *m, const char *what,
                            struct ent_error *err)
{
    json_t *origin = json_object_get(doc, "origin");
    if (!origin)
        return 0;
    struct ent_model o;
    ent_model_init(&o);
    int rc = ent_btrplace_read_model(&o, origin, what, err);
    if (!rc)
        rc = same_placement(&o, m, what, err);
    ent_model_release(&o);
    return rc;
}

static void set_node(json_t *o, const char *key, const struct ent_model *m, int32_t node)
{
    if (node >= 0)
        json_object_set_new(o, key, json_integer(m->nodes[node].id));
}

json_t *ent_plan_to_json(const struct ent_plan *plan, const struct ent_model *m)
{
    json_t *doc = json_object(), *actions = json_array();
    json_object_set_new(doc, "origin", ent_btrplace_model_json(m, NULL));
    for (size_t i = 0; i < plan->len; i++) {
        const struct ent_action *a = &plan->actions[i];
        json_t *o = json_object();
        int f = kind_fields(a->kind);
        json_object_set_new(o, "id", json_string(ent_action_kind_name(a->kind)));
        if (f & F_VM)
            json_object_set_new(o, "vm", json_integer(m->vms[a->vm].id));
        if (f & F_FROM)
            set_node(o, "from", m, a->from);
        if (f & F_TO)
            set_node(o, "to", m, a->to);
        if (f & F_ON)
            set_node(o, "on", m, a->from);
        if (f & F_NODE)
            set_node(o, "node", m, a->node);
        if ((f & F_RC) && a->res >= 0) {
            json_object_set_new(o, "rc", json_string(m->res[a->res].name));
            json_object_set_new(o, "amount", json_integer(a->amount));
        }
        if (a->bypass)
            json_object_set_new(o, "bypass", json_true());
        json_object_set_new(o, "start", json_integer(a->start));
        json_object_set_new(o, "end", json_integer(a->end));
        json_array_append_new(actions, o);
    }
    json_object_set_new(doc, "actions", actions);
    return doc;
}
