/* The HTTP API: libmicrohttpd with a pool of threads of its own, a table of routes, JSON errors,
 * the bearer token for what changes something. */
#include "api/server.h"

#include "api/dashboard.h"
#include "api/listen.h"
#include "api/metrics.h"
#include "exec/journal.h"
#include "util/alloc.h"
#include "util/event_ring.h"
#include "util/log.h"
#include "util/names.h"
#include "util/private_dir.h"
#include "util/str.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CONNECTIONS 1000
#define IDLE_SECONDS    30
#define MAX_BODY        (64 * 1024) /* a POST body is not read: more than this is refused */

struct ent_api {
    struct MHD_Daemon *mhd;
    struct ent_api_backend backend;
    struct ent_dashboard dashboard;    /* its files, read at start */
    char dashboard_error[1100];        /* why there is none */
    char token[ENT_API_TOKEN_MAX + 1]; /* empty: nothing that changes is accepted */
    struct ent_api_tls tls;            /* no certificate: plain HTTP */
    int port;
};

struct reply {
    unsigned status;
    char *body; /* ent_malloc'd */
    const char *type;
    struct MHD_Response *stream; /* instead of body: a response that goes on */
};

static struct reply json_reply(unsigned status, json_t *doc)
{
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    char *body = ent_strdup(text ? text : "{}");
    free(text); /* jansson's */
    return (struct reply){.status = status, .body = body, .type = "application/json"};
}

static struct reply error_reply(unsigned status, const char *message)
{
    return json_reply(status, json_pack("{s:s}", "error", message));
}

/* Handlers: what a route answers. */
typedef struct reply (*handler_fn)(struct ent_api *api, struct MHD_Connection *c, const char *url);

static struct reply view_reply(struct ent_api *api, const char *name,
                               char *(*render)(const json_t *doc), const char *type)
{
    size_t len;
    char *text = api->backend.view(api->backend.arg, name, render, &len);
    return (struct reply){.status = 200, .body = text, .type = type};
}

/* Renderers: each makes its view's text from the status document, which it only reads. */
static char *text_of(json_t *doc)
{
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    char *copy = ent_strdup(text ? text : "{}");
    free(text); /* jansson's */
    return copy;
}

static char *render_status(const json_t *doc)
{
    return text_of(json_incref((json_t *)doc));
}

static char *render_nodes(const json_t *doc)
{
    json_t *nodes = json_object_get(json_object_get(doc, "cluster"), "nodes");
    return text_of(json_pack("{s:O}", "nodes", nodes ? nodes : json_array()));
}

static char *render_vms(const json_t *doc)
{
    json_t *nodes = json_object_get(json_object_get(doc, "cluster"), "nodes");
    json_t *vms = json_array(), *node;
    size_t i, k;
    json_array_foreach(nodes, i, node)
    {
        json_t *vm;
        json_array_foreach(json_object_get(node, "vms"), k, vm) json_array_append_new(
            vms, json_pack("{s:O, s:O}", "name", vm, "node", json_object_get(node, "name")));
    }
    return text_of(json_pack("{s:o}", "vms", vms));
}

static char *render_plan(const json_t *doc)
{
    json_t *plan = json_object_get(doc, "plan");
    return text_of(json_pack("{s:O}", "plan", plan ? plan : json_null()));
}

static char *render_metrics(const json_t *doc)
{
    return ent_api_metrics(doc);
}

static struct reply get_rounds(struct ent_api *api, struct MHD_Connection *c, const char *url)
{
    (void)url;
    const char *last = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "last");
    char *end = NULL;
    long n = last ? strtol(last, &end, 10) : 20;
    if (last && (end == last || *end != '\0' || n < 1 || n > 1000))
        return error_reply(400, "last: a whole number from 1 to 1000");
    json_t *rounds = NULL;
    struct ent_error err;
    if (!api->backend.journal || ent_journal_history(api->backend.journal, n, &rounds, &err))
        return error_reply(503, "the journal cannot be read now (see the daemon's log)");
    return json_reply(200, json_pack("{s:o}", "rounds", rounds));
}

/* A reader of /api/v1/events: its cursor in the ring, and what is yet to be sent. */
struct follower {
    struct ent_event_ring *ring;
    uint64_t cursor;
    struct ent_str pending;
    size_t sent;
};

