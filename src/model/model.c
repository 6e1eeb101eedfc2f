/* The cluster model: growth, lookups and consistency. */
#include "model/model.h"

#include "util/alloc.h"
#include "util/error.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void ent_model_init(struct ent_model *m)
{
    memset(m, 0, sizeof *m);
    ent_mapping_init(&m->map);
    ent_constraint_set_init(&m->constraints);
    ent_idmap_init(&m->node_ids);
    ent_idmap_init(&m->vm_ids);
}

void ent_model_release(struct ent_model *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n_nodes; i++) {
        ent_free(m->nodes[i].name);
        ent_free(m->nodes[i].enclosure);
        ent_free(m->nodes[i].driver);
        json_decref(m->nodes[i].attrs);
    }
    for (size_t i = 0; i < m->n_vms; i++) {
        ent_free(m->vms[i].name);
        json_decref(m->vms[i].attrs);
    }
    for (size_t r = 0; r < m->n_res; r++) {
        ent_free(m->res[r].name);
        ent_free(m->res[r].capacity);
        ent_free(m->res[r].demand);
    }
    ent_free(m->nodes);
    ent_free(m->vms);
    ent_free(m->res);
    ent_mapping_release(&m->map);
    ent_constraint_set_release(&m->constraints);
    json_decref(m->objective);
    json_decref(m->extra_views);
    json_decref(m->lost);
    ent_idmap_release(&m->node_ids);
    ent_idmap_release(&m->vm_ids);
    ent_model_init(m);
}

void ent_model_free(struct ent_model *m)
{
    if (!m)
        return;
    ent_model_release(m);
    ent_free(m);
}

int ent_model_add_resource(struct ent_model *m, const char *name, int64_t def_capacity,
                           int64_t def_demand, struct ent_error *err)
{
    if (ent_model_resource_index(m, name) >= 0)
        return ent_error(err, ENT_EEXISTS, "resource \"%s\" defined twice", name);
    ENT_GROW(m->res, m->cap_res, m->n_res);
    struct ent_resource *r = &m->res[m->n_res];
    r->name = ent_strdup(name);
    r->def_capacity = def_capacity;
    r->def_demand = def_demand;
    r->capacity = ent_malloc((m->cap_nodes ? m->cap_nodes : 1) * sizeof(int64_t));
    r->demand = ent_malloc((m->cap_vms ? m->cap_vms : 1) * sizeof(int64_t));
    for (size_t i = 0; i < m->n_nodes; i++)
        r->capacity[i] = def_capacity;
    for (size_t i = 0; i < m->n_vms; i++)
        r->demand[i] = def_demand;
    return (int)m->n_res++;
}

int ent_model_add_node(struct ent_model *m, int64_t id, const char *name, enum ent_node_state state,
                       struct ent_error *err)
{
    if (m->n_nodes >= INT32_MAX)
        return ent_error(err, ENT_EINVALID, "too many nodes");
    if (ent_idmap_put(&m->node_ids, id, (int32_t)m->n_nodes) < 0)
        return ent_error(err, ENT_EEXISTS, "node id %" PRId64 " appears twice", id);
    size_t old_cap = m->cap_nodes;
    ENT_GROW(m->nodes, m->cap_nodes, m->n_nodes);
    if (m->cap_nodes != old_cap)
        for (size_t r = 0; r < m->n_res; r++)
            m->res[r].capacity =
                ent_reallocarray(m->res[r].capacity, m->cap_nodes, sizeof(int64_t));
    size_t i = m->n_nodes++;
    m->nodes[i] = (struct ent_node){.id = id, .name = ent_strdup(name)};
    for (size_t r = 0; r < m->n_res; r++)
        m->res[r].capacity[i] = m->res[r].def_capacity;
    ent_mapping_resize(&m->map, m->n_nodes, m->n_vms);
    m->map.node_state[i] = (uint8_t)state;
    return (int)i;
}

int ent_model_add_vm(struct ent_model *m, int64_t id, const char *name, enum ent_vm_state state,
                     int32_t host, struct ent_error *err)
{
    if (m->n_vms >= INT32_MAX)
        return ent_error(err, ENT_EINVALID, "too many VMs");
    if (host >= (int32_t)m->n_nodes)
        return ent_error(err, ENT_EINVALID, "VM %" PRId64 ": unknown host index %d", id, host);
    if (ent_idmap_put(&m->vm_ids, id, (int32_t)m->n_vms) < 0)
        return ent_error(err, ENT_EEXISTS, "VM id %" PRId64 " appears twice", id);
    size_t old_cap = m->cap_vms;
    ENT_GROW(m->vms, m->cap_vms, m->n_vms);
    if (m->cap_vms != old_cap)
        for (size_t r = 0; r < m->n_res; r++)
            m->res[r].demand = ent_reallocarray(m->res[r].demand, m->cap_vms, sizeof(int64_t));
    size_t i = m->n_vms++;
    m->vms[i] = (struct ent_vm){.id = id, .name = ent_strdup(name)};
    for (size_t r = 0; r < m->n_res; r++)
        m->res[r].demand[i] = m->res[r].def_demand;
    ent_mapping_resize(&m->map, m->n_nodes, m->n_vms);
    m->map.vm_state[i] = (uint8_t)state;
    m->map.vm_host[i] = host;
    return (int)i;
}

