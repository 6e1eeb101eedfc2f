/* The HTTP API the daemon serves (libmicrohttpd), on api.listen (an address of its own, loopback
 * unless the administrator says otherwise):
 *   GET  /api/v1/status   the status document (as entropy status gets it on the socket)
 *   GET  /api/v1/nodes    its nodes, each with its state, enclosure, maintenance flag and VMs
 *   GET  /api/v1/vms      every VM with the node it runs on
 *   GET  /api/v1/plan     the plan of the round under way (or the last), each action's state
 *   GET  /api/v1/rounds?last=N   the last N rounds from the journal (20; 1 to 1000)
 *   GET  /api/v1/events   a server-sent events stream: phases, actions, rounds as they happen
 *   GET  /metrics         Prometheus' text exposition format (metrics.c)
 *   POST /api/v1/loop/pause, /api/v1/loop/resume   the control loop held, or let go
 * A request that changes something needs "Authorization: Bearer TOKEN", TOKEN being the first
 * line of api.token_file (a file of the daemon's user, mode 0600); without a token file, none is
 * accepted. Every error is a JSON object {"error": "..."} with its HTTP status. */
#ifndef ENT_API_SERVER_H
#define ENT_API_SERVER_H

#include "util/error.h"

#include <jansson.h>
#include <stdbool.h>

struct ent_event_ring;
struct ent_journal;

/* What the API serves and acts on: the daemon's, called from the API's threads. */
struct ent_api_backend {
    /* The text render makes of the status document (ent_malloc'd, *len its length), render
     * called where the document may be read, the text cached until it changes. */
    char *(*view)(void *arg, const char *name, char *(*render)(const json_t *doc), size_t *len);
    void (*set_paused)(void *arg, bool paused);
    void (*request_dry_run)(void *arg); /* the next round decides and plans, executes nothing */
    void *arg;
    const char *journal; /* the journal's path, for the rounds' history */
    /* Called on each journal the API opens to write, may be NULL: HA brings it up to date from
     * etcd and sends its writes there (daemon/ha_journal.h). Non-zero: the write is refused. */
    int (*journal_attach)(void *arg, struct ent_journal *j, struct ent_error *err);
    void *journal_attach_arg;
    const char *web_root;          /* the dashboard's files (api.web_root), may be NULL */
    struct ent_event_ring *events; /* what /api/v1/events streams; may be NULL */
};

struct ent_api;

#define ENT_API_TOKEN_MAX 128

/* Where and how it listens: the configuration's api.* keys. */
struct ent_api_options {
    const char *listen;     /* "HOST:PORT", "[V6]:PORT" or "PORT", which is 127.0.0.1:PORT */
    const char *token_file; /* NULL or empty: nothing that changes is accepted */
    const char *tls_cert;   /* with tls_key, HTTPS; both NULL or empty: HTTP */
    const char *tls_key;
};

/* Listens where options say and serves from threads of its own. */
ENT_MUST_USE int ent_api_start(struct ent_api **out, const struct ent_api_options *options,
                               const struct ent_api_backend *backend, struct ent_error *err);
/* The port it listens on (useful when listen asked for port 0). */
int ent_api_port(const struct ent_api *api);
void ent_api_stop(struct ent_api *api);

#endif
