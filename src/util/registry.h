/* A registry of plug-ins by name (redis connTypeRegister): explicit registration, duplicates
 * refused, lookup by name. Monitors and drivers each keep one. */
#ifndef ENT_UTIL_REGISTRY_H
#define ENT_UTIL_REGISTRY_H

#include <stddef.h>

struct ent_error;

#define ENT_REGISTRY_MAX 32

struct ent_registry {
    const char *what; /* for messages: "monitor adapter", "driver" */
    const char *names[ENT_REGISTRY_MAX];
    const void *items[ENT_REGISTRY_MAX];
    size_t len;
};

/* Returns 0, ENT_EEXISTS for a name already registered, ENT_EINVALID when full. */
int ent_registry_add(struct ent_registry *r, const char *name, const void *item,
                     struct ent_error *err);
/* The item registered under name, or NULL. */
const void *ent_registry_find(const struct ent_registry *r, const char *name);
/* The item registered i-th, or NULL past the last. */
const void *ent_registry_at(const struct ent_registry *r, size_t i);

#endif
