/* The power-off policy. */
#include "daemon/power_policy.h"

#include "model/model.h"
#include "model/power.h"
#include "util/alloc.h"
#include "util/log.h"

#include <stdlib.h>
#include <string.h>

const char *ent_node_power_name(enum ent_node_power_state p)
{
    static const char *const names[] = {[ENT_NODE_POWER_ON] = "online",
                                        [ENT_NODE_POWER_BOOTING] = "booting",
                                        [ENT_NODE_POWER_SHUTTING_DOWN] = "shutting-down",
                                        [ENT_NODE_POWER_OFF] = "offline"};
    return names[p];
}

void ent_power_policy_init(struct ent_power_policy *p, size_t spare_nodes, double min_idle,
                           double off_timeout, double boot_timeout)
{
    memset(p, 0, sizeof *p);
    p->spare_nodes = spare_nodes;
    p->min_idle = min_idle;
    p->off_timeout = off_timeout;
    p->boot_timeout = boot_timeout;
    ent_namemap_init(&p->index);
}

void ent_power_policy_release(struct ent_power_policy *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->len; i++)
        ent_free(p->nodes[i].node);
    ent_free(p->nodes);
    p->nodes = NULL;
    p->len = 0;
    ent_namemap_release(&p->index);
}

void ent_power_policy_carry(struct ent_power_policy *fresh, struct ent_power_policy *old)
{
    struct ent_power_policy swap = *fresh;
    fresh->nodes = old->nodes;
    fresh->len = old->len;
    fresh->index = old->index;
    old->nodes = swap.nodes;
    old->len = swap.len;
    old->index = swap.index;
}

struct ent_power_record *ent_power_policy_find(const struct ent_power_policy *p, const char *node)
{
    int32_t i = ent_namemap_get(&p->index, node);
    return i < 0 ? NULL : &p->nodes[i];
}

static struct ent_power_record *record(struct ent_power_policy *p, const char *node, double now)
{
    struct ent_power_record *r = ent_power_policy_find(p, node);
    if (r)
        return r;
    char *name = ent_strdup(node); /* the record's, and the index's key */
    ent_namemap_put(&p->index, name, (int32_t)p->len);
    p->nodes = ent_reallocarray(p->nodes, p->len + 1, sizeof *p->nodes);
    r = &p->nodes[p->len++];
    *r = (struct ent_power_record){.node = name,
                                   .state = ENT_NODE_POWER_ON,
                                   .empty_since = -1,
                                   .changed_at = now,
                                   .watts_idle = 1,
                                   .boot_seconds = -1};
    return r;
}

void ent_power_policy_set(struct ent_power_policy *p, const char *node,
                          enum ent_node_power_state state, double now)
{
    struct ent_power_record *r = record(p, node, now);
    if (r->state != state)
        r->changed_at = now;
    r->state = state;
    if (state != ENT_NODE_POWER_ON)
        r->empty_since = -1;
}

/* A node booted but not seen online yet: still booting, or failed past boot_timeout. */
static enum ent_node_power_state booting_or_failed(const struct ent_power_policy *p,
                                                   struct ent_power_record *r, double now)
{
    if (now - r->changed_at <= p->boot_timeout)
        return ENT_NODE_POWER_BOOTING;
    ent_log_error("power: %s did not come online within %.0f s of its boot: counted off, not "
                  "booted again until it is seen online",
                  r->node, p->boot_timeout);
    r->boot_failed = true;
    return ENT_NODE_POWER_OFF;
}

static void observe_node(struct ent_power_policy *p, const char *name, bool online, bool hosting,
                         double now)
{
    struct ent_power_record *r = record(p, name, now);
    if (r->state == ENT_NODE_POWER_BOOTING && online) {
        r->boot_seconds = now - r->changed_at;
        r->boot_failed = false;
        ent_info("power: %s is online, %.0f s after it was booted", name, r->boot_seconds);
    }
    if (r->state == ENT_NODE_POWER_SHUTTING_DOWN && !online) {
        ent_power_policy_set(p, name, ENT_NODE_POWER_OFF, now);
    } else if (r->state == ENT_NODE_POWER_SHUTTING_DOWN && now - r->changed_at > p->off_timeout) {
        ent_warn("power: %s is still online %.0f s after it was powered off: counted on again",
                 name, now - r->changed_at);
        ent_power_policy_set(p, name, ENT_NODE_POWER_ON, now);
    } else if (r->state != ENT_NODE_POWER_SHUTTING_DOWN) {
        enum ent_node_power_state seen = online ? ENT_NODE_POWER_ON : ENT_NODE_POWER_OFF;
        if (r->state == ENT_NODE_POWER_BOOTING && !online)
            seen = booting_or_failed(p, r, now);
        ent_power_policy_set(p, name, seen, now);
    }
    if (r->state == ENT_NODE_POWER_ON && !hosting && r->empty_since < 0)
        r->empty_since = now;
    else if (hosting || r->state != ENT_NODE_POWER_ON)
        r->empty_since = -1;
}

