/* Packing state and placement rules. */
#include "solve/pack.h"
#include "solve/internal.h"

#include "model/demand.h"
#include "model/model.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/error.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

static int contains(const int32_t *sorted, uint32_t n, int32_t x)
{
    return n && bsearch(&x, sorted, n, sizeof x, cmp_i32) != NULL;
}

static int32_t *sorted_copy(const int32_t *a, size_t n)
{
    int32_t *c = ent_malloc((n ? n : 1) * sizeof *c);
    memcpy(c, a, n * sizeof *c);
    qsort(c, n, sizeof *c, cmp_i32);
    return c;
}

static void add_ban(struct ent_vm_rules *r, const int32_t *nodes, size_t n)
{
    r->ban = ent_reallocarray(r->ban, r->n_ban + n + 1, sizeof *r->ban);
    memcpy(r->ban + r->n_ban, nodes, n * sizeof *nodes);
    r->n_ban += (uint32_t)n;
    qsort(r->ban, r->n_ban, sizeof *r->ban, cmp_i32);
}

/* Several fences on one VM: it must satisfy all, so keep the intersection. */
static void add_fence(struct ent_vm_rules *r, const int32_t *nodes, size_t n)
{
    int32_t *s = sorted_copy(nodes, n);
    if (!r->fenced) {
        r->fence = s;
        r->n_fence = (uint32_t)n;
        r->fenced = 1;
        return;
    }
    uint32_t k = 0;
    for (uint32_t i = 0; i < r->n_fence; i++)
        if (contains(s, (uint32_t)n, r->fence[i]))
            r->fence[k++] = r->fence[i];
    r->n_fence = k;
    ent_free(s);
}

static void add_group(struct ent_pack *p, const struct ent_constraint *c, size_t *cap_groups,
                      uint32_t *counts)
{
    ENT_GROW(p->groups, *cap_groups, p->n_groups);
    p->groups[p->n_groups++] =
        (struct ent_group){c->kind == ENT_CK_RESOURCE_CAPACITY ? c->res : -1, c->amount, 0};
    for (size_t k = 0; k < c->n_nodes; k++)
        counts[c->nodes[k]]++;
}

static void build_groups(struct ent_pack *p)
{
    const struct ent_model *m = p->m;
    size_t cap_groups = 0;
    uint32_t *counts = ent_calloc(m->n_nodes + 1, sizeof *counts);
    for (size_t i = 0; i < m->constraints.len; i++) {
        const struct ent_constraint *c = &m->constraints.items[i];
        if (c->kind == ENT_CK_RESOURCE_CAPACITY && c->n_nodes == 1) {
            int64_t *cap = &p->cap[(size_t)c->nodes[0] * p->n_res + (size_t)c->res];
            if (*cap > c->amount)
                *cap = c->amount; /* a one-node cap is just a smaller capacity */
        } else if (c->kind == ENT_CK_RESOURCE_CAPACITY || c->kind == ENT_CK_RUNNING_CAPACITY) {
            add_group(p, c, &cap_groups, counts);
        }
    }
    p->node_group_start = ent_calloc(m->n_nodes + 1, sizeof(uint32_t));
    for (size_t n = 0; n < m->n_nodes; n++)
        p->node_group_start[n + 1] = p->node_group_start[n] + counts[n];
    p->node_groups = ent_malloc((p->node_group_start[m->n_nodes] + 1) * sizeof(uint32_t));
    memset(counts, 0, m->n_nodes * sizeof *counts);
    size_t g = 0;
    for (size_t i = 0; i < m->constraints.len; i++) {
        const struct ent_constraint *c = &m->constraints.items[i];
        if (!(c->kind == ENT_CK_RUNNING_CAPACITY ||
              (c->kind == ENT_CK_RESOURCE_CAPACITY && c->n_nodes != 1)))
            continue;
        for (size_t k = 0; k < c->n_nodes; k++) {
            int32_t n = c->nodes[k];
            p->node_groups[p->node_group_start[n] + counts[n]++] = (uint32_t)g;
        }
        g++;
    }
    ent_free(counts);
}

