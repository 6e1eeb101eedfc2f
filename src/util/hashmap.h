/* Open-addressing maps from an integer id or a name to a dense index (model lookups at 100,000
 * elements must not be linear scans). */
#ifndef ENT_UTIL_HASHMAP_H
#define ENT_UTIL_HASHMAP_H

#include <stddef.h>
#include <stdint.h>

/* int64 key -> non-negative int32 value. */
struct ent_idmap {
    int64_t *keys;
    int32_t *values; /* -1 marks an empty slot */
    size_t cap, len;
};

void ent_idmap_init(struct ent_idmap *map);
void ent_idmap_release(struct ent_idmap *map);
/* Returns 0, or ENT_EEXISTS when key is already present (the map is unchanged). */
int ent_idmap_put(struct ent_idmap *map, int64_t key, int32_t value);
/* Returns the value, or -1. */
int32_t ent_idmap_get(const struct ent_idmap *map, int64_t key);

/* string key -> non-negative int32 value. Keys are borrowed: they must outlive the map. */
struct ent_namemap {
    const char **keys;
    int32_t *values;
    size_t cap, len;
};

void ent_namemap_init(struct ent_namemap *map);
void ent_namemap_release(struct ent_namemap *map);
int ent_namemap_put(struct ent_namemap *map, const char *key, int32_t value);
int32_t ent_namemap_get(const struct ent_namemap *map, const char *key);

#endif
