/* The replay loop: the start placement, then per sample a decision, its plan timed by the
 * planner and the cost model, and the interval's metrics. */
#include "replay/internal.h"

#include "model/model.h"
#include "model/plan.h"
#include "plan/planner.h"
#include "replay/trace.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/error.h"

#include <math.h>
#include <string.h>

void ent_replay_options_default(struct ent_replay_options *o)
{
    memset(o, 0, sizeof *o);
    o->seed = 1;
    o->solver_seconds = 2;
    o->solver_levels = 2;
    o->ceiling = 0.9;
    o->min_gain = 2;
    o->node_concurrency = 2;
    ent_costmodel_default(&o->cost);
}

double ent_replay_demand(const struct ent_replay *r, int32_t vm, size_t step)
{
    /* whole MIPS, so that sums are exact and the model (integers) agrees with the policies */
    return round(r->vm_mips[vm] * r->trace->cpu[(size_t)vm * r->trace->n_steps + step]);
}

static int setup(struct ent_replay *r, const struct ent_trace *t,
                 const struct ent_replay_preset *preset, const struct ent_replay_options *o,
                 struct ent_error *err)
{
    memset(r, 0, sizeof *r);
    r->trace = t;
    r->preset = preset;
    r->opts = o;
    r->n_hosts = o->hosts ? o->hosts : preset->n_hosts;
    r->n_vms = t->n_vms;
    r->host_type = ent_malloc((r->n_hosts + 1) * sizeof *r->host_type);
    for (size_t h = 0; h < r->n_hosts; h++)
        r->host_type[h] = &preset->host_types[h % preset->n_host_types];
    r->vm_mips = ent_malloc((r->n_vms + 1) * sizeof *r->vm_mips);
    r->vm_memory = ent_malloc((r->n_vms + 1) * sizeof *r->vm_memory);
    r->host_of = ent_malloc((r->n_vms + 1) * sizeof *r->host_of);
    size_t block = (r->n_vms + preset->n_vm_types - 1) / preset->n_vm_types;
    for (size_t v = 0; v < r->n_vms; v++) {
        const struct ent_replay_vm_type *type = &preset->vm_types[v / block];
        r->vm_mips[v] = type->mips;
        r->vm_memory[v] = t->memory_mb[v] >= 0 ? t->memory_mb[v] : type->memory_mb;
    }
    return ent__replay_place_initially(r, err);
}

static void teardown(struct ent_replay *r)
{
    ent_free(r->host_type);
    ent_free(r->vm_mips);
    ent_free(r->vm_memory);
    ent_free(r->host_of);
}

/* Per VM, from the plan: seconds migrating, seconds suspended, when its last action ends. */
static void take_times(const struct ent_plan *plan, double *busy, double *suspended, double *end)
{
    for (size_t i = 0; i < plan->len; i++) {
        const struct ent_action *a = &plan->actions[i];
        if (a->vm < 0)
            continue;
        if (a->kind == ENT_ACTION_MIGRATE_VM)
            busy[a->vm] += (double)(a->end - a->start);
        else if (a->kind == ENT_ACTION_SUSPEND_VM) /* down from its suspend ... */
            suspended[a->vm] -= (double)a->start;
        else if (a->kind == ENT_ACTION_RESUME_VM) /* ... to its resume's end */
            suspended[a->vm] += (double)a->end;
        end[a->vm] = fmax(end[a->vm], (double)a->end);
    }
}

/* Per VM, the seconds its move takes and when it ends (the plan's), 0 for a VM that stays; for a
 * policy that executes, the plan run by the executor on the simulated cluster and target set to
 * where the VMs are after it.
 * Returns 1 when the planner refused: the moves are then timed one by one by the cost model and
 * made without the executor. *failed counts the actions that failed. */
