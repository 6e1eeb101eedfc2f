/* Power-aware best-fit decreasing (Beloglazov & Buyya): each VM, largest CPU first, to the host
 * whose power grows least when it takes it, among those where it fits and that it does not
 * overload. The baselines' placement, and everyone's start. */
#include "replay/internal.h"

#include "replay/trace.h"
#include "util/alloc.h"
#include "util/error.h"

#include <math.h>
#include <stdlib.h>

void ent__pabfd_init(struct ent_pabfd *p, const struct ent_replay *r, const double *demand,
                     const int32_t *placement, bool with_history)
{
    *p = (struct ent_pabfd){.r = r, .demand = demand, .memory_binds = r->preset->memory_binds};
    if (with_history)
        p->history = ent_calloc(r->n_hosts * ENT_PABFD_HISTORY + 1, sizeof *p->history);
    p->load = ent_calloc(r->n_hosts + 1, sizeof *p->load);
    p->memory = ent_calloc(r->n_hosts + 1, sizeof *p->memory);
    p->count = ent_calloc(r->n_hosts + 1, sizeof *p->count);
    p->excluded = ent_calloc(r->n_hosts + 1, 1);
    for (size_t v = 0; v < r->n_vms; v++)
        if (placement[v] >= 0)
            ent__pabfd_add(p, (int32_t)v, placement[v]);
}

void ent__pabfd_release(struct ent_pabfd *p)
{
    if (!p)
        return;
    ent_free(p->load);
    ent_free(p->memory);
    ent_free(p->count);
    ent_free(p->excluded);
    ent_free(p->history);
}

/* Adds sign times vm's past utilisation, in host's terms, to host's history. */
static void add_history(struct ent_pabfd *p, int32_t vm, int32_t host, double sign)
{
    if (!p->history)
        return;
    double scale = sign * p->r->vm_mips[vm] / p->r->host_type[host]->mips;
    for (size_t i = 0; i < ENT_PABFD_HISTORY && i <= p->r->step; i++)
        p->history[(size_t)host * ENT_PABFD_HISTORY + i] +=
            scale * p->r->trace->cpu[(size_t)vm * p->r->trace->n_steps + p->r->step - i];
}

void ent__pabfd_add(struct ent_pabfd *p, int32_t vm, int32_t host)
{
    p->load[host] += p->demand[vm];
    p->memory[host] += p->r->vm_memory[vm];
    p->count[host]++;
    add_history(p, vm, host, 1);
}

void ent__pabfd_remove(struct ent_pabfd *p, int32_t vm, int32_t host)
{
    p->load[host] -= p->demand[vm];
    p->memory[host] -= p->r->vm_memory[vm];
    p->count[host]--;
    add_history(p, vm, host, -1);
    if (p->count[host] == 0)
        p->load[host] = 0; /* no rounding left over */
}

double ent__pabfd_utilisation(const struct ent_pabfd *p, int32_t host)
{
    return p->load[host] / p->r->host_type[host]->mips;
}

static double power(const struct ent_pabfd *p, int32_t host, double load)
{
    const struct ent_replay_host_type *t = p->r->host_type[host];
    return ent_table_watts(t->power, load / t->mips);
}

int32_t ent__pabfd_find(struct ent_pabfd *p, int32_t vm)
{
    int32_t best = -1;
    double best_diff = INFINITY;
    for (size_t h = 0; h < p->r->n_hosts; h++) {
        const struct ent_replay_host_type *t = p->r->host_type[h];
        if (p->excluded[h] || p->load[h] + p->demand[vm] > t->mips ||
            (p->memory_binds && p->memory[h] + p->r->vm_memory[vm] > t->memory_mb))
            continue;
        ent__pabfd_add(p, vm, (int32_t)h);
        bool over = p->overloaded ? p->overloaded(p, (int32_t)h, p->arg) : false;
        double after = power(p, (int32_t)h, p->load[h]);
        ent__pabfd_remove(p, vm, (int32_t)h);
        if (over)
            continue;
        double before =
            p->count[h] == 0 && p->switch_on_costs_idle ? 0 : power(p, (int32_t)h, p->load[h]);
        if (after - before < best_diff) {
            best_diff = after - before;
            best = (int32_t)h;
        }
    }
    return best;
}

static int cmp_demand_desc(const void *a, const void *b, void *arg)
{
    const double *demand = arg;
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    if (demand[x] != demand[y])
        return demand[x] < demand[y] ? 1 : -1;
    return (x > y) - (x < y);
}

void ent__pabfd_sort(const struct ent_pabfd *p, int32_t *vms, size_t n)
{
    qsort_r(vms, n, sizeof *vms, cmp_demand_desc, (void *)p->demand);
}

int ent__replay_place_initially(struct ent_replay *r, struct ent_error *err)
{
    for (size_t v = 0; v < r->n_vms; v++)
        r->host_of[v] = -1;
    struct ent_pabfd p;
    ent__pabfd_init(&p, r, r->vm_mips, r->host_of, false);
    p.switch_on_costs_idle = true;
    p.memory_binds = true; /* at the start, memory counts (CloudSim's too) */
    int32_t *order = ent_malloc((r->n_vms + 1) * sizeof *order);
    for (size_t v = 0; v < r->n_vms; v++)
        order[v] = (int32_t)v;
    ent__pabfd_sort(&p, order, r->n_vms);
    int rc = 0;
    for (size_t i = 0; i < r->n_vms && !rc; i++) {
        int32_t h = ent__pabfd_find(&p, order[i]);
        if (h < 0)
            rc = ent_error(err, ENT_EINFEASIBLE,
                           "%s: VM %s (%.0f MIPS, %lld MB) fits on no host of the %zu",
                           r->preset->name, r->trace->names[order[i]], r->vm_mips[order[i]],
                           (long long)r->vm_memory[order[i]], r->n_hosts);
        else {
            ent__pabfd_add(&p, order[i], h);
            r->host_of[order[i]] = h;
        }
    }
    ent_free(order);
    ent__pabfd_release(&p);
    return rc;
}