/* Target states from the state constraints. */
static int apply_states(struct ent_pack *p, struct ent_error *err)
{
    const struct ent_model *m = p->m;
    struct ent_mapping *t = &p->target;
    char b[64];
    for (size_t i = 0; i < m->constraints.len; i++) {
        const struct ent_constraint *c = &m->constraints.items[i];
        for (size_t k = 0; k < c->n_nodes; k++) {
            if (c->kind == ENT_CK_OFFLINE)
                t->node_state[c->nodes[k]] = ENT_NODE_OFFLINE;
            else if (c->kind == ENT_CK_ONLINE)
                t->node_state[c->nodes[k]] = ENT_NODE_ONLINE;
        }
        for (size_t k = 0; k < c->n_vms; k++) {
            int32_t v = c->vms[k];
            uint8_t now = m->map.vm_state[v];
            switch (c->kind) {
            case ENT_CK_RUNNING:
                if (now == ENT_VM_KILLED)
                    return ent_error(err, ENT_EINFEASIBLE,
                                     "constraints[%zu]: VM %s must run but is killed", i,
                                     ent_vm_label(m, v, b, sizeof b));
                t->vm_state[v] = ENT_VM_RUNNING;
                break;
            case ENT_CK_READY:
                t->vm_state[v] = ENT_VM_READY;
                break;
            case ENT_CK_SLEEPING:
                if (now != ENT_VM_RUNNING && now != ENT_VM_SLEEPING)
                    return ent_error(err, ENT_EINFEASIBLE,
                                     "constraints[%zu]: VM %s must sleep but is not running", i,
                                     ent_vm_label(m, v, b, sizeof b));
                t->vm_state[v] = ENT_VM_SLEEPING;
                break;
            case ENT_CK_KILLED:
                t->vm_state[v] = ENT_VM_KILLED;
                break;
            default:
                break;
            }
        }
    }
    return 0;
}

/* maxOnline: when more nodes of its set would be online than it allows, the ones hosting the
 * fewest VMs now go offline (not those an online constraint keeps, nor those with sleeping VMs). */
static int limit_online(struct ent_pack *p, struct ent_error *err)
{
    const struct ent_model *m = p->m;
    uint32_t *hosted = NULL;
    uint8_t *keep = NULL;
    int rc = 0;
    for (size_t i = 0; i < m->constraints.len && !rc; i++) {
        const struct ent_constraint *c = &m->constraints.items[i];
        if (c->kind != ENT_CK_MAX_ONLINE)
            continue;
        if (!hosted) {
            hosted = ent_calloc(m->n_nodes + 1, sizeof *hosted);
            keep = ent_calloc(m->n_nodes + 1, 1);
            for (size_t v = 0; v < m->n_vms; v++) {
                int32_t h = m->map.vm_host[v];
                if (h >= 0)
                    hosted[h] += m->map.vm_state[v] == ENT_VM_SLEEPING ? 1000000 : 1;
            }
            for (size_t j = 0; j < m->constraints.len; j++) {
                const struct ent_constraint *o = &m->constraints.items[j];
                for (size_t k = 0; o->kind == ENT_CK_ONLINE && k < o->n_nodes; k++)
                    keep[o->nodes[k]] = 1;
            }
        }
        int64_t online = 0;
        for (size_t k = 0; k < c->n_nodes; k++)
            online += p->target.node_state[c->nodes[k]] == ENT_NODE_ONLINE;
        while (online > c->amount) {
            int32_t pick = -1;
            for (size_t k = 0; k < c->n_nodes; k++) {
                int32_t n = c->nodes[k];
                if (p->target.node_state[n] == ENT_NODE_ONLINE && !keep[n] && hosted[n] < 1000000 &&
                    (pick < 0 || hosted[n] < hosted[pick]))
                    pick = n;
            }
            if (pick < 0) {
                char b[64];
                rc = ent_error(err, ENT_EINFEASIBLE,
                               "constraints[%zu] maxOnline: %lld nodes would stay online, at most "
                               "%lld allowed, and no other can go offline (online constraints "
                               "or sleeping VMs keep them, e.g. %s)",
                               i, (long long)online, (long long)c->amount,
                               ent_node_label(m, c->nodes[0], b, sizeof b));
                break;
            }
            p->target.node_state[pick] = ENT_NODE_OFFLINE;
            online--;
        }
    }
    ent_free(hosted);
    ent_free(keep);
    return rc;
}

