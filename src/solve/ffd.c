/* Consolidation by first-fit decreasing, from scratch: every running VM is placed again, largest
 * first, on the first node (largest capacity first, or an order of the caller's) that holds it.
 * Simple and correct; it ignores where VMs are now, so it moves many of them. */
#include "model/model.h"
#include "solve/internal.h"
#include "solve/pack.h"
#include "solve/roomtree.h"
#include "solve/solve.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdlib.h>

int ent__pack_first_fit(struct ent_pack *p, const int32_t *nodes, size_t n_nodes,
                        struct ent_error *err)
{
    int32_t *vms = NULL;
    size_t n_vms = ent_pack_running_by_size(p, &vms);
    int rc = 0;
    for (size_t i = 0; i < n_vms; i++)
        ent_pack_unplace(p, vms[i]);
    struct ent_roomtree tree;
    ent_roomtree_init(&tree, p, nodes, n_nodes);
    for (size_t i = 0; i < n_vms && !rc; i++) {
        if ((i & 1023) == 1023 && ent_pack_late(p)) {
            rc = ent_error(err, ENT_ETIMEOUT, "first-fit packing: time limit reached");
            break;
        }
        int32_t v = vms[i], node = ent_roomtree_first_fit(&tree, v);
        if (node >= 0) {
            ent_pack_place(p, v, node);
            ent_roomtree_update(&tree, node);
        } else {
            char b[64];
            rc = ent_error(err, ENT_EINFEASIBLE, "VM %s fits on no eligible node",
                           ent_vm_label(p->m, v, b, sizeof b));
        }
    }
    ent_roomtree_release(&tree);
    ent_free(vms);
    return rc;
}

int ent__solve_ffd(struct ent_pack *p, struct ent_error *err)
{
    int32_t *nodes = NULL;
    size_t n_nodes = ent_pack_nodes_by_capacity(p, &nodes);
    int rc = ent__pack_first_fit(p, nodes, n_nodes, err);
    ent_free(nodes);
    return rc;
}