static int time_moves(const struct ent_replay *r, struct ent_replay_sim *sim, int32_t *target,
                      const double *demand, double *busy, double *suspended, double *end,
                      size_t *failed)
{
    struct ent_model m;
    struct ent_error err;
    int unplanned = 1;
    memset(busy, 0, r->n_vms * sizeof *busy);
    memset(suspended, 0, r->n_vms * sizeof *suspended);
    memset(end, 0, r->n_vms * sizeof *end);
    if (ent__replay_model(r, demand, 1.0, &m, &err) == 0) {
        struct ent_mapping map;
        ent_mapping_init(&map);
        ent_mapping_copy(&map, &m.map);
        memcpy(map.vm_host, target, r->n_vms * sizeof *target);
        struct ent_plan_options po;
        ent_plan_options_init(&po);
        po.cost = r->opts->cost;
        po.cost.bandwidth = r->preset->bandwidth;
        po.node_concurrency = r->opts->node_concurrency;
        struct ent_plan plan;
        struct ent_plan_stats ps;
        ent_plan_init(&plan);
        if (ent_plan_build(&m, &map, &po, &plan, &ps, &err) == 0) {
            unplanned = 0;
            take_times(&plan, busy, suspended, end);
            if (sim->cluster)
                *failed += ent__replay_sim_execute(sim, &m, &plan, target);
        }
        ent_plan_release(&plan);
        ent_mapping_release(&map);
    }
    ent_model_release(&m);
    if (unplanned) {
        for (size_t v = 0; v < r->n_vms; v++)
            if (target[v] != r->host_of[v]) {
                struct ent_precopy pc;
                ent_precopy(&r->opts->cost, (double)r->vm_memory[v], r->preset->bandwidth,
                            r->opts->cost.dirty_rate, &pc);
                busy[v] = end[v] = pc.seconds;
            }
        if (sim->cluster)
            ent__replay_sim_place(sim, target);
    }
    return unplanned;
}

struct run {
    struct ent_replay r;
    struct ent_replay_sim sim;
    struct ent_replay_result *out;
    double *now, *next, *busy, *suspended, *end, *host_now, *host_next, *host_free_at;
    size_t *count;
    int32_t *target;
};

/* The migrations of this step: counted, timed, their degradation; hosts they empty. */
static void account_moves(struct run *x)
{
    struct ent_replay *r = &x->r;
    struct ent_replay_totals *t = &x->out->totals;
    struct ent_replay_step *s = &x->out->steps[r->step];
    size_t wanted = 0;
    for (size_t v = 0; v < r->n_vms; v++)
        wanted += x->target[v] != r->host_of[v];
    if (wanted == 0)
        return;
    x->out->unplanned += (size_t)time_moves(r, &x->sim, x->target, x->now, x->busy, x->suspended,
                                            x->end, &x->out->failed_actions);
    for (size_t v = 0; v < r->n_vms; v++) /* where the VMs are now */
        s->migrations += x->target[v] != r->host_of[v];
    memset(x->host_free_at, 0, r->n_hosts * sizeof *x->host_free_at);
    for (size_t v = 0; v < r->n_vms; v++) {
        t->degraded +=
            ENT_MIGRATION_DEGRADATION * x->now[v] * x->busy[v] + x->now[v] * x->suspended[v];
        int32_t from = r->host_of[v];
        x->host_free_at[from] = fmax(x->host_free_at[from], x->end[v]);
    }
    t->migrations += s->migrations;
}

/* The interval from this sample to the next, on the target placement. */
static void account_interval(struct run *x)
{
    struct ent_replay *r = &x->r;
    struct ent_replay_totals *t = &x->out->totals;
    struct ent_replay_step *s = &x->out->steps[r->step];
    double secs = r->trace->step_seconds, joules = 0, active = 0, over = 0;
    memset(x->host_now, 0, r->n_hosts * sizeof *x->host_now);
    memset(x->host_next, 0, r->n_hosts * sizeof *x->host_next);
    size_t *before = x->count;
    for (size_t v = 0; v < r->n_vms; v++) {
        x->host_now[x->target[v]] += x->now[v];
        x->host_next[x->target[v]] += x->next[v];
        t->requested += secs * (x->now[v] + x->next[v]) / 2;
    }
    size_t *after = ent_calloc(r->n_hosts + 1, sizeof *after);
    for (size_t v = 0; v < r->n_vms; v++)
        after[x->target[v]]++;
    for (size_t h = 0; h < r->n_hosts; h++) {
        const struct ent_replay_host_type *type = r->host_type[h];
        if (after[h] == 0) {
            if (before[h] > 0 && s->migrations > 0) { /* on until its last VM has left */
                joules += ent_table_watts(type->power, 0) * fmin(x->host_free_at[h], secs);
                t->shutdowns++;
            }
            continue;
        }
        s->active_hosts++;
        joules += ent_interval_energy(type->power, x->host_now[h] / type->mips,
                                      x->host_next[h] / type->mips, secs);
        over += ent_overload_seconds(x->host_now[h], x->host_next[h], type->mips, secs);
        active += secs;
    }
    memcpy(before, after, r->n_hosts * sizeof *after);
    ent_free(after);
    t->energy_joules += joules;
    t->active_seconds += active;
    t->overload_seconds += over;
    s->time = (double)r->step * secs;
    s->watts = joules / secs;
    s->overloaded = active > 0 ? over / active : 0;
}

