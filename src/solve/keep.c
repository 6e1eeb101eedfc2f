/* Keeping VMs in place. By exchange: VMs with the same demand and no VM-specific rule are
 * interchangeable, so within each such type the per-node counts of a placement fixed, which VM goes
 * where is free. Each node first takes back the VMs of that type that run on it now, then the
 * displaced ones fill the remaining slots. No node's use changes; migrations only fall. */
#include "model/model.h"
#include "solve/internal.h"
#include "solve/pack.h"
#include "solve/solve.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/hashmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct member {
    int32_t type, vm;
};

static int cmp_member(const void *a, const void *b)
{
    const struct member *x = a, *y = b;
    if (x->type != y->type)
        return (x->type > y->type) - (x->type < y->type);
    return (x->vm > y->vm) - (x->vm < y->vm);
}

void ent__keep_in_place(struct ent_pack *p)
{
    const struct ent_model *m = p->m;
    struct member *mem = ent_malloc((p->n_vms + 1) * sizeof *mem);
    size_t n = 0;
    struct ent_namemap index;
    ent_namemap_init(&index);
    char **keys = ent_calloc(p->n_vms + 1, sizeof *keys);
    size_t n_keys = 0;
    for (size_t v = 0; v < p->n_vms; v++) {
        if (p->target.vm_state[v] != ENT_VM_RUNNING || ent_pack_has_rules(p, (int32_t)v))
            continue;
        char key[256];
        size_t len = 0;
        for (size_t r = 0; r < p->n_res && len < sizeof key - 24; r++)
            len += (size_t)snprintf(key + len, sizeof key - len, "%lld,",
                                    (long long)p->dem[v * p->n_res + r]);
        int32_t t = ent_namemap_get(&index, key);
        if (t < 0) {
            t = (int32_t)n_keys;
            keys[n_keys] = ent_strdup(key);
            ent_namemap_put(&index, keys[n_keys++], t);
        }
        mem[n++] = (struct member){t, (int32_t)v};
    }
    qsort(mem, n, sizeof *mem, cmp_member);
    int32_t *slots = ent_calloc(p->n_nodes + 1, sizeof *slots); /* per node, of this type */
    int32_t *assigned = ent_malloc((p->n_vms + 1) * sizeof *assigned);
    for (size_t a = 0; a < n;) {
        size_t b = a;
        while (b < n && mem[b].type == mem[a].type)
            b++;
        for (size_t i = a; i < b; i++) {
            slots[p->target.vm_host[mem[i].vm]]++;
            assigned[mem[i].vm] = -1;
        }
        /* Stay where you run now, while your node keeps a slot of your type. */
        for (size_t i = a; i < b; i++) {
            int32_t v = mem[i].vm,
                    now = m->map.vm_state[v] == ENT_VM_RUNNING ? m->map.vm_host[v] : -1;
            if (now >= 0 && slots[now] > 0) {
                slots[now]--;
                assigned[v] = now;
            }
        }
        /* The others take the slots left, in node order. */
        size_t node = 0;
        for (size_t i = a; i < b; i++) {
            int32_t v = mem[i].vm;
            if (assigned[v] >= 0)
                continue;
            while (slots[node] == 0)
                node++;
            slots[node]--;
            assigned[v] = (int32_t)node;
        }
        for (size_t i = a; i < b; i++)
            if (assigned[mem[i].vm] != p->target.vm_host[mem[i].vm]) {
                ent_pack_unplace(p, mem[i].vm);
                ent_pack_place(p, mem[i].vm, assigned[mem[i].vm]);
            }
        a = b;
    }
    ent_free(slots);
    ent_free(assigned);
    ent_free(mem);
    ent_namemap_release(&index);
    for (size_t i = 0; i < n_keys; i++)
        ent_free(keys[i]);
    ent_free(keys);
}

/* Tries to swap a (on x) with b (on y); keeps the swap when both fit. */
static int try_swap(struct ent_pack *p, int32_t a, int32_t b)
{
    int32_t x = p->target.vm_host[a], y = p->target.vm_host[b];
    ent_pack_unplace(p, a);
    ent_pack_unplace(p, b);
    if (ent_pack_fits(p, a, y)) {
        ent_pack_place(p, a, y);
        if (ent_pack_fits(p, b, x)) {
            ent_pack_place(p, b, x);
            return 1;
        }
        ent_pack_unplace(p, a);
    }
    ent_pack_place(p, a, x);
    ent_pack_place(p, b, y);
    return 0;
}

void ent__reduce_moves(struct ent_pack *p, double deadline)
{
    for (int pass = 0; pass < 4 && ent_now() < deadline; pass++) {
        size_t improved = 0;
        for (size_t i = 0; i < p->n_vms; i++) {
            int32_t a = (int32_t)i, h = ent_pack_home(p, a), x = p->target.vm_host[a];
            if (p->target.vm_state[a] != ENT_VM_RUNNING || h < 0 || x == h ||
                p->n_residents[h] == 0) /* an emptied node stays empty */
                continue;
            if (ent_pack_fits(p, a, h)) {
                ent_pack_unplace(p, a);
                ent_pack_place(p, a, h);
                improved++;
                continue;
            }
            for (uint32_t k = 0; k < p->n_residents[h]; k++) {
                int32_t b = p->residents[h][k];
                if (ent_pack_home(p, b) != h && try_swap(p, a, b)) {
                    improved++;
                    break;
                }
            }
        }
        if (!improved)
            break;
    }
}