#define KEEPALIVE_SECONDS 15.0

/* libmicrohttpd asks for more (on the connection's own thread): events as they come, a comment
 * every 15 s so that proxies keep the stream, the end when the daemon stops. */
static ssize_t follow(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    struct follower *f = cls;
    if (f->sent == f->pending.len) {
        f->pending.len = f->sent = 0;
        if (f->pending.buf)
            f->pending.buf[0] = '\0';
        int n = ent_event_ring_wait(f->ring, &f->cursor, KEEPALIVE_SECONDS, &f->pending);
        if (n < 0)
            return MHD_CONTENT_READER_END_OF_STREAM;
        if (n == 0 && f->pending.len == 0)
            ent_str_addf(&f->pending, ": keepalive\n\n");
    }
    size_t k = f->pending.len - f->sent < max ? f->pending.len - f->sent : max;
    memcpy(buf, f->pending.buf + f->sent, k);
    f->sent += k;
    return (ssize_t)k;
}

static void unfollow(void *cls)
{
    struct follower *f = cls;
    ent_str_release(&f->pending);
    ent_free(f);
}

static struct reply get_events(struct ent_api *api, struct MHD_Connection *c, const char *url)
{
    (void)url;
    (void)c;
    if (!api->backend.events)
        return error_reply(503, "no event stream in this daemon");
    struct follower *f = ent_calloc(1, sizeof *f);
    f->ring = api->backend.events;
    f->cursor = ent_event_ring_now(f->ring);
    ent_str_addf(&f->pending, ": entropy events\n\n"); /* the stream is open */
    struct MHD_Response *resp =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, follow, f, unfollow);
    if (!resp) {
        unfollow(f);
        return error_reply(500, "cannot stream");
    }
    return (struct reply){.status = 200, .type = "text/event-stream", .stream = resp};
}

static struct reply set_paused(struct ent_api *api, bool paused)
{
    api->backend.set_paused(api->backend.arg, paused);
    ent_info("api: the control loop %s", paused ? "paused" : "resumed");
    return json_reply(200, json_pack("{s:b}", "paused", paused));
}

static struct reply post_pause(struct ent_api *api, struct MHD_Connection *c, const char *url)
{
    (void)url;
    (void)c;
    return set_paused(api, true);
}

static struct reply post_resume(struct ent_api *api, struct MHD_Connection *c, const char *url)
{
    (void)url;
    (void)c;
    return set_paused(api, false);
}

#define JOURNAL_DOWN "the journal cannot be written now (see the daemon's log)"

/* The journal, written by the API as by the command-line tools (the loop reads it each round);
 * false, logged, when it cannot be opened. */
static bool open_journal(struct ent_api *api, struct ent_journal *j, const char *what)
{
    struct ent_error err;
    ent_error_init(&err);
    if (api->backend.journal && ent_journal_open(j, api->backend.journal, &err) == 0) {
        if (!api->backend.journal_attach ||
            api->backend.journal_attach(api->backend.journal_attach_arg, j, &err) == 0)
            return true;
        ent_journal_close(j);
    }
    ent_log_error("api: %s: %s", what, api->backend.journal ? err.msg : "no journal");
    return false;
}

/* A journal write that did not happen: 409 when it does not apply now (nothing waits, not in
 * maintenance), else 503 with the cause in the log. */
static struct reply journal_refusal(int rc, const struct ent_error *err, const char *what)
{
    if (rc == ENT_ENOTFOUND)
        return error_reply(409, err->msg);
    ent_log_error("api: %s: %s", what, err->msg);
    return error_reply(503, JOURNAL_DOWN);
}

/* Recommend mode: approves the plan of ?round=N (default: the latest that waits), through the
 * journal as entropy plan approve does (one implementation: the loop reads the journal). */