int32_t ent_model_node_index(const struct ent_model *m, int64_t id)
{
    return ent_idmap_get(&m->node_ids, id);
}

int32_t ent_model_vm_index(const struct ent_model *m, int64_t id)
{
    return ent_idmap_get(&m->vm_ids, id);
}

int ent_model_resource_index(const struct ent_model *m, const char *name)
{
    for (size_t r = 0; r < m->n_res; r++)
        if (strcmp(m->res[r].name, name) == 0)
            return (int)r;
    return -1;
}

int ent_model_memory_resource(const struct ent_model *m)
{
    static const char *const names[] = {"memory", "mem", "ram"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        int r = ent_model_resource_index(m, names[i]);
        if (r >= 0)
            return r;
    }
    return -1;
}

size_t ent_model_active_nodes(const struct ent_model *m)
{
    size_t n = 0;
    uint8_t *seen = ent_calloc(m->n_nodes + 1, 1);
    for (size_t v = 0; v < m->n_vms; v++)
        if (m->map.vm_state[v] == ENT_VM_RUNNING && !seen[m->map.vm_host[v]]) {
            seen[m->map.vm_host[v]] = 1;
            n++;
        }
    ent_free(seen);
    return n;
}

size_t *ent_model_hosted_per_node(const struct ent_model *m)
{
    size_t *hosted = ent_calloc(m->n_nodes + 1, sizeof *hosted);
    for (size_t v = 0; v < m->n_vms; v++) {
        int32_t h = m->map.vm_host[v];
        uint8_t s = m->map.vm_state[v];
        if (h >= 0 && (s == ENT_VM_RUNNING || s == ENT_VM_SLEEPING))
            hosted[h]++;
    }
    return hosted;
}

json_t *ent_model_vms_by_node(const struct ent_model *m)
{
    json_t *nodes = json_array();
    for (size_t n = 0; n < m->n_nodes; n++)
        json_array_append_new(nodes, json_array());
    for (size_t v = 0; v < m->n_vms; v++) {
        char buf[32];
        if (m->map.vm_host[v] >= 0)
            json_array_append_new(json_array_get(nodes, (size_t)m->map.vm_host[v]),
                                  json_string(ent_vm_label(m, (int32_t)v, buf, sizeof buf)));
    }
    return nodes;
}

const char *ent_node_label(const struct ent_model *m, int32_t node, char *buf, size_t len)
{
    if (node < 0 || (size_t)node >= m->n_nodes)
        return "(none)";
    if (m->nodes[node].name)
        return m->nodes[node].name;
    snprintf(buf, len, "node#%" PRId64, m->nodes[node].id);
    return buf;
}

const char *ent_vm_label(const struct ent_model *m, int32_t vm, char *buf, size_t len)
{
    if (vm < 0 || (size_t)vm >= m->n_vms)
        return "(none)";
    if (m->vms[vm].name)
        return m->vms[vm].name;
    snprintf(buf, len, "vm#%" PRId64, m->vms[vm].id);
    return buf;
}

int ent_model_validate(const struct ent_model *m, struct ent_error *err)
{
    char b1[64], b2[64];
    for (size_t r = 0; r < m->n_res; r++) {
        const struct ent_resource *res = &m->res[r];
        for (size_t n = 0; n < m->n_nodes; n++)
            if (res->capacity[n] < 0 || res->capacity[n] > ENT_AMOUNT_MAX)
                return ent_error(err, ENT_EINVALID, "node %s: capacity %" PRId64 " of \"%s\" is %s",
                                 ent_node_label(m, (int32_t)n, b1, sizeof b1), res->capacity[n],
                                 res->name, res->capacity[n] < 0 ? "negative" : "absurd (> 2^50)");
        for (size_t v = 0; v < m->n_vms; v++)
            if (res->demand[v] < 0 || res->demand[v] > ENT_AMOUNT_MAX)
                return ent_error(err, ENT_EINVALID, "VM %s: demand %" PRId64 " of \"%s\" is %s",
                                 ent_vm_label(m, (int32_t)v, b1, sizeof b1), res->demand[v],
                                 res->name, res->demand[v] < 0 ? "negative" : "absurd (> 2^50)");
    }
    for (size_t v = 0; v < m->n_vms; v++) {
        uint8_t st = m->map.vm_state[v];
        int32_t h = m->map.vm_host[v];
        int hosted = st == ENT_VM_RUNNING || st == ENT_VM_SLEEPING;
        if (hosted && (h < 0 || (size_t)h >= m->n_nodes))
            return ent_error(err, ENT_EINVALID, "VM %s is %s but has no host",
                             ent_vm_label(m, (int32_t)v, b1, sizeof b1),
                             ent_vm_state_name((enum ent_vm_state)st));
        if (hosted && m->map.node_state[h] != ENT_NODE_ONLINE)
            return ent_error(err, ENT_EINVALID, "VM %s is %s on node %s, which is offline",
                             ent_vm_label(m, (int32_t)v, b1, sizeof b1),
                             ent_vm_state_name((enum ent_vm_state)st),
                             ent_node_label(m, h, b2, sizeof b2));
        if (!hosted && h >= 0)
            return ent_error(err, ENT_EINVALID, "VM %s is %s but placed on a node",
                             ent_vm_label(m, (int32_t)v, b1, sizeof b1),
                             ent_vm_state_name((enum ent_vm_state)st));
    }
    return 0;
}
