/* Issues and pinned VMs, shared by the monitoring adapters. */
#include "monitor/issues.h"

#include "util/str.h"

#include "model/model.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void ent_monitor_issue(json_t *issues, const char *source, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ent_warn("%s: %s", source, msg);
    json_array_append_new(issues, json_string(msg));
}

void ent_monitor_pin_vm(struct ent_model *m, int32_t vm)
{
    struct ent_constraint root = {.kind = ENT_CK_ROOT, .name = ent_strdup("root"), .res = -1};
    root.vms = ent_malloc(sizeof *root.vms);
    root.vms[0] = vm;
    root.n_vms = 1;
    ent_constraint_set_add(&m->constraints, &root);
}

void ent_monitor_mark_in_flight(struct ent_model *m, int32_t vm)
{
    ent_monitor_pin_vm(m, vm);
    if (!m->vms[vm].attrs)
        m->vms[vm].attrs = json_object();
    json_object_set_new(m->vms[vm].attrs, "in_flight", json_true());
}

size_t ent_monitor_in_flight(const struct ent_model *m)
{
    size_t n = 0;
    for (size_t v = 0; v < m->n_vms; v++)
        n += m->vms[v].attrs && json_is_true(json_object_get(m->vms[v].attrs, "in_flight"));
    return n;
}

void ent_monitor_names_init(struct ent_monitor_names *n)
{
    ent_namemap_init(&n->nodes);
    ent_namemap_init(&n->vms);
}

void ent_monitor_names_release(struct ent_monitor_names *n)
{
    if (!n)
        return;
    ent_namemap_release(&n->nodes);
    ent_namemap_release(&n->vms);
}

int ent_monitor_add_node(struct ent_monitor_round *r, const char *source, const char *name,
                         struct ent_error *err)
{
    struct ent_model *m = r->m;
    struct ent_monitor_names *names = &r->names;
    if (!ent_name_ok(name)) {
        struct ent_str q = ENT_STR_INIT;
        ent_monitor_issue(r->issues, source,
                          "node \"%s\" is not a valid name (1 to %d of letters, digits and %s): "
                          "it and its VMs are left out",
                          ent_name_quote(name, &q), ENT_NAME_MAX, "._-+:@");
        ent_str_release(&q);
        return ENT_EINVALID;
    }
    if (ent_namemap_get(&names->nodes, name) >= 0)
        return ENT_EEXISTS;
    int n = ent_model_add_node(m, (int64_t)m->n_nodes, name, ENT_NODE_ONLINE, err);
    if (n >= 0)
        ent_namemap_put(&names->nodes, m->nodes[n].name, n);
    return n;
}

/* A VM whose name is refused still counts on its node (its demand is real), under a name no
 * valid one can take ("#" is never valid), pinned: no action is ever planned for it. */
static int add_unnamed_vm(struct ent_model *m, struct ent_monitor_names *names, json_t *issues,
                          const char *source, const char *name, int32_t node, struct ent_error *err)
{
    struct ent_str q = ENT_STR_INIT;
    char *alias = ent_strdup_printf("vm#%zu", m->n_vms);
    ent_monitor_issue(issues, source,
                      "VM \"%s\" on node %s is not a valid name (1 to %d of letters, digits and "
                      "%s): counted there as %s and left alone",
                      ent_name_quote(name, &q), m->nodes[node].name, ENT_NAME_MAX, "._-+:@", alias);
    ent_str_release(&q);
    int v = ent_model_add_vm(m, (int64_t)m->n_vms, alias, ENT_VM_RUNNING, node, err);
    ent_free(alias);
    if (v >= 0) {
        ent_namemap_put(&names->vms, m->vms[v].name, v);
        ent_monitor_pin_vm(m, v);
    }
    return v;
}

int ent_monitor_add_vm(struct ent_model *m, struct ent_monitor_names *names, json_t *issues,
                       const char *source, const char *name, int32_t node, struct ent_error *err)
{
    if (!ent_name_ok(name))
        return add_unnamed_vm(m, names, issues, source, name, node, err);
    int32_t dup = ent_namemap_get(&names->vms, name);
    if (dup >= 0) {
        char b[64];
        const char *first = ent_node_label(m, m->map.vm_host[dup], b, sizeof b);
        ent_monitor_issue(issues, source,
                          "VM %s is listed on nodes %s and %s: kept on %s and left alone this "
                          "round",
                          name, first, m->nodes[node].name, first);
        ent_monitor_pin_vm(m, dup);
        return ENT_EEXISTS;
    }
    int v = ent_model_add_vm(m, (int64_t)m->n_vms, name, ENT_VM_RUNNING, node, err);
    if (v >= 0)
        ent_namemap_put(&names->vms, m->vms[v].name, v);
    return v;
}

int ent_monitor_round_begin(struct ent_monitor_round *r, struct ent_model *m, struct ent_error *err)
{
    *r = (struct ent_monitor_round){.m = m, .issues = json_array()};
    ent_monitor_names_init(&r->names);
    r->cpu = ent_model_add_resource(m, "cpu", 0, 0, err);
    r->mem = r->cpu < 0 ? r->cpu : ent_model_add_resource(m, "memory", 0, 0, err);
    return r->mem < 0 ? r->mem : 0;
}

int ent_monitor_round_end(struct ent_monitor_round *r, int rc, json_t **issues,
                          struct ent_error *err)
{
    ent_monitor_names_release(&r->names);
    if (!rc)
        rc = ent_model_validate(r->m, err);
    if (rc) {
        json_decref(r->issues);
        *issues = NULL;
    } else {
        *issues = r->issues;
    }
    r->issues = NULL;
    return rc;
}

int ent_monitor_lose_node(struct ent_monitor_round *r, const char *source, const char *key,
                          const char *name, const char *driver, int64_t cpu, int64_t memory_mb,
                          const char *why, struct ent_error *err)
{
    struct ent_model *m = r->m;
    ent_monitor_issue(r->issues, source, "%s: lost this round: %s", key, why);
    if (!m->lost)
        m->lost = json_object();
    json_object_set_new(m->lost, key, json_null()); /* what it runs: unknown */
    if (!name)
        return 0;
    int n = ent_monitor_add_node(r, source, name, err);
    if (n == ENT_EINVALID || n == ENT_EEXISTS)
        return 0;
    if (n < 0)
        return n;
    m->map.node_state[n] = ENT_NODE_OFFLINE;
    m->nodes[n].driver = ent_strdup(driver);
    m->res[r->cpu].capacity[n] = cpu;
    m->res[r->mem].capacity[n] = memory_mb;
    return 0;
}

int ent_monitor_read_nodes(struct ent_monitor_round *r, void *src, size_t n,
                           ent_monitor_read_node_fn read_node, struct ent_error *err)
{
    size_t read = 0;
    struct ent_error first;
    ent_error_init(&first);
    for (size_t i = 0; i < n; i++) {
        int rc = read_node(src, i, r, err);
        if (rc < 0)
            return rc;
        if (rc == 1 && !first.code)
            first = *err;
        read += rc == 0;
    }
    if (n && !read) {
        *err = first;
        return first.code ? first.code : ENT_EIO;
    }
    return 0;
}