static struct reply post_approve(struct ent_api *api, struct MHD_Connection *c, const char *url)
{
    (void)url;
    const char *given = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "round");
    char *end = NULL;
    long long round = given ? strtoll(given, &end, 10) : -1;
    if (given && (end == given || *end != '\0' || round < 1))
        return error_reply(400, "round: a whole round number from 1");
    struct ent_journal j;
    struct ent_error err;
    ent_error_init(&err);
    if (!open_journal(api, &j, "approve"))
        return error_reply(503, JOURNAL_DOWN);
    int64_t approved = -1;
    int rc = ent_journal_approve(&j, round, &approved, &err);
    ent_journal_close(&j);
    if (rc)
        return journal_refusal(rc, &err, "approve");
    ent_info("api: the plan of round %lld approved", (long long)approved);
    return json_reply(200, json_pack("{s:I, s:b}", "round", (json_int_t)approved, "approved", 1));
}

#define MAX_REASON 200 /* bytes, as entropy maintenance --reason */

/* Whether text is printable and at most MAX_REASON bytes (it reaches the log and the status). */
static bool reason_ok(const char *text)
{
    size_t n = 0;
    for (; text[n]; n++)
        if ((unsigned char)text[n] < 0x20 || text[n] == 0x7f)
            return false;
    return n <= MAX_REASON;
}

/* POST /api/v1/maintenance/start|end?target=NAME[&power_off=yes][&reason=TEXT]: as entropy
 * maintenance start|end, through the journal; the daemon acts from its next round. */
static struct reply maintenance(struct ent_api *api, struct MHD_Connection *c, bool start)
{
    const char *target = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "target");
    const char *power = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "power_off");
    const char *reason = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "reason");
    if (!target || !ent_name_ok(target))
        return error_reply(400, "target: a node or enclosure name");
    if (power && strcmp(power, "yes") != 0 && strcmp(power, "no") != 0)
        return error_reply(400, "power_off: yes or no");
    if (reason && !reason_ok(reason))
        return error_reply(400, "reason: at most 200 printable bytes");
    struct ent_journal j;
    struct ent_error err;
    ent_error_init(&err);
    if (!open_journal(api, &j, "maintenance"))
        return error_reply(503, JOURNAL_DOWN);
    bool power_off = power && strcmp(power, "yes") == 0;
    int rc = start
                 ? ent_journal_maintenance_start(&j, target, power_off, reason ? reason : "", &err)
                 : ent_journal_maintenance_end(&j, target, &err);
    ent_journal_close(&j);
    if (rc)
        return journal_refusal(rc, &err, "maintenance");
    ent_info("api: maintenance %s of %s", start ? "start" : "end", target); /* a checked name */
    return json_reply(200, json_pack("{s:s, s:b}", "target", target, "maintenance", start));
}

static struct reply post_maintenance_start(struct ent_api *api, struct MHD_Connection *c,
                                           const char *url)
{
    (void)url;
    return maintenance(api, c, true);
}

static struct reply post_maintenance_end(struct ent_api *api, struct MHD_Connection *c,
                                         const char *url)
{
    (void)url;
    return maintenance(api, c, false);
}

static struct reply post_dry_run(struct ent_api *api, struct MHD_Connection *c, const char *url)
{
    (void)url;
    (void)c;
    api->backend.request_dry_run(api->backend.arg);
    ent_info("api: the next round is a dry run");
    return json_reply(202, json_pack("{s:s}", "dry_run", "next round"));
}

/* The dashboard's files (dashboard.h), from memory. */
static struct reply get_web(struct ent_api *api, struct MHD_Connection *c, const char *url)
{
    (void)c;
    const struct ent_web_file *f = ent_dashboard_find(&api->dashboard, url);
    if (!f)
        return error_reply(404, api->dashboard_error);
    char *body = ent_malloc(f->len + 1);
    memcpy(body, f->body, f->len + 1);
    return (struct reply){.status = 200, .body = body, .type = f->type};
}

#define JSON_TYPE    "application/json"
#define METRICS_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* The routes: one table. A route answers through its handler, or with a view of the status
 * document (its name, what makes it, its content type). */
