/* Linear-probing hash maps, grown at half load. */
#include "util/hashmap.h"

#include "util/alloc.h"
#include "util/error.h"

#include <string.h>

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static uint64_t hash_name(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return mix64(h);
}

void ent_idmap_init(struct ent_idmap *map)
{
    memset(map, 0, sizeof *map);
}

void ent_idmap_release(struct ent_idmap *map)
{
    if (!map)
        return;
    ent_free(map->keys);
    ent_free(map->values);
    ent_idmap_init(map);
}

static void idmap_resize(struct ent_idmap *map, size_t ncap)
{
    struct ent_idmap bigger = {ent_calloc(ncap, sizeof(int64_t)),
                               ent_malloc(ncap * sizeof(int32_t)), ncap, 0};
    memset(bigger.values, 0xff, ncap * sizeof(int32_t));
    for (size_t i = 0; i < map->cap; i++)
        if (map->values[i] >= 0)
            ent_idmap_put(&bigger, map->keys[i], map->values[i]);
    ent_idmap_release(map);
    *map = bigger;
}

int ent_idmap_put(struct ent_idmap *map, int64_t key, int32_t value)
{
    if (2 * (map->len + 1) > map->cap)
        idmap_resize(map, map->cap ? 2 * map->cap : 64);
    size_t mask = map->cap - 1;
    for (size_t i = mix64((uint64_t)key) & mask;; i = (i + 1) & mask) {
        if (map->values[i] < 0) {
            map->keys[i] = key;
            map->values[i] = value;
            map->len++;
            return 0;
        }
        if (map->keys[i] == key)
            return ENT_EEXISTS;
    }
}

int32_t ent_idmap_get(const struct ent_idmap *map, int64_t key)
{
    if (!map->cap)
        return -1;
    size_t mask = map->cap - 1;
    for (size_t i = mix64((uint64_t)key) & mask;; i = (i + 1) & mask) {
        if (map->values[i] < 0)
            return -1;
        if (map->keys[i] == key)
            return map->values[i];
    }
}

void ent_namemap_init(struct ent_namemap *map)
{
    memset(map, 0, sizeof *map);
}

void ent_namemap_release(struct ent_namemap *map)
{
    if (!map)
        return;
    ent_free(map->keys);
    ent_free(map->values);
    ent_namemap_init(map);
}

static void namemap_resize(struct ent_namemap *map, size_t ncap)
{
    struct ent_namemap bigger = {ent_calloc(ncap, sizeof(char *)),
                                 ent_malloc(ncap * sizeof(int32_t)), ncap, 0};
    memset(bigger.values, 0xff, ncap * sizeof(int32_t));
    for (size_t i = 0; i < map->cap; i++)
        if (map->values[i] >= 0)
            ent_namemap_put(&bigger, map->keys[i], map->values[i]);
    ent_namemap_release(map);
    *map = bigger;
}

int ent_namemap_put(struct ent_namemap *map, const char *key, int32_t value)
{
    if (2 * (map->len + 1) > map->cap)
        namemap_resize(map, map->cap ? 2 * map->cap : 64);
    size_t mask = map->cap - 1;
    for (size_t i = hash_name(key) & mask;; i = (i + 1) & mask) {
        if (map->values[i] < 0) {
            map->keys[i] = key;
            map->values[i] = value;
            map->len++;
            return 0;
        }
        if (strcmp(map->keys[i], key) == 0)
            return ENT_EEXISTS;
    }
}

int32_t ent_namemap_get(const struct ent_namemap *map, const char *key)
{
    if (!map->cap)
        return -1;
    size_t mask = map->cap - 1;
    for (size_t i = hash_name(key) & mask;; i = (i + 1) & mask) {
        if (map->values[i] < 0)
            return -1;
        if (strcmp(map->keys[i], key) == 0)
            return map->values[i];
    }
}
