/* entropy demo: the control loop for a bounded number of rounds on the built-in simulated
 * cluster, with the sim monitor and the sim driver. */
#include "cli/cli.h"
#include "daemon/loop.h"
#include "drivers/driver.h"
#include "monitor/monitor.h"
#include "replay/trace.h"
#include "sim/cluster.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"

#include <getopt.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

static atomic_int stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

struct demo_totals {
    size_t migrations, failed, skipped_rounds, bypasses;
    long long sim_seconds;
    size_t first_active, last_active, min_active;
};

static void print_round(const struct ent_round *r, size_t active_after)
{
    if (r->skipped) {
        printf("round %3ld: %zu VMs on %zu active nodes; nothing done: %s\n", r->round, r->vms,
               r->active_nodes, r->reason);
        return;
    }
    printf("round %3ld: active nodes %2zu -> %2zu (target %lld), %3zu migrations%s, "
           "%zu failed, plan %4lld s, decided in %.1f ms\n",
           r->round, r->active_nodes, active_after, (long long)r->decision.nodes_used, r->exec.done,
           r->plan.bypasses ? " (with bypasses)" : "", r->exec.failed, r->makespan,
           r->decision.seconds * 1000);
}

static const struct option longopts[] = {
    {"rounds", required_argument, NULL, 'r'},    {"nodes", required_argument, NULL, 'n'},
    {"vms", required_argument, NULL, 'v'},       {"seed", required_argument, NULL, 's'},
    {"objective", required_argument, NULL, 'b'}, {"failure-rate", required_argument, NULL, 'f'},
    {"log", required_argument, NULL, 'l'},       {"quiet", no_argument, NULL, 'q'},
    {"trace", required_argument, NULL, 't'},     {NULL, 0, NULL, 0}};

struct demo_args {
    struct ent_sim_options so;
    struct ent_loop loop;
    const char *log_path;
    double rounds;
    int quiet, nodes_given;
    const char *trace_path;
    struct ent_trace trace; /* replayed instead of the random load when trace_path is set */
};

static int parse_option(struct demo_args *a, int c)
{
    double num = 0;
    int rc = 0;
    switch (c) {
    case 'r':
        return ent_cli_number("demo", "--rounds", optarg, 1, 100000, &a->rounds) ? ENT_EXIT_INPUT
                                                                                 : 0;
    case 'n':
        rc = ent_cli_key_number("demo", "--nodes", "monitor.sim.nodes", optarg, &num);
        a->so.nodes = (size_t)num;
        a->nodes_given = 1;
        return rc ? ENT_EXIT_INPUT : 0;
    case 'v':
        rc = ent_cli_key_number("demo", "--vms", "monitor.sim.vms", optarg, &num);
        a->so.vms = (size_t)num;
        return rc ? ENT_EXIT_INPUT : 0;
    case 's':
        rc = ent_cli_number("demo", "--seed", optarg, 0, 9007199254740992.0, &num);
        a->so.seed = (uint64_t)num;
        return rc ? ENT_EXIT_INPUT : 0;
    case 'b':
        if (!(a->loop.solve.objective = ent_objective_find(optarg)))
            return ent_cli_fail_choice("demo", "--objective", optarg, ent_objective_name_at);
        return 0;
    case 'f':
        return ent_cli_number("demo", "--failure-rate", optarg, 0, 1, &a->so.failure_rate)
                   ? ENT_EXIT_INPUT
                   : 0;
    case 'l':
        a->log_path = optarg;
        return 0;
    case 'q':
        a->quiet = 1;
        return 0;
    case 't':
        a->trace_path = optarg;
        return 0;
    default:
        return ent_cli_fail("demo", "bad option (see entropy demo --help)");
    }
}

/* The rounds on the simulated cluster, printed as they end; the totals. */
static void run_rounds(struct demo_args *a, struct ent_sim_cluster *cluster,
                       struct demo_totals *tot)
{
    tot->first_active = ent_sim_active_nodes(cluster);
    tot->min_active = tot->first_active;
    for (int i = 0; i < (int)a->rounds && !stop_requested; i++) {
        if (a->trace_path) /* sample i of the trace, from the start again past its end */
            ent_sim_cluster_set_loads(cluster, a->trace.cpu + (size_t)i % a->trace.n_steps,
                                      a->trace.n_steps);
        else if (i > 0)
            ent_sim_cluster_step(cluster);
        struct ent_round r;
        ent_loop_round(&a->loop, &r);
        size_t active = ent_sim_active_nodes(cluster);
        if (!a->quiet)
            print_round(&r, active);
        tot->migrations += r.exec.done;
        tot->failed += r.exec.failed;
        tot->bypasses += r.plan.bypasses;
        tot->skipped_rounds += r.skipped;
        tot->sim_seconds += r.makespan;
        tot->last_active = active;
        if (active < tot->min_active)
            tot->min_active = active;
        ent_round_release(&r);
        fflush(stdout);
    }
}

