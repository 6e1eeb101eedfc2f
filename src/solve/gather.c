/* Room for a VM gathered from crumbs. When the kept nodes are filled almost exactly, what is left
 * of their room lies in crumbs of a few units over many nodes, each too small for the VMs still
 * waiting although together they are more than enough (std-perf's li4 at its bound: two VMs of 43
 * CPU units waiting, 199 units of room over 117 nodes). A target node takes room from the others
 * by swaps: a VM that arrived on the target goes to another node with room and a smaller VM that
 * arrived there comes back (or none), so the other node's crumb moves to the target; the swap that
 * leaves the target the least short of the waiting VM's demand first, until it fits. Only VMs
 * that arrived are swapped while that helps (no migration is added); a VM on its own node moves
 * only when no such swap does; VMs with rules of their own never move here. */
#include "solve/internal.h"
#include "solve/pack.h"
#include "util/alloc.h"
#include "util/clock.h"

#include <math.h>
#include <stdbool.h>

#define GATHER_TARGETS 4  /* target nodes tried per VM, the least short first */
#define GATHER_STEPS   48 /* swaps per target, at most */

struct swap {
    int32_t out, in, other; /* out leaves the target for other; in (or -1) comes back */
};

/* How far node's room falls short of vm's demand, as shares of its capacity summed over the
 * resources; worst, the resource short by the largest share (-1 when none). */
static double shortfall(const struct ent_pack *p, int32_t vm, int32_t node, const int64_t *delta,
                        int *worst)
{
    size_t nr = p->n_res;
    const int64_t *cap = p->cap + (size_t)node * nr, *used = p->used + (size_t)node * nr;
    const int64_t *dem = p->dem + (size_t)vm * nr;
    double sum = 0, most = 0;
    if (worst)
        *worst = -1;
    for (size_t r = 0; r < nr; r++) {
        int64_t room = cap[r] - used[r] + (delta ? delta[r] : 0);
        if (dem[r] <= room)
            continue;
        double share = cap[r] > 0 ? (double)(dem[r] - room) / (double)cap[r] : HUGE_VAL;
        sum += share;
        if (worst && share > most) {
            most = share;
            *worst = (int)r;
        }
    }
    return sum;
}

/* Whether vm may move here: it has no rule of its own, and it arrived on its node (not its own)
 * unless homes. */
static bool movable(const struct ent_pack *p, int32_t vm, bool homes)
{
    return !ent_pack_has_rules(p, vm) && !ent_pack_pinned(p, vm) &&
           (homes || ent_pack_home(p, vm) != p->target.vm_host[vm]);
}

/* Whether out (on the target) and in (on other, or -1) may trade places, every resource within
 * both nodes' capacities; delta receives the target's gain in room. */
static bool trade_fits(const struct ent_pack *p, int32_t target, int32_t other, int32_t out,
                       int32_t in, int64_t *delta)
{
    size_t nr = p->n_res;
    for (size_t r = 0; r < nr; r++) {
        int64_t gain = p->dem[(size_t)out * nr + r] - (in >= 0 ? p->dem[(size_t)in * nr + r] : 0);
        size_t t = (size_t)target * nr + r, o = (size_t)other * nr + r;
        if (p->cap[t] - p->used[t] + gain < 0 || p->cap[o] - p->used[o] - gain < 0)
            return false;
        delta[r] = gain;
    }
    return true;
}

/* The VMs on node that may move (homes: their own node's too) into out; returns how many. */
static size_t movable_on(const struct ent_pack *p, int32_t node, bool homes, int32_t *out)
{
    size_t n = 0;
    for (uint32_t i = 0; i < p->n_residents[node]; i++)
        if (movable(p, p->residents[node][i], homes))
            out[n++] = p->residents[node][i];
    return n;
}

/* The best swap for target: the one that leaves it the least short of vm's demand, below now. The
 * VMs that may move have no rule of their own: whether a node allows them is asked last. */
