/* Consolidation by best-fit decreasing, from scratch: every running VM is placed again, largest
 * first, on the open node (one that already holds a VM) it leaves with the least room, summed over
 * resources as shares of the largest capacity; a VM no open node holds opens the next node,
 * largest capacity first (or in an order of the caller's). On mixed hardware it often needs fewer
 * nodes than first fit, which fills the largest nodes with small VMs first. */
#include "model/model.h"
#include "solve/internal.h"
#include "solve/pack.h"
#include "solve/solve.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdbool.h>
#include <stdlib.h>

/* Room left on node once vm is there, normalised (smaller is a better fit). */
static double room_after(const struct ent_pack *p, const double *maxcap, int32_t vm, int32_t node)
{
    double room = 0;
    for (size_t r = 0; r < p->n_res; r++) {
        size_t i = (size_t)node * p->n_res + r;
        room += (double)(p->cap[i] - p->used[i] - p->dem[(size_t)vm * p->n_res + r]) / maxcap[r];
    }
    return room;
}

int ent__pack_best_fit(struct ent_pack *p, const int32_t *nodes, size_t n_nodes, bool keep_placed,
                       struct ent_error *err)
{
    int32_t *vms = NULL;
    size_t n_vms = ent_pack_running_by_size(p, &vms);
    double *maxcap = ent_malloc((p->n_res + 1) * sizeof *maxcap);
    ent_pack_max_capacity(p, maxcap);
    int32_t *open = ent_malloc((n_nodes + 1) * sizeof *open);
    size_t n_open = 0, next = 0, n_left = 0;
    int rc = 0;
    if (keep_placed) { /* the nodes that hold VMs are open, the others wait their turn */
        int32_t *closed = ent_malloc((n_nodes + 1) * sizeof *closed);
        size_t n_closed = 0;
        for (size_t k = 0; k < n_nodes; k++)
            if (p->n_residents[nodes[k]] > 0)
                open[n_open++] = nodes[k];
            else
                closed[n_closed++] = nodes[k];
        nodes = closed;
        n_nodes = n_closed;
    }
    for (size_t i = 0; i < n_vms; i++) {
        if (keep_placed && p->target.vm_host[vms[i]] >= 0)
            continue;
        ent_pack_unplace(p, vms[i]);
        vms[n_left++] = vms[i];
    }
    n_vms = n_left;
    for (size_t i = 0; i < n_vms && !rc; i++) {
        if ((i & 255) == 255 && ent_pack_late(p)) {
            rc = ent_error(err, ENT_ETIMEOUT, "best-fit packing: time limit reached");
            break;
        }
        int32_t v = vms[i], best = -1;
        double best_room = 0;
        for (size_t k = 0; k < n_open; k++) {
            if (!ent_pack_fits(p, v, open[k]))
                continue;
            double room = room_after(p, maxcap, v, open[k]);
            if (best < 0 || room < best_room)
                best = open[k], best_room = room;
        }
        while (best < 0 && next < n_nodes) { /* nodes skipped here stay closed for later VMs */
            int32_t n = nodes[next++];
            open[n_open++] = n;
            if (ent_pack_fits(p, v, n))
                best = n;
        }
        if (best >= 0) {
            ent_pack_place(p, v, best);
        } else {
            char b[64];
            rc = ent_error(err, ENT_EINFEASIBLE, "VM %s fits on no eligible node",
                           ent_vm_label(p->m, v, b, sizeof b));
        }
    }
    if (keep_placed)
        ent_free((void *)nodes);
    ent_free(open);
    ent_free(maxcap);
    ent_free(vms);
    return rc;
}

int ent__solve_bfd(struct ent_pack *p, struct ent_error *err)
{
    int32_t *nodes = NULL;
    size_t n_nodes = ent_pack_nodes_by_capacity(p, &nodes);
    int rc = ent__pack_best_fit(p, nodes, n_nodes, false, err);
    ent_free(nodes);
    return rc;
}