int ent_pack_init(struct ent_pack *p, const struct ent_model *m, struct ent_error *err)
{
    memset(p, 0, sizeof *p);
    p->m = m;
    p->order_res = -1;
    size_t R = p->n_res = m->n_res, N = p->n_nodes = m->n_nodes, V = p->n_vms = m->n_vms;
    p->cap = ent_malloc((N * R + 1) * sizeof *p->cap);
    p->used = ent_calloc(N * R + 1, sizeof *p->used);
    p->dem = ent_malloc((V * R + 1) * sizeof *p->dem);
    int64_t **effective = ent_effective_capacity(m);
    for (size_t r = 0; r < R; r++)
        for (size_t n = 0; n < N; n++)
            p->cap[n * R + r] = effective[r][n];
    ent_effective_capacity_free(effective, m);
    int64_t **final = ent_final_demand(m);
    for (size_t r = 0; r < R; r++)
        for (size_t v = 0; v < V; v++)
            p->dem[v * R + r] = final[r][v];
    ent_final_demand_free(final, m);

    p->residents = ent_calloc(N + 1, sizeof *p->residents);
    p->n_residents = ent_calloc(N + 1, sizeof *p->n_residents);
    p->cap_residents = ent_calloc(N + 1, sizeof *p->cap_residents);
    p->rules = ent_calloc(V + 1, sizeof *p->rules);
    for (size_t i = 0; i < m->constraints.len; i++) {
        const struct ent_constraint *c = &m->constraints.items[i];
        for (size_t k = 0; k < c->n_vms && (c->kind == ENT_CK_BAN || c->kind == ENT_CK_FENCE); k++)
            (c->kind == ENT_CK_BAN ? add_ban : add_fence)(&p->rules[c->vms[k]], c->nodes,
                                                          c->n_nodes);
    }
    build_groups(p);
    ent__pack_rules_init(p);
    p->lonely = ent_malloc((m->constraints.len + 1) * sizeof *p->lonely);
    p->lonely_member = ent_calloc(V + 1, 1);
    p->lonely_on = ent_calloc(N + 1, sizeof *p->lonely_on);
    for (size_t i = 0; i < m->constraints.len; i++) {
        const struct ent_constraint *c = &m->constraints.items[i];
        if (c->kind != ENT_CK_LONELY)
            continue;
        p->lonely[p->n_lonely++] = (uint32_t)i;
        for (size_t k = 0; k < c->n_vms; k++)
            p->lonely_member[c->vms[k]] = 1;
    }

    ent_mapping_init(&p->target);
    ent_mapping_copy(&p->target, &m->map);
    int rc = apply_states(p, err);
    if (rc)
        return rc;
    if ((rc = limit_online(p, err)))
        return rc;
    p->node_usable = ent_calloc(N + 1, 1);
    for (size_t n = 0; n < N; n++)
        p->node_usable[n] = p->target.node_state[n] == ENT_NODE_ONLINE;

    /* VMs that keep running stay where they are for now; the others wait for a placement. */
    for (size_t v = 0; v < V; v++) {
        uint8_t now = m->map.vm_state[v], then = p->target.vm_state[v];
        int32_t h = m->map.vm_host[v];
        p->target.vm_host[v] = -1;
        if (then == ENT_VM_SLEEPING && h >= 0)
            p->target.vm_host[v] = h; /* suspended where it runs or sleeps */
        if (then == ENT_VM_RUNNING && now == ENT_VM_RUNNING)
            ent_pack_place(p, (int32_t)v, h);
    }
    return 0;
}

