/* Registries of plug-ins by name. */
#include "util/registry.h"

#include "util/error.h"

#include <string.h>

int ent_registry_add(struct ent_registry *r, const char *name, const void *item,
                     struct ent_error *err)
{
    if (ent_registry_find(r, name))
        return ent_error(err, ENT_EEXISTS, "%s \"%s\" registered twice", r->what, name);
    if (r->len == ENT_REGISTRY_MAX)
        return ent_error(err, ENT_EINVALID, "too many of %s", r->what);
    r->names[r->len] = name;
    r->items[r->len++] = item;
    return 0;
}

const void *ent_registry_find(const struct ent_registry *r, const char *name)
{
    for (size_t i = 0; i < r->len; i++)
        if (strcmp(r->names[i], name) == 0)
            return r->items[i];
    return NULL;
}

const void *ent_registry_at(const struct ent_registry *r, size_t i)
{
    return i < r->len ? r->items[i] : NULL;
}
