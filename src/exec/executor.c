/* The parallel executor: the main thread starts what is ready (in planned start order, within the
 * limits) and waits; each running action has a thread of its own that calls its driver. Drivers
 * whose state is not thread-safe (ops->serial) are called under a lock of their own. */
#include "exec/executor.h"

#include "drivers/driver.h"
#include "exec/deps.h"
#include "model/model.h"
#include "model/plan.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void ent_exec_options_default(struct ent_exec_options *o)
{
    *o = (struct ent_exec_options){.max_parallel = 32,
                                   .node_concurrency = ENT_DEFAULT_NODE_CONCURRENCY,
                                   .timeout = 600,
                                   .bandwidth = 0,
                                   .max_downtime = 0};
}

const char *ent_action_status_name(enum ent_action_status s)
{
    static const char *const names[] = {"pending", "running", "done",
                                        "failed",  "dropped", "not started"};
    return s <= ENT_ACTION_NOT_STARTED ? names[s] : "?";
}

struct run;

struct job {
    struct run *run;
    size_t action;
    struct ent_driver *drv;
    pthread_t thread;
    int rc;
    int finished; /* under run->lock */
    int in_line;  /* ran on the main thread (no thread could be made): nothing to join */
    struct ent_error err;
};

struct run {
    const struct ent_model *m;
    const struct ent_plan *plan;
    struct ent_driver_set *drivers;
    const struct ent_exec_options *opts;
    struct ent_exec_result *res;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    pthread_mutex_t serial[ENT_DRIVER_SET_MAX];
    double t0;
    bool unrecorded; /* an action's start could not be recorded: nothing more starts */
};

static struct ent_driver *driver_for(struct run *r, const struct ent_action *a)
{
    int32_t node = a->kind == ENT_ACTION_MIGRATE_VM || a->from >= 0 ? a->from
                   : a->to >= 0                                     ? a->to
                                                                    : a->node;
    return ent_driver_set_pick(r->drivers, node >= 0 ? r->m->nodes[node].name : NULL,
                               node >= 0 ? r->m->nodes[node].driver : NULL);
}