static const struct route {
    const char *method, *path;
    bool changes; /* needs the token */
    handler_fn handler;
    const char *view;
    char *(*render)(const json_t *doc);
    const char *type;
} routes[] = {
    {"GET", "/", false, get_web, NULL, NULL, NULL},
    {"GET", "/dashboard.js", false, get_web, NULL, NULL, NULL},
    {"GET", "/dashboard.css", false, get_web, NULL, NULL, NULL},
    {"GET", "/api/v1/status", false, NULL, "status", render_status, JSON_TYPE},
    {"GET", "/api/v1/nodes", false, NULL, "nodes", render_nodes, JSON_TYPE},
    {"GET", "/api/v1/vms", false, NULL, "vms", render_vms, JSON_TYPE},
    {"GET", "/api/v1/plan", false, NULL, "plan", render_plan, JSON_TYPE},
    {"GET", "/api/v1/rounds", false, get_rounds, NULL, NULL, NULL},
    {"GET", "/api/v1/events", false, get_events, NULL, NULL, NULL},
    {"GET", "/metrics", false, NULL, "metrics", render_metrics, METRICS_TYPE},
    {"POST", "/api/v1/loop/pause", true, post_pause, NULL, NULL, NULL},
    {"POST", "/api/v1/loop/resume", true, post_resume, NULL, NULL, NULL},
    {"POST", "/api/v1/plan/approve", true, post_approve, NULL, NULL, NULL},
    {"POST", "/api/v1/loop/dry-run", true, post_dry_run, NULL, NULL, NULL},
    {"POST", "/api/v1/maintenance/start", true, post_maintenance_start, NULL, NULL, NULL},
    {"POST", "/api/v1/maintenance/end", true, post_maintenance_end, NULL, NULL, NULL},
};

#define N_ROUTES (sizeof routes / sizeof *routes)

/* Compares without an early exit, so that the time taken says nothing of the token. */
static bool same_token(const char *given, const char *token)
{
    size_t n = strlen(token), m = strlen(given);
    unsigned char diff = (unsigned char)(n != m);
    for (size_t i = 0; i < n; i++)
        diff |= (unsigned char)(token[i] ^ (i < m ? given[i] : 0));
    return diff == 0 && n > 0;
}

static struct reply authorised(struct ent_api *api, struct MHD_Connection *c, bool *ok)
{
    const char *auth =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    *ok = false;
    if (!api->token[0])
        return error_reply(403, "no api.token_file is configured: the API changes nothing");
    if (!auth || strncmp(auth, "Bearer ", 7) != 0)
        return error_reply(401, "this request needs \"Authorization: Bearer TOKEN\" "
                                "(the first line of api.token_file)");
    if (!same_token(auth + 7, api->token))
        return error_reply(401, "wrong token");
    *ok = true;
    return (struct reply){.status = 0};
}

static struct reply route(struct ent_api *api, struct MHD_Connection *c, const char *url,
                          const char *method)
{
    bool path_known = false;
    for (size_t i = 0; i < N_ROUTES; i++) {
        if (strcmp(routes[i].path, url) != 0)
            continue;
        path_known = true;
        if (strcmp(routes[i].method, method) != 0)
            continue;
        if (routes[i].changes) {
            bool ok;
            struct reply denied = authorised(api, c, &ok);
            if (!ok)
                return denied;
        }
        if (routes[i].handler)
            return routes[i].handler(api, c, url);
        return view_reply(api, routes[i].view, routes[i].render, routes[i].type);
    }
    if (path_known)
        return error_reply(405, "method not allowed on this path");
    return error_reply(404, "no such path (see docs/api.md)");
}

static enum MHD_Result send_reply(struct MHD_Connection *c, struct reply r)
{
    struct MHD_Response *resp =
        r.stream ? r.stream
                 : MHD_create_response_from_buffer(strlen(r.body), r.body, MHD_RESPMEM_MUST_COPY);
    ent_free(r.body);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r.type);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    /* the dashboard runs only its own files; nothing it shows is taken as markup or script */
    MHD_add_response_header(resp, "Content-Security-Policy", "default-src 'self'");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    enum MHD_Result rc = MHD_queue_response(c, r.status, resp);
    MHD_destroy_response(resp);
    return rc;
}

/* libmicrohttpd calls this once with the headers, then once per piece of body, then once more
 * with none: the body is counted and dropped, the answer given at the end. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **state)
{
    (void)version;
    (void)upload_data;
    struct ent_api *api = cls;
    size_t *body = *state;
    if (!body) { /* the headers */
        *state = ent_calloc(1, sizeof *body);
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        *body += *upload_data_size;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*body > MAX_BODY)
        return send_reply(c, error_reply(413, "request body too large"));
    return send_reply(c, route(api, c, url, method));
}