void ent_pack_release(struct ent_pack *p)
{
    if (!p)
        return;
    for (size_t v = 0; p->rules && v < p->n_vms; v++) {
        ent_free(p->rules[v].ban);
        ent_free(p->rules[v].fence);
    }
    ent_free(p->rules);
    if (p->rule_start)
        ent__pack_rules_release(p);
    ent_free(p->lonely);
    ent_free(p->lonely_member);
    ent_free(p->lonely_on);
    for (size_t n = 0; p->residents && n < p->n_nodes; n++)
        ent_free(p->residents[n]);
    ent_free(p->residents);
    ent_free(p->n_residents);
    ent_free(p->cap_residents);
    ent_free(p->cap);
    ent_free(p->used);
    ent_free(p->dem);
    ent_free(p->node_usable);
    ent_free(p->groups);
    ent_free(p->node_group_start);
    ent_free(p->node_groups);
    ent_mapping_release(&p->target);
    memset(p, 0, sizeof *p);
}

bool ent_pack_allowed(const struct ent_pack *p, int32_t vm, int32_t node)
{
    if (!p->node_usable[node])
        return 0;
    const struct ent_vm_rules *r = &p->rules[vm];
    if (contains(r->ban, r->n_ban, node))
        return 0;
    if (r->fenced && !contains(r->fence, r->n_fence, node))
        return 0;
    return ent__pack_rules_allow(p, vm, node);
}

bool ent_pack_late(const struct ent_pack *p)
{
    return p->deadline > 0 && ent_now() > p->deadline;
}

bool ent_pack_fits(const struct ent_pack *p, int32_t vm, int32_t node)
{
    const int64_t *cap = p->cap + (size_t)node * p->n_res,
                  *used = p->used + (size_t)node * p->n_res;
    const int64_t *d = p->dem + (size_t)vm * p->n_res;
    for (size_t r = 0; r < p->n_res; r++)
        if (used[r] + d[r] > cap[r])
            return 0;
    for (uint32_t k = p->node_group_start[node]; k < p->node_group_start[node + 1]; k++) {
        const struct ent_group *g = &p->groups[p->node_groups[k]];
        if (g->used + (g->res < 0 ? 1 : d[g->res]) > g->limit)
            return 0;
    }
    return ent_pack_allowed(p, vm, node); /* capacity first: it is the cheaper test */
}

static void account(struct ent_pack *p, int32_t vm, int32_t node, int sign)
{
    int64_t *used = p->used + (size_t)node * p->n_res;
    const int64_t *d = p->dem + (size_t)vm * p->n_res;
    for (size_t r = 0; r < p->n_res; r++)
        used[r] += sign * d[r];
    for (uint32_t k = p->node_group_start[node]; k < p->node_group_start[node + 1]; k++) {
        struct ent_group *g = &p->groups[p->node_groups[k]];
        g->used += sign * (g->res < 0 ? 1 : d[g->res]);
    }
}

void ent_pack_place(struct ent_pack *p, int32_t vm, int32_t node)
{
    p->target.vm_host[vm] = node;
    account(p, vm, node, +1);
    if (p->lonely_member[vm])
        p->lonely_on[node]++;
    if (p->n_residents[node] == p->cap_residents[node]) {
        p->cap_residents[node] = p->cap_residents[node] ? 2 * p->cap_residents[node] : 4;
        p->residents[node] =
            ent_reallocarray(p->residents[node], p->cap_residents[node], sizeof(int32_t));
    }
    p->residents[node][p->n_residents[node]++] = vm;
}

void ent_pack_unplace(struct ent_pack *p, int32_t vm)
{
    int32_t node = p->target.vm_host[vm];
    if (node < 0)
        return;
    account(p, vm, node, -1);
    p->target.vm_host[vm] = -1;
    if (p->lonely_member[vm])
        p->lonely_on[node]--;
    int32_t *list = p->residents[node];
    uint32_t n = p->n_residents[node];
    for (uint32_t i = 0; i < n; i++)
        if (list[i] == vm) {
            list[i] = list[n - 1];
            p->n_residents[node] = n - 1;
            return;
        }
}

double ent_pack_load(const struct ent_pack *p, int32_t node)
{
    double load = 0;
    for (size_t r = 0; r < p->n_res; r++) {
        int64_t cap = p->cap[(size_t)node * p->n_res + r];
        load += (double)p->used[(size_t)node * p->n_res + r] / (double)(cap > 0 ? cap : 1);
    }
    return load;
}

