/* The cutting-stock lower bound (Gilmore-Gomory's pattern formulation) for one resource: when the
 * VMs have few distinct demands, every maximal way to fill a node (a pattern) can be listed, and
 * the fewest nodes covering every demand is a small integer program. Its optimum ignores the
 * other resources, so it is a valid lower bound, and usually far stronger than the volume bound.
 * GLPK solves it; when its time runs out, the LP value rounded up still bounds. */
#include "solve/bounds.h"
#include "solve/internal.h"

#include "solve/pack.h"
#include "util/alloc.h"

#include <glpk.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PATTERNS 20000

struct lister {
    const int64_t *size, *count;
    size_t n_sizes;
    int64_t cap;
    int *current;  /* counts of the pattern being built */
    int *patterns; /* n_patterns x n_sizes */
    size_t n_patterns, cap_patterns;
    int overflow;
};

/* Lists the maximal patterns: after choosing counts for every size, nothing else fits. */
static void list_patterns(struct lister *l, size_t i, int64_t room)
{
    if (l->overflow)
        return;
    if (i == l->n_sizes) {
        for (size_t k = 0; k < l->n_sizes; k++)
            if (l->current[k] < l->count[k] && l->size[k] <= room)
                return; /* not maximal */
        if (l->n_patterns == MAX_PATTERNS) {
            l->overflow = 1;
            return;
        }
        if (l->cap_patterns < (l->n_patterns + 1) * l->n_sizes) {
            l->cap_patterns = (l->n_patterns + 1) * l->n_sizes * 2;
            l->patterns = ent_reallocarray(l->patterns, l->cap_patterns, sizeof(int));
        }
        memcpy(l->patterns + l->n_patterns * l->n_sizes, l->current, l->n_sizes * sizeof(int));
        l->n_patterns++;
        return;
    }
    int64_t most = room / l->size[i];
    if (most > l->count[i])
        most = l->count[i];
    for (int64_t c = most; c >= 0; c--) {
        l->current[i] = (int)c;
        list_patterns(l, i + 1, room - c * l->size[i]);
    }
    l->current[i] = 0;
}

static int cmp_i64_desc(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x < y) - (x > y);
}

/* The distinct demands of the running VMs for res, largest first, with their counts; how many,
 * 0 when there are none or too many. */
static size_t demand_sizes(const struct ent_pack *p, int res, int64_t *size, int64_t *count)
{
    int64_t *all = ent_malloc((p->n_vms + 1) * sizeof *all);
    size_t n_all = 0, n_sizes = 0;
    for (size_t v = 0; v < p->n_vms; v++)
        if (p->target.vm_state[v] == ENT_VM_RUNNING && p->dem[v * p->n_res + (size_t)res] > 0)
            all[n_all++] = p->dem[v * p->n_res + (size_t)res];
    qsort(all, n_all, sizeof *all, cmp_i64_desc);
    for (size_t i = 0; i < n_all; i++) {
        if (n_sizes && size[n_sizes - 1] == all[i]) {
            count[n_sizes - 1]++;
            continue;
        }
        if (n_sizes == ENT_FILL_MAX_SIZES) {
            n_sizes = 0;
            break;
        }
        size[n_sizes] = all[i];
        count[n_sizes++] = 1;
    }
    ent_free(all);
    return n_sizes;
}

/* Usable nodes by capacity for res: how many classes, 0 when there are too many. */
static size_t node_classes(const struct ent_pack *p, int res, int64_t *cls_cap, int64_t *cls_n)
{
    size_t n_cls = 0;
    for (size_t n = 0; n < p->n_nodes; n++) {
        if (!p->node_usable[n])
            continue;
        int64_t c = p->cap[n * p->n_res + (size_t)res];
        size_t k = 0;
        while (k < n_cls && cls_cap[k] != c)
            k++;
        if (k == n_cls) {
            if (n_cls == ENT_FILL_MAX_CLASSES)
                return 0;
            cls_cap[n_cls] = c;
            cls_n[n_cls++] = 0;
        }
        cls_n[k]++;
    }
    return n_cls;
}

/* The integer program: fewest patterns covering every demand, at most cls_n[k] patterns of
 * class k (those listed from start[k] to start[k + 1]). The LP bound when the time runs out. */
