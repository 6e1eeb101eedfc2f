/* The daemon: one tick after another (STYLE.md), each a round of throttled, interruptible
 * phases; a round that overruns its period is followed by the next at once, never by two. */
#include "daemon/daemon.h"
#include "api/server.h"

#include "daemon/ha.h"
#include "daemon/ha_journal.h"
#include "daemon/recover.h"
#include "daemon/setup.h"
#include "daemon/status.h"
#include "exec/journal.h"
#include "sim/cluster.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/event_ring.h"
#include "util/log.h"
#include "util/private_dir.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* Set by the signal handlers, which may run on any thread (the status thread's accept took
 * SIGTERM under TSan): atomic, lock-free so that a handler may store to them. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "the signal flags must be lock-free atomics");
static atomic_int stop_requested, hup_requested;
static atomic_bool paused;       /* by the API: rounds wait until it is let go */
static atomic_bool dry_run_next; /* by the API: the next round executes nothing */

static void request_dry_run(void *arg)
{
    (void)arg;
    atomic_store(&dry_run_next, true);
}

/* The API's hold on the loop (api/server.h). */
static void set_paused(void *arg, bool value)
{
    atomic_store(&paused, value);
    ent_status_set(arg, "paused", json_boolean(value));
}

static char *view(void *arg, const char *name, char *(*render)(const json_t *doc), size_t *len)
{
    return ent_status_view(arg, name, render, len);
}

/* The HTTP API when api.listen says where; a failure to start it stops the daemon's start. */
static struct ent_event_ring events; /* phases, actions and rounds, for /api/v1/events */

/* HA: the API's journal writes go to etcd, as the commands' do. */
static struct ent_ha_admin *ha_admin;

static int attach_journal(void *arg, struct ent_journal *j, struct ent_error *err)
{
    return ent_ha_admin_attach(arg, j, err);
}

static int start_api(const struct ent_config *c, struct ent_status *status, struct ent_api **api,
                     struct ent_error *err)
{
    const char *listen = ent_config_string(c, "api.listen");
    *api = NULL;
    if (!listen || !*listen)
        return 0;
    ent_event_ring_init(&events);
    status->events = &events;
    int rc = ent_ha_admin_open(&ha_admin, c, err);
    if (rc)
        return rc;
    struct ent_api_backend backend = {.view = view,
                                      .set_paused = set_paused,
                                      .request_dry_run = request_dry_run,
                                      .arg = status,
                                      .journal = ent_config_string(c, "daemon.journal"),
                                      .web_root = ent_config_string(c, "api.web_root"),
                                      .journal_attach = ha_admin ? attach_journal : NULL,
                                      .journal_attach_arg = ha_admin,
                                      .events = &events};
    struct ent_api_options options = {.listen = listen,
                                      .token_file = ent_config_string(c, "api.token_file"),
                                      .tls_cert = ent_config_string(c, "api.tls_cert"),
                                      .tls_key = ent_config_string(c, "api.tls_key")};
    if ((rc = ent_api_start(api, &options, &backend, err))) {
        ent_ha_admin_close(ha_admin);
        ha_admin = NULL;
    }
    return rc;
}

/* The event streams end, then the API stops, then the status socket. */
static void stop_api_and_status(struct ent_api *api, struct ent_status *status)
{
    if (api) {
        ent_event_ring_close(&events);
        ent_api_stop(api);
        status->events = NULL;
        ent_event_ring_release(&events);
    }
    ent_ha_admin_close(ha_admin);
    ha_admin = NULL;
    ent_status_stop(status);
}

