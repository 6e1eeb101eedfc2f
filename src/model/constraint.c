/* Constraint kinds and their JSON form. */
#include "model/constraint.h"

#include "model/model.h"
#include "util/alloc.h"
#include "util/error.h"

#include <string.h>

static const struct {
    const char *name;
    int fields;
} kinds[] = {
#define ENT_CK_ROW(e, name, fields) {name, fields},
    ENT_CONSTRAINT_KINDS(ENT_CK_ROW)
#undef ENT_CK_ROW
};

void ent_constraint_set_init(struct ent_constraint_set *set)
{
    memset(set, 0, sizeof *set);
}

static void parts_release(struct ent_parts *parts)
{
    for (size_t i = 0; i < parts->n; i++)
        ent_free(parts->items[i]);
    ent_free(parts->items);
    ent_free(parts->len);
}

void ent_constraint_release(struct ent_constraint *c)
{
    if (!c)
        return;
    parts_release(&c->vm_parts);
    parts_release(&c->node_parts);
    ent_free(c->name);
    ent_free(c->vms);
    ent_free(c->nodes);
    json_decref(c->json);
    memset(c, 0, sizeof *c);
}

void ent_constraint_set_release(struct ent_constraint_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->len; i++)
        ent_constraint_release(&set->items[i]);
    ent_free(set->items);
    ent_constraint_set_init(set);
}

void ent_constraint_set_add(struct ent_constraint_set *set, struct ent_constraint *c)
{
    ENT_GROW(set->items, set->cap, set->len);
    set->items[set->len++] = *c;
}

const char *ent_constraint_kind_name(enum ent_constraint_kind kind)
{
    return kind < ENT_CK_COUNT ? kinds[kind].name : "unknown";
}

enum ent_constraint_kind ent_constraint_kind_from_name(const char *name)
{
    for (int k = 0; k < ENT_CK_COUNT; k++)
        if (strcmp(kinds[k].name, name) == 0)
            return (enum ent_constraint_kind)k;
    return ENT_CK_UNKNOWN;
}

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

    int fields = kinds[c->kind].fields;
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
    int fields = kinds[c->kind].fields;
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

int ent_index_in(const int32_t *list, size_t n, int32_t x)
{
    for (size_t k = 0; k < n; k++)
        if (list[k] == x)
            return 1;
    return 0;
}

ptrdiff_t ent_parts_find(const struct ent_parts *parts, int32_t x)
{
    for (size_t g = 0; g < parts->n; g++)
        if (ent_index_in(parts->items[g], parts->len[g], x))
            return (ptrdiff_t)g;
    return -1;
}

/* Counts (out == NULL: count[v + 1] per VM) or fills (out[fill[v]++] = ci) c's VMs. */
static void index_vms(const struct ent_constraint *c, uint32_t *count, uint32_t *fill,
                      uint32_t *out, uint32_t ci)
{
    for (size_t k = 0; k < c->n_vms + c->vm_parts.n; k++) {
        const int32_t *list = k < c->n_vms ? &c->vms[k] : c->vm_parts.items[k - c->n_vms];
        uint32_t len = k < c->n_vms ? 1 : c->vm_parts.len[k - c->n_vms];
        for (uint32_t j = 0; j < len; j++) {
            if (out)
                out[fill[list[j]]++] = ci;
            else
                count[list[j] + 1]++;
        }
    }
}

void ent_constraints_by_vm(const struct ent_constraint_set *set, size_t n_vms,
                           int (*select)(const struct ent_constraint *c), uint32_t **start,
                           uint32_t **items)
{
    uint32_t *st = ent_calloc(n_vms + 2, sizeof *st);
    for (size_t i = 0; i < set->len; i++)
        if (select(&set->items[i]))
            index_vms(&set->items[i], st, NULL, NULL, 0);
    for (size_t v = 0; v < n_vms; v++)
        st[v + 1] += st[v];
    uint32_t *it = ent_malloc((st[n_vms] + 1) * sizeof *it);
    uint32_t *fill = ent_malloc((n_vms + 1) * sizeof *fill);
    memcpy(fill, st, n_vms * sizeof *fill);
    for (size_t i = 0; i < set->len; i++)
        if (select(&set->items[i]))
            index_vms(&set->items[i], NULL, fill, it, (uint32_t)i);
    ent_free(fill);
    *start = st;
    *items = it;
}
