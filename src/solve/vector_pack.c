/* Packing by rounding the vector-packing LP (vector_lp.c), from scratch. On mixed hardware the
 * greedy packings fill nodes in the wrong proportions (a compute node full of memory-heavy VMs
 * with its CPU idle); the LP knows which mixes fill each node type in every resource at once and
 * how many of each the whole cluster needs. Each pattern the LP takes whole (its value rounded
 * down) goes on empty nodes of its type, with VMs of the kinds it names; the LP is solved again
 * over the VMs and nodes left (a dive: when no pattern is whole, the one it takes most is fixed
 * once), until no pattern is taken or time is up; the rest is placed best fit, the nodes in use
 * first. Fewer migrations: the LP is offered each node's current mix as a pattern a hair cheaper
 * than a new one, and a pattern goes to the empty nodes of its type that run the most of its VMs
 * now, which keep those. Placement rules are checked for every VM placed (a VM they refuse is
 * left to the best fit). The bins are relabelled onto the nodes as the other packings' are
 * (scratch.c). */
#include "model/model.h"
#include "solve/internal.h"
#include "solve/pack.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/error.h"

#include <math.h>
#include <string.h>

#define MAX_ROUNDS    400 /* LPs solved again for what is left */
#define LP_SECONDS    0.5 /* each LP's share of the time at most */
#define ROUND_SHARE   0.1 /* each LP's share of the time left at most */
#define FIRST_SHARE   0.5 /* the first's (over the whole cluster, the longest) */
#define FIRST_SECONDS 2.0 /* and its time at most */

/* Members grouped by class (CSR: members of class c are member[start[c] .. start[c + 1]), in
 * index order), each class with a cursor past its members taken. Used for the VMs not placed yet
 * by kind and for the empty nodes by type. */
struct groups {
    int32_t *member;
    size_t *start, *next;
};

/* Groups the n items by their class (cls[i], -1 for none) among n_classes. */
static void groups_init(struct groups *g, size_t n, const int32_t *cls, size_t n_classes)
{
    g->start = ent_calloc(n_classes + 2, sizeof *g->start);
    g->next = ent_calloc(n_classes + 1, sizeof *g->next);
    for (size_t i = 0; i < n; i++)
        if (cls[i] >= 0)
            g->start[cls[i] + 1]++;
    for (size_t c = 0; c < n_classes; c++)
        g->start[c + 1] += g->start[c];
    g->member = ent_malloc((g->start[n_classes] + 1) * sizeof *g->member);
    memcpy(g->next, g->start, n_classes * sizeof *g->next);
    for (size_t i = 0; i < n; i++)
        if (cls[i] >= 0)
            g->member[g->next[cls[i]]++] = (int32_t)i;
    memcpy(g->next, g->start, n_classes * sizeof *g->next);
}

static void groups_release(struct groups *g)
{
    ent_free(g->member);
    ent_free(g->start);
    ent_free(g->next);
}

/* The running VMs not placed yet, by kind (their demand vector); *kind_out, each VM's. */
static void pool_init(struct groups *pool, const struct ent_pack *p, const struct ent_vector_lp *lp,
                      int32_t **kind_out)
{
    int32_t *kind = ent_malloc((p->n_vms + 1) * sizeof *kind);
    for (size_t v = 0; v < p->n_vms; v++) {
        kind[v] = -1;
        if (p->target.vm_state[v] != ENT_VM_RUNNING || p->target.vm_host[v] >= 0)
            continue;
        for (size_t k = 0; k < lp->n_kinds && kind[v] < 0; k++)
            if (memcmp(p->dem + v * p->n_res, lp->kind_dem + k * lp->n_res,
                       p->n_res * sizeof *p->dem) == 0)
                kind[v] = (int32_t)k;
    }
    groups_init(pool, p->n_vms, kind, lp->n_kinds);
    *kind_out = kind;
}

/* The usable nodes that hold no VM, by type (the LP's). */
static void empty_nodes_init(struct groups *empty, const struct ent_pack *p,
                             const struct ent_vector_lp *lp)
{
    groups_init(empty, p->n_nodes, lp->node_type, lp->n_types);
}

/* Places up to `want` VMs of kind k from the pool on node, those the rules allow; how many. */
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

/* The running VMs not placed yet by the node they run on now: a pattern goes where the most of
 * its VMs already are, and takes those first (the fewest migrations). */
static void homes_init(struct groups *homes, const struct ent_pack *p)
{
    int32_t *home = ent_malloc((p->n_vms + 1) * sizeof *home);
    for (size_t v = 0; v < p->n_vms; v++)
        home[v] = p->target.vm_state[v] == ENT_VM_RUNNING && p->target.vm_host[v] < 0 &&
                          p->m->map.vm_state[v] == ENT_VM_RUNNING
                      ? p->m->map.vm_host[v]
                      : -1;
    groups_init(homes, p->n_vms, home, p->n_nodes);
    ent_free(home);
}

struct round {
    struct ent_pack *p;
    const struct ent_vector_lp *lp;
    struct groups pool, empty, homes;
    int32_t *kind;    /* per VM, its kind in the LP (-1: none) */
    int64_t *scratch; /* per kind, a count */
};

