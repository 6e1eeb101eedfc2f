/* The published baselines (Beloglazov & Buyya, CCPE 2012, as CloudSim codes them): at each step,
 * hosts found overloaded shed VMs, the smallest memory first (minimum migration time, MMT), until
 * they are not; those VMs go by power-aware best-fit decreasing to hosts that stay not overloaded;
 * then the least utilised hosts in turn are emptied when all their VMs fit on other active hosts.
 * Overload: THR, CPU above a static threshold (0.8); LR, local regression over the last 10
 * samples, the utilisation predicted one step on, times a safety parameter (1.2), at or above 1
 * (before 10 samples, THR at 0.7, CloudSim's fallback). CloudSim's "local regression" weights
 * end up unused (every tricube weight is positive), so it is least squares. */
#include "replay/internal.h"

#include "replay/trace.h"
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

#define THR_THRESHOLD  0.8
#define LR_SAFETY      1.2
#define LR_FALLBACK    0.7
#define LR_STEPS_AHEAD 1 /* migration time in steps, rounded up */

static bool thr_overloaded(const struct ent_pabfd *p, int32_t host, void *arg)
{
    (void)arg;
    return ent__pabfd_utilisation(p, host) > THR_THRESHOLD;
}

static bool lr_overloaded(const struct ent_pabfd *p, int32_t host, void *arg)
{
    (void)arg;
    if (p->r->step + 1 < ENT_PABFD_HISTORY)
        return ent__pabfd_utilisation(p, host) > LR_FALLBACK;
    const double *h = p->history + (size_t)host * ENT_PABFD_HISTORY; /* newest first */
    double n = ENT_PABFD_HISTORY, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (size_t j = 0; j < ENT_PABFD_HISTORY; j++) { /* x = 1..n, oldest first */
        double x = (double)j + 1, y = h[ENT_PABFD_HISTORY - 1 - j];
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
    }
    double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx), icept = (sy - slope * sx) / n;
    return LR_SAFETY * (icept + slope * (n + LR_STEPS_AHEAD)) >= 1;
}

struct mmt {
    struct ent_pabfd p;
    double *demand;
    uint32_t *start; /* CSR: the VMs on each host at the start of the step */
    int32_t *vms, *moving;
    size_t n_moving;
    uint8_t *over, *off, *not_candidate;
};

static void mmt_init(struct mmt *m, const struct ent_replay *r, bool history)
{
    memset(m, 0, sizeof *m);
    m->demand = ent_malloc((r->n_vms + 1) * sizeof *m->demand);
    for (size_t v = 0; v < r->n_vms; v++)
        m->demand[v] = ent_replay_demand(r, (int32_t)v, r->step);
    ent__pabfd_init(&m->p, r, m->demand, r->host_of, history);
    m->start = ent_calloc(r->n_hosts + 2, sizeof *m->start);
    m->vms = ent_malloc((r->n_vms + 1) * sizeof *m->vms);
    m->moving = ent_malloc((r->n_vms + 1) * sizeof *m->moving);
    for (size_t v = 0; v < r->n_vms; v++)
        m->start[r->host_of[v] + 2]++;
    for (size_t h = 0; h < r->n_hosts; h++)
        m->start[h + 2] += m->start[h + 1];
    for (size_t v = 0; v < r->n_vms; v++)
        m->vms[m->start[r->host_of[v] + 1]++] = (int32_t)v;
    m->over = ent_calloc(r->n_hosts + 1, 1);
    m->off = ent_calloc(r->n_hosts + 1, 1);
    m->not_candidate = ent_calloc(r->n_hosts + 1, 1);
}

static void mmt_release(struct mmt *m)
{
    ent__pabfd_release(&m->p);
    ent_free(m->demand);
    ent_free(m->start);
    ent_free(m->vms);
    ent_free(m->moving);
    ent_free(m->over);
    ent_free(m->off);
    ent_free(m->not_candidate);
}

static int cmp_memory(const void *a, const void *b, void *arg)
{
    const int64_t *memory = arg;
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    if (memory[x] != memory[y])
        return (memory[x] > memory[y]) - (memory[x] < memory[y]);
    return (x > y) - (x < y);
}

