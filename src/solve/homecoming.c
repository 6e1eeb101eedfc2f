/* Bringing moved VMs home. A VM whose node stays active goes back when it fits there; when it
 * does not, VMs that moved onto its node make room (largest first) and go elsewhere: home when
 * theirs has room, else the best fit among the active nodes. Each step keeps the node count and
 * takes one migration away at least; a step that cannot be completed is undone. */
#include "model/model.h"
#include "solve/freeindex.h"
#include "solve/internal.h"
#include "solve/pack.h"
#include "util/alloc.h"
#include "util/clock.h"

#include <stdlib.h>

#define N_BUCKETS 1024

struct homecoming {
    struct ent_pack *p;
    struct ent_freeindex fi; /* the active nodes */
    const double *size;
    int32_t *evicted;
};

static void move(struct homecoming *h, int32_t vm, int32_t node)
{
    int32_t from = h->p->target.vm_host[vm];
    ent_pack_unplace(h->p, vm);
    ent_pack_place(h->p, vm, node);
    ent_freeindex_update(&h->fi, from);
    ent_freeindex_update(&h->fi, node);
}

int ent__cmp_size_desc(const void *a, const void *b, void *arg)
{
    const double *size = arg;
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    if (size[x] != size[y])
        return size[x] < size[y] ? 1 : -1;
    return (x > y) - (x < y);
}

/* One step for vm (moved, its home active): 1 when it went home. */
static int bring_home(struct homecoming *h, int32_t vm, int32_t home)
{
    struct ent_pack *p = h->p;
    int32_t from = p->target.vm_host[vm];
    if (ent_pack_fits(p, vm, home)) {
        move(h, vm, home);
        return 1;
    }
    size_t n = 0;
    for (uint32_t i = 0; i < p->n_residents[home]; i++) {
        int32_t u = p->residents[home][i];
        if (ent_pack_home(p, u) != home && !ent_pack_pinned(p, u))
            h->evicted[n++] = u;
    }
    qsort_r(h->evicted, n, sizeof *h->evicted, ent__cmp_size_desc, (void *)h->size);
    size_t out = 0;
    while (out < n && !ent_pack_fits(p, vm, home))
        ent_pack_unplace(p, h->evicted[out++]);
    if (!ent_pack_fits(p, vm, home)) {
        for (size_t i = 0; i < out; i++)
            ent_pack_place(p, h->evicted[i], home);
        return 0;
    }
    move(h, vm, home);
    size_t placed = 0;
    int32_t *was = h->evicted + n; /* where each evicted VM went */
    for (; placed < out; placed++) {
        int32_t u = h->evicted[placed], uh = ent_pack_home(p, u), dest = -1;
        if (uh >= 0 && uh != home && p->n_residents[uh] > 0 && ent_pack_fits(p, u, uh))
            dest = uh;
        else
            dest = ent_freeindex_best_fit(&h->fi, u, home);
        if (dest < 0)
            break;
        ent_pack_place(p, u, dest);
        ent_freeindex_update(&h->fi, dest);
        was[placed] = dest;
    }
    if (placed == out) {
        ent_freeindex_update(&h->fi, home);
        return 1;
    }
    for (size_t i = 0; i < placed; i++) { /* undo */
        ent_pack_unplace(p, h->evicted[i]);
        ent_freeindex_update(&h->fi, was[i]);
    }
    move(h, vm, from);
    for (size_t i = 0; i < out; i++)
        ent_pack_place(p, h->evicted[i], home);
    ent_freeindex_update(&h->fi, home);
    return 0;
}

void ent__bring_home(struct ent_pack *p, double deadline)
{
    struct homecoming h = {.p = p};
    double *size = ent_calloc(p->n_vms + 1, sizeof *size);
    ent_pack_vm_sizes(p, size);
    h.size = size;
    size_t most = 0;
    for (size_t n = 0; n < p->n_nodes; n++)
        if (p->n_residents[n] > most)
            most = p->n_residents[n];
    h.evicted = ent_malloc((2 * most + 2) * sizeof *h.evicted);
    int tight = ent_freeindex_tightest(p, -1);
    ent_freeindex_init(&h.fi, p, tight >= 0 ? tight : 0, N_BUCKETS);
    for (size_t n = 0; n < p->n_nodes; n++)
        if (p->n_residents[n] > 0)
            ent_freeindex_add(&h.fi, (int32_t)n);
    for (int pass = 0; pass < 4 && ent_now() < deadline; pass++) {
        size_t improved = 0;
        for (size_t v = 0; v < p->n_vms; v++) {
            int32_t vm = (int32_t)v, home = ent_pack_home(p, vm);
            if (p->target.vm_state[v] != ENT_VM_RUNNING || home < 0 ||
                p->target.vm_host[v] == home || p->n_residents[home] == 0 ||
                !ent_freeindex_contains(&h.fi, home))
                continue;
            improved += (size_t)bring_home(&h, vm, home);
            if ((v & 1023) == 0 && ent_now() > deadline)
                break;
        }
        if (!improved)
            break;
    }
    ent_freeindex_release(&h.fi);
    ent_free(h.evicted);
    ent_free(size);
}