/* Places up to `want` VMs of kind k on node, those running there now first; how many. */
static size_t take_for(struct round *rd, size_t k, int64_t want, int32_t node)
{
    size_t placed = 0;
    struct ent_pack *p = rd->p;
    for (size_t i = rd->homes.start[node]; i < rd->homes.start[node + 1] && (int64_t)placed < want;
         i++) {
        int32_t v = rd->homes.member[i];
        if (rd->kind[v] == (int32_t)k && p->target.vm_host[v] < 0 && ent_pack_fits(p, v, node)) {
            ent_pack_place(p, v, node);
            placed++;
        }
    }
    return placed + take(p, &rd->pool, k, want - (int64_t)placed, node);
}

/* How many of the pattern's VMs node runs now (and are not placed yet). */
static int64_t overlap(struct round *rd, const int64_t *pattern, int32_t node)
{
    int64_t score = 0;
    for (size_t i = rd->homes.start[node]; i < rd->homes.start[node + 1]; i++) {
        int32_t v = rd->homes.member[i], k = rd->kind[v];
        if (k >= 0 && rd->p->target.vm_host[v] < 0 && rd->scratch[k] < pattern[k]) {
            rd->scratch[k]++;
            score++;
        }
    }
    for (size_t i = rd->homes.start[node]; i < rd->homes.start[node + 1]; i++)
        if (rd->kind[rd->homes.member[i]] >= 0)
            rd->scratch[rd->kind[rd->homes.member[i]]] = 0;
    return score;
}

struct scored {
    int64_t score;
    int32_t node;
};

static int cmp_scored(const void *a, const void *b)
{
    const struct scored *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return (x->node > y->node) - (x->node < y->node);
}

/* Puts `copies` nodes' worth of pattern j on empty nodes of its type, those that run the most of
 * its VMs now first; VMs placed. */
static size_t fix(struct round *rd, size_t j, int64_t copies)
{
    const struct ent_vector_lp *lp = rd->lp;
    struct ent_pack *p = rd->p;
    const int64_t *pattern = lp->column + j * lp->n_kinds;
    size_t t = (size_t)lp->column_type[j], n = 0, placed = 0;
    struct scored *free_nodes =
        ent_malloc((rd->empty.start[t + 1] - rd->empty.start[t] + 1) * sizeof *free_nodes);
    for (size_t i = rd->empty.start[t]; i < rd->empty.start[t + 1]; i++) {
        int32_t node = rd->empty.member[i];
        if (p->n_residents[node] == 0)
            free_nodes[n++] = (struct scored){overlap(rd, pattern, node), node};
    }
    qsort(free_nodes, n, sizeof *free_nodes, cmp_scored);
    for (size_t c = 0; c < n && (int64_t)c < copies; c++) {
        size_t on_node = 0;
        for (size_t k = 0; k < lp->n_kinds; k++)
            on_node += take_for(rd, k, pattern[k], free_nodes[c].node);
        if (on_node == 0)
            break; /* the rules refuse this node every VM left: no progress here */
        placed += on_node;
    }
    ent_free(free_nodes);
    return placed;
}

/* One LP over what is left, its whole patterns fixed (or its largest, once); VMs placed. */
static size_t round_once(struct ent_pack *p, bool by_watts, double deadline)
{
    struct ent_vector_lp lp;
    size_t placed = 0;
    if (ent__vector_lp(p, true, by_watts, deadline, &lp) == 0) {
        struct round rd = {.p = p, .lp = &lp};
        pool_init(&rd.pool, p, &lp, &rd.kind);
        empty_nodes_init(&rd.empty, p, &lp);
        homes_init(&rd.homes, p);
        rd.scratch = ent_calloc(lp.n_kinds + 1, sizeof *rd.scratch);
        size_t largest = 0;
        for (size_t j = 0; j < lp.n_columns; j++) {
            if (lp.value[j] > lp.value[largest])
                largest = j;
            int64_t whole = (int64_t)floor(lp.value[j] + 1e-6);
            if (whole > 0)
                placed += fix(&rd, j, whole);
        }
        if (placed == 0 && lp.n_columns > 0 && lp.value[largest] > 1e-6)
            placed = fix(&rd, largest, 1);
        groups_release(&rd.pool);
        groups_release(&rd.empty);
        groups_release(&rd.homes);
        ent_free(rd.kind);
        ent_free(rd.scratch);
    }
    ent__vector_lp_release(&lp);
    return placed;
}

static int vector_pack(struct ent_pack *p, bool by_watts, struct ent_error *err)
{
    if (p->n_res < 2)
        return ent_error(err, ENT_EINVALID, "vector packing: one resource");
    ent__clear_running(p);
    double end = p->deadline > 0 ? p->deadline : ent_now() + 10 * LP_SECONDS;
    for (int round = 0; round < MAX_ROUNDS; round++) {
        double now = ent_now(), share = (end - now) * (round == 0 ? FIRST_SHARE : ROUND_SHARE);
        double most = round == 0 ? FIRST_SECONDS : LP_SECONDS;
        if (now >= end || round_once(p, by_watts, now + (share < most ? share : most)) == 0)
            break;
    }
    int32_t *nodes = NULL;
    size_t n_nodes = ent_pack_nodes_by_capacity(p, &nodes);
    int rc = ent__pack_best_fit(p, nodes, n_nodes, true, err);
    ent_free(nodes);
    return rc;
}

int ent__solve_vector_pack(struct ent_pack *p, struct ent_error *err)
{
    return vector_pack(p, false, err);
}

int ent__solve_vector_pack_watts(struct ent_pack *p, struct ent_error *err)
{
    return vector_pack(p, true, err);
}
