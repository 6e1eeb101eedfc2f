/* Reading BtrPlace JSON instances into the model. */
#include "model/btrplace.h"

#include "model/json_file.h"
#include "model/model.h"
#include "util/alloc.h"
#include "util/error.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Object keys in BtrPlace are decimal ids. */
static int parse_id_key(const char *key, int64_t *id)
{
    char *end;
    errno = 0;
    long long v = strtoll(key, &end, 10);
    if (errno || end == key || *end)
        return -1;
    *id = v;
    return 0;
}

static int read_vm_list(struct ent_model *m, json_t *list, enum ent_vm_state state, int32_t host,
                        const char *what, const char *field, struct ent_error *err)
{
    if (!list)
        return 0;
    if (!json_is_array(list))
        return ent_error(err, ENT_EPARSE, "%s: mapping: \"%s\" must be an array", what, field);
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        if (!json_is_integer(v))
            return ent_error(err, ENT_EPARSE, "%s: mapping: \"%s\"[%zu] is not an integer id", what,
                             field, i);
        int64_t id = json_integer_value(v);
        int32_t prev = ent_model_vm_index(m, id);
        if (prev >= 0) {
            char b[64];
            int32_t ph = m->map.vm_host[prev];
            return ent_error(err, ENT_EINVALID,
                             "%s: mapping: VM %" PRId64 " appears twice (on node %s and in \"%s\")",
                             what, id, ph >= 0 ? ent_node_label(m, ph, b, sizeof b) : "none",
                             field);
        }
        if (ent_model_add_vm(m, id, NULL, state, host, err) < 0)
            return ent_error_prefix(err, "%s: mapping", what);
    }
    return 0;
}

static int read_mapping(struct ent_model *m, json_t *mapping, const char *what,
                        struct ent_error *err)
{
    if (!json_is_object(mapping))
        return ent_error(err, ENT_EPARSE, "%s: model: missing object \"mapping\"", what);
    json_t *online = json_object_get(mapping, "onlineNodes");
    json_t *offline = json_object_get(mapping, "offlineNodes");
    if (online && !json_is_object(online))
        return ent_error(err, ENT_EPARSE, "%s: mapping: \"onlineNodes\" must be an object", what);
    if (offline && !json_is_array(offline))
        return ent_error(err, ENT_EPARSE, "%s: mapping: \"offlineNodes\" must be an array", what);
    const char *key;
    json_t *node;
    json_object_foreach(online, key, node)
    {
        int64_t id;
        if (parse_id_key(key, &id) < 0)
            return ent_error(err, ENT_EPARSE, "%s: mapping: node key \"%s\" is not an integer id",
                             what, key);
        if (!json_is_object(node))
            return ent_error(err, ENT_EPARSE, "%s: mapping: node %s must be an object", what, key);
        if (ent_model_add_node(m, id, NULL, ENT_NODE_ONLINE, err) < 0)
            return ent_error_prefix(err, "%s: mapping", what);
    }
    size_t i;
    json_t *v;
    json_array_foreach(offline, i, v)
    {
        if (!json_is_integer(v))
            return ent_error(err, ENT_EPARSE, "%s: mapping: offlineNodes[%zu] is not an integer",
                             what, i);
        if (ent_model_add_node(m, json_integer_value(v), NULL, ENT_NODE_OFFLINE, err) < 0)
            return ent_error_prefix(err, "%s: mapping", what);
    }
    /* VMs after all nodes, so that a VM's host is known whatever the key order. */
    json_object_foreach(online, key, node)
    {
        int64_t id = 0;
        parse_id_key(key, &id);
        int32_t host = ent_model_node_index(m, id);
        char field[96];
        snprintf(field, sizeof field, "onlineNodes.%s.runningVMs", key);
        int rc = read_vm_list(m, json_object_get(node, "runningVMs"), ENT_VM_RUNNING, host, what,
                              field, err);
        if (rc)
            return rc;
        snprintf(field, sizeof field, "onlineNodes.%s.sleepingVMs", key);
        rc = read_vm_list(m, json_object_get(node, "sleepingVMs"), ENT_VM_SLEEPING, host, what,
                          field, err);
        if (rc)
            return rc;
    }
    return read_vm_list(m, json_object_get(mapping, "readyVMs"), ENT_VM_READY, -1, what, "readyVMs",
                        err);
}

static int read_amount(json_t *v, int64_t *out)
{
    if (!json_is_integer(v))
        return -1;
    *out = json_integer_value(v);
    return 0;
}

