/* The disruption policy. */
#include "daemon/disruption.h"

#include "exec/deps.h"
#include "model/constraint.h"
#include "model/model.h"
#include "model/plan.h"
#include "util/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const DAYS[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

static int day_of(const char *p)
{
    for (int d = 0; d < 7; d++)
        if (strncmp(p, DAYS[d], 3) == 0)
            return d;
    return -1;
}

/* "22:00" into minutes; 24:00 allowed as an end. */
static int minutes_of(const char *p, int *out)
{
    int h, m, used = 0;
    if (sscanf(p, "%2d:%2d%n", &h, &m, &used) != 2 || used != 5 || h < 0 || h > 24 || m < 0 ||
        m > 59 || (h == 24 && m != 0))
        return -1;
    *out = h * 60 + m;
    return 0;
}

/* One window: "[DAY[-DAY] ]HH:MM-HH:MM". */
static int parse_window(const char *p, size_t len, struct ent_window *w)
{
    char text[64];
    if (len >= sizeof text)
        return -1;
    memcpy(text, p, len);
    text[len] = '\0';
    char *times = strchr(text, ' ');
    w->days = 0x7f;
    if (times) {
        *times++ = '\0';
        int a = day_of(text), b = a;
        if (strlen(text) == 7 && text[3] == '-')
            b = day_of(text + 4);
        else if (strlen(text) != 3)
            return -1;
        if (a < 0 || b < 0)
            return -1;
        w->days = 0;
        for (int d = a;; d = (d + 1) % 7) {
            w->days |= (unsigned char)(1u << d);
            if (d == b)
                break;
        }
    } else {
        times = text;
    }
    if (strlen(times) != 11 || times[5] != '-' || minutes_of(times, &w->from) ||
        minutes_of(times + 6, &w->to) || w->from == 24 * 60)
        return -1;
    return 0;
}

int ent_disruption_windows(struct ent_disruption *d, const char *text, struct ent_error *err)
{
    d->n_windows = 0;
    for (const char *p = text; *p;) {
        p += strspn(p, " ,");
        size_t len = strcspn(p, ",");
        while (len > 0 && p[len - 1] == ' ')
            len--;
        if (!len)
            break;
        if (d->n_windows == ENT_WINDOWS_MAX)
            return ent_error(err, ENT_EINVALID, "loop.window: at most %d windows", ENT_WINDOWS_MAX);
        if (parse_window(p, len, &d->windows[d->n_windows]))
            return ent_error(err, ENT_EINVALID,
                             "loop.window: \"%.*s\" is not DAY[-DAY] HH:MM-HH:MM (days Mon to Sun, "
                             "e.g. Mon-Fri 22:00-06:00)",
                             (int)(len < 64 ? len : 64), p);
        d->n_windows++;
        p += len;
        p += strcspn(p, ",");
    }
    return 0;
}

bool ent_disruption_in_window(const struct ent_disruption *d, time_t t)
{
    if (!d->n_windows)
        return true;
    struct tm tm;
    localtime_r(&t, &tm);
    int now = tm.tm_hour * 60 + tm.tm_min, today = tm.tm_wday, yesterday = (today + 6) % 7;
    for (size_t i = 0; i < d->n_windows; i++) {
        const struct ent_window *w = &d->windows[i];
        if (w->from < w->to) {
            if ((w->days >> today & 1) && now >= w->from && now < w->to)
                return true;
        } else { /* across midnight: from its start day, or the day after before its end */
            if (((w->days >> today & 1) && now >= w->from) ||
                ((w->days >> yesterday & 1) && now < w->to))
                return true;
        }
    }
    return false;
}

void ent_disruption_release(struct ent_disruption *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n_moved; i++)
        ent_free(d->moved_vms[i]);
    ent_free(d->moved_vms);
    ent_free(d->moved_round);
    d->moved_vms = NULL;
    d->moved_round = NULL;
    d->n_moved = 0;
    ent_namemap_release(&d->moved_index);
}

