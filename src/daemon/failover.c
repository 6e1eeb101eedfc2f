/* Failover: each watched node's health from the snapshots, fencing, holds and restarts. */
#include "daemon/failover.h"

#include "drivers/driver.h"
#include "drivers/power.h"
#include "exec/journal.h"
#include "model/definition.h"
#include "model/model.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/hashmap.h"
#include "util/log.h"
#include "util/str.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *const health_names[] = {
#define ENT_HEALTH_NAME(e, name) name,
    ENT_HEALTH_STATES(ENT_HEALTH_NAME)
#undef ENT_HEALTH_NAME
};

const char *ent_health_name(enum ent_health h)
{
    return (size_t)h < sizeof health_names / sizeof *health_names ? health_names[h] : "?";
}

int ent_health_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof health_names / sizeof *health_names; i++)
        if (strcmp(health_names[i], name) == 0)
            return (int)i;
    return -1;
}

static void node_release(struct ent_watched_node *w)
{
    ent_free(w->name);
    json_decref(w->vms);
    ent_free(w->detail);
    json_decref(w->restarting);
    json_decref(w->cannot_restart);
}

static bool listed(const json_t *list, const char *name)
{
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) if (strcmp(json_string_value(e), name) == 0) return true;
    return false;
}

/* Adds name to the new list, logging it when the old one did not have it. */
static void note(json_t *fresh, const json_t *old, const char *name, const char *node,
                 const char *what)
{
    json_array_append_new(fresh, json_string(name));
    if (!listed(old, name))
        ent_warn("failover: VM %s of dead node %s %s", name, node, what);
}

void ent_failover_release(struct ent_failover *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->len; i++)
        node_release(&f->nodes[i]);
    ent_free(f->nodes);
    f->nodes = NULL;
    f->len = f->cap = 0;
    ent_namemap_release(&f->index);
    f->index_stale = false;
}

void ent_failover_carry(struct ent_failover *fresh, struct ent_failover *old)
{
    ent_failover_release(fresh);
    fresh->nodes = old->nodes;
    fresh->len = old->len;
    fresh->cap = old->cap;
    old->nodes = NULL;
    old->len = old->cap = 0;
    fresh->index_stale = old->index_stale = true;
}

static struct ent_watched_node *watched(struct ent_failover *f, const char *name)
{
    if (f->index_stale) {
        ent_namemap_release(&f->index);
        ent_namemap_init(&f->index);
        for (size_t i = 0; i < f->len; i++)
            ent_namemap_put(&f->index, f->nodes[i].name, (int32_t)i);
        f->index_stale = false;
    }
    int32_t i = ent_namemap_get(&f->index, name);
    return i >= 0 ? &f->nodes[i] : NULL;
}

static struct ent_watched_node *watch(struct ent_failover *f, const char *name)
{
    struct ent_watched_node *w = watched(f, name);
    if (w)
        return w;
    ENT_GROW(f->nodes, f->cap, f->len);
    w = &f->nodes[f->len++];
    *w = (struct ent_watched_node){.name = ent_strdup(name), .vms = json_array()};
    ent_namemap_put(&f->index, w->name, (int32_t)(f->len - 1));
    return w;
}

static void forget(struct ent_failover *f, struct ent_watched_node *w)
{
    node_release(w);
    *w = f->nodes[--f->len];
    f->index_stale = true;
}