static int demo(struct demo_args *a, struct ent_sim_cluster *cluster)
{
    struct ent_error err;
    ent_error_init(&err);
    struct ent_monitor mon;
    struct ent_driver_set drivers;
    ent_driver_set_init(&drivers);
    if (ent_monitor_open(&mon, "sim", cluster, &err) ||
        ent_driver_set_open(&drivers, "sim", cluster, &err))
        return ent_cli_fail("demo", "%s", err.msg);
    a->loop.monitor = &mon;
    a->loop.drivers = &drivers;
    a->loop.stop = &stop_requested;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    ent_info("demo: start: simulated cluster of %zu nodes, %zu VMs, seed %llu, %d rounds, "
             "objective %s",
             cluster->n_nodes, cluster->n_vms, (unsigned long long)a->so.seed, (int)a->rounds,
             a->loop.solve.objective->name);
    printf("Entropy demo: %zu simulated nodes (%d CPUs, %lld MB each), %zu VMs, %d rounds; "
           "log in %s\n",
           cluster->n_nodes, a->so.node_cpus, (long long)a->so.node_memory_mb, cluster->n_vms,
           (int)a->rounds, a->log_path);
    struct demo_totals tot = {0};
    double t0 = ent_now();
    run_rounds(a, cluster, &tot);
    printf("summary: %ld rounds (%zu skipped), active nodes %zu at start, %zu at end (fewest "
           "%zu), %zu migrations (%zu failed, %zu bypasses), %lld s of planned actions, "
           "%.2f s wall clock\n",
           a->loop.round, tot.skipped_rounds, tot.first_active, tot.last_active, tot.min_active,
           tot.migrations, tot.failed, tot.bypasses, tot.sim_seconds, ent_now() - t0);
    ent_info("demo: end: %ld rounds, active nodes %zu -> %zu, %zu migrations, %zu failed%s",
             a->loop.round, tot.first_active, tot.last_active, tot.migrations, tot.failed,
             stop_requested ? " (stopped by signal)" : "");
    ent_loop_release(&a->loop);
    ent_driver_set_close(&drivers);
    ent_monitor_close(&mon);
    return ENT_EXIT_OK;
}

int ent_cmd_demo(int argc, char **argv)
{
    struct demo_args a = {.log_path = "logs/entropy.log", .rounds = 10};
    ent_sim_options_default(&a.so);
    ent_solve_options_init(&a.loop.solve);
    ent_plan_options_init(&a.loop.plan);
    int c, status = 0;
    optind = 1;
    while (!status && (c = getopt_long(argc, argv, "", longopts, NULL)) != -1)
        status = parse_option(&a, c);
    if (status)
        return status;
    if (optind != argc)
        return ent_cli_fail("demo", "unexpected argument \"%s\"", argv[optind]);
    struct ent_error err;
    ent_error_init(&err);
    ent_trace_init(&a.trace);
    if (a.trace_path) { /* the trace's VMs, on enough nodes for them unless --nodes says */
        if (ent_trace_read(&a.trace, a.trace_path, 300, &err))
            return ent_cli_fail("demo", "%s", err.msg);
        a.so.vms = a.trace.n_vms;
        if (!a.nodes_given && a.so.nodes < (a.so.vms + 2) / 3)
            a.so.nodes = (a.so.vms + 2) / 3;
    }
    if (ent_log_open(a.log_path, ENT_LOG_INFO, &err)) {
        ent_trace_release(&a.trace);
        return ent_cli_fail("demo", "%s", err.msg);
    }
    struct ent_sim_cluster cluster;
    if (ent_sim_cluster_init(&cluster, &a.so, &err)) {
        ent_log_close();
        ent_trace_release(&a.trace);
        return ent_cli_fail("demo", "%s", err.msg);
    }
    status = demo(&a, &cluster);
    ent_sim_cluster_release(&cluster);
    ent_trace_release(&a.trace);
    ent_log_close();
    return status;
}
