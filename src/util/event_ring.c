/* The event ring: a mutex, a condition variable, the last ENT_EVENT_RING_SIZE events. */
#include "util/event_ring.h"

#include "util/alloc.h"
#include "util/clock.h"
#include "util/str.h"

#include <string.h>
#include <time.h>

void ent_event_ring_init(struct ent_event_ring *r)
{
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&r->changed, &attr);
    pthread_condattr_destroy(&attr);
}

void ent_event_ring_close(struct ent_event_ring *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&r->lock);
    r->closed = true;
    pthread_cond_broadcast(&r->changed);
    pthread_mutex_unlock(&r->lock);
}

void ent_event_ring_release(struct ent_event_ring *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < ENT_EVENT_RING_SIZE; i++)
        ent_free(r->items[i]);
    pthread_cond_destroy(&r->changed);
    pthread_mutex_destroy(&r->lock);
}

void ent_event_ring_publish(struct ent_event_ring *r, const char *text)
{
    char *copy = ent_strdup(text);
    pthread_mutex_lock(&r->lock);
    char **slot = &r->items[r->next % ENT_EVENT_RING_SIZE];
    ent_free(*slot);
    *slot = copy;
    r->next++;
    pthread_cond_broadcast(&r->changed);
    pthread_mutex_unlock(&r->lock);
}

uint64_t ent_event_ring_now(struct ent_event_ring *r)
{
    pthread_mutex_lock(&r->lock);
    uint64_t now = r->next;
    pthread_mutex_unlock(&r->lock);
    return now;
}

int ent_event_ring_wait(struct ent_event_ring *r, uint64_t *cursor, double seconds,
                        struct ent_str *out)
{
    struct timespec until = ent_timespec_in(CLOCK_MONOTONIC, seconds);
    pthread_mutex_lock(&r->lock);
    while (!r->closed && *cursor >= r->next &&
           pthread_cond_timedwait(&r->changed, &r->lock, &until) == 0)
        ;
    int n = 0;
    if (r->closed) {
        n = -1;
    } else {
        if (r->next - *cursor > ENT_EVENT_RING_SIZE) { /* fell behind: what is left */
            ent_str_addf(out, "event: skipped\ndata: {\"missed\": %llu}\n\n",
                         (unsigned long long)(r->next - ENT_EVENT_RING_SIZE - *cursor));
            *cursor = r->next - ENT_EVENT_RING_SIZE;
        }
        for (; *cursor < r->next; (*cursor)++, n++)
            ent_str_addf(out, "id: %llu\ndata: %s\n\n", (unsigned long long)*cursor,
                         r->items[*cursor % ENT_EVENT_RING_SIZE]);
    }
    pthread_mutex_unlock(&r->lock);
    return n;
}
