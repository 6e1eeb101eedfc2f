/* Packing by rounding the vector-packing LP (vector_lp.c), from scratch. On mixed hardware the
 * greedy packings fill nodes in the wrong proportions (a compute node full of memory-heavy VMs
 * with its CPU idle); the LP knows which mixes fill each node type in every resource at once and
 * how many of each the whole cluster needs. Each pattern the LP takes whole (its value rounded
 * down) goes on empty nodes of its type, with VMs of the kinds it names; the LP is solved again
 * over the VMs and nodes left (a dive: when no pattern is whole, the one it takes most is fixed
 * once), until no pattern is taken or time is up; the rest is placed best fit, the nodes in use
 * first. Placement rules are checked for every VM placed (a VM they refuse is left to the best
 * fit). The bins are relabelled onto the nodes as the other packings' are (scratch.c). */
#include "model/model.h"
#include "solve/internal.h"
#include "solve/pack.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/error.h"

#include <math.h>
#include <string.h>

#define MAX_ROUNDS  400 /* LPs solved again for what is left */
#define LP_SECONDS  0.5 /* each LP's share of the time at most */
#define ROUND_SHARE 0.1 /* each LP's share of the time left at most */

/* Members grouped by class (CSR: members of class c are member[start[c] .. start[c + 1]), in
 * index order), each class with a cursor past its members taken. Used for the VMs not placed yet
 * by kind and for the empty nodes by type. */
struct groups {
    int32_t *member;
    size_t *start, *next;
};

static bool same_vector(const int64_t *a, const int64_t *b, size_t n)
{
    return memcmp(a, b, n * sizeof *a) == 0;
}

/* The class of each of n items (vectors[i * width ..], skipped where eligible[i] is 0) among the
 * n_classes vectors of classes, -1 for none; grouped into g. */
static void groups_init(struct groups *g, size_t n, const int64_t *vectors, const uint8_t *eligible,
                        const int64_t *classes, size_t n_classes, size_t width)
{
    int32_t *cls = ent_malloc((n + 1) * sizeof *cls);
    g->start = ent_calloc(n_classes + 2, sizeof *g->start);
    g->next = ent_calloc(n_classes + 1, sizeof *g->next);
    for (size_t i = 0; i < n; i++) {
        cls[i] = -1;
        for (size_t c = 0; c < n_classes && cls[i] < 0 && eligible[i]; c++)
            if (same_vector(vectors + i * width, classes + c * width, width))
                cls[i] = (int32_t)c;
        if (cls[i] >= 0)
            g->start[cls[i] + 1]++;
    }
    for (size_t c = 0; c < n_classes; c++)
        g->start[c + 1] += g->start[c];
    g->member = ent_malloc((g->start[n_classes] + 1) * sizeof *g->member);
    memcpy(g->next, g->start, n_classes * sizeof *g->next);
    for (size_t i = 0; i < n; i++)
        if (cls[i] >= 0)
            g->member[g->next[cls[i]]++] = (int32_t)i;
    memcpy(g->next, g->start, n_classes * sizeof *g->next);
    ent_free(cls);
}

static void groups_release(struct groups *g)
{
    ent_free(g->member);
    ent_free(g->start);
    ent_free(g->next);
}

/* The running VMs not placed yet, by kind. */
static void pool_init(struct groups *pool, const struct ent_pack *p, const struct ent_vector_lp *lp)
{
    uint8_t *waiting = ent_calloc(p->n_vms + 1, 1);
    for (size_t v = 0; v < p->n_vms; v++)
        waiting[v] = p->target.vm_state[v] == ENT_VM_RUNNING && p->target.vm_host[v] < 0;
    groups_init(pool, p->n_vms, p->dem, waiting, lp->kind_dem, lp->n_kinds, p->n_res);
    ent_free(waiting);
}