int ent_pack_node_ok(const struct ent_pack *p, int32_t node)
{
    const int64_t *cap = p->cap + (size_t)node * p->n_res,
                  *used = p->used + (size_t)node * p->n_res;
    for (size_t r = 0; r < p->n_res; r++)
        if (used[r] > cap[r])
            return 0;
    for (uint32_t k = p->node_group_start[node]; k < p->node_group_start[node + 1]; k++) {
        const struct ent_group *g = &p->groups[p->node_groups[k]];
        if (g->used > g->limit)
            return 0;
    }
    return 1;
}

void ent_pack_max_capacity(const struct ent_pack *p, double *out)
{
    for (size_t r = 0; r < p->n_res; r++) {
        out[r] = 1;
        for (size_t n = 0; n < p->n_nodes; n++)
            if ((double)p->cap[n * p->n_res + r] > out[r])
                out[r] = (double)p->cap[n * p->n_res + r];
    }
}

/* An element (VM or node) with a sort key. */
struct keyed {
    double key;
    int32_t id;
};

static int cmp_keyed_desc(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? 1 : -1;
    return (x->id > y->id) - (x->id < y->id);
}

static bool usable_node(const struct ent_pack *p, size_t node)
{
    return p->node_usable[node];
}

static bool running_vm(const struct ent_pack *p, size_t vm)
{
    return p->target.vm_state[vm] == ENT_VM_RUNNING;
}

/* The elements i < n that keep, by decreasing size: rows[i * n_res + r] summed over resources,
 * each relative to the largest node capacity (resource first's share first, when >= 0). */
static size_t by_relative_size(const struct ent_pack *p, const int64_t *rows, size_t n,
                               bool (*keep)(const struct ent_pack *p, size_t i), int first,
                               int32_t **out)
{
    double *maxcap = ent_malloc((p->n_res + 1) * sizeof *maxcap);
    ent_pack_max_capacity(p, maxcap);
    struct keyed *k = ent_malloc((n + 1) * sizeof *k);
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        if (!keep(p, i))
            continue;
        double size = 0;
        for (size_t r = 0; r < p->n_res; r++)
            size += (double)rows[i * p->n_res + r] / maxcap[r];
        if (first >= 0) /* shares are at most 1 each: this one decides */
            size +=
                (double)(p->n_res + 1) * (double)rows[i * p->n_res + (size_t)first] / maxcap[first];
        k[count++] = (struct keyed){size, (int32_t)i};
    }
    qsort(k, count, sizeof *k, cmp_keyed_desc);
    int32_t *order = ent_malloc((count + 1) * sizeof *order);
    for (size_t i = 0; i < count; i++)
        order[i] = k[i].id;
    ent_free(k);
    ent_free(maxcap);
    *out = order;
    return count;
}

void ent_pack_vm_sizes(const struct ent_pack *p, double *out)
{
    double *maxcap = ent_malloc((p->n_res + 1) * sizeof *maxcap);
    ent_pack_max_capacity(p, maxcap);
    for (size_t v = 0; v < p->n_vms; v++) {
        out[v] = 0;
        for (size_t r = 0; r < p->n_res; r++)
            out[v] += (double)p->dem[v * p->n_res + r] / maxcap[r];
    }
    ent_free(maxcap);
}

void ent_pack_total_demand(const struct ent_pack *p, double *out)
{
    for (size_t r = 0; r < p->n_res; r++)
        out[r] = 0;
    for (size_t v = 0; v < p->n_vms; v++)
        if (p->target.vm_state[v] == ENT_VM_RUNNING)
            for (size_t r = 0; r < p->n_res; r++)
                out[r] += (double)p->dem[v * p->n_res + r];
}

int32_t ent_pack_home(const struct ent_pack *p, int32_t vm)
{
    const struct ent_mapping *now = &p->m->map;
    return now->vm_state[vm] == ENT_VM_RUNNING ? now->vm_host[vm] : -1;
}

size_t ent_pack_nodes_by_capacity(const struct ent_pack *p, int32_t **out)
{
    return by_relative_size(p, p->cap, p->n_nodes, usable_node, p->order_res, out);
}

size_t ent_pack_running_by_size(struct ent_pack *p, int32_t **out)
{
    return by_relative_size(p, p->dem, p->n_vms, running_vm, -1, out);
}
