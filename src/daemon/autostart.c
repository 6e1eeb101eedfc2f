/* Autostart: ready autostart VMs required to run, the ones the loop booted remembered until seen.
 */
#include "daemon/autostart.h"

#include "daemon/failover.h"

#include "exec/executor.h"
#include "model/model.h"
#include "model/plan.h"
#include "monitor/definitions.h"
#include "util/alloc.h"
#include "util/hashmap.h"
#include "util/log.h"

#include <stdlib.h>
#include <string.h>

void ent_autostart_release(struct ent_autostart *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->len; i++) {
        ent_free(a->booted[i].vm);
        ent_free(a->booted[i].node);
    }
    ent_free(a->booted);
    a->booted = NULL;
    a->len = a->cap = 0;
}

void ent_autostart_carry(struct ent_autostart *fresh, struct ent_autostart *old)
{
    ent_autostart_release(fresh);
    fresh->booted = old->booted;
    fresh->len = old->len;
    fresh->cap = old->cap;
    old->booted = NULL;
    old->len = old->cap = 0;
}

static bool waiting_for(const struct ent_autostart *a, const char *vm)
{
    for (size_t i = 0; i < a->len; i++)
        if (strcmp(a->booted[i].vm, vm) == 0)
            return true;
    return false;
}

/* The largest capacity of an online node, per resource (a new array). */
static int64_t *largest_node(const struct ent_model *m)
{
    int64_t *largest = ent_calloc(m->n_res + 1, sizeof *largest);
    for (size_t r = 0; r < m->n_res; r++)
        for (size_t n = 0; n < m->n_nodes; n++)
            if (m->map.node_state[n] == ENT_NODE_ONLINE && m->res[r].capacity[n] > largest[r])
                largest[r] = m->res[r].capacity[n];
    return largest;
}

static bool fits_a_node(const struct ent_model *m, size_t v, const int64_t *largest)
{
    for (size_t r = 0; r < m->n_res; r++)
        if (m->res[r].demand[v] > largest[r])
            return false;
    return true;
}

/* Whether VM v is one to boot: ready, marked autostart, startable anywhere, not waited for, not
 * larger than every node. */
static bool candidate(const struct ent_autostart *a, const struct ent_model *m, size_t v,
                      const int64_t *largest)
{
    const json_t *attrs = m->vms[v].attrs;
    bool wanted =
        attrs && ((a->enabled && json_is_true(json_object_get(attrs, ENT_VM_ATTR_AUTOSTART))) ||
                  json_object_get(attrs, ENT_VM_ATTR_RESTART));
    return wanted && m->map.vm_state[v] == ENT_VM_READY && m->vms[v].name &&
           !json_object_get(attrs, ENT_VM_ATTR_HELD) &&
           !json_object_get(attrs, ENT_VM_ATTR_LOCAL_DISK) && !waiting_for(a, m->vms[v].name) &&
           fits_a_node(m, v, largest);
}

size_t ent_autostart_candidates(struct ent_autostart *a, const struct ent_model *m)
{
    if (a->len) {
        struct ent_namemap running;
        ent_namemap_init(&running);
        for (size_t v = 0; v < m->n_vms; v++)
            if (m->vms[v].name && m->map.vm_state[v] == ENT_VM_RUNNING)
                ent_namemap_put(&running, m->vms[v].name, (int32_t)v);
        size_t kept = 0;
        for (size_t i = 0; i < a->len; i++) {
            if (ent_namemap_get(&running, a->booted[i].vm) >= 0) { /* seen: forgotten */
                ent_free(a->booted[i].vm);
                ent_free(a->booted[i].node);
            } else {
                a->booted[kept++] = a->booted[i];
            }
        }
        a->len = kept;
        ent_namemap_release(&running);
    }
    size_t n = 0;
    int64_t *largest = largest_node(m);
    for (size_t v = 0; v < m->n_vms; v++) {
        n += candidate(a, m, v, largest);
        if (a->enabled && m->map.vm_state[v] == ENT_VM_READY && m->vms[v].attrs &&
            json_is_true(json_object_get(m->vms[v].attrs, ENT_VM_ATTR_AUTOSTART)) &&
            !fits_a_node(m, v, largest))
            ent_warn("autostart: VM %s is larger than every online node: not booted",
                     m->vms[v].name ? m->vms[v].name : "?");
    }
    ent_free(largest);
    return n;
}

static json_int_t priority_of(const struct ent_model *m, int32_t v)
{
    return json_integer_value(json_object_get(m->vms[v].attrs, ENT_VM_ATTR_PRIORITY));
}

static const struct ent_model *sort_model; /* qsort has no argument; the loop is one thread */

static int by_priority(const void *x, const void *y)
{
    int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
    json_int_t pa = priority_of(sort_model, a), pb = priority_of(sort_model, b);
    return pa != pb ? (pa < pb ? 1 : -1) : (a > b) - (a < b);
}

size_t ent_autostart_require(const struct ent_autostart *a, struct ent_model *m, size_t limit,
                             json_t *left)
{
    int32_t *vms = ent_malloc((m->n_vms + 1) * sizeof *vms);
    int64_t *largest = largest_node(m);
    size_t n = 0;
    for (size_t v = 0; v < m->n_vms; v++)
        if (candidate(a, m, v, largest))
            vms[n++] = (int32_t)v;
    ent_free(largest);
    sort_model = m;
    qsort(vms, n, sizeof *vms, by_priority);
    sort_model = NULL;
    size_t required = n < limit ? n : limit;
    for (size_t i = 0; i < required; i++)
        ent_constraint_set_add_one(&m->constraints, ENT_CK_RUNNING, vms[i], -1);
    for (size_t i = required; left && i < n; i++)
        json_array_append_new(left, json_string(m->vms[vms[i]].name));
    ent_free(vms);
    return required;
}

void ent_autostart_learn(struct ent_autostart *a, const struct ent_model *m,
                         const struct ent_plan *plan, const struct ent_exec_result *res, long round)
{
    for (size_t i = 0; i < plan->len && i < res->len; i++) {
        const struct ent_action *act = &plan->actions[i];
        if (act->kind != ENT_ACTION_BOOT_VM || res->outcomes[i].status != ENT_ACTION_DONE ||
            !m->vms[act->vm].name || !m->nodes[act->to].name)
            continue;
        ENT_GROW(a->booted, a->cap, a->len);
        a->booted[a->len++] = (struct ent_booted){ent_strdup(m->vms[act->vm].name),
                                                  ent_strdup(m->nodes[act->to].name), round};
    }
}

json_t *ent_autostart_waiting_json(const struct ent_autostart *a)
{
    if (!a->len)
        return NULL;
    json_t *out = json_array();
    for (size_t i = 0; i < a->len; i++)
        json_array_append_new(out, json_pack("{s:s, s:s, s:I}", "vm", a->booted[i].vm, "node",
                                             a->booted[i].node, "round",
                                             (json_int_t)a->booted[i].round));
    return out;
}
