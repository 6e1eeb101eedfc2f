/* The status document and its socket. */
#include "daemon/status.h"

#include "proto/deadline_io.h"

#include "daemon/action_times.h"
#include "daemon/loop.h"
#include "exec/executor.h"
#include "model/model.h"
#include "model/plan.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/event_ring.h"
#include "util/log.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int unix_address(const char *path, struct sockaddr_un *a, struct ent_error *err)
{
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof a->sun_path)
        return ent_error(err, ENT_EINVALID, "socket path too long: %s", path);
    strcpy(a->sun_path, path);
    return 0;
}

/* Clients are served together by polling, each with a deadline of its own: one that does not
 * read (or many) costs only itself, never the next client an answer. */
#define MAX_CLIENTS    64
#define CLIENT_SECONDS 2.0

struct client {
    int fd;
    char *text; /* the document as it was when the client came, with its newline */
    size_t len, off;
    double deadline;
};

static void drop(struct client *c, size_t *n, size_t i)
{
    close(c[i].fd);
    ent_free(c[i].text);
    c[i] = c[--*n];
}

static void admit(struct ent_status *s, struct client *c, size_t *n)
{
    int fd = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0)
        return;
    if (*n == MAX_CLIENTS) /* the oldest gives way */
        drop(c, n, 0);
    size_t len;
    char *text = ent_status_view(s, "status", ent_status_render_doc, &len);
    text[len] = '\n'; /* the view leaves room: its NUL becomes the newline */
    c[(*n)++] = (struct client){fd, text, len + 1, 0, ent_now() + CLIENT_SECONDS};
}

/* Sends what client i can take now; drops it when done, failed or past its deadline. */
static void feed(struct client *c, size_t *n, size_t i, short revents)
{
    while ((revents & POLLOUT) && c[i].off < c[i].len) {
        ssize_t k =
            send(c[i].fd, c[i].text + c[i].off, c[i].len - c[i].off, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        c[i].off += (size_t)k;
    }
    if (c[i].off == c[i].len || (revents & (POLLERR | POLLHUP)) || ent_now() > c[i].deadline)
        drop(c, n, i);
}

static void *accept_loop(void *arg)
{
    struct ent_status *s = arg;
    struct client c[MAX_CLIENTS];
    size_t n = 0;
    while (!s->stop) {
        struct pollfd p[MAX_CLIENTS + 1] = {{.fd = s->fd, .events = POLLIN}};
        for (size_t i = 0; i < n; i++)
            p[i + 1] = (struct pollfd){.fd = c[i].fd, .events = POLLOUT};
        int ready = poll(p, n + 1, 200);
        for (size_t i = n; i-- > 0;) /* backwards: drop() moves the last one into place i */
            feed(c, &n, i, ready > 0 ? p[i + 1].revents : 0);
        if (ready > 0 && (p[0].revents & POLLIN))
            admit(s, c, &n);
    }
    while (n)
        drop(c, &n, n - 1);
    return NULL;
}

/* The listening socket at path into *out. */
static int listen_at(const char *path, int *out, struct ent_error *err)
{
    struct sockaddr_un a;
    int rc = unix_address(path, &a, err);
    if (rc)
        return rc;
    ent_mkdir_parents(path);
    json_t *other = NULL;
    if (ent_status_query(path, 1.0, &other, NULL) == 0) {
        json_decref(other);
        return ent_error(err, ENT_EEXISTS, "a daemon already answers on %s", path);
    }
    unlink(path); /* a dead daemon's */
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    /* Its owner and group only: the status says what runs where (chmod right after bind, before
     * anyone is accepted). */
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) || chmod(path, 0660) ||
        listen(fd, 16)) {
        rc = ent_error(err, ENT_EIO, "status socket %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return rc;
    }
    *out = fd;
    return 0;
}

int ent_status_start(struct ent_status *s, const char *path, const char *config,
                     struct ent_error *err)
{
    memset(s, 0, sizeof *s);
    snprintf(s->path, sizeof s->path, "%s", path);
    s->fd = -1;
    int rc = listen_at(path, &s->fd, err);
    if (rc)
        return rc;
    pthread_mutex_init(&s->lock, NULL);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    s->doc = json_pack("{s:i, s:I, s:s, s:s, s:n, s:n, s:n}", "pid", (int)getpid(), "started",
                       (json_int_t)now.tv_sec, "config", config, "state", "starting", "cluster",
                       "last_round", "plan");
    if (pthread_create(&s->thread, NULL, accept_loop, s)) {
        ent_status_stop(s); /* closes and unlinks the socket, frees the document and the lock */
        return ent_error(err, ENT_EIO, "status socket %s: no thread", path);
    }
    s->running = 1;
    return 0;
}

