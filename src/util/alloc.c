/* Allocation wrappers: exhaustion is fatal here, because every caller would only abort anyway and
 * a half-built model must never be acted upon. */
#include "util/alloc.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static atomic_long live_blocks;

static void *checked(void *p, size_t size)
{
    if (!p && size) {
        fprintf(stderr, "entropy: out of memory (%zu bytes)\n", size);
        abort();
    }
    if (p)
        atomic_fetch_add(&live_blocks, 1);
    return p;
}

void *ent_malloc(size_t size)
{
    return checked(malloc(size ? size : 1), size ? size : 1);
}

void *ent_calloc(size_t count, size_t size)
{
    if (count == 0 || size == 0)
        count = size = 1;
    return checked(calloc(count, size), count * size);
}

void *ent_reallocarray(void *ptr, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) {
        fprintf(stderr, "entropy: allocation size overflow\n");
        abort();
    }
    size_t bytes = count * size;
    if (bytes == 0)
        bytes = 1;
    void *p = realloc(ptr, bytes);
    if (!p) {
        fprintf(stderr, "entropy: out of memory (%zu bytes)\n", bytes);
        abort();
    }
    if (!ptr)
        atomic_fetch_add(&live_blocks, 1);
    return p;
}

char *ent_strdup(const char *s)
{
    return s ? ent_strndup(s, strlen(s)) : NULL;
}

char *ent_strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *d = ent_malloc(len + 1);
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

void ent_free(void *ptr)
{
    if (!ptr)
        return;
    atomic_fetch_sub(&live_blocks, 1);
    free(ptr);
}

void ent_grow(void **items, size_t *cap, size_t len, size_t size)
{
    if (len < *cap)
        return;
    size_t ncap = *cap ? *cap * 2 : 8;
    *items = ent_reallocarray(*items, ncap, size);
    *cap = ncap;
}

long ent_alloc_live(void)
{
    return atomic_load(&live_blocks);
}
