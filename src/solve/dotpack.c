/* Packing from scratch by dot product (Panigrahy et al., "Heuristics for vector bin packing"):
 * nodes are filled one at a time, largest first; each step adds, among the VMs still to place,
 * one whose demand has the largest dot product with the node's remaining room (both normalised),
 * so that a node's resources fill together. VMs with the same demand and no VM-specific rule
 * (ban, fence) form one type, which keeps each step short. */
#include "model/model.h"
#include "solve/internal.h"
#include "solve/pack.h"
#include "solve/solve.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/hashmap.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vtype {
    int32_t first; /* a representative VM */
    int32_t *vms;  /* those left to place */
    size_t n, cap;
};

static bool has_rules(const struct ent_pack *p, int32_t vm)
{
    return ent_pack_has_rules(p, vm);
}

/* Groups running VMs by demand vector; returns the type count. */
static size_t build_types(struct ent_pack *p, struct vtype **out)
{
    struct vtype *types = NULL;
    size_t n_types = 0, cap_types = 0;
    /* Demand vectors are hashed through a text key; keys live in one arena. */
    struct ent_namemap index;
    ent_namemap_init(&index);
    char **keys = ent_calloc(p->n_vms + 1, sizeof *keys);
    size_t n_keys = 0;
    for (size_t v = 0; v < p->n_vms; v++) {
        if (p->target.vm_state[v] != ENT_VM_RUNNING)
            continue;
        int32_t t = -1;
        char key[256];
        size_t len = 0;
        if (!has_rules(p, (int32_t)v)) {
            for (size_t r = 0; r < p->n_res && len < sizeof key - 24; r++)
                len += (size_t)snprintf(key + len, sizeof key - len, "%lld,",
                                        (long long)p->dem[v * p->n_res + r]);
            t = ent_namemap_get(&index, key);
        }
        if (t < 0) {
            ENT_GROW(types, cap_types, n_types);
            t = (int32_t)n_types++;
            types[t] = (struct vtype){(int32_t)v, NULL, 0, 0};
            if (!has_rules(p, (int32_t)v)) {
                keys[n_keys] = ent_strdup(key);
                ent_namemap_put(&index, keys[n_keys++], t);
            }
        }
        struct vtype *ty = &types[t];
        ENT_GROW(ty->vms, ty->cap, ty->n);
        ty->vms[ty->n++] = (int32_t)v;
    }
    ent_namemap_release(&index);
    for (size_t i = 0; i < n_keys; i++)
        ent_free(keys[i]);
    ent_free(keys);
    *out = types;
    return n_types;
}

int ent__solve_dotpack(struct ent_pack *p, struct ent_error *err)
{
    size_t R = p->n_res;
    double *maxcap = ent_malloc((R + 1) * sizeof *maxcap);
    ent_pack_max_capacity(p, maxcap);
    for (size_t v = 0; v < p->n_vms; v++)
        if (p->target.vm_state[v] == ENT_VM_RUNNING)
            ent_pack_unplace(p, (int32_t)v);
    struct vtype *types = NULL;
    size_t n_types = build_types(p, &types), left = 0;
    for (size_t t = 0; t < n_types; t++)
        left += types[t].n;
    int32_t *nodes = NULL;
    size_t n_nodes = ent_pack_nodes_by_capacity(p, &nodes);
    int late = 0;
    for (size_t k = 0; k < n_nodes && left && !late; k++) {
        int32_t node = nodes[k];
        late = (k & 255) == 255 && ent_pack_late(p);
        for (; !late;) {
            size_t best = n_types;
            double best_score = -1;
            for (size_t t = 0; t < n_types; t++) {
                struct vtype *ty = &types[t];
                if (!ty->n || !ent_pack_fits(p, ty->vms[ty->n - 1], node))
                    continue;
                double score = 0;
                for (size_t r = 0; r < R; r++) {
                    double room =
                        (double)(p->cap[(size_t)node * R + r] - p->used[(size_t)node * R + r]) /
                        maxcap[r];
                    score += (double)p->dem[(size_t)ty->first * R + r] / maxcap[r] * room;
                }
                if (score > best_score) {
                    best_score = score;
                    best = t;
                }
            }
            if (best == n_types)
                break;
            ent_pack_place(p, types[best].vms[--types[best].n], node);
            left--;
        }
    }
    int rc = late ? ent_error(err, ENT_ETIMEOUT, "dot-product packing: time limit reached") : 0;
    for (size_t t = 0; t < n_types && left && !rc; t++)
        if (types[t].n) {
            char b[64];
            rc = ent_error(err, ENT_EINFEASIBLE, "VM %s fits on no eligible node",
                           ent_vm_label(p->m, types[t].vms[0], b, sizeof b));
        }
    for (size_t t = 0; t < n_types; t++)
        ent_free(types[t].vms);
    ent_free(types);
    ent_free(nodes);
    ent_free(maxcap);
    return rc;
}
