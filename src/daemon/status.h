/* What the running daemon is doing, kept as one JSON document and served on a UNIX socket: each
 * connection gets the document, one line, and is closed (entropy status reads it). */
#ifndef ENT_DAEMON_STATUS_H
#define ENT_DAEMON_STATUS_H

#include "util/error.h"

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

struct ent_error;
struct ent_model;
struct ent_plan;
struct ent_round;
struct ent_action_outcome;
struct ent_event_ring;

struct ent_status {
    pthread_mutex_t lock;
    json_t *doc;
    int fd;
    atomic_int stop; /* set by ent_status_stop, read by the accept thread */
    pthread_t thread;
    int running;
    char path[108];
    struct ent_event_ring *events; /* where phases and actions are told as they happen; NULL */
};

/* Binds path (a stale socket of a dead daemon is replaced; a live daemon's is refused) and
 * serves from a thread of its own. */
ENT_MUST_USE int ent_status_start(struct ent_status *s, const char *path, const char *config,
                                  struct ent_error *err);
void ent_status_stop(struct ent_status *s);
/* Sets key of the document to value (stolen). */
void ent_status_set(struct ent_status *s, const char *key, json_t *value);
/* A copy of the document, the caller's (the HTTP API's view). */
json_t *ent_status_snapshot(struct ent_status *s);
/* The loop's observers (struct ent_loop: on_phase, on_action; observer = the status). */
void ent_status_on_phase(void *arg, const char *phase, const struct ent_round *r,
                         const struct ent_model *m, const struct ent_plan *plan);
void ent_status_on_action(void *arg, const struct ent_model *m, const struct ent_plan *plan,
                          size_t index, const struct ent_action_outcome *o);

/* The client side: the daemon's document from the socket at path. */
ENT_MUST_USE int ent_status_query(const char *path, double timeout, json_t **doc,
                                  struct ent_error *err);

#endif