void ent_power_policy_maintain(struct ent_power_policy *p, const char *node, bool power_off,
                               double now)
{
    struct ent_power_record *r = record(p, node, now);
    r->maintenance = true;
    r->maintenance_off = power_off;
}

void ent_power_policy_maintain_none(struct ent_power_policy *p)
{
    for (size_t i = 0; i < p->len; i++)
        p->nodes[i].maintenance = p->nodes[i].maintenance_off = false;
}

void ent_power_policy_observe(struct ent_power_policy *p, const struct ent_model *m, double now)
{
    size_t *hosting = ent_model_hosted_per_node(m);
    int mem = ent_model_memory_resource(m);
    for (size_t i = 0; i < p->len; i++)
        p->nodes[i].shown = false;
    for (size_t n = 0; n < m->n_nodes; n++) {
        if (!m->nodes[n].name)
            continue;
        bool online = m->map.node_state[n] == ENT_NODE_ONLINE;
        observe_node(p, m->nodes[n].name, online, hosting[n] > 0, now);
        struct ent_power_record *r = ent_power_policy_find(p, m->nodes[n].name);
        r->shown = true;
        if (online && mem >= 0) {
            r->memory_mb = m->res[mem].capacity[n];
            r->watts_idle = ent_node_power(m, (int32_t)n).idle;
        }
    }
    for (size_t i = 0; i < p->len; i++) /* not shown at all: as if shown off */
        if (!p->nodes[i].shown && p->nodes[i].state != ENT_NODE_POWER_ON)
            observe_node(p, p->nodes[i].node, false, false, now);
    ent_free(hosting);
}

struct spare_order {
    const struct ent_model *m;
    int mem;
};

static int cmp_spare(const void *a, const void *b, void *arg)
{
    const struct spare_order *o = arg;
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    int64_t mx = o->mem >= 0 ? o->m->res[o->mem].capacity[x] : 0;
    int64_t my = o->mem >= 0 ? o->m->res[o->mem].capacity[y] : 0;
    if (mx != my)
        return mx > my ? -1 : 1;
    return strcmp(o->m->nodes[x].name, o->m->nodes[y].name);
}

size_t ent_power_policy_choose_off(const struct ent_power_policy *p, const struct ent_model *m,
                                   double now, bool (*can_off)(void *arg, const char *node),
                                   void *arg, int32_t *out)
{
    size_t n_empty = 0;
    for (size_t n = 0; n < m->n_nodes; n++) {
        const struct ent_power_record *r =
            m->nodes[n].name ? ent_power_policy_find(p, m->nodes[n].name) : NULL;
        if (r && r->state == ENT_NODE_POWER_ON && r->empty_since >= 0 && !r->maintenance &&
            m->map.node_state[n] == ENT_NODE_ONLINE)
            out[n_empty++] = (int32_t)n;
    }
    struct spare_order o = {m, ent_model_memory_resource(m)};
    qsort_r(out, n_empty, sizeof *out, cmp_spare, &o);
    size_t chosen = 0;
    for (size_t i = p->spare_nodes; i < n_empty; i++) {
        const char *name = m->nodes[out[i]].name;
        const struct ent_power_record *r = ent_power_policy_find(p, name);
        if (now - r->empty_since >= p->min_idle && can_off(arg, name))
            out[chosen++] = out[i];
    }
    return chosen;
}

