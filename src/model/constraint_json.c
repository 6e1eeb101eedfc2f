/* A constraint from and to BtrPlace JSON, ids resolved through the model. */
#include "model/constraint.h"

#include "model/model.h"
#include "util/alloc.h"
#include "util/error.h"

#include <string.h>

/* Reads "single" (one id) or "plural" (an array of ids) into indexes through lookup. */
static int read_ids(json_t *obj, const char *single, const char *plural, const struct ent_model *m,
                    int32_t (*lookup)(const struct ent_model *, int64_t), int32_t **out,
                    size_t *n_out, const char *where, struct ent_error *err)
{
    json_t *one = json_object_get(obj, single);
    json_t *many = json_object_get(obj, plural);
    if (!one && !many)
        return ent_error(err, ENT_EPARSE, "%s: missing \"%s\" or \"%s\"", where, single, plural);
    size_t n = one ? 1 : json_is_array(many) ? json_array_size(many) : 0;
    if (!one && !json_is_array(many))
        return ent_error(err, ENT_EPARSE, "%s: \"%s\" must be an array of ids", where, plural);
    int32_t *idx = ent_malloc((n ? n : 1) * sizeof *idx);
    for (size_t i = 0; i < n; i++) {
        json_t *v = one ? one : json_array_get(many, i);
        if (!json_is_integer(v)) {
            ent_free(idx);
            return ent_error(err, ENT_EPARSE, "%s: \"%s\" must hold integer ids", where,
                             one ? single : plural);
        }
        idx[i] = lookup(m, json_integer_value(v));
        if (idx[i] < 0) {
            ent_free(idx);
            return ent_error(err, ENT_EINVALID, "%s: unknown %s id %lld", where, single,
                             (long long)json_integer_value(v));
        }
    }
    *out = idx;
    *n_out = n;
    return 0;
}

/* Reads key, an array of arrays of ids, into parts. */
static int read_parts(json_t *obj, const char *key, const struct ent_model *m,
                      int32_t (*lookup)(const struct ent_model *, int64_t), const char *what,
                      struct ent_parts *parts, const char *where, struct ent_error *err)
{
    json_t *arr = json_object_get(obj, key);
    if (!json_is_array(arr))
        return ent_error(err, ENT_EPARSE, "%s: missing \"%s\", an array of arrays of ids", where,
                         key);
    size_t n = json_array_size(arr);
    parts->items = ent_calloc(n + 1, sizeof *parts->items);
    parts->len = ent_calloc(n + 1, sizeof *parts->len);
    for (size_t i = 0; i < n; i++) {
        json_t *part = json_array_get(arr, i);
        if (!json_is_array(part))
            return ent_error(err, ENT_EPARSE, "%s: \"%s\"[%zu] must be an array of ids", where, key,
                             i);
        size_t k = json_array_size(part);
        parts->items[i] = ent_malloc((k + 1) * sizeof(int32_t));
        parts->n = i + 1;
        for (size_t j = 0; j < k; j++) {
            json_t *v = json_array_get(part, j);
            int32_t idx = json_is_integer(v) ? lookup(m, json_integer_value(v)) : -1;
            if (!json_is_integer(v))
                return ent_error(err, ENT_EPARSE, "%s: \"%s\"[%zu] must hold integer ids", where,
                                 key, i);
            if (idx < 0)
                return ent_error(err, ENT_EINVALID, "%s: \"%s\"[%zu]: unknown %s id %lld", where,
                                 key, i, what, (long long)json_integer_value(v));
            parts->items[i][j] = idx;
        }
        parts->len[i] = (uint32_t)k;
    }
    ent_parts_index(parts);
    return 0;
}

