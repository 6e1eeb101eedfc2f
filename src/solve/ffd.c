/* Consolidation by first-fit decreasing, from scratch: every running VM is placed again, largest
 * first, on the first node (largest capacity first) that holds it. Simple and correct; it ignores
 * where VMs are now, so it moves many of them. */
#include "model/model.h"
#include "solve/pack.h"
#include "solve/solve.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdlib.h>

struct node_key {
    double capacity;
    int32_t node;
};

static int cmp_node_desc(const void *a, const void *b)
{
    const struct node_key *x = a, *y = b;
    if (x->capacity != y->capacity)
        return x->capacity < y->capacity ? 1 : -1;
    return (x->node > y->node) - (x->node < y->node);
}

/* Usable nodes, largest (summed normalised capacity) first. */
static size_t nodes_by_capacity(const struct ent_pack *p, int32_t **out)
{
    double *maxcap = ent_malloc((p->n_res + 1) * sizeof *maxcap);
    ent_pack_max_capacity(p, maxcap);
    struct node_key *k = ent_malloc((p->n_nodes + 1) * sizeof *k);
    size_t n = 0;
    for (size_t i = 0; i < p->n_nodes; i++) {
        if (!p->node_usable[i])
            continue;
        double c = 0;
        for (size_t r = 0; r < p->n_res; r++)
            c += (double)p->cap[i * p->n_res + r] / maxcap[r];
        k[n++] = (struct node_key){c, (int32_t)i};
    }
    ent_free(maxcap);
    qsort(k, n, sizeof *k, cmp_node_desc);
    int32_t *order = ent_malloc((n + 1) * sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = k[i].node;
    ent_free(k);
    *out = order;
    return n;
}

int ent__solve_ffd(struct ent_pack *p, struct ent_error *err)
{
    int32_t *vms = NULL, *nodes = NULL;
    size_t n_vms = ent_pack_running_by_size(p, &vms);
    size_t n_nodes = nodes_by_capacity(p, &nodes);
    int rc = 0;
    for (size_t i = 0; i < n_vms; i++)
        ent_pack_unplace(p, vms[i]);
    for (size_t i = 0; i < n_vms && !rc; i++) {
        int32_t v = vms[i];
        size_t k = 0;
        while (k < n_nodes && !ent_pack_fits(p, v, nodes[k]))
            k++;
        if (k < n_nodes) {
            ent_pack_place(p, v, nodes[k]);
        } else {
            char b[64];
            rc = ent_error(err, ENT_EINFEASIBLE, "VM %s fits on no eligible node",
                           ent_vm_label(p->m, v, b, sizeof b));
        }
    }
    ent_free(vms);
    ent_free(nodes);
    return rc;
}