/* Overloaded hosts shed their smallest VMs until they are not; the VMs go elsewhere. */
static void relieve_overloads(struct mmt *m, int32_t *target)
{
    const struct ent_replay *r = m->p.r;
    for (size_t h = 0; h < r->n_hosts; h++) {
        m->off[h] = m->p.count[h] == 0;
        if (m->off[h] || !m->p.overloaded(&m->p, (int32_t)h, NULL))
            continue;
        m->over[h] = 1;
        int32_t *vms = m->vms + m->start[h];
        size_t n = m->start[h + 1] - m->start[h];
        qsort_r(vms, n, sizeof *vms, cmp_memory, r->vm_memory);
        for (size_t i = 0; i < n && m->p.overloaded(&m->p, (int32_t)h, NULL); i++) {
            ent__pabfd_remove(&m->p, vms[i], (int32_t)h);
            m->moving[m->n_moving++] = vms[i];
        }
    }
    memcpy(m->p.excluded, m->over, r->n_hosts);
    ent__pabfd_sort(&m->p, m->moving, m->n_moving);
    for (size_t i = 0; i < m->n_moving; i++) {
        int32_t vm = m->moving[i], h = ent__pabfd_find(&m->p, vm);
        if (h < 0)
            h = r->host_of[vm]; /* nowhere to go: it stays */
        ent__pabfd_add(&m->p, vm, h);
        target[vm] = h;
        m->not_candidate[h] |= h != r->host_of[vm];
    }
}

/* The least utilised candidate host with VMs, or -1. */
static int32_t least_utilised(const struct mmt *m)
{
    int32_t best = -1;
    for (size_t h = 0; h < m->p.r->n_hosts; h++)
        if (!m->not_candidate[h] && m->p.count[h] > 0 &&
            (best < 0 || m->p.load[h] < m->p.load[best] * m->p.r->host_type[h]->mips /
                                            m->p.r->host_type[best]->mips))
            best = (int32_t)h;
    return best;
}

/* Empties the least utilised hosts in turn when all their VMs find room on other active hosts. */
static void empty_underloaded(struct mmt *m, int32_t *target)
{
    const struct ent_replay *r = m->p.r;
    for (size_t h = 0; h < r->n_hosts; h++) {
        m->not_candidate[h] |= m->over[h] | m->off[h];
        m->p.excluded[h] = m->over[h] | m->off[h];
    }
    int32_t host;
    while ((host = least_utilised(m)) >= 0) {
        m->not_candidate[host] = 1;
        m->p.excluded[host] = 1;
        int32_t *vms = m->vms + m->start[host];
        size_t n = m->start[host + 1] - m->start[host], placed = 0;
        ent__pabfd_sort(&m->p, vms, n);
        for (size_t i = 0; i < n; i++)
            ent__pabfd_remove(&m->p, vms[i], host);
        for (; placed < n; placed++) {
            int32_t h = ent__pabfd_find(&m->p, vms[placed]);
            if (h < 0)
                break;
            ent__pabfd_add(&m->p, vms[placed], h);
            target[vms[placed]] = h;
        }
        if (placed < n) { /* undone: the host keeps its VMs */
            for (size_t i = 0; i < placed; i++) {
                ent__pabfd_remove(&m->p, vms[i], target[vms[i]]);
                target[vms[i]] = host;
            }
            for (size_t i = 0; i < n; i++)
                ent__pabfd_add(&m->p, vms[i], host);
            continue;
        }
        for (size_t i = 0; i < n; i++)
            m->not_candidate[target[vms[i]]] = 1;
    }
}

static int decide(const struct ent_replay *r, int32_t *target, bool lr)
{
    struct mmt m;
    mmt_init(&m, r, lr);
    m.p.overloaded = lr ? lr_overloaded : thr_overloaded;
    relieve_overloads(&m, target);
    empty_underloaded(&m, target);
    mmt_release(&m);
    return 0;
}

static int mmt_decide(const struct ent_replay_policy *self, const struct ent_replay *r, void *state,
                      int32_t *target, struct ent_error *err)
{
    (void)state;
    (void)err;
    return decide(r, target, strcmp(self->variant, "lr") == 0);
}

const struct ent_replay_policy ent_replay_policy_thr_mmt = {
    .name = "thr-mmt-0.8",
    .summary = "static threshold 0.8, minimum migration time, power-aware best fit (CCPE 2012)",
    .variant = "thr",
    .decide = mmt_decide,
};

const struct ent_replay_policy ent_replay_policy_lr_mmt = {
    .name = "lr-mmt-1.2",
    .summary = "local regression, safety 1.2, minimum migration time, power-aware best fit",
    .variant = "lr",
    .decide = mmt_decide,
};
