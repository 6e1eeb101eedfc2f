/* Constraint kinds, constraint sets and the lookups the checkers share. */
#include "model/constraint.h"

#include "util/alloc.h"
#include "util/error.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    int fields;
    int traits;
} kinds[] = {
#define ENT_CK_ROW(e, name, fields, traits) {name, fields, traits},
    ENT_CONSTRAINT_KINDS(ENT_CK_ROW)
#undef ENT_CK_ROW
};

void ent_constraint_set_init(struct ent_constraint_set *set)
{
    memset(set, 0, sizeof *set);
}

static void parts_release(struct ent_parts *parts)
{
    for (size_t i = 0; i < parts->n; i++)
        ent_free(parts->items[i]);
    ent_free(parts->items);
    ent_free(parts->len);
    ent_free(parts->index);
}

void ent_constraint_release(struct ent_constraint *c)
{
    if (!c)
        return;
    parts_release(&c->vm_parts);
    parts_release(&c->node_parts);
    ent_free(c->name);
    ent_free(c->vms);
    ent_free(c->nodes);
    json_decref(c->json);
    memset(c, 0, sizeof *c);
}

void ent_constraint_set_release(struct ent_constraint_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->len; i++)
        ent_constraint_release(&set->items[i]);
    ent_free(set->items);
    ent_constraint_set_init(set);
}

size_t ent_constraint_set_first(const struct ent_constraint_set *set, enum ent_constraint_kind kind)
{
    for (size_t i = 0; i < set->len; i++)
        if (set->items[i].kind == kind)
            return i;
    return set->len;
}

void ent_constraint_set_add(struct ent_constraint_set *set, struct ent_constraint *c)
{
    ENT_GROW(set->items, set->cap, set->len);
    set->items[set->len++] = *c;
}

void ent_constraint_set_add_one(struct ent_constraint_set *set, enum ent_constraint_kind kind,
                                int32_t vm, int32_t node)
{
    struct ent_constraint c = {.kind = kind, .res = -1};
    c.name = ent_strdup(ent_constraint_kind_name(kind));
    if (vm >= 0) {
        c.vms = ent_malloc(sizeof *c.vms);
        c.vms[0] = vm;
        c.n_vms = 1;
    }
    if (node >= 0) {
        c.nodes = ent_malloc(sizeof *c.nodes);
        c.nodes[0] = node;
        c.n_nodes = 1;
    }
    ent_constraint_set_add(set, &c);
}

const char *ent_constraint_kind_name(enum ent_constraint_kind kind)
{
    return kind < ENT_CK_COUNT ? kinds[kind].name : "unknown";
}

int ent_constraint_kind_fields(enum ent_constraint_kind kind)
{
    return kind < ENT_CK_COUNT ? kinds[kind].fields : 0;
}

bool ent_constraint_kind_is(enum ent_constraint_kind kind, int traits)
{
    return kind < ENT_CK_COUNT && (kinds[kind].traits & traits) == traits;
}

enum ent_constraint_kind ent_constraint_kind_from_name(const char *name)
{
    for (int k = 0; k < ENT_CK_COUNT; k++)
        if (strcmp(kinds[k].name, name) == 0)
            return (enum ent_constraint_kind)k;
    return ENT_CK_UNKNOWN;
}

bool ent_index_in(const int32_t *list, size_t n, int32_t x)
{
    for (size_t k = 0; k < n; k++)
        if (list[k] == x)
            return 1;
    return 0;
}

static int cmp_member(const void *a, const void *b)
{
    const struct ent_part_member *x = a, *y = b;
    if (x->item != y->item)
        return (x->item > y->item) - (x->item < y->item);
    return (x->part > y->part) - (x->part < y->part);
}

void ent_parts_index(struct ent_parts *parts)
{
    size_t n = 0;
    for (size_t g = 0; g < parts->n; g++)
        n += parts->len[g];
    ent_free(parts->index);
    parts->index = ent_malloc((n + 1) * sizeof *parts->index);
    parts->n_index = 0;
    for (size_t g = 0; g < parts->n; g++)
        for (uint32_t k = 0; k < parts->len[g]; k++)
            parts->index[parts->n_index++] =
                (struct ent_part_member){parts->items[g][k], (uint32_t)g};
    qsort(parts->index, parts->n_index, sizeof *parts->index, cmp_member);
}

/* The first index entry not below (x, part). */
static size_t lower_bound(const struct ent_parts *parts, int32_t x, uint32_t part)
{
    size_t lo = 0, hi = parts->n_index;
    struct ent_part_member key = {x, part};
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_member(&parts->index[mid], &key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

ptrdiff_t ent_parts_next(const struct ent_parts *parts, int32_t x, ptrdiff_t after)
{
    if (!parts->index) { /* not indexed: a scan */
        for (size_t g = (size_t)(after + 1); g < parts->n; g++)
            if (ent_index_in(parts->items[g], parts->len[g], x))
                return (ptrdiff_t)g;
        return -1;
    }
    size_t i = lower_bound(parts, x, (uint32_t)(after + 1));
    return i < parts->n_index && parts->index[i].item == x ? (ptrdiff_t)parts->index[i].part : -1;
}

ptrdiff_t ent_parts_find(const struct ent_parts *parts, int32_t x)
{
    return ent_parts_next(parts, x, -1);
}

bool ent_parts_has(const struct ent_parts *parts, size_t g, int32_t x)
{
    if (!parts->index)
        return ent_index_in(parts->items[g], parts->len[g], x);
    size_t i = lower_bound(parts, x, (uint32_t)g);
    return i < parts->n_index && parts->index[i].item == x && parts->index[i].part == g;
}

/* Counts (out == NULL: count[v + 1] per VM) or fills (out[fill[v]++] = ci) c's VMs. */
static void index_vms(const struct ent_constraint *c, uint32_t *count, uint32_t *fill,
                      uint32_t *out, uint32_t ci)
{
    for (size_t k = 0; k < c->n_vms + c->vm_parts.n; k++) {
        const int32_t *list = k < c->n_vms ? &c->vms[k] : c->vm_parts.items[k - c->n_vms];
        uint32_t len = k < c->n_vms ? 1 : c->vm_parts.len[k - c->n_vms];
        for (uint32_t j = 0; j < len; j++) {
            if (out)
                out[fill[list[j]]++] = ci;
            else
                count[list[j] + 1]++;
        }
    }
}

void ent_constraints_by_vm(const struct ent_constraint_set *set, size_t n_vms,
                           bool (*select)(const struct ent_constraint *c), uint32_t **start,
                           uint32_t **items)
{
    uint32_t *st = ent_calloc(n_vms + 2, sizeof *st);
    for (size_t i = 0; i < set->len; i++)
        if (select(&set->items[i]))
            index_vms(&set->items[i], st, NULL, NULL, 0);
    for (size_t v = 0; v < n_vms; v++)
        st[v + 1] += st[v];
    uint32_t *it = ent_malloc((st[n_vms] + 1) * sizeof *it);
    uint32_t *fill = ent_malloc((n_vms + 1) * sizeof *fill);
    memcpy(fill, st, n_vms * sizeof *fill);
    for (size_t i = 0; i < set->len; i++)
        if (select(&set->items[i]))
            index_vms(&set->items[i], NULL, fill, it, (uint32_t)i);
    ent_free(fill);
    *start = st;
    *items = it;
}