void ent_disruption_carry(struct ent_disruption *fresh, struct ent_disruption *old)
{
    struct ent_disruption swap = *fresh;
    fresh->moved_vms = old->moved_vms;
    fresh->moved_round = old->moved_round;
    fresh->n_moved = old->n_moved;
    fresh->moved_index = old->moved_index;
    old->moved_vms = swap.moved_vms;
    old->moved_round = swap.moved_round;
    old->n_moved = swap.n_moved;
    old->moved_index = swap.moved_index;
}

void ent_disruption_moved(struct ent_disruption *d, const char *vm, long round)
{
    if (d->cooldown_rounds <= 0)
        return;
    int32_t i = ent_namemap_get(&d->moved_index, vm);
    if (i >= 0) {
        d->moved_round[i] = round;
        return;
    }
    d->moved_vms = ent_reallocarray(d->moved_vms, d->n_moved + 1, sizeof *d->moved_vms);
    d->moved_round = ent_reallocarray(d->moved_round, d->n_moved + 1, sizeof *d->moved_round);
    d->moved_vms[d->n_moved] = ent_strdup(vm);
    ent_namemap_put(&d->moved_index, d->moved_vms[d->n_moved], (int32_t)d->n_moved);
    d->moved_round[d->n_moved++] = round;
}

size_t ent_disruption_pin(const struct ent_disruption *d, struct ent_model *m, long round,
                          const unsigned char *exempt)
{
    size_t pinned = 0;
    for (size_t v = 0; d->cooldown_rounds > 0 && v < m->n_vms; v++) {
        int32_t h = m->map.vm_host[v];
        if (!m->vms[v].name || h < 0 || m->map.vm_state[v] != ENT_VM_RUNNING ||
            (exempt && exempt[h]))
            continue;
        int32_t i = ent_namemap_get(&d->moved_index, m->vms[v].name);
        if (i >= 0 && round - d->moved_round[i] <= d->cooldown_rounds) {
            ent_constraint_set_add_one(&m->constraints, ENT_CK_ROOT, (int32_t)v, -1);
            pinned++;
        }
    }
    return pinned;
}

static int cmp_start(const void *a, const void *b, void *arg)
{
    const struct ent_plan *plan = arg;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    const struct ent_action *p = &plan->actions[x], *q = &plan->actions[y];
    if (p->start != q->start)
        return p->start < q->start ? -1 : 1;
    return (x > y) - (x < y);
}

size_t ent_disruption_cap(const struct ent_disruption *d, struct ent_plan *plan, size_t n_nodes)
{
    if (!d->max_migrations && !d->max_per_node)
        return 0;
    struct ent_exec_deps deps;
    ent_exec_deps_build(&deps, plan, n_nodes);
    size_t *order = ent_malloc((plan->len + 1) * sizeof *order);
    for (size_t i = 0; i < plan->len; i++)
        order[i] = i;
    qsort_r(order, plan->len, sizeof *order, cmp_start, plan);
    unsigned char *kept = ent_calloc(plan->len + 1, 1);
    long *per_node = ent_calloc(n_nodes + 1, sizeof *per_node), total = 0;
    for (size_t k = 0; k < plan->len; k++) {
        size_t a = order[k];
        const struct ent_action *act = &plan->actions[a];
        bool ok = true;
        for (size_t j = 0; ok && j < deps.n_action_nodes[a]; j++) {
            int32_t node = deps.nodes[a][j];
            for (size_t q = 0; ok && q < deps.need[a][j]; q++)
                ok = kept[deps.order[deps.start[node] + q]];
        }
        if (ok && act->kind == ENT_ACTION_MIGRATE_VM) {
            ok = (!d->max_migrations || total < d->max_migrations) &&
                 (!d->max_per_node ||
                  (per_node[act->from] < d->max_per_node && per_node[act->to] < d->max_per_node));
            if (ok) {
                total++;
                per_node[act->from]++;
                per_node[act->to]++;
            }
        }
        kept[a] = ok;
    }
    size_t out = 0, cut = 0;
    for (size_t i = 0; i < plan->len; i++) {
        if (kept[i])
            plan->actions[out++] = plan->actions[i];
        else
            cut++;
    }
    plan->len = out;
    ent_free(per_node);
    ent_free(kept);
    ent_free(order);
    ent_exec_deps_release(&deps);
    return cut;
}