static void changed(struct ent_status *s);

void ent_status_stop(struct ent_status *s)
{
    s->stop = 1;
    if (s->running)
        pthread_join(s->thread, NULL);
    s->running = 0;
    if (s->fd >= 0) {
        close(s->fd);
        unlink(s->path);
    }
    s->fd = -1;
    json_decref(s->doc);
    s->doc = NULL;
    changed(s);
    pthread_mutex_destroy(&s->lock);
}

/* The lock held: the document changed, its views are to be made again. */
static void changed(struct ent_status *s)
{
    for (size_t i = 0; i < sizeof s->views / sizeof *s->views; i++) {
        ent_free(s->views[i].text);
        s->views[i].text = NULL;
    }
}

char *ent_status_render_doc(const json_t *doc)
{
    char *text = json_dumps(doc, JSON_COMPACT);
    char *copy = ent_strdup(text ? text : "{}");
    free(text); /* jansson's */
    return copy;
}

char *ent_status_view(struct ent_status *s, const char *name, ent_status_render_fn render,
                      size_t *len)
{
    pthread_mutex_lock(&s->lock);
    struct ent_status_cached *v = NULL;
    for (size_t i = 0; i < sizeof s->views / sizeof *s->views && !v; i++)
        if (!s->views[i].name || strcmp(s->views[i].name, name) == 0)
            v = &s->views[i];
    char *copy;
    if (!v) { /* more views than slots: made each time */
        copy = render(s->doc);
    } else {
        v->name = name;
        if (!v->text)
            v->text = render(s->doc);
        copy = ent_strdup(v->text);
    }
    pthread_mutex_unlock(&s->lock);
    *len = strlen(copy);
    return copy;
}

/* Adds the round's counts to the document's totals (Prometheus' counters). */
static void count_round(json_t *doc, const struct ent_round *r)
{
    json_t *t = json_object_get(doc, "totals");
    if (!t) {
        t = json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "rounds", 0, "skipped", 0, "done", 0,
                      "failed", 0, "dropped", 0, "not_started", 0, "monitoring_failures", 0);
        json_object_set_new(doc, "totals", t);
    }
    bool monitoring_failed = r->skipped && r->reason && strncmp(r->reason, "monitoring", 10) == 0;
    const json_int_t add[] = {1,
                              r->skipped,
                              (json_int_t)r->exec.done,
                              (json_int_t)r->exec.failed,
                              (json_int_t)r->exec.dropped,
                              (json_int_t)r->exec.not_started,
                              monitoring_failed};
    static const char *const keys[] = {
        "rounds", "skipped", "done", "failed", "dropped", "not_started", "monitoring_failures"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        json_object_set_new(t, keys[i],
                            json_integer(json_integer_value(json_object_get(t, keys[i])) + add[i]));
}

void ent_status_set(struct ent_status *s, const char *key, json_t *value)
{
    pthread_mutex_lock(&s->lock);
    json_object_set_new(s->doc, key, value);
    changed(s);
    pthread_mutex_unlock(&s->lock);
}

/* Per node, whether the round put it in maintenance (an offline constraint on it: snapshots
 * carry none of their own). A new array. */
static bool *in_maintenance(const struct ent_model *m)
{
    bool *out = ent_calloc(m->n_nodes + 1, sizeof *out);
    for (size_t i = 0; i < m->constraints.len; i++) {
        const struct ent_constraint *c = &m->constraints.items[i];
        for (size_t k = 0; c->kind == ENT_CK_OFFLINE && k < c->n_nodes; k++)
            out[c->nodes[k]] = true;
    }
    return out;
}

