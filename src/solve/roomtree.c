/* The room tree: leaves hold each node's free room per resource, inner positions the most of
 * their two children's. A subtree none of whose nodes has the room in some resource is skipped
 * whole; placement rules and shared capacities are checked at the leaves. */
#include "solve/roomtree.h"

#include "solve/pack.h"
#include "util/alloc.h"

#include <string.h>

static void set_leaf(struct ent_roomtree *t, size_t pos)
{
    const struct ent_pack *p = t->p;
    int64_t *room = t->room + (t->leaves + pos) * p->n_res;
    int32_t node = t->order[pos];
    for (size_t r = 0; r < p->n_res; r++) {
        size_t i = (size_t)node * p->n_res + r;
        room[r] = p->cap[i] - p->used[i];
    }
}

static void pull(struct ent_roomtree *t, size_t i)
{
    size_t R = t->p->n_res;
    int64_t *room = t->room + i * R;
    const int64_t *a = t->room + 2 * i * R, *b = a + R;
    for (size_t r = 0; r < R; r++)
        room[r] = a[r] > b[r] ? a[r] : b[r];
}

void ent_roomtree_init(struct ent_roomtree *t, const struct ent_pack *p, const int32_t *order,
                       size_t n)
{
    size_t R = p->n_res ? p->n_res : 1;
    *t = (struct ent_roomtree){.p = p, .order = order, .n = n, .leaves = 1};
    while (t->leaves < n)
        t->leaves *= 2;
    t->room = ent_malloc(2 * t->leaves * R * sizeof *t->room);
    for (size_t i = 0; i < 2 * t->leaves * R; i++)
        t->room[i] = INT64_MIN; /* no node: no room for anything */
    t->position = ent_malloc((p->n_nodes + 1) * sizeof *t->position);
    memset(t->position, 0xff, (p->n_nodes + 1) * sizeof *t->position);
    for (size_t pos = 0; pos < n; pos++) {
        t->position[order[pos]] = (int32_t)pos;
        set_leaf(t, pos);
    }
    for (size_t i = t->leaves - 1; i >= 1; i--)
        pull(t, i);
}

void ent_roomtree_release(struct ent_roomtree *t)
{
    if (!t)
        return;
    ent_free(t->room);
    ent_free(t->position);
    memset(t, 0, sizeof *t);
}

void ent_roomtree_update(struct ent_roomtree *t, int32_t node)
{
    int32_t pos = t->position[node];
    if (pos < 0)
        return;
    set_leaf(t, (size_t)pos);
    for (size_t i = (t->leaves + (size_t)pos) / 2; i >= 1; i /= 2)
        pull(t, i);
}

static int has_room(const struct ent_roomtree *t, size_t i, const int64_t *need)
{
    const int64_t *room = t->room + i * t->p->n_res;
    for (size_t r = 0; r < t->p->n_res; r++)
        if (room[r] < need[r])
            return 0;
    return 1;
}

static int32_t descend(const struct ent_roomtree *t, size_t i, int32_t vm, const int64_t *need)
{
    if (!has_room(t, i, need))
        return -1;
    if (i >= t->leaves) {
        size_t pos = i - t->leaves;
        return pos < t->n && ent_pack_fits(t->p, vm, t->order[pos]) ? t->order[pos] : -1;
    }
    int32_t found = descend(t, 2 * i, vm, need);
    return found >= 0 ? found : descend(t, 2 * i + 1, vm, need);
}

int32_t ent_roomtree_first_fit(const struct ent_roomtree *t, int32_t vm)
{
    if (t->n == 0)
        return -1;
    return descend(t, 1, vm, t->p->dem + (size_t)vm * t->p->n_res);
}