static int read_shareable(struct ent_model *m, json_t *view, const char *what, size_t idx,
                          struct ent_error *err)
{
    const char *name = json_string_value(json_object_get(view, "rcId"));
    if (!name)
        return ent_error(err, ENT_EPARSE, "%s: views[%zu]: missing string \"rcId\"", what, idx);
    int64_t defcap = 0, defcons = 0;
    json_t *dc = json_object_get(view, "defCapacity"),
           *dd = json_object_get(view, "defConsumption");
    if ((dc && read_amount(dc, &defcap)) || (dd && read_amount(dd, &defcons)))
        return ent_error(err, ENT_EPARSE, "%s: views[%zu] (%s): defaults must be integers", what,
                         idx, name);
    int r = ent_model_add_resource(m, name, defcap, defcons, err);
    if (r < 0)
        return ent_error_prefix(err, "%s: views[%zu]", what, idx);
    struct ent_resource *res = &m->res[r];
    static const char *const parts[] = {"nodes", "vms"};
    for (int p = 0; p < 2; p++) {
        json_t *obj = json_object_get(view, parts[p]);
        if (!obj)
            continue;
        if (!json_is_object(obj))
            return ent_error(err, ENT_EPARSE, "%s: views[%zu] (%s): \"%s\" must be an object", what,
                             idx, name, parts[p]);
        const char *key;
        json_t *val;
        json_object_foreach(obj, key, val)
        {
            int64_t id, amount;
            if (parse_id_key(key, &id) < 0)
                return ent_error(err, ENT_EPARSE, "%s: views[%zu] (%s): key \"%s\" is not an id",
                                 what, idx, name, key);
            if (read_amount(val, &amount) < 0)
                return ent_error(err, ENT_EPARSE,
                                 "%s: views[%zu] (%s): %s %s: amount is not an integer", what, idx,
                                 name, parts[p], key);
            if (amount < 0 || amount > ENT_AMOUNT_MAX)
                return ent_error(
                    err, ENT_EINVALID, "%s: views[%zu] (%s): %s %s: amount %" PRId64 " is %s", what,
                    idx, name, parts[p], key, amount, amount < 0 ? "negative" : "absurd (> 2^50)");
            int32_t i = p == 0 ? ent_model_node_index(m, id) : ent_model_vm_index(m, id);
            if (i < 0)
                return ent_error(err, ENT_EINVALID,
                                 "%s: views[%zu] (%s): unknown %s id %s (not in the mapping)", what,
                                 idx, name, p == 0 ? "node" : "VM", key);
            if (p == 0)
                res->capacity[i] = amount;
            else
                res->demand[i] = amount;
        }
    }
    return 0;
}

/* A naming-service view gives elements their names: {"id":"ns","type":"vm","map":{name: id}}. */
static int read_names(struct ent_model *m, json_t *view, const char *what, size_t idx,
                      struct ent_error *err)
{
    const char *type = json_string_value(json_object_get(view, "type"));
    json_t *map = json_object_get(view, "map");
    int vm = type && strcmp(type, "vm") == 0;
    if (!type || (!vm && strcmp(type, "node") != 0) || !json_is_object(map))
        return ent_error(err, ENT_EPARSE,
                         "%s: views[%zu] (ns): needs \"type\" vm|node and an object \"map\"", what,
                         idx);
    const char *name;
    json_t *val;
    json_object_foreach(map, name, val)
    {
        if (!json_is_integer(val))
            return ent_error(err, ENT_EPARSE, "%s: views[%zu] (ns): \"%s\" must map to an id", what,
                             idx, name);
        int32_t i = vm ? ent_model_vm_index(m, json_integer_value(val))
                       : ent_model_node_index(m, json_integer_value(val));
        if (i < 0)
            continue; /* a name for an element outside the mapping (killed VM): nothing to name */
        char **slot = vm ? &m->vms[i].name : &m->nodes[i].name;
        if (*slot)
            return ent_error(err, ENT_EINVALID, "%s: views[%zu] (ns): %s id %lld named twice", what,
                             idx, type, (long long)json_integer_value(val));
        *slot = ent_strdup(name);
    }
    return 0;
}

static int read_views(struct ent_model *m, json_t *views, const char *what, struct ent_error *err)
{
    if (!views)
        return 0;
    if (!json_is_array(views))
        return ent_error(err, ENT_EPARSE, "%s: model: \"views\" must be an array", what);
    size_t i;
    json_t *view;
    json_array_foreach(views, i, view)
    {
        const char *id = json_string_value(json_object_get(view, "id"));
        if (!json_is_object(view) || !id)
            return ent_error(err, ENT_EPARSE, "%s: views[%zu]: needs a string \"id\"", what, i);
        int rc = 0;
        if (strcmp(id, "shareableResource") == 0)
            rc = read_shareable(m, view, what, i, err);
        else if (strcmp(id, "ns") == 0)
            rc = read_names(m, view, what, i, err);
        else {
            if (!m->extra_views)
                m->extra_views = json_array();
            json_array_append(m->extra_views, view);
        }
        if (rc)
            return rc;
    }
    return 0;
}