static void on_completed(void *cls, struct MHD_Connection *c, void **state,
                         enum MHD_RequestTerminationCode why)
{
    (void)cls;
    (void)c;
    (void)why;
    ent_free(*state);
    *state = NULL;
}

static void release(struct ent_api *api)
{
    explicit_bzero(api->token, sizeof api->token);
    ent_dashboard_release(&api->dashboard);
    ent_api_tls_release(&api->tls);
    ent_free(api);
}

static void load_dashboard(struct ent_api *api, const char *web_root)
{
    struct ent_error web;
    ent_error_init(&web);
    if (!web_root || !*web_root) {
        snprintf(api->dashboard_error, sizeof api->dashboard_error, "no dashboard (api.web_root)");
    } else if (ent_dashboard_load(&api->dashboard, web_root, &web)) {
        snprintf(api->dashboard_error, sizeof api->dashboard_error, "no dashboard: %s", web.msg);
        ent_warn("api: %s", api->dashboard_error);
    }
}

static struct MHD_Daemon *start_mhd(struct ent_api *api, const struct sockaddr_storage *ss)
{
    /* A thread per connection: an event stream waits for events on its own thread. */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
                     MHD_USE_POLL | (ss->ss_family == AF_INET6 ? MHD_USE_IPv6 : 0);
    if (!api->tls.cert)
        return MHD_start_daemon(flags, 0, NULL, NULL, on_request, api, MHD_OPTION_SOCK_ADDR,
                                (const struct sockaddr *)ss, MHD_OPTION_CONNECTION_LIMIT,
                                (unsigned)MAX_CONNECTIONS, MHD_OPTION_CONNECTION_TIMEOUT,
                                (unsigned)IDLE_SECONDS, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
                                api, MHD_OPTION_END);
    return MHD_start_daemon(
        flags | MHD_USE_TLS, 0, NULL, NULL, on_request, api, MHD_OPTION_SOCK_ADDR,
        (const struct sockaddr *)ss, MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNECTIONS,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_SECONDS, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, api, MHD_OPTION_HTTPS_MEM_CERT, api->tls.cert, MHD_OPTION_HTTPS_MEM_KEY,
        api->tls.key, MHD_OPTION_END);
}

int ent_api_start(struct ent_api **out, const struct ent_api_options *options,
                  const struct ent_api_backend *backend, struct ent_error *err)
{
    const char *listen = options->listen;
    struct sockaddr_storage ss;
    int rc = ent_api_parse_listen(listen, &ss, err);
    if (rc)
        return rc;
    struct ent_api *api = ent_calloc(1, sizeof *api);
    api->backend = *backend;
    if (options->token_file && *options->token_file &&
        (rc = ent_secret_read(options->token_file, ENT_API_TOKEN_MAX, api->token, err))) {
        release(api);
        return ent_error_prefix(err, "api.token_file: ");
    }
    if ((rc = ent_api_tls_load(&api->tls, options->tls_cert, options->tls_key, err))) {
        release(api);
        return rc;
    }
    load_dashboard(api, backend->web_root);
    api->mhd = start_mhd(api, &ss);
    if (!api->mhd) {
        bool tls = api->tls.cert != NULL;
        release(api);
        return ent_error(err, ENT_EIO, "api.listen \"%s\": cannot listen there (%s)", listen,
                         tls ? "in use, or api.tls_cert and api.tls_key are not a PEM certificate "
                               "and its key"
                             : "in use?");
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(api->mhd, MHD_DAEMON_INFO_BIND_PORT);
    api->port = info ? info->port : 0;
    ent_info("api: listening on %s (port %d, %s)%s", listen, api->port,
             api->tls.cert ? "HTTPS" : "HTTP", api->token[0] ? "" : ", no token file: read only");
    *out = api;
    return 0;
}

int ent_api_port(const struct ent_api *api)
{
    return api->port;
}

void ent_api_stop(struct ent_api *api)
{
    if (!api)
        return;
    MHD_stop_daemon(api->mhd);
    release(api);
}
