/* The joint volume bound: the per-resource volume bounds may each pick different nodes (the
 * largest in CPU, the largest in memory); the nodes kept must cover every resource at once. On
 * mixed hardware (compute nodes, big-memory nodes) that is much stronger. Nodes are grouped by
 * hardware type (capacity vector), and GLPK finds the fewest nodes, at most the count of each
 * type, whose capacities cover the final demand in every resource; when its time runs out, the
 * LP value rounded up still bounds. */
#include "solve/internal.h"

#include "model/model.h"
#include "solve/pack.h"
#include "util/alloc.h"

#include <glpk.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TYPES ENT_MAX_HARDWARE_TYPES

static int cmp_capacity(const void *a, const void *b, void *arg)
{
    const struct ent_pack *p = arg;
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return memcmp(p->cap + (size_t)x * p->n_res, p->cap + (size_t)y * p->n_res,
                  p->n_res * sizeof *p->cap);
}

size_t ent__hardware_types(const struct ent_pack *p, int32_t *type, int64_t *count)
{
    int32_t *nodes = ent_malloc((p->n_nodes + 1) * sizeof *nodes);
    size_t n = 0, n_types = 0;
    for (size_t node = 0; node < p->n_nodes; node++)
        if (p->node_usable[node])
            nodes[n++] = (int32_t)node;
    qsort_r(nodes, n, sizeof *nodes, cmp_capacity, (void *)p);
    for (size_t i = 0; i < n; i++) {
        if (n_types > 0 && cmp_capacity(&nodes[i], &type[n_types - 1], (void *)p) == 0) {
            count[n_types - 1]++;
            continue;
        }
        if (n_types == MAX_TYPES) {
            n_types = 0; /* too many types for the program */
            break;
        }
        type[n_types] = nodes[i];
        count[n_types++] = 1;
    }
    ent_free(nodes);
    return n_types;
}

int64_t ent__joint_bound(const struct ent_pack *p, double seconds)
{
    if (p->n_res < 2)
        return -1; /* one resource: the volume bound is the same */
    int32_t *type = ent_malloc(MAX_TYPES * sizeof *type);
    int64_t *count = ent_malloc(MAX_TYPES * sizeof *count);
    size_t n_types = ent__hardware_types(p, type, count);
    double *demand = ent_calloc(p->n_res, sizeof *demand);
    ent_pack_total_demand(p, demand);
    int64_t bound = -1;
    if (n_types > 0) {
        glp_term_out(GLP_OFF);
        glp_prob *lp = glp_create_prob();
        glp_set_obj_dir(lp, GLP_MIN);
        glp_add_rows(lp, (int)p->n_res);
        for (size_t r = 0; r < p->n_res; r++)
            glp_set_row_bnds(lp, (int)r + 1, GLP_LO, demand[r], 0);
        glp_add_cols(lp, (int)n_types);
        int *ind = ent_malloc((p->n_res + 1) * sizeof *ind);
        double *val = ent_malloc((p->n_res + 1) * sizeof *val);
        for (size_t t = 0; t < n_types; t++) {
            int col = (int)t + 1;
            glp_set_col_kind(lp, col, GLP_IV);
            glp_set_col_bnds(lp, col, GLP_DB, 0, (double)count[t]);
            glp_set_obj_coef(lp, col, 1);
            for (size_t r = 0; r < p->n_res; r++) {
                ind[r + 1] = (int)r + 1;
                val[r + 1] = (double)p->cap[(size_t)type[t] * p->n_res + r];
            }
            glp_set_mat_col(lp, col, (int)p->n_res, ind, val);
        }
        bound = ent__glpk_bound(lp, seconds);
        ent_free(ind);
        ent_free(val);
        glp_delete_prob(lp);
    }
    ent_free(demand);
    ent_free(type);
    ent_free(count);
    return bound;
}