/* The usable nodes that hold no VM, by type. */
static void empty_nodes_init(struct groups *empty, const struct ent_pack *p,
                             const struct ent_vector_lp *lp)
{
    uint8_t *free_node = ent_calloc(p->n_nodes + 1, 1);
    for (size_t n = 0; n < p->n_nodes; n++)
        free_node[n] = p->node_usable[n] && p->n_residents[n] == 0;
    groups_init(empty, p->n_nodes, p->cap, free_node, lp->type_cap, lp->n_types, p->n_res);
    ent_free(free_node);
}

/* Places up to `want` VMs of kind k on node, those the rules allow; how many. */
static size_t take(struct ent_pack *p, struct groups *pool, size_t k, int64_t want, int32_t node)
{
    size_t placed = 0;
    for (size_t i = pool->next[k]; i < pool->start[k + 1] && (int64_t)placed < want; i++) {
        int32_t v = pool->member[i];
        if (p->target.vm_host[v] >= 0 || !ent_pack_fits(p, v, node))
            continue;
        ent_pack_place(p, v, node);
        placed++;
        if (i == pool->next[k])
            pool->next[k]++;
    }
    return placed;
}

/* An empty node of type t, taken; -1 when none is left. */
static int32_t empty_node(struct groups *empty, size_t t)
{
    return empty->next[t] < empty->start[t + 1] ? empty->member[empty->next[t]++] : -1;
}

/* Puts `copies` nodes' worth of pattern j on empty nodes of its type; VMs placed. */
static size_t fix(struct ent_pack *p, const struct ent_vector_lp *lp, struct groups *pool,
                  struct groups *empty, size_t j, int64_t copies)
{
    size_t placed = 0;
    const int64_t *pattern = lp->column + j * lp->n_kinds;
    for (int64_t c = 0; c < copies; c++) {
        int32_t node = empty_node(empty, (size_t)lp->column_type[j]);
        if (node < 0)
            break;
        size_t on_node = 0;
        for (size_t k = 0; k < lp->n_kinds; k++)
            on_node += take(p, pool, k, pattern[k], node);
        if (on_node == 0)
            break; /* the rules refuse this node every VM left: no progress here */
        placed += on_node;
    }
    return placed;
}

/* One LP over what is left, its whole patterns fixed (or its largest, once); VMs placed. */
static size_t round_once(struct ent_pack *p, double deadline)
{
    struct ent_vector_lp lp;
    size_t placed = 0;
    if (ent__vector_lp(p, true, deadline, &lp) == 0) {
        struct groups pool, empty;
        pool_init(&pool, p, &lp);
        empty_nodes_init(&empty, p, &lp);
        size_t largest = 0;
        for (size_t j = 0; j < lp.n_columns; j++) {
            if (lp.value[j] > lp.value[largest])
                largest = j;
            int64_t whole = (int64_t)floor(lp.value[j] + 1e-6);
            if (whole > 0)
                placed += fix(p, &lp, &pool, &empty, j, whole);
        }
        if (placed == 0 && lp.n_columns > 0 && lp.value[largest] > 1e-6)
            placed = fix(p, &lp, &pool, &empty, largest, 1);
        groups_release(&pool);
        groups_release(&empty);
    }
    ent__vector_lp_release(&lp);
    return placed;
}

int ent__solve_vector_pack(struct ent_pack *p, struct ent_error *err)
{
    if (p->n_res < 2)
        return ent_error(err, ENT_EINVALID, "vector packing: one resource");
    ent__clear_running(p);
    double end = p->deadline > 0 ? p->deadline : ent_now() + 10 * LP_SECONDS;
    for (int round = 0; round < MAX_ROUNDS; round++) {
        double now = ent_now(), share = (end - now) * ROUND_SHARE;
        if (now >= end || round_once(p, now + (share < LP_SECONDS ? share : LP_SECONDS)) == 0)
            break;
    }
    int32_t *nodes = NULL;
    size_t n_nodes = ent_pack_nodes_by_capacity(p, &nodes);
    int rc = ent__pack_best_fit(p, nodes, n_nodes, true, err);
    ent_free(nodes);
    return rc;
}
