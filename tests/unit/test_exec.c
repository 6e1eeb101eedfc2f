/* The parallel executor: dependencies from the plan's times, dropped dependents, the stop flag,
 * concurrency limits. The driver here is a recording one defined by the test (it stands for no
 * real service: the executor's logic is what is under test). */
#include "daemon/in_flight.h"
#include "daemon/loop.h"
#include "daemon/plugins.h"
#include "helpers.h"

#include "drivers/driver.h"
#include "exec/deps.h"
#include "exec/executor.h"
#include "util/clock.h"
#include "util/log.h"

#include <pthread.h>

/* What the recording driver saw. */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int meet; /* a migration waits (up to 2 s) until this many run, so that actions the executor
               * runs together are seen together however slow the machine (0: no wait) */
    int running, max_running, max_on_n0;
    int on_n0;
    int seq;
    int started[16], ended[16]; /* sequence numbers, per VM index (vm-N) */
    char fail_vm[16];
    bool arrived; /* the migration xend went on with has ended: the VM runs on its destination */
} rec = {.lock = PTHREAD_MUTEX_INITIALIZER, .changed = PTHREAD_COND_INITIALIZER};

static int vm_index(const char *name)
{
    return atoi(name + 3);
}

static int rec_perform(struct ent_driver *drv, struct ent_migration *mig, struct ent_error *err)
{
    (void)drv;
    int v = vm_index(mig->vm);
    int touches_n0 = strcmp(mig->from, "n0") == 0 || strcmp(mig->to, "n0") == 0;
    pthread_mutex_lock(&rec.lock);
    rec.started[v] = ++rec.seq;
    if (++rec.running > rec.max_running)
        rec.max_running = rec.running;
    if (touches_n0 && ++rec.on_n0 > rec.max_on_n0)
        rec.max_on_n0 = rec.on_n0;
    pthread_cond_broadcast(&rec.changed);
    struct timespec until = ent_timespec_in(CLOCK_REALTIME, 2);
    while (rec.running < rec.meet && pthread_cond_timedwait(&rec.changed, &rec.lock, &until) == 0)
        ;
    rec.meet = 0; /* met, or given up: the rest of the plan runs freely */
    pthread_mutex_unlock(&rec.lock);
    ent_sleep(0.03);
    pthread_mutex_lock(&rec.lock);
    rec.running--;
    rec.on_n0 -= touches_n0;
    rec.ended[v] = ++rec.seq;
    int fail = strcmp(rec.fail_vm, mig->vm) == 0;
    pthread_mutex_unlock(&rec.lock);
    mig->seconds = 0.03;
    mig->downtime = 0.001;
    return fail ? ent_error(err, ENT_EDRIVER, "scripted failure") : 0;
}

/* After the scripted failure, the VM is still migrating from its source (xend could not cancel),
 * until rec.arrived. */
static int rec_locate(struct ent_driver *drv, const char *vm, const char *from, const char *to,
                      struct ent_vm_place *out, struct ent_error *err)
{
    memset(out, 0, sizeof *out);
    snprintf(out->node, sizeof out->node, "%s", rec.arrived ? to : from);
    snprintf(out->state, sizeof out->state, "%s", rec.arrived ? "running" : "migrating");
    out->copies = 1;
    return 0;
}

static const struct ent_driver_ops rec_ops = {
    .name = "recording", .migrate_perform = rec_perform, .locate_vm = rec_locate};

struct fixture {
    struct ent_model m;
    struct ent_plan plan;
    struct ent_driver_set drivers;
};

static void migration(struct ent_plan *plan, int32_t vm, int32_t from, int32_t to, int64_t start,
                      int64_t end)
{
    struct ent_action *a = ent_plan_add(plan, ENT_ACTION_MIGRATE_VM);
    a->vm = vm;
    a->from = from;
    a->to = to;
    a->start = start;
    a->end = end;
}

static struct fixture *setup(void)
{
    memset(rec.started, 0, sizeof rec.started);
    memset(rec.ended, 0, sizeof rec.ended);
    rec.seq = rec.running = rec.max_running = rec.max_on_n0 = rec.on_n0 = rec.meet = 0;
    rec.fail_vm[0] = '\0';
    rec.arrived = false;
    ent_log_open(NULL, ENT_LOG_ERROR, NULL);
    ent_plugins_init();
    if (!ent_driver_lookup("recording"))
        assert_int_equal(ent_driver_register(&rec_ops, NULL), 0);
    struct fixture *f = calloc(1, sizeof *f);
    ent_model_init(&f->m);
    ent_plan_init(&f->plan);
    int mem = ent_model_add_resource(&f->m, "memory", 0, 0, NULL);
    for (int n = 0; n < 4; n++) {
        char name[8];
        snprintf(name, sizeof name, "n%d", n);
        assert_int_equal(ent_model_add_node(&f->m, n, name, ENT_NODE_ONLINE, NULL), n);
        f->m.res[mem].capacity[n] = 1024;
    }
    for (int v = 0; v < 8; v++) {
        char name[8];
        snprintf(name, sizeof name, "vm-%d", v);
        assert_int_equal(ent_model_add_vm(&f->m, v, name, ENT_VM_RUNNING, v % 4, NULL), v);
        f->m.res[mem].demand[v] = 64;
    }
    ent_driver_set_init(&f->drivers);
    assert_int_equal(ent_driver_set_open(&f->drivers, "recording", NULL, NULL), 0);
    return f;
}