static bool best_swap(const struct ent_pack *p, const uint8_t *keep, int32_t vm, int32_t target,
                      double now, int worst, bool homes, struct swap *best)
{
    int64_t *delta = ent_malloc((p->n_res + 1) * sizeof *delta);
    int32_t *outs = ent_malloc((p->n_residents[target] + 1) * sizeof *outs);
    int32_t *ins = NULL;
    uint32_t ins_cap = 0;
    size_t n_out = movable_on(p, target, homes, outs);
    double least = now;
    for (size_t other = 0; other < p->n_nodes && n_out > 0; other++) {
        size_t w = other * p->n_res + (size_t)worst;
        if (!keep[other] || (int32_t)other == target || p->cap[w] <= p->used[w])
            continue; /* crumbs only where the resource short has room */
        if (p->n_residents[other] + 1 > ins_cap) {
            ins_cap = 2 * (p->n_residents[other] + 1);
            ins = ent_reallocarray(ins, ins_cap, sizeof *ins);
        }
        size_t n_in = movable_on(p, (int32_t)other, homes, ins);
        ins[n_in++] = -1; /* or none comes back */
        for (size_t i = 0; i < n_out; i++)
            for (size_t j = 0; j < n_in; j++) {
                if (!trade_fits(p, target, (int32_t)other, outs[i], ins[j], delta))
                    continue;
                double after = shortfall(p, vm, target, delta, NULL);
                if (after < least - 1e-12 && ent_pack_allowed(p, outs[i], (int32_t)other) &&
                    (ins[j] < 0 || ent_pack_allowed(p, ins[j], target))) {
                    least = after;
                    *best = (struct swap){outs[i], ins[j], (int32_t)other};
                }
            }
    }
    ent_free(ins);
    ent_free(outs);
    ent_free(delta);
    return least < now - 1e-12;
}

/* Makes the swap; false (nothing changed) when a group capacity refuses it. */
static bool trade(struct ent_pack *p, int32_t target, const struct swap *s)
{
    ent_pack_unplace(p, s->out);
    if (s->in >= 0)
        ent_pack_unplace(p, s->in);
    if (ent_pack_fits(p, s->out, s->other) && (s->in < 0 || ent_pack_fits(p, s->in, target))) {
        ent_pack_place(p, s->out, s->other);
        if (s->in >= 0)
            ent_pack_place(p, s->in, target);
        return true;
    }
    ent_pack_place(p, s->out, target);
    if (s->in >= 0)
        ent_pack_place(p, s->in, s->other);
    return false;
}

/* The swaps of log undone, the last first. */
static void undo(struct ent_pack *p, int32_t target, const struct swap *log, size_t n)
{
    while (n-- > 0) {
        ent_pack_unplace(p, log[n].out);
        if (log[n].in >= 0) {
            ent_pack_unplace(p, log[n].in);
            ent_pack_place(p, log[n].in, log[n].other);
        }
        ent_pack_place(p, log[n].out, target);
    }
}

/* Gathers room for vm on target; 1 when vm was placed there, else everything as it was. */
static int gather_on(struct ent_pack *p, const uint8_t *keep, int32_t vm, int32_t target,
                     double deadline)
{
    struct swap log[GATHER_STEPS];
    size_t n = 0;
    int worst;
    for (double now = shortfall(p, vm, target, NULL, &worst); now > 0;
         now = shortfall(p, vm, target, NULL, &worst)) {
        if (n == GATHER_STEPS || ent_now() > deadline ||
            (!best_swap(p, keep, vm, target, now, worst, false, &log[n]) &&
             !best_swap(p, keep, vm, target, now, worst, true, &log[n])) ||
            !trade(p, target, &log[n])) {
            undo(p, target, log, n);
            return 0;
        }
        n++;
    }
    if (ent_pack_fits(p, vm, target)) {
        ent_pack_place(p, vm, target);
        return 1;
    }
    undo(p, target, log, n);
    return 0;
}

int32_t ent__gather_room(struct ent_pack *p, const uint8_t *keep, int32_t vm, double deadline)
{
    int32_t targets[GATHER_TARGETS];
    double short_of[GATHER_TARGETS];
    size_t n = 0;
    for (size_t node = 0; node < p->n_nodes; node++) { /* the least short, the least first */
        if (!keep[node] || !ent_pack_allowed(p, vm, (int32_t)node))
            continue;
        double s = shortfall(p, vm, (int32_t)node, NULL, NULL);
        if (n == GATHER_TARGETS && s >= short_of[n - 1])
            continue;
        size_t j = n < GATHER_TARGETS ? n++ : n - 1;
        for (; j > 0 && short_of[j - 1] > s; j--) {
            targets[j] = targets[j - 1];
            short_of[j] = short_of[j - 1];
        }
        targets[j] = (int32_t)node;
        short_of[j] = s;
    }
    for (size_t i = 0; i < n && ent_now() < deadline; i++)
        if (gather_on(p, keep, vm, targets[i], deadline))
            return targets[i];
    return -1;
}
