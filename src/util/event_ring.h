/* A ring of the last events (text lines), numbered, that readers on other threads follow: each
 * keeps a cursor (the number of the next event it wants) and waits for what comes after it. A
 * reader that fell more than the ring behind skips what it missed (told so). */
#ifndef ENT_UTIL_EVENT_RING_H
#define ENT_UTIL_EVENT_RING_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct ent_str;

#define ENT_EVENT_RING_SIZE 256

struct ent_event_ring {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    char *items[ENT_EVENT_RING_SIZE];
    uint64_t next; /* the number the next event gets; event k is items[k % SIZE] */
    bool closed;
};

void ent_event_ring_init(struct ent_event_ring *r);
/* Wakes every reader for good: they end. */
void ent_event_ring_close(struct ent_event_ring *r);
void ent_event_ring_release(struct ent_event_ring *r);
/* Adds text (copied) as the next event. */
void ent_event_ring_publish(struct ent_event_ring *r, const char *text);
/* The cursor of a reader that wants only what comes from now on. */
uint64_t ent_event_ring_now(struct ent_event_ring *r);
/* Waits up to seconds for events from *cursor on; appends each to out as a server-sent event
 * ("id: N\ndata: TEXT\n\n") and moves *cursor past them. Returns how many, 0 when none came in
 * time, -1 when the ring is closed. */
int ent_event_ring_wait(struct ent_event_ring *r, uint64_t *cursor, double seconds,
                        struct ent_str *out);

#endif