static void teardown(struct fixture *f)
{
    ent_driver_set_close(&f->drivers);
    ent_plan_release(&f->plan);
    ent_model_release(&f->m);
    free(f);
}

/* a0: vm-0 n0->n1 [0,5]; a1: vm-1 n1->n2 [5,10] (after a0 on n1, a2 on n2);
 * a2: vm-3 n3->n2 [0,5]; a3: vm-2 n2->n3 [10,15] (after a1 on n2, a2 on n3). */
static void chain(struct ent_plan *plan)
{
    migration(plan, 0, 0, 1, 0, 5);
    migration(plan, 1, 1, 2, 5, 10);
    migration(plan, 3, 3, 2, 0, 5);
    migration(plan, 2, 2, 3, 10, 15);
}

static void run(struct fixture *f, const struct ent_exec_options *o, atomic_int *stop,
                struct ent_exec_result *res)
{
    struct ent_exec_options defaults;
    ent_exec_options_default(&defaults);
    ent_execute_plan(&f->m, &f->plan, &f->drivers, o ? o : &defaults, stop, res);
}

static void test_dependencies_are_waited_for(void **state)
{
    (void)state;
    struct fixture *f = setup();
    chain(&f->plan);
    rec.meet = 2; /* a0 and a2 may run together: they meet */
    struct ent_exec_result res;
    run(f, NULL, NULL, &res);
    assert_int_equal(res.done, 4);
    assert_int_equal(res.migrations, 4);
    assert_true(rec.started[1] > rec.ended[0] && rec.started[1] > rec.ended[3]);
    assert_true(rec.started[2] > rec.ended[1]);
    assert_int_equal(rec.max_running, 2); /* a0 and a2 together, nothing else could */
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(res.outcomes[i].status, ENT_ACTION_DONE);
    ent_exec_result_release(&res);
    teardown(f);
}

/* The chain run with vm-0's migration (the first action) failing. */
static struct fixture *run_chain_failing_vm0(struct ent_exec_result *res)
{
    struct fixture *f = setup();
    chain(&f->plan);
    strcpy(rec.fail_vm, "vm-0");
    run(f, NULL, NULL, res);
    return f;
}

static void test_failure_drops_dependents_only(void **state)
{
    (void)state;
    struct ent_exec_result res;
    struct fixture *f = run_chain_failing_vm0(&res);
    assert_int_equal(res.failed, 1);
    assert_int_equal(res.done, 1); /* a2: independent of a0 */
    assert_int_equal(res.dropped, 2);
    assert_int_equal(res.outcomes[0].status, ENT_ACTION_FAILED);
    assert_string_equal(res.outcomes[0].error, "recording driver: migrating vm-0 from n0 to n1: "
                                               "scripted failure");
    assert_int_equal(res.outcomes[2].status, ENT_ACTION_DONE);
    assert_int_equal(res.outcomes[1].status, ENT_ACTION_DROPPED);
    assert_int_equal(res.outcomes[3].status, ENT_ACTION_DROPPED);
    assert_int_equal(rec.started[1], 0);
    /* the driver says the failed migration goes on: the result says so */
    assert_true(res.outcomes[0].in_flight);
    assert_int_equal(res.in_flight, 1);
    ent_exec_result_release(&res);
    teardown(f);
}

/* A migration given up that the hypervisor goes on with is remembered by the loop (the daemon
 * does not call the cluster coherent meanwhile) until its driver says it ended, whatever
 * monitoring shows. */
static void test_a_migration_given_up_is_remembered_until_it_ends(void **state)
{
    (void)state;
    struct ent_exec_result res;
    struct fixture *f = run_chain_failing_vm0(&res);
    struct ent_loop loop = {.drivers = &f->drivers};
    ent_in_flight_learn(&loop, &f->m, &f->plan, &res);
    ent_in_flight_learn(&loop, &f->m, &f->plan, &res); /* a VM once */
    assert_int_equal(loop.n_in_flight, 1);
    assert_string_equal(loop.in_flight[0].vm, "vm-0");
    assert_string_equal(loop.in_flight[0].to, "n1");
    assert_int_equal(ent_in_flight_ask(&loop), 1); /* still migrating */
    rec.arrived = true;
    assert_int_equal(ent_in_flight_ask(&loop), 0); /* ended: forgotten */
    ent_in_flight_learn(&loop, &f->m, &f->plan, &res);
    ent_in_flight_release(&loop); /* what is left is freed */
    assert_int_equal(loop.n_in_flight, 0);
    ent_in_flight_release(NULL);
    ent_exec_result_release(&res);
    teardown(f);
}