static void run_alloc(struct run *x)
{
    size_t nv = x->r.n_vms + 1, nh = x->r.n_hosts + 1;
    x->now = ent_malloc(nv * sizeof *x->now);
    x->next = ent_malloc(nv * sizeof *x->next);
    x->busy = ent_malloc(nv * sizeof *x->busy);
    x->suspended = ent_malloc(nv * sizeof *x->suspended);
    x->end = ent_malloc(nv * sizeof *x->end);
    x->target = ent_malloc(nv * sizeof *x->target);
    x->host_now = ent_malloc(nh * sizeof *x->host_now);
    x->host_next = ent_malloc(nh * sizeof *x->host_next);
    x->host_free_at = ent_calloc(nh, sizeof *x->host_free_at);
    x->count = ent_calloc(nh, sizeof *x->count);
    for (size_t v = 0; v < x->r.n_vms; v++)
        x->count[x->r.host_of[v]]++;
}

static void run_free(struct run *x)
{
    ent_free(x->now);
    ent_free(x->next);
    ent_free(x->busy);
    ent_free(x->suspended);
    ent_free(x->end);
    ent_free(x->target);
    ent_free(x->host_now);
    ent_free(x->host_next);
    ent_free(x->host_free_at);
    ent_free(x->count);
}

int ent_replay_run(const struct ent_trace *trace, const struct ent_replay_preset *preset,
                   const struct ent_replay_policy *policy, const struct ent_replay_options *opts,
                   struct ent_replay_result *out, struct ent_error *err)
{
    double t0 = ent_now();
    memset(out, 0, sizeof *out);
    out->policy = policy->name;
    struct run x = {.out = out};
    int rc = setup(&x.r, trace, preset, opts, err);
    if (rc) {
        teardown(&x.r);
        return rc;
    }
    out->n_steps = trace->n_steps;
    out->steps = ent_calloc(trace->n_steps + 1, sizeof *out->steps);
    run_alloc(&x);
    if (policy->executes)
        rc = ent__replay_sim_open(&x.sim, &x.r, err);
    void *state = policy->init ? policy->init(&x.r) : NULL;
    for (size_t k = 0; k < trace->n_steps && !rc; k++) {
        struct ent_replay *r = &x.r;
        r->step = k;
        for (size_t v = 0; v < r->n_vms; v++) {
            x.now[v] = ent_replay_demand(r, (int32_t)v, k);
            x.next[v] = ent_replay_demand(r, (int32_t)v, k + 1 < trace->n_steps ? k + 1 : k);
        }
        memcpy(x.target, r->host_of, r->n_vms * sizeof *x.target);
        if (k > 0) /* the start placement stands for the first interval */
            rc = policy->decide(policy, r, state, x.target, err);
        for (size_t v = 0; v < r->n_vms && !rc; v++)
            if (x.target[v] < 0 || (size_t)x.target[v] >= r->n_hosts)
                rc = ent_error(err, ENT_EINVALID, "policy %s left VM %s on no host", policy->name,
                               trace->names[v]);
        if (rc)
            break;
        account_moves(&x);
        account_interval(&x);
        memcpy(r->host_of, x.target, r->n_vms * sizeof *x.target);
    }
    if (policy->release)
        policy->release(state);
    ent__replay_sim_close(&x.sim);
    run_free(&x);
    teardown(&x.r);
    ent_replay_figures(&out->totals, &out->figures);
    out->wall_seconds = ent_now() - t0;
    if (rc)
        ent_replay_result_release(out);
    return rc;
}

void ent_replay_result_release(struct ent_replay_result *res)
{
    if (!res)
        return;
    ent_free(res->steps);
    res->steps = NULL;
    res->n_steps = 0;
}