void ent_power_policy_hide(const struct ent_power_policy *p, struct ent_model *m)
{
    static const uint8_t shown[] = {[ENT_NODE_POWER_ON] = ENT_NODE_ONLINE,
                                    [ENT_NODE_POWER_BOOTING] = ENT_NODE_BOOTING,
                                    [ENT_NODE_POWER_SHUTTING_DOWN] = ENT_NODE_SHUTTING_DOWN,
                                    [ENT_NODE_POWER_OFF] = ENT_NODE_OFFLINE};
    size_t *hosting = ent_model_hosted_per_node(m);
    for (size_t n = 0; n < m->n_nodes; n++) {
        const struct ent_power_record *r =
            m->nodes[n].name ? ent_power_policy_find(p, m->nodes[n].name) : NULL;
        if (!r || r->state == ENT_NODE_POWER_ON)
            continue;
        if (hosting[n] && m->map.node_state[n] == ENT_NODE_ONLINE) /* someone started a VM there */
            ent_warn("power: %s is %s but hosts a VM: it stays in the decision", m->nodes[n].name,
                     ent_node_power_name(r->state));
        else
            m->map.node_state[n] = shown[r->state];
    }
    ent_free(hosting);
}

size_t ent_power_policy_boots_wanted(const struct ent_power_policy *p, const struct ent_model *m,
                                     double short_since)
{
    size_t empty = 0;
    bool short_of_room = short_since > 0;
    for (size_t i = 0; i < p->len; i++) {
        const struct ent_power_record *r = &p->nodes[i];
        if (r->state == ENT_NODE_POWER_BOOTING)
            empty++;
        if (r->state == ENT_NODE_POWER_BOOTING ||
            (r->state == ENT_NODE_POWER_ON && r->boot_seconds >= 0 && r->changed_at >= short_since))
            short_of_room = false; /* a boot under way, or one the decision has not seen yet */
    }
    size_t *hosting = ent_model_hosted_per_node(m);
    for (size_t n = 0; n < m->n_nodes; n++) {
        const struct ent_power_record *r =
            m->nodes[n].name ? ent_power_policy_find(p, m->nodes[n].name) : NULL;
        if (!hosting[n] && m->map.node_state[n] == ENT_NODE_ONLINE &&
            (!r || (r->state == ENT_NODE_POWER_ON && !r->maintenance)))
            empty++;
    }
    ent_free(hosting);
    size_t want = empty < p->spare_nodes ? p->spare_nodes - empty : 0;
    return short_of_room && want == 0 ? 1 : want;
}

static int cmp_efficiency(const void *a, const void *b)
{
    const struct ent_power_record *x = *(const struct ent_power_record *const *)a,
                                  *y = *(const struct ent_power_record *const *)b;
    double ex = x->watts_idle / (double)(x->memory_mb > 0 ? x->memory_mb : 1),
           ey = y->watts_idle / (double)(y->memory_mb > 0 ? y->memory_mb : 1);
    if (ex != ey)
        return ex < ey ? -1 : 1;
    return strcmp(x->node, y->node);
}

size_t ent_power_policy_choose_on(const struct ent_power_policy *p, size_t want,
                                  bool (*can_on)(void *arg, const char *node), void *arg,
                                  const char **out)
{
    const struct ent_power_record **off = ent_malloc((p->len + 1) * sizeof *off);
    size_t n_off = 0, chosen = 0;
    for (size_t i = 0; i < p->len; i++)
        if (p->nodes[i].state == ENT_NODE_POWER_OFF && !p->nodes[i].boot_failed &&
            !p->nodes[i].maintenance && p->nodes[i].memory_mb > 0)
            off[n_off++] = &p->nodes[i];
    qsort(off, n_off, sizeof *off, cmp_efficiency);
    for (size_t i = 0; i < n_off && chosen < want; i++)
        if (can_on(arg, off[i]->node))
            out[chosen++] = off[i]->node;
    ent_free(off);
    return chosen;
}

size_t ent_power_policy_maintenance_changes(const struct ent_power_policy *p,
                                            const struct ent_model *m, int32_t *off, size_t *n_off,
                                            const char **on)
{
    size_t *hosting = ent_model_hosted_per_node(m);
    *n_off = 0;
    for (size_t n = 0; n < m->n_nodes; n++) {
        const struct ent_power_record *r =
            m->nodes[n].name ? ent_power_policy_find(p, m->nodes[n].name) : NULL;
        if (r && r->maintenance_off && r->state == ENT_NODE_POWER_ON && !hosting[n] &&
            m->map.node_state[n] == ENT_NODE_ONLINE)
            off[(*n_off)++] = (int32_t)n;
    }
    ent_free(hosting);
    size_t n_on = 0;
    for (size_t i = 0; i < p->len; i++)
        if (p->nodes[i].off_for_maintenance && !p->nodes[i].maintenance &&
            p->nodes[i].state == ENT_NODE_POWER_OFF)
            on[n_on++] = p->nodes[i].node;
    return n_on;
}