int ent_constraint_from_json(struct ent_constraint *c, json_t *obj, const struct ent_model *m,
                             const char *where, struct ent_error *err)
{
    memset(c, 0, sizeof *c);
    c->res = -1;
    if (!json_is_object(obj))
        return ent_error(err, ENT_EPARSE, "%s: a constraint must be an object", where);
    const char *id = json_string_value(json_object_get(obj, "id"));
    if (!id)
        return ent_error(err, ENT_EPARSE, "%s: missing string \"id\"", where);
    c->name = ent_strdup(id);
    c->kind = ent_constraint_kind_from_name(id);
    c->json = json_incref(obj);
    json_t *cont = json_object_get(obj, "continuous");
    if (cont && !json_is_boolean(cont)) {
        ent_constraint_release(c);
        return ent_error(err, ENT_EPARSE, "%s: \"continuous\" must be true or false", where);
    }
    c->continuous = json_is_true(cont);
    if (c->kind == ENT_CK_UNKNOWN)
        return 0; /* kept whole, reported as not understood */

    int fields = ent_constraint_kind_fields(c->kind);
    int rc = 0;
    if (fields & ENT_CF_VMS)
        rc = read_ids(obj, "vm", "vms", m, ent_model_vm_index, &c->vms, &c->n_vms, where, err);
    if (!rc && (fields & ENT_CF_NODES))
        rc = read_ids(obj, "node", "nodes", m, ent_model_node_index, &c->nodes, &c->n_nodes, where,
                      err);
    if (!rc && (fields & ENT_CF_RC)) {
        const char *rcname = json_string_value(json_object_get(obj, "rc"));
        if (!rcname)
            rc = ent_error(err, ENT_EPARSE, "%s: missing string \"rc\"", where);
        else if ((c->res = ent_model_resource_index(m, rcname)) < 0)
            rc = ent_error(err, ENT_EINVALID, "%s: unknown resource \"%s\"", where, rcname);
    }
    if (!rc && (fields & ENT_CF_VM_PARTS))
        rc = read_parts(obj, c->kind == ENT_CK_SPLIT_AMONG ? "vParts" : "parts", m,
                        ent_model_vm_index, "VM", &c->vm_parts, where, err);
    if (!rc && (fields & ENT_CF_NODE_PARTS))
        rc = read_parts(obj, c->kind == ENT_CK_SPLIT_AMONG ? "pParts" : "parts", m,
                        ent_model_node_index, "node", &c->node_parts, where, err);
    if (!rc && (fields & ENT_CF_RATIO)) {
        json_t *r = json_object_get(obj, "ratio");
        if (!json_is_number(r) || json_number_value(r) <= 0 || json_number_value(r) > 1000)
            rc = ent_error(err, ENT_EPARSE, "%s: \"ratio\" must be a number in (0, 1000]", where);
        else
            c->ratio = json_number_value(r);
    }
    if (!rc && (fields & ENT_CF_AMOUNT)) {
        json_t *a = json_object_get(obj, "amount");
        if (!json_is_integer(a))
            rc = ent_error(err, ENT_EPARSE, "%s: missing integer \"amount\"", where);
        else if ((c->amount = json_integer_value(a)) < 0 || c->amount > ENT_AMOUNT_MAX)
            rc = ent_error(err, ENT_EINVALID, "%s: amount %lld out of range [0, 2^50]", where,
                           (long long)c->amount);
    }
    if (rc)
        ent_constraint_release(c);
    return rc;
}

static json_t *ids_json(const int32_t *idx, size_t n, const struct ent_node *nodes,
                        const struct ent_vm *vms)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_integer(nodes ? nodes[idx[i]].id : vms[idx[i]].id));
    return arr;
}

json_t *ent_constraint_to_json(const struct ent_constraint *c, const struct ent_model *m)
{
    if (c->json)
        return json_incref(c->json);
    json_t *o = json_object();
    json_object_set_new(o, "id",
                        json_string(c->name ? c->name : ent_constraint_kind_name(c->kind)));
    if (c->kind == ENT_CK_UNKNOWN)
        return o;
    int fields = ent_constraint_kind_fields(c->kind);
    /* BtrPlace spells single-element kinds with "vm" / "node"; a list is written only when the
     * constraint built in code holds several, which such a kind then means element by element. */
    if ((fields & ENT_CF_ONE_VM) && c->n_vms == 1)
        json_object_set_new(o, "vm", json_integer(m->vms[c->vms[0]].id));
    else if (fields & ENT_CF_VMS)
        json_object_set_new(o, "vms", ids_json(c->vms, c->n_vms, NULL, m->vms));
    if ((fields & ENT_CF_ONE_NODE) && c->n_nodes == 1)
        json_object_set_new(o, "node", json_integer(m->nodes[c->nodes[0]].id));
    else if (fields & ENT_CF_NODES)
        json_object_set_new(o, "nodes", ids_json(c->nodes, c->n_nodes, m->nodes, NULL));
    if ((fields & ENT_CF_RC) && c->res >= 0)
        json_object_set_new(o, "rc", json_string(m->res[c->res].name));
    if (fields & ENT_CF_AMOUNT)
        json_object_set_new(o, "amount", json_integer(c->amount));
    json_object_set_new(o, "continuous", json_boolean(c->continuous));
    return o;
}