static void set_detail(struct ent_watched_node *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_detail(struct ent_watched_node *w, const char *fmt, ...)
{
    struct ent_str s = ENT_STR_INIT;
    va_list ap;
    va_start(ap, fmt);
    ent_str_vaddf(&s, fmt, ap);
    va_end(ap);
    ent_free(w->detail);
    w->detail = ent_str_take(&s);
}

/* A health change, journaled (a restarted daemon goes on from it) and logged. */
static void become(struct ent_watched_node *w, enum ent_health h, long round,
                   struct ent_journal *journal)
{
    w->health = h;
    w->since = round;
    char *vms = json_dumps(w->vms, JSON_COMPACT);
    struct ent_error err;
    ent_error_init(&err);
    if (journal && h != ENT_HEALTH_SEEN && h != ENT_HEALTH_SUSPECTED &&
        ent_journal_fencing_set(journal, w->name, ent_health_name(h), vms, w->detail, w->by_admin,
                                &err))
        ent_log_error("failover: %s", err.msg);
    if (journal && h == ENT_HEALTH_SEEN && ent_journal_fencing_forget(journal, w->name, &err))
        ent_log_error("failover: %s", err.msg);
    if (h == ENT_HEALTH_RETURNED || h == ENT_HEALTH_FENCING)
        ent_log_error("failover: node %s is %s: %s (it ran %s)", w->name, ent_health_name(h),
                      w->detail ? w->detail : "", vms ? vms : "[]");
    else
        ent_warn("failover: node %s is %s%s%s (it ran %s)", w->name, ent_health_name(h),
                 w->detail ? ": " : "", w->detail ? w->detail : "", vms ? vms : "[]");
    free(vms); /* jansson's */
}

/* The administrator's word (entropy node confirm-dead / clear) and, after a restart, what the
 * journal says of nodes this daemon has not watched yet. */
static void take_journal(struct ent_failover *f, struct ent_journal *journal, long round)
{
    struct ent_fencing *rows = NULL;
    size_t n = 0;
    struct ent_error err;
    ent_error_init(&err);
    if (!journal || ent_journal_fencing_list(journal, &rows, &n, &err)) {
        if (journal)
            ent_log_error("failover: %s", err.msg);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const struct ent_fencing *row = &rows[i];
        struct ent_watched_node *w = watched(f, row->node);
        if (strcmp(row->health, "cleared") == 0) {
            if (w) {
                ent_warn("failover: node %s cleared by an administrator", row->node);
                forget(f, w);
            }
            if (ent_journal_fencing_forget(journal, row->node, &err))
                ent_log_error("failover: %s", err.msg);
            continue;
        }
        int h = ent_health_from_name(row->health);
        bool confirmed = strcmp(row->health, "confirmed") == 0;
        if (!w && (h >= 0 || confirmed)) { /* a restarted daemon: where the last one was */
            w = watch(f, row->node);
            json_decref(w->vms);
            w->vms = json_loads(row->vms, 0, NULL);
            if (!json_is_array(w->vms)) {
                json_decref(w->vms);
                w->vms = json_array();
            }
            w->health = h >= 0 ? (enum ent_health)h : ENT_HEALTH_FENCING;
            w->by_admin = row->by_admin;
            w->detail = ent_strdup(row->detail);
            w->since = round;
        }
        if (confirmed && w->health != ENT_HEALTH_FENCED && w->health != ENT_HEALTH_RETURNED) {
            w->by_admin = true;
            set_detail(w, "confirmed dead by an administrator");
            become(w, ENT_HEALTH_FENCED, round, journal);
        }
    }
    ent_journal_fencing_free(rows, n);
}

/* Powers node off, hard, and asks its status: fenced only when the status says off. */
static void fence(struct ent_watched_node *w, const struct ent_power_set *power, long round,
                  struct ent_journal *journal)
{
    if (!power || !ent_power_set_find(power, w->name)) {
        set_detail(w,
                   "no power driver: waiting for an administrator (entropy node confirm-dead "
                   "%s)",
                   w->name);
        return;
    }
    struct ent_power_set hard = *power; /* a fence is never a soft off a hung node may ignore */
    hard.settings.ipmi_soft_off = false;
    enum ent_power_state state = ENT_POWER_UNKNOWN;
    struct ent_error err;
    ent_error_init(&err);
    /* write-ahead (with HA, guarded by the leadership): what the journal did not take is not done
     */
    char *vms = json_dumps(w->vms, JSON_COMPACT);
    int rc = journal
                 ? ent_journal_fencing_set(journal, w->name, ent_health_name(ENT_HEALTH_FENCING),
                                           vms, "powering it off", w->by_admin, &err)
                 : 0;
    free(vms); /* jansson's */
    if (rc) {
        ent_log_error("failover: node %s: not powered off: %s", w->name, err.msg);
        return;
    }
    rc = ent_power_act(&hard, w->name, ENT_POWER_DO_OFF, &state, &err);
    if (!rc)
        rc = ent_power_act(&hard, w->name, ENT_POWER_DO_STATUS, &state, &err);
    if (!rc && state == ENT_POWER_OFF) {
        set_detail(w, "powered off and confirmed off by its power driver");
        become(w, ENT_HEALTH_FENCED, round, journal);
        return;
    }
    set_detail(w,
               "cannot confirm it is off (%s): tried again each round; entropy node "
               "confirm-dead %s once it is",
               rc ? err.msg : ent_power_state_name(state), w->name);
    ent_log_error("failover: node %s: %s", w->name, w->detail);
}

static void set_names(json_t *list, const struct ent_model *m, const size_t *on, size_t n)
{
    json_array_clear(list);
    for (size_t i = 0; i < n; i++)
        if (m->vms[on[i]].name)
            json_array_append_new(list, json_string(m->vms[on[i]].name));
}

/* The running VMs of m by node: node n's are order[first[n] .. first[n] + count[n]). */
struct by_node {
    size_t *first, *count, *order;
};

static void by_node_build(struct by_node *b, const struct ent_model *m)
{
    b->first = ent_calloc(m->n_nodes + 1, sizeof *b->first);
    b->count = ent_calloc(m->n_nodes + 1, sizeof *b->count);
    b->order = ent_malloc((m->n_vms + 1) * sizeof *b->order);
    for (size_t v = 0; v < m->n_vms; v++)
        if (m->map.vm_state[v] == ENT_VM_RUNNING && m->map.vm_host[v] >= 0)
            b->count[m->map.vm_host[v]]++;
    for (size_t n = 0, at = 0; n < m->n_nodes; n++) {
        b->first[n] = at;
        at += b->count[n];
        b->count[n] = 0;
    }
    for (size_t v = 0; v < m->n_vms; v++) {
        int32_t h = m->map.vm_host[v];
        if (m->map.vm_state[v] == ENT_VM_RUNNING && h >= 0)
            b->order[b->first[h] + b->count[h]++] = v;
    }
}

static void by_node_release(struct by_node *b)
{
    ent_free(b->first);
    ent_free(b->count);
    ent_free(b->order);
}

/* What each online node of m runs, for the nodes seen (learned, not judged). */
static void learn_seen(struct ent_failover *f, const struct ent_model *m, const struct by_node *b)
{
    for (size_t n = 0; n < m->n_nodes; n++) {
        if (!m->nodes[n].name || m->map.node_state[n] != ENT_NODE_ONLINE)
            continue;
        struct ent_watched_node *w = watched(f, m->nodes[n].name);
        if (!w && !b->count[n])
            continue; /* an empty node is no loss */
        if (!w)
            w = watch(f, m->nodes[n].name);
        if (w->health == ENT_HEALTH_SEEN)
            set_names(w->vms, m, b->order + b->first[n], b->count[n]);
    }
}

void ent_failover_learn(struct ent_failover *f, const struct ent_model *m)
{
    if (!f->enabled)
        return;
    struct by_node b;
    by_node_build(&b, m);
    learn_seen(f, m, &b);
    by_node_release(&b);
}

/* Each node's health from this snapshot. */
static void follow(struct ent_failover *f, const struct ent_model *m, long round,
                   const struct ent_power_set *power, struct ent_journal *journal)
{
    struct ent_namemap online;
    ent_namemap_init(&online);
    for (size_t n = 0; n < m->n_nodes; n++) {
        if (!m->nodes[n].name || m->map.node_state[n] != ENT_NODE_ONLINE)
            continue;
        ent_namemap_put(&online, m->nodes[n].name, (int32_t)n);
        struct ent_watched_node *w = watched(f, m->nodes[n].name);
        if (!w)
            continue;
        if (w->health == ENT_HEALTH_FENCED || w->health == ENT_HEALTH_FENCING) {
            set_detail(w,
                       "seen online again after it was %s: kept out of every placement, its "
                       "copies of VMs restarted elsewhere paused, until entropy node clear %s",
                       ent_health_name(w->health), w->name);
            become(w, ENT_HEALTH_RETURNED, round, journal);
        } else if (w->health == ENT_HEALTH_SUSPECTED) {
            ent_warn("failover: node %s seen again after %ld round(s): no longer suspected",
                     w->name, w->missed);
            w->health = ENT_HEALTH_SEEN;
            w->missed = 0;
        }
    }
    /* Nodes the source lost, with what it says they ran: watched even when this daemon never
     * saw them (it started after they were lost). */
    const char *lost_name;
    json_t *lost_vms;
    json_object_foreach(m->lost, lost_name, lost_vms)
    {
        if (ent_namemap_get(&online, lost_name) >= 0 || !json_array_size(lost_vms))
            continue;
        struct ent_watched_node *w = watched(f, lost_name);
        if (!w)
            w = watch(f, lost_name);
        if (w->health == ENT_HEALTH_SEEN && json_array_size(w->vms) == 0)
            json_array_extend(w->vms, lost_vms);
    }
    for (size_t i = 0; i < f->len; i++) {
        struct ent_watched_node *w = &f->nodes[i];
        if (ent_namemap_get(&online, w->name) >= 0)
            continue;
        if (w->health == ENT_HEALTH_SEEN && json_array_size(w->vms) == 0)
            continue;
        if (w->health == ENT_HEALTH_SEEN || w->health == ENT_HEALTH_SUSPECTED) {
            w->missed++;
            if (w->health == ENT_HEALTH_SEEN) {
                set_detail(w, "monitoring lost it");
                become(w, ENT_HEALTH_SUSPECTED, round, journal);
            }
            if (f->after > 0 && w->missed >= f->after) {
                set_detail(w, "lost for %ld round(s) (failover.after)", w->missed);
                become(w, ENT_HEALTH_FENCING, round, journal);
            }
        }
        if (w->health == ENT_HEALTH_FENCING)
            fence(w, power, round, journal);
    }
    ent_namemap_release(&online);
    ent_failover_learn(f, m);
}

static void mark(struct ent_model *m, int32_t v, const char *attr, const char *value)
{
    if (!m->vms[v].attrs)
        m->vms[v].attrs = json_object();
    json_object_set_new(m->vms[v].attrs, attr, json_string(value));
}

/* Holds, restarts and bans on m from the nodes' health. */
static void apply(struct ent_failover *f, struct ent_model *m)
{
    struct ent_namemap vms;
    ent_namemap_init(&vms);
    for (size_t v = 0; v < m->n_vms; v++)
        if (m->vms[v].name)
            ent_namemap_put(&vms, m->vms[v].name, (int32_t)v);
    for (size_t i = 0; i < f->len; i++) {
        struct ent_watched_node *w = &f->nodes[i];
        if (w->health == ENT_HEALTH_SEEN)
            continue;
        bool fenced = w->health == ENT_HEALTH_FENCED;
        json_t *restarting = fenced ? json_array() : NULL;
        json_t *cannot = fenced ? json_array() : NULL;
        size_t k;
        json_t *name;
        json_array_foreach(w->vms, k, name)
        {
            const char *vm = json_string_value(name);
            int32_t v = ent_namemap_get(&vms, vm);
            if (v < 0) {
                if (fenced)
                    note(cannot, w->cannot_restart, vm, w->name,
                         "has no definition (vm.definitions): it cannot be restarted");
                continue;
            }
            if (m->map.vm_state[v] != ENT_VM_READY)
                continue; /* it runs somewhere: never booted again */
            if (fenced) {
                mark(m, v, ENT_VM_ATTR_RESTART, w->name);
                note(restarting, w->restarting, vm, w->name, "to be restarted elsewhere");
            } else {
                mark(m, v, ENT_VM_ATTR_HELD, w->name);
            }
        }
        if (fenced) {
            json_decref(w->restarting);
            json_decref(w->cannot_restart);
            w->restarting = restarting;
            w->cannot_restart = cannot;
        }
        if (w->health != ENT_HEALTH_RETURNED)
            continue;
        int32_t node = -1;
        for (size_t n = 0; n < m->n_nodes && node < 0; n++)
            if (m->nodes[n].name && strcmp(m->nodes[n].name, w->name) == 0)
                node = (int32_t)n;
        if (node < 0)
            continue;
        /* A returned node: what it runs stays there, nothing else goes there. */
        struct ent_constraint ban = {.kind = ENT_CK_BAN, .name = ent_strdup("ban"), .res = -1};
        ban.vms = ent_malloc((m->n_vms + 1) * sizeof *ban.vms);
        for (size_t v = 0; v < m->n_vms; v++) {
            if (m->map.vm_host[v] == node)
                ent_constraint_set_add_one(&m->constraints, ENT_CK_ROOT, (int32_t)v, -1);
            else
                ban.vms[ban.n_vms++] = (int32_t)v;
        }
        ban.nodes = ent_malloc(sizeof *ban.nodes);
        ban.nodes[0] = node;
        ban.n_nodes = 1;
        ent_constraint_set_add(&m->constraints, &ban);
    }
    ent_namemap_release(&vms);
}

/* Whether m has a VM autostart would boot (ready, marked, not held). */
static bool autostart_pending(const struct ent_model *m)
{
    for (size_t v = 0; v < m->n_vms; v++) {
        const json_t *a = m->vms[v].attrs;
        if (m->map.vm_state[v] == ENT_VM_READY && a &&
            json_is_true(json_object_get(a, ENT_VM_ATTR_AUTOSTART)) &&
            !json_object_get(a, ENT_VM_ATTR_HELD))
            return true;
    }
    return false;
}

/* A node the source cannot read and this daemon never saw (it started since) may run any VM:
 * every ready VM is held for autostart, unless its power driver says it is off. */
static void hold_for_unknown(struct ent_failover *f, struct ent_model *m,
                             const struct ent_power_set *power)
{
    const char *name, *unknown = NULL;
    json_t *vms;
    if (!m->lost || !autostart_pending(m))
        return;
    json_object_foreach(m->lost, name, vms)
    {
        if (!json_is_null(vms) || watched(f, name))
            continue;
        enum ent_power_state state = ENT_POWER_UNKNOWN;
        if (power && ent_power_set_find(power, name) &&
            ent_power_act(power, name, ENT_POWER_DO_STATUS, &state, NULL) == 0 &&
            state == ENT_POWER_OFF)
            continue; /* off: it runs nothing */
        unknown = name;
        break;
    }
    for (size_t v = 0; unknown && v < m->n_vms; v++)
        if (m->map.vm_state[v] == ENT_VM_READY &&
            !json_object_get(m->vms[v].attrs, ENT_VM_ATTR_RESTART))
            mark(m, (int32_t)v, ENT_VM_ATTR_HELD, unknown);
    if (unknown)
        ent_warn("failover: %s cannot be read and what it runs is unknown: no VM is booted "
                 "until it is read, off, or confirmed dead (entropy node confirm-dead)",
                 unknown);
}

void ent_failover_observe(struct ent_failover *f, struct ent_model *m, long round,
                          const struct ent_power_set *power, struct ent_journal *journal)
{
    if (!f->enabled)
        return;
    take_journal(f, journal, round);
    follow(f, m, round, power, journal);
    apply(f, m);
    hold_for_unknown(f, m, power);
}

void ent_failover_pause_returned(struct ent_failover *f, const struct ent_model *m,
                                 struct ent_driver_set *drivers)
{
    (void)m;
    for (size_t i = 0; f->enabled && i < f->len; i++) {
        const struct ent_watched_node *w = &f->nodes[i];
        struct ent_driver *drv =
            w->health == ENT_HEALTH_RETURNED ? ent_driver_set_pick(drivers, w->name, NULL) : NULL;
        size_t k;
        json_t *name;
        json_array_foreach(drv ? w->vms : NULL, k, name)
        {
            const char *vm = json_string_value(name);
            struct ent_vm_place place;
            struct ent_error err;
            ent_error_init(&err);
            if (!drv->ops->locate_vm ||
                drv->ops->locate_vm(drv, vm, w->name, NULL, &place, &err) != 0 ||
                strcmp(place.node, w->name) != 0 || strcmp(place.state, "paused") == 0)
                continue;
            int rc = drv->ops->pause_vm ? drv->ops->pause_vm(drv, vm, w->name, &err)
                                        : ent_error(&err, ENT_EUNSUPPORTED,
                                                    "the %s driver cannot pause", drv->ops->name);
            ent_log_error("failover: VM %s still runs on returned node %s (%s): %s; never "
                          "resumed by Entropy",
                          vm, w->name, place.state, rc ? err.msg : "paused there");
        }
    }
}

json_t *ent_failover_json(const struct ent_failover *f)
{
    json_t *out = json_array();
    for (size_t i = 0; i < f->len; i++) {
        const struct ent_watched_node *w = &f->nodes[i];
        if (w->health == ENT_HEALTH_SEEN)
            continue;
        json_array_append_new(
            out,
            json_pack("{s:s, s:s, s:I, s:O, s:s?, s:I, s:b, s:o, s:o}", "node", w->name, "health",
                      ent_health_name(w->health), "missed", (json_int_t)w->missed, "vms", w->vms,
                      "detail", w->detail, "since_round", (json_int_t)w->since, "by_admin",
                      w->by_admin, "restarting",
                      w->restarting ? json_incref(w->restarting) : json_array(), "cannot_restart",
                      w->cannot_restart ? json_incref(w->cannot_restart) : json_array()));
    }
    return out;
}
