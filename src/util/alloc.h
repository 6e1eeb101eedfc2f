/* Allocation wrappers (kissat allocate.h): they abort on exhaustion (a half-built model is never
 * acted on) and count live blocks. */
#ifndef ENT_UTIL_ALLOC_H
#define ENT_UTIL_ALLOC_H

#include <stddef.h>

void *ent_malloc(size_t size);
void *ent_calloc(size_t count, size_t size);
/* Grows or shrinks ptr; count * size overflow aborts. */
void *ent_reallocarray(void *ptr, size_t count, size_t size);
char *ent_strdup(const char *s);
char *ent_strndup(const char *s, size_t n);
void ent_free(void *ptr);

/* Grows *items (count *len, capacity *cap) so one more element of size fits. */
void ent_grow(void **items, size_t *cap, size_t len, size_t size);
#define ENT_GROW(items, cap, len) ent_grow((void **)&(items), &(cap), (len), sizeof *(items))

/* Live allocations made through these wrappers, for leak tests. */
long ent_alloc_live(void);

#endif