static void test_stop_starts_nothing(void **state)
{
    (void)state;
    struct fixture *f = setup();
    chain(&f->plan);
    atomic_int stop = 1;
    struct ent_exec_result res;
    run(f, NULL, &stop, &res);
    assert_int_equal(res.not_started, 4);
    assert_int_equal(rec.seq, 0);
    ent_exec_result_release(&res);
    teardown(f);
}

/* The journal's hook: it cannot record the start of the action for vm-3 (a full disk). */
static int journal_full_at_vm3(void *arg, size_t index, const struct ent_action_outcome *o)
{
    const struct ent_plan *plan = arg;
    return o->status == ENT_ACTION_RUNNING && plan->actions[index].vm == 3 ? ENT_EIO : 0;
}

/* Write-ahead: an action whose start was not recorded does not run, nor does anything after. */
static void test_an_unrecorded_start_runs_nothing(void **state)
{
    (void)state;
    struct fixture *f = setup();
    chain(&f->plan);
    struct ent_exec_options o;
    ent_exec_options_default(&o);
    o.max_parallel = 1; /* a0 (vm-0) first, then a2 (vm-3) */
    o.on_action = journal_full_at_vm3;
    o.hook_arg = &f->plan;
    struct ent_exec_result res;
    run(f, &o, NULL, &res);
    assert_int_equal(res.outcomes[0].status, ENT_ACTION_DONE); /* recorded: ran */
    assert_int_equal(res.outcomes[2].status, ENT_ACTION_NOT_STARTED);
    assert_int_equal(rec.started[3], 0); /* the driver never saw it */
    assert_int_equal(rec.started[1], 0); /* nor anything after it */
    assert_int_equal(rec.started[2], 0);
    assert_int_equal(res.done, 1);
    assert_int_equal(res.not_started, 3);
    ent_exec_result_release(&res);
    teardown(f);
}

static void test_limits(void **state)
{
    (void)state;
    struct fixture *f = setup();
    /* Six independent migrations at time 0, three through n0. */
    migration(&f->plan, 0, 0, 1, 0, 5);
    migration(&f->plan, 4, 0, 2, 0, 5);
    migration(&f->plan, 1, 1, 0, 0, 5);
    migration(&f->plan, 2, 2, 3, 0, 5);
    migration(&f->plan, 3, 3, 1, 0, 5);
    migration(&f->plan, 5, 1, 2, 0, 5);
    struct ent_exec_options o;
    ent_exec_options_default(&o);
    o.node_concurrency = 1;
    struct ent_exec_result res;
    run(f, &o, NULL, &res);
    assert_int_equal(res.done, 6);
    assert_int_equal(rec.max_on_n0, 1);
    ent_exec_result_release(&res);

    struct fixture *g = setup();
    migration(&g->plan, 0, 0, 1, 0, 5);
    migration(&g->plan, 2, 2, 3, 0, 5);
    migration(&g->plan, 3, 3, 2, 0, 5);
    ent_exec_options_default(&o);
    o.max_parallel = 1; /* sequential */
    run(g, &o, NULL, &res);
    assert_int_equal(res.done, 3);
    assert_int_equal(rec.max_running, 1);
    assert_true(rec.started[2] > rec.ended[0] && rec.started[3] > rec.ended[2]);
    ent_exec_result_release(&res);
    teardown(g);
    teardown(f);
}

static void test_instant_actions_do_not_wait_for_each_other(void **state)
{
    (void)state;
    struct fixture *f = setup();
    migration(&f->plan, 0, 0, 1, 3, 3);
    migration(&f->plan, 4, 0, 1, 3, 3);
    struct ent_exec_deps d;
    ent_exec_deps_build(&d, &f->plan, f->m.n_nodes);
    assert_true(ent_exec_deps_ready(&d, 0));
    assert_false(ent_exec_deps_ready(&d, 1)); /* ordered, not a cycle */
    ent_exec_deps_done(&d, 0);
    assert_true(ent_exec_deps_ready(&d, 1));
    ent_exec_deps_release(&d);
    struct ent_exec_result res;
    run(f, NULL, NULL, &res);
    assert_int_equal(res.done, 2);
    ent_exec_result_release(&res);
    teardown(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dependencies_are_waited_for),
        cmocka_unit_test(test_failure_drops_dependents_only),
        cmocka_unit_test(test_a_migration_given_up_is_remembered_until_it_ends),
        cmocka_unit_test(test_stop_starts_nothing),
        cmocka_unit_test(test_an_unrecorded_start_runs_nothing),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_instant_actions_do_not_wait_for_each_other),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