static void on_stop(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void on_hup(int sig)
{
    (void)sig;
    hup_requested = 1;
}

static void signals(void)
{
    struct sigaction sa = {0};
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = on_hup;
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
}

/* The pid file, held with an exclusive lock for the daemon's whole life: a daemon runs when its
 * pid file is locked (bin/controlLoop.sh asks the same way, with flock), so a pid file left by a
 * daemon killed with -9, or a pid that now names another process, never counts, and nothing is
 * ever signalled on its say-so. A symbolic link is not followed, and a pid file of another user's
 * is refused. */
static int pid_fd = -1;

static int take_pid_file(const char *path, struct ent_error *err)
{
    ent_mkdir_parents(path);
    int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return ent_error(err, ENT_EIO, "%s: %s", path,
                         errno == ELOOP ? "it is a symbolic link: refused" : strerror(errno));
    int rc = ent_own_file(fd, path, 0644, err); /* another's pid file could name any process */
    if (rc) {
        close(fd);
        return rc;
    }
    /* bin/controlLoop.sh probes the lock while the daemon starts: a held lock is only taken for
     * a daemon after a second of asking. */
    int locked = flock(fd, LOCK_EX | LOCK_NB) == 0;
    for (int i = 0; !locked && i < 20; i++) {
        ent_sleep(0.05);
        locked = flock(fd, LOCK_EX | LOCK_NB) == 0;
    }
    if (!locked) {
        char text[32] = "";
        ssize_t n = read(fd, text, sizeof text - 1);
        text[n > 0 ? n : 0] = '\0';
        close(fd);
        return ent_error(err, ENT_EEXISTS, "already running (pid %ld, %s)", strtol(text, NULL, 10),
                         path);
    }
    char text[32];
    int len = snprintf(text, sizeof text, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || write(fd, text, (size_t)len) != len) {
        rc = ent_error(err, ENT_EIO, "%s: %s", path, strerror(errno));
        close(fd);
        return rc;
    }
    pid_fd = fd; /* kept open, and locked, until the process ends */
    return 0;
}

/* A reload keeps the running values of the keys read at start (the daemon's files, its API, HA):
 * those the new file changes are named in the log and in the status (restart_needed). */
static void keep_start_values(struct ent_config *next, const struct ent_config *running,
                              struct ent_status *status)
{
    const char *changed[32]; /* more than the keys read at start */
    const size_t max = sizeof changed / sizeof *changed;
    size_t n = ent_config_keep_at_start(next, running, changed, max);
    json_t *names = json_array();
    struct ent_str list = ENT_STR_INIT;
    for (size_t i = 0; i < n && i < max; i++) {
        json_array_append_new(names, json_string(changed[i]));
        ent_str_addf(&list, "%s%s", i ? ", " : "", changed[i]);
    }
    if (n)
        ent_warn("reload: %s changed: read when the daemon starts, the running value%s kept "
                 "until it restarts",
                 ent_str_cstr(&list), n > 1 ? "s are" : " is");
    ent_str_release(&list);
    ent_status_set(status, "restart_needed", names);
}

/* SIGHUP: the log reopened (after rotation), the configuration read again. */
static void reload(struct ent_daemon_setup **cur, struct ent_daemon_setup **spare,
                   const char *config, struct ent_status *status)
{
    struct ent_error err;
    ent_error_init(&err);
    if (ent_log_reopen(&err))
        fprintf(stderr, "entropy daemon: %s\n", err.msg);
    ent_info("SIGHUP: log reopened; reloading %s", config);
    if (ent_daemon_setup(*spare, config, &err)) {
        ent_log_error("reload refused, the running configuration is kept: %s", err.msg);
        return;
    }
    struct ent_daemon_setup *old = *cur;
    keep_start_values(&(*spare)->config, &old->config, status);
    ent_monitor_reload(&(*spare)->monitor, &old->monitor);
    (*spare)->power.settings.sim = ent_monitor_sim_cluster(&(*spare)->monitor);
    ent_disruption_carry(&(*spare)->disruption, &old->disruption);       /* the cooldowns go on */
    ent_power_policy_carry(&(*spare)->power_policy, &old->power_policy); /* what it saw */
    ent_loop_carry_memory(&(*spare)->loop, &old->loop);
    (*spare)->loop.journal = old->loop.journal;
    (*spare)->loop.stop = old->loop.stop;
    (*spare)->loop.on_phase = old->loop.on_phase;
    (*spare)->loop.on_action = old->loop.on_action;
    (*spare)->loop.observer = old->loop.observer;
    (*spare)->loop.guard_start = old->loop.guard_start; /* HA: ha.* are read at start only */
    (*spare)->loop.guard_arg = old->loop.guard_arg;
    ent_daemon_teardown(old);
    *cur = *spare;
    *spare = old;
    ent_status_set(status, "reloaded", json_true());
    ent_info("configuration reloaded: source %s, period %.0f s", (*cur)->source, (*cur)->period);
}

/* Sleeps until deadline, waking for a signal. */
static void wait_until(double deadline)
{
    while (!stop_requested && !hup_requested && ent_now() < deadline) {
        double left = deadline - ent_now();
        ent_sleep(left < 0.2 ? left : 0.2);
    }
}

static void round_summary(const struct ent_round *r, double seconds)
{
    if (r->skipped)
        ent_info("round %ld: ended in %.2f s: nothing done (%s)", r->round, seconds, r->reason);
    else
        ent_info("round %ld: ended in %.2f s: %zu -> %lld active nodes planned, %zu actions "
                 "(%zu done, %zu failed, %zu dropped, %zu not started)",
                 r->round, seconds, r->active_nodes, (long long)r->decision.nodes_used, r->actions,
                 r->exec.done, r->exec.failed, r->exec.dropped, r->exec.not_started);
}

/* VMs the last snapshot showed in a migration the hypervisor goes on with (migrating-NAME); those
 * the loop gave up itself are remembered by the loop until their driver says they ended. */
static size_t in_flight_seen;

static struct ent_ha_journal ha_journal; /* HA: the journal's rows in etcd */

static int guard_start(void *arg, long round, size_t index, const char *what, struct ent_error *err)
{
    return ent_ha_guard_start(arg, round, index, what, err);
}

/* HA: true when this daemon leads (after reconciling, at the start of each term, what the
 * journal says was unfinished); false after standing by a moment. Without HA, true. */
static bool leads(struct ent_ha *ha, struct ent_daemon_setup *d, long *term,
                  struct ent_status *status)
{
    if (!ha)
        return true;
    static bool standing; /* said so in the status */
    if (!ent_ha_leads(ha)) {
        if (!standing)
            ent_status_set(status, "state", json_string("standby"));
        standing = true;
        wait_until(ent_now() + 0.2);
        return false;
    }
    standing = false;
    long now = ent_ha_terms(ha);
    struct ent_error err;
    ent_error_init(&err);
    /* The journal as etcd holds it: whole at a new term (the plan a predecessor left), else what
     * changed since (the commands' words); without it, no round. */
    if (ent_ha_journal_sync(&ha_journal, d->loop.journal, now != *term, &err)) {
        ent_log_error("%s: no round until etcd answers", err.msg);
        wait_until(ent_now() + 1);
        return false;
    }
    if (now != *term) { /* a new term: reconcile as after a crash, nothing replayed */
        *term = now;
        if (ent_daemon_recover(d->loop.journal, &d->monitor, &d->drivers, &d->loop.autostart,
                               &err) < 0)
            ent_log_error("recovery: %s", err.msg);
    }
    return true;
}

static int run_loop(struct ent_daemon_setup *a, struct ent_daemon_setup *b, const char *config,
                    long rounds, struct ent_status *status, struct ent_ha *ha)
{
    struct ent_daemon_setup *cur = a, *spare = b;
    bool held = false; /* paused, and said so */
    long term = 0;
    while (!stop_requested) {
        double t0 = ent_now();
        if (atomic_load(&paused)) { /* held through the API: no round until it is let go */
            if (!held)
                ent_status_set(status, "state", json_string("paused"));
            held = true;
            wait_until(t0 + 0.2);
            continue;
        }
        if (!leads(ha, cur, &term, status)) {
            if (hup_requested) {
                hup_requested = 0;
                reload(&cur, &spare, config, status);
            }
            continue;
        }
        held = false;
        struct ent_sim_cluster *sim = ent_monitor_sim_cluster(&cur->monitor);
        if (sim && cur->loop.round > 0)
            ent_sim_cluster_step(sim); /* the simulated loads change between rounds */
        struct ent_round r;
        cur->loop.dry_run_once = atomic_exchange(&dry_run_next, false);
        ent_loop_round(&cur->loop, &r);
        double took = ent_now() - t0;
        round_summary(&r, took);
        in_flight_seen = r.in_flight_seen;
        ent_round_release(&r);
        if (rounds && cur->loop.round >= rounds)
            break;
        if (took > cur->period && !stop_requested)
            ent_warn("round %ld took %.1f s, more than loop.period (%.0f s): the next starts now",
                     cur->loop.round, took, cur->period);
        else
            wait_until(t0 + cur->period);
        if (hup_requested) {
            hup_requested = 0;
            reload(&cur, &spare, config, status);
        }
    }
    return cur == a ? 0 : 1; /* which one holds the live setup */
}

int ent_daemon_run(const struct ent_daemon_options *o, struct ent_error *err)
{
    static struct ent_daemon_setup setups[2];
    struct ent_daemon_setup *d = &setups[0];
    int rc = ent_daemon_setup(d, o->config, err);
    if (rc)
        return rc;
    rc = ent_log_open(ent_config_string(&d->config, "daemon.log"), ENT_LOG_INFO, err);
    if (!rc && o->pid_file)
        rc = take_pid_file(o->pid_file, err);
    if (rc) {
        ent_daemon_teardown(d);
        return rc;
    }
    struct ent_journal journal;
    struct ent_status status;
    struct ent_api *api = NULL;
    struct ent_ha *ha = NULL;
    rc = ent_journal_open(&journal, ent_config_string(&d->config, "daemon.journal"), err);
    if (!rc) {
        rc = ent_status_start(&status, ent_config_string(&d->config, "daemon.socket"), o->config,
                              err);
        if (!rc && (rc = start_api(&d->config, &status, &api, err)))
            ent_status_stop(&status);
        else if (!rc && (rc = ent_ha_start(&ha, &d->config, &status, err)))
            stop_api_and_status(api, &status);
        if (rc)
            ent_journal_close(&journal);
    }
    if (rc) {
        ent_log_error("cannot start: %s", err->msg);
        if (o->pid_file)
            unlink(o->pid_file);
        ent_daemon_teardown(d);
        ent_log_close();
        return rc;
    }
    signals();
    ent_info("daemon: start, pid %d, config %s, source %s, %zu driver(s), period %.0f s%s",
             (int)getpid(), o->config, d->source, d->drivers.len, d->period,
             d->loop.dry_run ? ", dry run" : "");
    struct ent_error rerr;
    ent_error_init(&rerr);
    if (!ha &&
        ent_daemon_recover(&journal, &d->monitor, &d->drivers, &d->loop.autostart, &rerr) < 0)
        ent_log_error("recovery: %s", rerr.msg);
    d->loop.journal = &journal;
    if (ha) {
        d->loop.guard_start = guard_start;
        d->loop.guard_arg = ha;
        ent_ha_journal_attach(&ha_journal, ha,
                              (long)ent_config_number(&d->config, "ha.keep_rounds"), &journal);
    }
    d->loop.stop = &stop_requested;
    d->loop.on_phase = ent_status_on_phase;
    d->loop.on_action = ent_status_on_action;
    d->loop.observer = &status;
    ent_status_set(&status, "state", json_string("idle"));
    ent_status_set(&status, "paused", json_false());
    int live = run_loop(&setups[0], &setups[1], o->config, o->rounds, &status, ha);
    ent_status_set(&status, "state", json_string("stopped"));
    size_t in_flight = ent_in_flight_ask(&setups[live].loop);
    if (in_flight_seen > in_flight) /* mostly the same VMs: the larger count */
        in_flight = in_flight_seen;
    if (in_flight)
        ent_warn("daemon: stop after %ld round(s)%s: no action of Entropy's in flight, but %zu "
                 "migration(s) the hypervisor could not cancel may still be running (see the last "
                 "round); the next start reconciles",
                 setups[live].loop.round, stop_requested ? " (stop requested)" : "", in_flight);
    else
        ent_info("daemon: stop after %ld round(s)%s: no action in flight, the cluster is coherent",
                 setups[live].loop.round, stop_requested ? " (stop requested)" : "");
    ent_ha_stop(ha); /* resigns: a standby takes over at once */
    stop_api_and_status(api, &status);
    ent_journal_close(&journal);
    ent_daemon_teardown(&setups[live]);
    if (o->pid_file)
        unlink(o->pid_file);
    ent_log_close();
    return 0;
}