static int read_attributes(struct ent_model *m, json_t *attrs, const char *what,
                           struct ent_error *err)
{
    if (!attrs)
        return 0;
    if (!json_is_object(attrs))
        return ent_error(err, ENT_EPARSE, "%s: model: \"attributes\" must be an object", what);
    static const char *const parts[] = {"nodes", "vms"};
    for (int p = 0; p < 2; p++) {
        json_t *obj = json_object_get(attrs, parts[p]);
        if (obj && !json_is_object(obj))
            return ent_error(err, ENT_EPARSE, "%s: attributes: \"%s\" must be an object", what,
                             parts[p]);
        const char *key;
        json_t *val;
        json_object_foreach(obj, key, val)
        {
            int64_t id;
            if (parse_id_key(key, &id) < 0 || !json_is_object(val))
                return ent_error(err, ENT_EPARSE,
                                 "%s: attributes.%s: \"%s\" must be an id with an object", what,
                                 parts[p], key);
            int32_t i = p == 0 ? ent_model_node_index(m, id) : ent_model_vm_index(m, id);
            if (i < 0)
                return ent_error(err, ENT_EINVALID, "%s: attributes.%s: unknown id %s", what,
                                 parts[p], key);
            json_t **slot = p == 0 ? &m->nodes[i].attrs : &m->vms[i].attrs;
            if (*slot) /* "1" and "01" name one element */
                return ent_error(err, ENT_EPARSE, "%s: attributes.%s: id %lld given twice", what,
                                 parts[p], (long long)id);
            if (p == 1) {
                m->vms[i].attrs = json_incref(val);
                continue;
            }
            struct ent_node *n = &m->nodes[i];
            n->attrs = json_incref(val);
            const char *enc = json_string_value(json_object_get(val, "enclosure"));
            const char *drv = json_string_value(json_object_get(val, "driver"));
            n->enclosure = ent_strdup(enc);
            n->driver = ent_strdup(drv);
        }
    }
    return 0;
}

int ent_btrplace_read_model(struct ent_model *m, json_t *model, const char *what,
                            struct ent_error *err)
{
    if (!json_is_object(model))
        return ent_error(err, ENT_EPARSE, "%s: \"model\" must be an object", what);
    int rc = read_mapping(m, json_object_get(model, "mapping"), what, err);
    if (!rc)
        rc = read_views(m, json_object_get(model, "views"), what, err);
    if (!rc)
        rc = read_attributes(m, json_object_get(model, "attributes"), what, err);
    return rc;
}

int ent_btrplace_read_instance(struct ent_model *m, json_t *doc, const char *what,
                               struct ent_error *err)
{
    if (!json_is_object(doc))
        return ent_error(err, ENT_EPARSE, "%s: an instance must be a JSON object", what);
    json_t *model = json_object_get(doc, "model");
    if (!model)
        return ent_error(err, ENT_EPARSE, "%s: missing \"model\"", what);
    int rc = ent_btrplace_read_model(m, model, what, err);
    if (rc)
        return rc;
    json_t *cstrs = json_object_get(doc, "constraints");
    if (cstrs && !json_is_array(cstrs))
        return ent_error(err, ENT_EPARSE, "%s: \"constraints\" must be an array", what);
    size_t i;
    json_t *c;
    json_array_foreach(cstrs, i, c)
    {
        char where[256];
        snprintf(where, sizeof where, "%s: constraints[%zu]", what, i);
        struct ent_constraint con;
        if ((rc = ent_constraint_from_json(&con, c, m, where, err)))
            return rc;
        ent_constraint_set_add(&m->constraints, &con);
    }
    json_t *obj = json_object_get(doc, "objective");
    if (obj && !json_is_object(obj) && !json_is_null(obj))
        return ent_error(err, ENT_EPARSE, "%s: \"objective\" must be an object", what);
    if (json_is_object(obj))
        m->objective = json_incref(obj);
    return 0;
}

int ent_btrplace_load_instance(struct ent_model *m, const char *path, struct ent_error *err)
{
    json_t *doc = ent_json_load_file(path, err);
    if (!doc)
        return err ? err->code : ENT_EIO;
    int rc = ent_btrplace_read_instance(m, doc, path, err);
    json_decref(doc);
    if (!rc && (rc = ent_model_validate(m, err)))
        ent_error_prefix(err, "%s", path);
    return rc;
}
