/* Writing the model as BtrPlace JSON. */
#include "model/btrplace.h"

#include "model/model.h"
#include "util/alloc.h"

#include <inttypes.h>
#include <stdio.h>

static json_t *id_key_object(void)
{
    return json_object();
}

static void set_by_id(json_t *obj, int64_t id, json_t *val)
{
    char key[32];
    snprintf(key, sizeof key, "%" PRId64, id);
    json_object_set_new(obj, key, val);
}

static json_t *mapping_json(const struct ent_model *m, const struct ent_mapping *map)
{
    json_t *online = id_key_object(), *offline = json_array(), *ready = json_array();
    json_t **running = ent_calloc(m->n_nodes ? m->n_nodes : 1, sizeof *running);
    json_t **sleeping = ent_calloc(m->n_nodes ? m->n_nodes : 1, sizeof *sleeping);
    for (size_t n = 0; n < m->n_nodes; n++) {
        if (map->node_state[n] != ENT_NODE_ONLINE) {
            json_array_append_new(offline, json_integer(m->nodes[n].id));
            continue;
        }
        json_t *entry = json_object();
        running[n] = json_array();
        sleeping[n] = json_array();
        json_object_set_new(entry, "runningVMs", running[n]);
        json_object_set_new(entry, "sleepingVMs", sleeping[n]);
        set_by_id(online, m->nodes[n].id, entry);
    }
    for (size_t v = 0; v < m->n_vms; v++) {
        int32_t h = map->vm_host[v];
        json_t *vid = json_integer(m->vms[v].id);
        if (map->vm_state[v] == ENT_VM_READY)
            json_array_append_new(ready, vid);
        else if (map->vm_state[v] == ENT_VM_RUNNING && h >= 0 && running[h])
            json_array_append_new(running[h], vid);
        else if (map->vm_state[v] == ENT_VM_SLEEPING && h >= 0 && sleeping[h])
            json_array_append_new(sleeping[h], vid);
        else
            json_decref(vid); /* killed VMs leave the mapping */
    }
    ent_free(running);
    ent_free(sleeping);
    json_t *out = json_object();
    json_object_set_new(out, "readyVMs", ready);
    json_object_set_new(out, "onlineNodes", online);
    json_object_set_new(out, "offlineNodes", offline);
    return out;
}

static json_t *resource_json(const struct ent_model *m, const struct ent_resource *res)
{
    json_t *view = json_object(), *nodes = id_key_object(), *vms = id_key_object();
    json_object_set_new(view, "id", json_string("shareableResource"));
    json_object_set_new(view, "rcId", json_string(res->name));
    json_object_set_new(view, "defConsumption", json_integer(res->def_demand));
    json_object_set_new(view, "defCapacity", json_integer(res->def_capacity));
    for (size_t n = 0; n < m->n_nodes; n++)
        set_by_id(nodes, m->nodes[n].id, json_integer(res->capacity[n]));
    for (size_t v = 0; v < m->n_vms; v++)
        set_by_id(vms, m->vms[v].id, json_integer(res->demand[v]));
    json_object_set_new(view, "nodes", nodes);
    json_object_set_new(view, "vms", vms);
    return view;
}

/* A naming-service view, written only when some element has a name. */
static json_t *names_json(const struct ent_model *m, int vms)
{
    json_t *map = json_object();
    size_t n = vms ? m->n_vms : m->n_nodes;
    for (size_t i = 0; i < n; i++) {
        const char *name = vms ? m->vms[i].name : m->nodes[i].name;
        if (name)
            json_object_set_new(map, name, json_integer(vms ? m->vms[i].id : m->nodes[i].id));
    }
    if (json_object_size(map) == 0) {
        json_decref(map);
        return NULL;
    }
    json_t *view = json_object();
    json_object_set_new(view, "id", json_string("ns"));
    json_object_set_new(view, "type", json_string(vms ? "vm" : "node"));
    json_object_set_new(view, "map", map);
    return view;
}

static json_t *attributes_json(const struct ent_model *m)
{
    json_t *nodes = id_key_object(), *vms = id_key_object();
    for (size_t n = 0; n < m->n_nodes; n++) {
        const struct ent_node *node = &m->nodes[n];
        if (!node->attrs && !node->enclosure && !node->driver)
            continue;
        json_t *a = node->attrs ? json_deep_copy(node->attrs) : json_object();
        if (node->enclosure)
            json_object_set_new(a, "enclosure", json_string(node->enclosure));
        if (node->driver)
            json_object_set_new(a, "driver", json_string(node->driver));
        set_by_id(nodes, node->id, a);
    }
    for (size_t v = 0; v < m->n_vms; v++)
        if (m->vms[v].attrs)
            set_by_id(vms, m->vms[v].id, json_incref(m->vms[v].attrs));
    json_t *out = json_object();
    json_object_set_new(out, "nodes", nodes);
    json_object_set_new(out, "vms", vms);
    return out;
}

json_t *ent_btrplace_model_json(const struct ent_model *m, const struct ent_mapping *map)
{
    json_t *model = json_object(), *views = json_array();
    json_object_set_new(model, "mapping", mapping_json(m, map ? map : &m->map));
    json_object_set_new(model, "attributes", attributes_json(m));
    for (size_t r = 0; r < m->n_res; r++)
        json_array_append_new(views, resource_json(m, &m->res[r]));
    for (int vms = 1; vms >= 0; vms--) {
        json_t *ns = names_json(m, vms);
        if (ns)
            json_array_append_new(views, ns);
    }
    if (m->extra_views)
        json_array_extend(views, m->extra_views);
    json_object_set_new(model, "views", views);
    return model;
}

json_t *ent_btrplace_instance_json(const struct ent_model *m)
{
    json_t *doc = json_object(), *cstrs = json_array();
    json_object_set_new(doc, "model", ent_btrplace_model_json(m, NULL));
    for (size_t i = 0; i < m->constraints.len; i++)
        json_array_append_new(cstrs, ent_constraint_to_json(&m->constraints.items[i], m));
    json_object_set_new(doc, "constraints", cstrs);
    json_object_set_new(doc, "objective", m->objective ? json_incref(m->objective) : json_null());
    return doc;
}