static void *job_main(void *arg)
{
    struct job *j = arg;
    struct run *r = j->run;
    size_t slot = (size_t)(j->drv - r->drivers->drivers);
    int serial = j->drv->ops->serial;
    struct ent_action_outcome *out = &r->res->outcomes[j->action];
    if (serial)
        pthread_mutex_lock(&r->serial[slot]);
    j->rc = ent_exec_action(r->m, &r->plan->actions[j->action], j->drv, r->opts, out, &j->err);
    if (j->rc)
        out->in_flight = ent_exec_locate(r->m, &r->plan->actions[j->action], j->drv);
    if (serial)
        pthread_mutex_unlock(&r->serial[slot]);
    pthread_mutex_lock(&r->lock);
    j->finished = 1;
    pthread_cond_signal(&r->changed);
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

static int cmp_start(const void *x, const void *y, void *arg)
{
    const struct ent_plan *plan = arg;
    size_t i = *(const size_t *)x, j = *(const size_t *)y;
    const struct ent_action *a = &plan->actions[i], *b = &plan->actions[j];
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    return i < j ? -1 : i > j;
}

/* Whether the action's nodes have room for one more running action. */
static int nodes_free(const struct ent_exec_deps *d, const int *busy, size_t a, int limit)
{
    for (int k = 0; limit > 0 && k < d->n_action_nodes[a]; k++)
        if (busy[d->nodes[a][k]] >= limit)
            return 0;
    return 1;
}

static void account(struct ent_exec_result *res, const struct ent_model *m,
                    const struct ent_action *a, const struct ent_action_outcome *o)
{
    if (a->kind != ENT_ACTION_MIGRATE_VM || o->status != ENT_ACTION_DONE)
        return;
    int mem = ent_model_memory_resource(m);
    res->migrations++;
    res->migration_seconds += o->seconds;
    if (o->downtime > res->max_downtime)
        res->max_downtime = o->downtime;
    if (mem >= 0 && o->seconds > 0) {
        res->moved_mb += (double)m->res[mem].demand[a->vm];
        res->moved_seconds += o->seconds;
    }
    res->dirty_rate += o->dirty_rate;
}

/* Collects the jobs that ended; returns how many. Called with r->lock held. */
static size_t reap(struct run *r, struct job **jobs, size_t *n_jobs, struct ent_exec_deps *d,
                   int *busy)
{
    size_t ended = 0;
    for (size_t i = 0; i < *n_jobs;) {
        struct job *j = jobs[i];
        if (!j->finished) {
            i++;
            continue;
        }
        if (!j->in_line) {
            pthread_mutex_unlock(&r->lock);
            pthread_join(j->thread, NULL);
            pthread_mutex_lock(&r->lock);
        }
        const struct ent_action *a = &r->plan->actions[j->action];
        struct ent_action_outcome *o = &r->res->outcomes[j->action];
        o->ended = ent_now() - r->t0;
        for (int k = 0; k < d->n_action_nodes[j->action]; k++)
            busy[d->nodes[j->action][k]]--;
        if (j->rc) {
            o->status = ENT_ACTION_FAILED;
            o->error = ent_strdup(j->err.msg);
            r->res->failed++;
            r->res->in_flight += o->in_flight;
            ent_log_error("action %zu (%s) failed after %.2f s: %s", j->action,
                          ent_action_kind_name(a->kind), o->ended - o->started, j->err.msg);
        } else {
            o->status = ENT_ACTION_DONE;
            r->res->done++;
            ent_exec_deps_done(d, j->action);
            account(r->res, r->m, a, o);
        }
        if (r->opts->on_action)
            (void)r->opts->on_action(r->opts->hook_arg, j->action, o);
        ent_free(j);
        jobs[i] = jobs[--*n_jobs];
        ended++;
    }
    return ended;
}

static void wait_changed(struct run *r)
{
    /* the stop flag is looked at ten times a second */
    struct timespec ts = ent_timespec_in(CLOCK_REALTIME, 0.1);
    pthread_cond_timedwait(&r->changed, &r->lock, &ts);
}

static void finish_counts(const struct ent_plan *plan, const struct ent_exec_options *opts,
                          struct ent_exec_result *res, int stopped, bool unrecorded)
{
    for (size_t a = 0; a < plan->len; a++) {
        struct ent_action_outcome *o = &res->outcomes[a];
        if (o->status != ENT_ACTION_PENDING)
            continue;
        o->status = stopped ? ENT_ACTION_NOT_STARTED : ENT_ACTION_DROPPED;
        if (stopped)
            res->not_started++;
        else
            res->dropped++;
        if (opts->on_action)
            (void)opts->on_action(opts->hook_arg, a, o);
    }
    if (res->dropped)
        ent_warn("%zu action(s) dropped: they depended on a failed action; the next round "
                 "re-plans from what monitoring sees",
                 res->dropped);
    if (res->not_started)
        ent_warn("%zu action(s) not started: %s", res->not_started,
                 unrecorded ? "the journal could not record a start" : "stop requested");
}

/* Starts action a in a thread of its own (in line when no thread can start), marking its nodes
 * busy; an action no driver serves fails at once. Called with r->lock held. */
static void start_one(struct run *r, const struct ent_exec_deps *d, int *busy, struct job **jobs,
                      size_t *n_jobs, size_t a)
{
    const struct ent_plan *plan = r->plan;
    const struct ent_exec_options *opts = r->opts;
    struct ent_exec_result *res = r->res;
    struct ent_driver *drv = driver_for(r, &plan->actions[a]);
    struct ent_action_outcome *o = &res->outcomes[a];
    o->started = ent_now() - r->t0;
    if (!drv) {
        o->status = ENT_ACTION_FAILED;
        o->error = ent_strdup("no driver for this node");
        res->failed++;
        if (opts->on_action)
            (void)opts->on_action(opts->hook_arg, a, o);
        ent_log_error("action %zu (%s): no driver", a, ent_action_kind_name(plan->actions[a].kind));
        return;
    }
    o->status = ENT_ACTION_RUNNING;
    if (opts->on_action && opts->on_action(opts->hook_arg, a, o)) {
        /* its start is not on record: it must not run, nor anything after it */
        ent_log_error("action %zu (%s): its start could not be recorded: not started, and no "
                      "other action starts this round",
                      a, ent_action_kind_name(plan->actions[a].kind));
        o->status = ENT_ACTION_NOT_STARTED;
        res->not_started++;
        r->unrecorded = true;
        (void)opts->on_action(opts->hook_arg, a, o);
        return;
    }
    for (int k = 0; k < d->n_action_nodes[a]; k++)
        busy[d->nodes[a][k]]++;
    struct job *j = ent_calloc(1, sizeof *j);
    *j = (struct job){.run = r, .action = a, .drv = drv};
    ent_error_init(&j->err);
    jobs[(*n_jobs)++] = j;
    if (pthread_create(&j->thread, NULL, job_main, j)) {
        ent_log_error("cannot start a thread for action %zu: run in line", a);
        j->in_line = 1;
        pthread_mutex_unlock(&r->lock);
        job_main(j);
        pthread_mutex_lock(&r->lock);
    }
}

void ent_execute_plan(const struct ent_model *m, const struct ent_plan *plan,
                      struct ent_driver_set *drivers, const struct ent_exec_options *opts,
                      atomic_int *stop, struct ent_exec_result *res)
{
    memset(res, 0, sizeof *res);
    res->len = plan->len;
    res->outcomes = ent_calloc(plan->len + 1, sizeof *res->outcomes);
    struct run r = {.m = m, .plan = plan, .drivers = drivers, .opts = opts, .res = res};
    pthread_mutex_init(&r.lock, NULL);
    pthread_cond_init(&r.changed, NULL);
    for (size_t i = 0; i < ENT_DRIVER_SET_MAX; i++)
        pthread_mutex_init(&r.serial[i], NULL);
    struct ent_exec_deps d;
    ent_exec_deps_build(&d, plan, m->n_nodes);
    size_t *pending = ent_malloc((plan->len + 1) * sizeof *pending), n_pending = plan->len;
    for (size_t i = 0; i < plan->len; i++)
        pending[i] = i;
    qsort_r(pending, n_pending, sizeof *pending, cmp_start, (void *)plan);
    int *busy = ent_calloc(m->n_nodes + 1, sizeof *busy);
    int max_parallel = opts->max_parallel > 0 ? opts->max_parallel : 1;
    struct job **jobs = ent_calloc((size_t)max_parallel + 1, sizeof *jobs);
    size_t n_jobs = 0;
    int stopped = 0;
    r.t0 = ent_now();

    pthread_mutex_lock(&r.lock);
    for (;;) {
        stopped = stopped || (stop && *stop) || r.unrecorded;
        /* Start what is ready, in planned start order. */
        for (size_t i = 0;
             !stopped && !r.unrecorded && i < n_pending && n_jobs < (size_t)max_parallel;) {
            size_t a = pending[i];
            if (!ent_exec_deps_ready(&d, a) || !nodes_free(&d, busy, a, opts->node_concurrency)) {
                i++;
                continue;
            }
            memmove(pending + i, pending + i + 1, (n_pending - i - 1) * sizeof *pending);
            n_pending--;
            start_one(&r, &d, busy, jobs, &n_jobs, a);
        }
        if (!n_jobs)
            break;
        if (!reap(&r, jobs, &n_jobs, &d, busy))
            wait_changed(&r);
    }
    pthread_mutex_unlock(&r.lock);
    res->wall_seconds = ent_now() - r.t0;
    finish_counts(plan, opts, res, stopped || r.unrecorded, r.unrecorded);

    ent_free(jobs);
    ent_free(busy);
    ent_free(pending);
    ent_exec_deps_release(&d);
    for (size_t i = 0; i < ENT_DRIVER_SET_MAX; i++)
        pthread_mutex_destroy(&r.serial[i]);
    pthread_cond_destroy(&r.changed);
    pthread_mutex_destroy(&r.lock);
}

void ent_exec_result_release(struct ent_exec_result *res)
{
    if (!res)
        return;
    for (size_t i = 0; res->outcomes && i < res->len; i++)
        ent_free(res->outcomes[i].error);
    ent_free(res->outcomes);
    res->outcomes = NULL;
    res->len = 0;
}