static json_t *cluster_json(const struct ent_model *m)
{
    bool *maintenance = in_maintenance(m);
    json_t *nodes = json_array();
    size_t active = 0, running = 0;
    json_t *by_node = ent_model_vms_by_node(m);
    int64_t *used = ent_calloc(m->n_nodes * m->n_res + 1, sizeof *used);
    for (size_t v = 0; v < m->n_vms; v++)
        if (m->map.vm_state[v] == ENT_VM_RUNNING && m->map.vm_host[v] >= 0)
            for (size_t r = 0; r < m->n_res; r++)
                used[(size_t)m->map.vm_host[v] * m->n_res + r] += m->res[r].demand[v];
    for (size_t n = 0; n < m->n_nodes; n++) {
        json_t *vms = json_incref(json_array_get(by_node, n));
        active += json_array_size(vms) > 0;
        running += json_array_size(vms);
        const char *enclosure = m->nodes[n].enclosure;
        json_t *resources = json_object(); /* what the dashboard fills each node with */
        for (size_t r = 0; r < m->n_res; r++)
            json_object_set_new(resources, m->res[r].name,
                                json_pack("{s:I, s:I}", "used", (json_int_t)used[n * m->n_res + r],
                                          "capacity", (json_int_t)m->res[r].capacity[n]));
        json_array_append_new(nodes, json_pack("{s:s, s:s, s:b, s:o, s:o, s:o}", "name",
                                               m->nodes[n].name ? m->nodes[n].name : "?", "state",
                                               ent_node_state_name(m->map.node_state[n]),
                                               "maintenance", maintenance[n], "enclosure",
                                               enclosure ? json_string(enclosure) : json_null(),
                                               "vms", vms, "resources", resources));
    }
    ent_free(used);
    json_decref(by_node);
    ent_free(maintenance);
    json_t *ready = json_array(); /* defined (vm.definitions), running nowhere */
    for (size_t v = 0; v < m->n_vms; v++)
        if (m->map.vm_state[v] == ENT_VM_READY && m->vms[v].name)
            json_array_append_new(ready, json_string(m->vms[v].name));
    return json_pack("{s:I, s:I, s:I, s:o, s:o}", "nodes_total", (json_int_t)m->n_nodes,
                     "active_nodes", (json_int_t)active, "vms", (json_int_t)running, "nodes", nodes,
                     "ready_vms", ready);
}

static json_t *plan_json(const struct ent_round *r, const struct ent_model *m,
                         const struct ent_plan *plan)
{
    json_t *actions = json_array();
    for (size_t i = 0; i < plan->len; i++) {
        const struct ent_action *a = &plan->actions[i];
        int32_t dst = a->to >= 0 ? a->to : a->node;
        json_array_append_new(actions,
                              json_pack("{s:s, s:s?, s:s?, s:s?, s:s, s:I, s:I}", "kind",
                                        ent_action_kind_name(a->kind), "vm",
                                        a->vm >= 0 ? m->vms[a->vm].name : NULL, "from",
                                        a->from >= 0 ? m->nodes[a->from].name : NULL, "to",
                                        dst >= 0 ? m->nodes[dst].name : NULL, "status", "pending",
                                        "start", (json_int_t)a->start, "end", (json_int_t)a->end));
    }
    return json_pack("{s:I, s:o}", "round", (json_int_t)r->round, "actions", actions);
}

static json_t *energy_json(const struct ent_round *r)
{
    const struct ent_energy *e = &r->energy;
    return json_pack("{s:f, s:f, s:f, s:f, s:I, s:I, s:I, s:O?}", "watts", e->watts, "watts_all_on",
                     e->watts_all_on, "kwh", e->kwh, "kwh_all_on", e->kwh_all_on, "powered_off",
                     (json_int_t)r->powered_off, "powered_on", (json_int_t)r->powered_on,
                     "power_failed", (json_int_t)r->power_failed, "nodes", r->power);
}

static json_t *round_json(const struct ent_round *r)
{
    json_t *doc = ent_round_figures(r);
    json_object_update_new(doc, json_pack("{s:I, s:b, s:s?, s:O?}", "round", (json_int_t)r->round,
                                          "skipped", r->skipped, "reason",
                                          r->skipped ? r->reason : NULL, "issues", r->issues));
    return doc;
}

/* Tells the event's readers (the API's /api/v1/events): event is stolen. */
static void publish(struct ent_status *s, json_t *event)
{
    char *text = s->events && event ? json_dumps(event, JSON_COMPACT) : NULL;
    if (text)
        ent_event_ring_publish(s->events, text);
    free(text); /* jansson's */
    json_decref(event);
}

