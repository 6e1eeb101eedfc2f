/* What every definition format shares: releasing one, shared storage, the list by name. */
#include "model/definition.h"

#include "util/alloc.h"
#include "util/error.h"

#include <string.h>

void ent_definition_release(struct ent_vm_definition *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n_disks; i++) {
        ent_free(d->disks[i].source);
        ent_free(d->disks[i].target);
    }
    ent_free(d->disks);
    ent_free(d->name);
    ent_free(d->path);
    json_decref(d->config);
    ent_free(d->xml);
    ent_free(d->stamp);
    *d = (struct ent_vm_definition){0};
}

/* Whether path lies under the directory prefix (the prefix itself, or below it). */
static bool under(const char *path, const char *prefix, size_t n)
{
    while (n > 1 && prefix[n - 1] == '/')
        n--;
    return strncmp(path, prefix, n) == 0 && (path[n] == '/' || path[n] == '\0' || n == 1);
}

static bool on_shared_path(const char *source, const char *shared_paths)
{
    if (!shared_paths || source[0] != '/')
        return false;
    for (const char *p = shared_paths; *p;) {
        p += strspn(p, " \t,");
        size_t n = strcspn(p, " \t,");
        if (n && under(source, p, n))
            return true;
        p += n;
    }
    return false;
}

void ent_definition_classify(struct ent_vm_definition *d, const char *shared_paths)
{
    d->local_disk = NULL;
    for (size_t i = 0; i < d->n_disks && !d->local_disk; i++) {
        const struct ent_vm_disk *k = &d->disks[i];
        if (!k->network && !k->shareable && !on_shared_path(k->source, shared_paths))
            d->local_disk = k->source;
    }
}

void ent_vm_definitions_init(struct ent_vm_definitions *defs)
{
    *defs = (struct ent_vm_definitions){0};
    ent_namemap_init(&defs->by_name);
}

void ent_vm_definitions_release(struct ent_vm_definitions *defs)
{
    if (!defs)
        return;
    for (size_t i = 0; i < defs->len; i++)
        ent_definition_release(&defs->items[i]);
    ent_free(defs->items);
    ent_namemap_release(&defs->by_name);
    *defs = (struct ent_vm_definitions){0};
}

int ent_vm_definitions_add(struct ent_vm_definitions *defs, struct ent_vm_definition *d,
                           struct ent_error *err)
{
    int32_t old = ent_namemap_get(&defs->by_name, d->name);
    if (old >= 0) {
        int rc = ent_error(err, ENT_EEXISTS, "%s: VM %s is already defined by %s", d->path, d->name,
                           defs->items[old].path);
        ent_definition_release(d);
        return rc;
    }
    ENT_GROW(defs->items, defs->cap, defs->len);
    defs->items[defs->len] = *d;
    *d = (struct ent_vm_definition){0};
    /* The name index borrows the names, which stay where they are when items grows. */
    int rc = ent_namemap_put(&defs->by_name, defs->items[defs->len].name, (int32_t)defs->len);
    defs->len++;
    return rc;
}

const struct ent_vm_definition *ent_vm_definitions_find(const struct ent_vm_definitions *defs,
                                                        const char *name)
{
    int32_t i = ent_namemap_get(&defs->by_name, name);
    return i >= 0 ? &defs->items[i] : NULL;
}