static int64_t solve_patterns(const struct ent_fill_patterns *fp, double seconds)
{
    size_t n_sizes = fp->n_sizes, n_cls = fp->n_classes;
    const int64_t *count = fp->count, *cls_n = fp->class_nodes;
    const size_t *start = fp->start;
    glp_term_out(GLP_OFF);
    glp_prob *lp = glp_create_prob();
    glp_set_obj_dir(lp, GLP_MIN);
    glp_add_rows(lp, (int)(n_sizes + n_cls));
    for (size_t i = 0; i < n_sizes; i++)
        glp_set_row_bnds(lp, (int)i + 1, GLP_LO, (double)count[i], 0);
    for (size_t k = 0; k < n_cls; k++)
        glp_set_row_bnds(lp, (int)(n_sizes + k) + 1, GLP_UP, 0, (double)cls_n[k]);
    glp_add_cols(lp, (int)fp->n_patterns);
    int *ind = ent_malloc((n_sizes + 2) * sizeof *ind);
    double *val = ent_malloc((n_sizes + 2) * sizeof *val);
    for (size_t k = 0; k < n_cls; k++)
        for (size_t j = start[k]; j < start[k + 1]; j++) {
            int col = (int)j + 1, len = 0;
            glp_set_col_kind(lp, col, GLP_IV);
            glp_set_col_bnds(lp, col, GLP_LO, 0, 0);
            glp_set_obj_coef(lp, col, 1);
            for (size_t i = 0; i < n_sizes; i++)
                if (fp->patterns[j * n_sizes + i]) {
                    ind[++len] = (int)i + 1;
                    val[len] = fp->patterns[j * n_sizes + i];
                }
            ind[++len] = (int)(n_sizes + k) + 1;
            val[len] = 1;
            glp_set_mat_col(lp, col, len, ind, val);
        }
    int64_t bound = ent__glpk_bound(lp, seconds);
    ent_free(ind);
    ent_free(val);
    glp_delete_prob(lp);
    return bound;
}

int64_t ent__glpk_bound(glp_prob *lp, double seconds)
{
    int64_t bound = -1;
    glp_smcp sm;
    glp_init_smcp(&sm);
    sm.msg_lev = GLP_MSG_OFF;
    if (glp_simplex(lp, &sm) == 0 && glp_get_status(lp) == GLP_OPT) {
        bound = (int64_t)ceil(glp_get_obj_val(lp) - 1e-6);
        glp_iocp io;
        glp_init_iocp(&io);
        io.msg_lev = GLP_MSG_OFF;
        io.tm_lim = (int)(seconds * 1000);
        if (glp_intopt(lp, &io) == 0 && glp_mip_status(lp) == GLP_OPT)
            bound = (int64_t)llround(glp_mip_obj_val(lp));
    }
    return bound;
}

int ent__fill_patterns(const struct ent_pack *p, int res, struct ent_fill_patterns *out)
{
    memset(out, 0, sizeof *out);
    out->n_sizes = demand_sizes(p, res, out->size, out->count);
    if (out->n_sizes == 0)
        return -1;
    out->n_classes = node_classes(p, res, out->class_cap, out->class_nodes);
    if (out->n_classes == 0)
        return -1;
    struct lister l = {
        out->size, out->count, out->n_sizes, 0, ent_calloc(out->n_sizes, sizeof(int)), NULL, 0,
        0,         0};
    for (size_t k = 0; k < out->n_classes && !l.overflow; k++) {
        out->start[k] = l.n_patterns;
        l.cap = out->class_cap[k];
        list_patterns(&l, 0, out->class_cap[k]);
    }
    out->start[out->n_classes] = l.n_patterns;
    ent_free(l.current);
    out->patterns = l.patterns;
    out->n_patterns = l.n_patterns;
    if (l.overflow || l.n_patterns == 0) {
        ent__fill_patterns_release(out);
        return -1;
    }
    return 0;
}

void ent__fill_patterns_release(struct ent_fill_patterns *fp)
{
    if (!fp)
        return;
    ent_free(fp->patterns);
    fp->patterns = NULL;
    fp->n_patterns = 0;
}

int64_t ent__pattern_bound(const struct ent_pack *p, int res, double seconds)
{
    struct ent_fill_patterns fp;
    if (ent__fill_patterns(p, res, &fp))
        return -1;
    int64_t bound = solve_patterns(&fp, seconds);
    ent__fill_patterns_release(&fp);
    return bound;
}