void ent_status_on_phase(void *arg, const char *phase, const struct ent_round *r,
                         const struct ent_model *m, const struct ent_plan *plan)
{
    struct ent_status *s = arg;
    publish(s, json_pack("{s:s, s:s, s:I}", "type", "phase", "phase", phase, "round",
                         (json_int_t)r->round));
    if (strcmp(phase, "idle") == 0)
        publish(s, json_pack("{s:s, s:o}", "type", "round", "round", round_json(r)));
    /* the largest parts built before the lock is taken */
    json_t *cluster = m && (strcmp(phase, "deciding") == 0 || strcmp(phase, "idle") == 0)
                          ? cluster_json(m)
                          : NULL;
    bool awaiting = strcmp(phase, "awaiting approval") == 0, dry = strcmp(phase, "dry run") == 0;
    json_t *plan_doc =
        plan && (awaiting || dry || strcmp(phase, "executing") == 0) ? plan_json(r, m, plan) : NULL;
    if (plan_doc) { /* recommend mode: whether it waits for approval (loop.mode); a dry run's */
        json_object_set_new(plan_doc, "awaiting_approval", json_boolean(awaiting));
        json_object_set_new(plan_doc, "dry_run", json_boolean(dry));
    }
    pthread_mutex_lock(&s->lock);
    changed(s);
    json_object_set_new(s->doc, "state", json_string(phase));
    json_object_set_new(s->doc, "round", json_integer(r->round));
    if (cluster)
        json_object_set_new(s->doc, "cluster", cluster);
    if (plan_doc)
        json_object_set_new(s->doc, "plan", plan_doc);
    json_t *shown = json_object_get(s->doc, "plan");
    if (strcmp(phase, "idle") == 0 && r->unapproved && json_is_object(shown) &&
        json_integer_value(json_object_get(shown, "round")) == r->round) {
        json_object_set_new(shown, "awaiting_approval", json_false());
        json_object_set_new(shown, "unapproved", json_string(r->unapproved));
    }
    if (strcmp(phase, "idle") == 0) {
        count_round(s->doc, r);
        json_object_set_new(s->doc, "last_round", round_json(r));
        json_object_set_new(s->doc, "power", energy_json(r));
        json_object_set_new(s->doc, "maintenance",
                            r->maintenance ? json_incref(r->maintenance) : json_object());
        json_object_set_new(
            s->doc, "autostart",
            json_pack("{s:I, s:I, s:o, s:o}", "booting", (json_int_t)r->autostart_required,
                      "no_room", (json_int_t)r->autostart_left, "no_room_vms",
                      r->autostart_no_room ? json_incref(r->autostart_no_room) : json_array(),
                      "waiting",
                      r->autostart_waiting ? json_incref(r->autostart_waiting) : json_array()));
    }
    pthread_mutex_unlock(&s->lock);
}

void ent_status_on_action(void *arg, const struct ent_model *m, const struct ent_plan *plan,
                          size_t index, const struct ent_action_outcome *o)
{
    struct ent_status *s = arg;
    const struct ent_action *act = index < plan->len ? &plan->actions[index] : NULL;
    publish(s, json_pack("{s:s, s:I, s:s, s:s?, s:s?}", "type", "action", "index",
                         (json_int_t)index, "status", ent_action_status_name(o->status), "vm",
                         act && m && act->vm >= 0 ? m->vms[act->vm].name : NULL, "error",
                         o->status == ENT_ACTION_FAILED ? o->error : NULL));
    pthread_mutex_lock(&s->lock);
    json_t *a = json_array_get(json_object_get(json_object_get(s->doc, "plan"), "actions"), index);
    changed(s);
    if (a) {
        json_object_set_new(a, "status", json_string(ent_action_status_name(o->status)));
        if (o->status == ENT_ACTION_FAILED)
            json_object_set_new(a, "error", json_string(o->error));
    }
    if (act && (o->status == ENT_ACTION_DONE || o->status == ENT_ACTION_FAILED))
        ent_action_times_add(s->doc, ent_action_kind_name(act->kind), o->ended - o->started);
    pthread_mutex_unlock(&s->lock);
}

int ent_status_query(const char *path, double timeout, json_t **doc, struct ent_error *err)
{
    *doc = NULL;
    int fd = ent_io_connect_unix(path);
    if (fd < 0)
        return ent_error(err, ENT_ENOTFOUND, "no daemon answers on %s: %s", path, strerror(errno));
    double deadline = ent_now() + timeout;
    size_t len = 0, cap = 65536;
    char *buf = ent_malloc(cap);
    for (;;) {
        if (len + 4096 > cap) {
            cap *= 2;
            buf = ent_reallocarray(buf, cap, 1);
        }
        ssize_t n = ent_io_read(fd, buf + len, cap - len, deadline);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            ent_free(buf);
            return e == ETIMEDOUT
                       ? ent_error(err, ENT_ETIMEOUT,
                                   "%s: the daemon did not answer within %.1f s (%zu bytes came)",
                                   path, timeout, len)
                       : ent_error(err, ENT_EIO, "%s: %s", path, strerror(e));
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    if (len == 0) {
        ent_free(buf);
        return ent_error(err, ENT_EIO, "%s: the daemon closed the connection without an answer",
                         path);
    }
    json_error_t jerr;
    *doc = json_loadb(buf, len, 0, &jerr);
    ent_free(buf);
    if (!*doc)
        return ent_error(err, ENT_EPARSE, "%s: the daemon's answer is not JSON: %s", path,
                         jerr.text);
    return 0;
}
