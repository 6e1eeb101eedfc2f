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
    /* Texts made from the document (the socket's, the API's views), by name: made once after a
     * change, by the first reader, under the lock; every JSON value stays on the lock's side. */
    struct ent_status_cached {
        const char *name; /* static */
        char *text;       /* ent_malloc'd, NULL: to make */
    } views[8];
};

/* Makes a view's text (ent_malloc'd) from the document; called with the status lock held. */
typedef char *(*ent_status_render_fn)(const json_t *doc);
/* The document itself as compact JSON (the "status" view). */
char *ent_status_render_doc(const json_t *doc);

/* Binds path (a stale socket of a dead daemon is replaced; a live daemon's is refused) and
 * serves from a thread of its own. */
ENT_MUST_USE int ent_status_start(struct ent_status *s, const char *path, const char *config,
                                  struct ent_error *err);
void ent_status_stop(struct ent_status *s);
/* Sets key of the document to value (stolen). */
void ent_status_set(struct ent_status *s, const char *key, json_t *value);
/* The text render makes of the document, a copy to ent_free (*len its length): cached under
 * name until the document changes, so that readers copy text and never share a JSON value. */
char *ent_status_view(struct ent_status *s, const char *name, ent_status_render_fn render,
                      size_t *len);
/* The loop's observers (struct ent_loop: on_phase, on_action; observer = the status). */
void ent_status_on_phase(void *arg, const char *phase, const struct ent_round *r,
                         const struct ent_model *m, const struct ent_plan *plan);
void ent_status_on_action(void *arg, const struct ent_model *m, const struct ent_plan *plan,
                          size_t index, const struct ent_action_outcome *o);

/* The client side: the daemon's document from the socket at path. */
ENT_MUST_USE int ent_status_query(const char *path, double timeout, json_t **doc,
                                  struct ent_error *err);

#endif
