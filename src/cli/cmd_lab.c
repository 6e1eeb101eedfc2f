/* entropy lab: a local lab of real QEMU micro-VMs, consolidated with real live migrations. */
#include "cli/cli.h"
#include "daemon/loop.h"
#include "drivers/driver.h"
#include "lab/lab.h"
#include "lab/lab_monitor.h"
#include "model/json_file.h"
#include "model/model.h"
#include "monitor/monitor.h"
#include "proto/qmp_client.h"
#include "util/error.h"
#include "util/log.h"

#include <getopt.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static atomic_int stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

struct lab_args {
    const char *dir;
    struct ent_lab_options lab;
    struct ent_exec_options exec;
    struct ent_plan_options plan;
    int dry_run;
};

enum {
    OPT_DIR = 256,
    OPT_NODES,
    OPT_VMS,
    OPT_MEMORY,
    OPT_NODE_MEMORY,
    OPT_NODE_CPUS,
    OPT_ACCEL,
    OPT_DRY_RUN,
    OPT_SEQUENTIAL,
    OPT_PARALLEL,
    OPT_NODE_CONC,
    OPT_BANDWIDTH,
    OPT_DOWNTIME,
    OPT_TIMEOUT
};

static const struct option longopts[] = {
    {"dir", required_argument, NULL, OPT_DIR},
    {"nodes", required_argument, NULL, OPT_NODES},
    {"vms", required_argument, NULL, OPT_VMS},
    {"memory", required_argument, NULL, OPT_MEMORY},
    {"node-memory", required_argument, NULL, OPT_NODE_MEMORY},
    {"node-cpus", required_argument, NULL, OPT_NODE_CPUS},
    {"accel", required_argument, NULL, OPT_ACCEL},
    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
    {"sequential", no_argument, NULL, OPT_SEQUENTIAL},
    {"max-parallel", required_argument, NULL, OPT_PARALLEL},
    {"node-concurrency", required_argument, NULL, OPT_NODE_CONC},
    {"bandwidth", required_argument, NULL, OPT_BANDWIDTH},
    {"max-downtime", required_argument, NULL, OPT_DOWNTIME},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {NULL, 0, NULL, 0}};

/* A number option of entropy lab within [min, max]. */
static int number(const char *opt, double min, double max, double *out)
{
    return ent_cli_number("lab", opt, optarg, min, max, out) ? ENT_EXIT_INPUT : 0;
}

/* The options that shape the lab (entropy lab up). */
static int lab_option(struct lab_args *a, int c)
{
    double num = 0;
    int rc;
    switch (c) {
    case OPT_NODES:
        rc = number("--nodes", 1, 64, &num);
        a->lab.nodes = (size_t)num;
        return rc;
    case OPT_VMS:
        rc = number("--vms", 0, 256, &num);
        a->lab.vms = (size_t)num;
        return rc;
    case OPT_MEMORY:
        rc = number("--memory", 16, 4096, &num);
        a->lab.vm_memory_mb = (int64_t)num;
        return rc;
    case OPT_NODE_MEMORY:
        rc = number("--node-memory", 16, 1 << 20, &num);
        a->lab.node_memory_mb = (int64_t)num;
        return rc;
    case OPT_NODE_CPUS:
        rc = number("--node-cpus", 1, 1024, &num);
        a->lab.node_cpus = (int)num;
        return rc;
    default: /* OPT_ACCEL */
        if (strcmp(optarg, "kvm") && strcmp(optarg, "tcg") && strcmp(optarg, "kvm:tcg"))
            return ent_cli_fail("lab", "--accel: \"%s\" is not kvm, tcg or kvm:tcg", optarg);
        a->lab.accel = optarg;
        return 0;
    }
}

/* The options of migrations and rounds. */
static int exec_option(struct lab_args *a, int c)
{
    double num = 0;
    int rc;
    switch (c) {
    case OPT_PARALLEL:
        rc = number("--max-parallel", 1, 1024, &num);
        a->exec.max_parallel = (int)num;
        return rc;
    case OPT_NODE_CONC:
        rc = number("--node-concurrency", 0, 1024, &num);
        a->exec.node_concurrency = (int)num;
        if (num >= 1) /* the plan counts the same slots the executor allows */
            a->plan.node_concurrency = (int)num;
        return rc;
    case OPT_BANDWIDTH:
        return number("--bandwidth", 0.01, 1e6, &a->exec.bandwidth);
    case OPT_DOWNTIME:
        rc = ent_cli_key_number("lab", "--max-downtime", "migration.max_downtime_ms", optarg, &num);
        a->exec.max_downtime = num / 1000;
        return rc ? ENT_EXIT_INPUT : 0;
    default: /* OPT_TIMEOUT */
        return ent_cli_key_number("lab", "--timeout", "migration.timeout", optarg, &a->exec.timeout)
                   ? ENT_EXIT_INPUT
                   : 0;
    }
}

static int parse(int argc, char **argv, struct lab_args *a)
{
    a->dir = ent_lab_default_dir();
    ent_lab_options_default(&a->lab);
    ent_exec_options_default(&a->exec);
    ent_plan_options_init(&a->plan);
    a->dry_run = 0;
    int c, rc = 0;
    optind = 2;
    while (!rc && (c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (c == OPT_DIR)
            a->dir = optarg;
        else if (c == OPT_DRY_RUN)
            a->dry_run = 1;
        else if (c == OPT_SEQUENTIAL)
            a->exec.max_parallel = 1;
        else if (c >= OPT_NODES && c <= OPT_ACCEL)
            rc = lab_option(a, c);
        else if (c >= OPT_PARALLEL && c <= OPT_TIMEOUT)
            rc = exec_option(a, c);
        else
            rc = ent_cli_fail("lab", "bad option (see entropy lab --help)");
    }
    return rc;
}

static int print_json(json_t *doc)
{
    struct ent_error err;
    ent_error_init(&err);
    int rc = ent_json_save_file(doc, "-", &err);
    json_decref(doc);
    return rc ? ent_cli_fail("lab", "%s", err.msg) : ENT_EXIT_OK;
}

/* One VM of the lab as entropy lab status shows it. */
static json_t *vm_status(struct ent_lab *lab, const char *name)
{
    struct ent_lab_vm vm;
    struct ent_error err;
    ent_error_init(&err);
    char status[32] = "gone";
    if (ent_lab_vm_read(lab, name, &vm, &err))
        return json_pack("{s:s, s:s}", "name", name, "error", err.msg);
    if (ent_lab_qemu_alive(&vm.qemu) &&
        ent_qmp_status(vm.qemu.qmp, 5.0, status, sizeof status, NULL))
        snprintf(status, sizeof status, "unanswering");
    return json_pack("{s:s, s:s, s:I, s:s, s:i, s:s, s:i}", "name", vm.name, "node", vm.node,
                     "memory_mb", (json_int_t)vm.memory_mb, "status", status, "pid",
                     (int)vm.qemu.pid, "qmp", vm.qemu.qmp, "generation", (int)vm.qemu.generation);
}

static int lab_status(const struct lab_args *a)
{
    struct ent_lab lab;
    struct ent_error err;
    ent_error_init(&err);
    if (ent_lab_open(&lab, a->dir, &err))
        return ent_cli_fail("lab", "%s", err.msg);
    char **names = NULL;
    size_t n = 0;
    json_t *nodes = json_array(), *vms = json_array(), *doc = NULL;
    int rc = ent_lab_vm_names(&lab, &names, &n, &err);
    if (rc)
        goto cleanup;
    for (size_t i = 0; i < lab.n_nodes; i++)
        json_array_append_new(nodes, json_pack("{s:s, s:I, s:i}", "name", lab.nodes[i].name,
                                               "memory_mb", (json_int_t)lab.nodes[i].memory_mb,
                                               "cpus", lab.nodes[i].cpus));
    for (size_t i = 0; i < n; i++)
        json_array_append_new(vms, vm_status(&lab, names[i]));
    doc = json_pack("{s:s, s:s, s:O, s:O}", "dir", a->dir, "accel", lab.accel, "nodes", nodes,
                    "vms", vms);
cleanup:
    ent_lab_names_free(names, n);
    json_decref(nodes);
    json_decref(vms);
    ent_lab_release(&lab);
    return rc ? ent_cli_fail("lab", "%s", err.msg) : print_json(doc);
}

/* Nodes hosting a VM of the lab now. */
static size_t active_nodes(const char *dir)
{
    struct ent_lab_source src = {.dir = dir, .cpu_share = 100};
    struct ent_monitor mon;
    struct ent_model m;
    ent_model_init(&m);
    size_t n = ent_monitor_open(&mon, "lab", &src, NULL) || ent_monitor_snapshot(&mon, &m, NULL)
                   ? 0
                   : ent_model_active_nodes(&m);
    ent_monitor_close(&mon);
    ent_model_release(&m);
    return n;
}

static int lab_round(struct lab_args *a)
{
    struct ent_error err;
    ent_error_init(&err);
    struct ent_lab_source src = {.dir = a->dir, .cpu_share = 100};
    struct ent_monitor mon;
    struct ent_driver_set drivers;
    ent_driver_set_init(&drivers);
    if (ent_monitor_open(&mon, "lab", &src, &err) ||
        ent_driver_set_open(&drivers, "qmp", (void *)a->dir, &err))
        return ent_cli_fail("lab", "%s", err.msg);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    struct ent_loop loop = {.monitor = &mon,
                            .drivers = &drivers,
                            .plan = a->plan,
                            .exec = a->exec,
                            .dry_run = a->dry_run,
                            .stop = &stop_requested,
                            .report = true};
    ent_solve_options_init(&loop.solve);
    struct ent_round r;
    ent_loop_round(&loop, &r);
    size_t before = r.active_nodes; /* from the round's own snapshot */
    size_t after = active_nodes(a->dir);
    json_t *doc =
        json_pack("{s:b, s:s?, s:I, s:I, s:I, s:I, s:I, s:I}", "skipped", r.skipped, "reason",
                  r.skipped ? r.reason : NULL, "vms", (json_int_t)r.vms, "active_nodes_before",
                  (json_int_t)before, "active_nodes_after", (json_int_t)after, "target_nodes",
                  (json_int_t)r.decision.nodes_used, "actions", (json_int_t)r.actions,
                  "planned_makespan", (json_int_t)r.makespan);
    json_object_set_new(doc, "executor",
                        json_string(a->exec.max_parallel == 1 ? "sequential" : "parallel"));
    if (r.report)
        json_object_set(doc, "executed", r.report);
    int failed = r.skipped || r.exec.failed;
    ent_round_release(&r);
    ent_loop_release(&loop);
    ent_driver_set_close(&drivers);
    ent_monitor_close(&mon);
    int rc = print_json(doc);
    return rc ? rc : failed ? ENT_EXIT_NO : ENT_EXIT_OK;
}

static int lab_migrate(struct lab_args *a, const char *vm_name, const char *to)
{
    struct ent_error err;
    ent_error_init(&err);
    struct ent_lab lab;
    struct ent_lab_vm vm;
    if (ent_lab_open(&lab, a->dir, &err))
        return ent_cli_fail("lab", "%s", err.msg);
    int rc = ent_lab_vm_read(&lab, vm_name, &vm, &err);
    ent_lab_release(&lab);
    if (rc)
        return ent_cli_fail("lab", "%s", err.msg);
    struct ent_driver drv;
    if (ent_driver_open(&drv, "qmp", (void *)a->dir, &err))
        return ent_cli_fail("lab", "%s", err.msg);
    rc = ent_cli_migrate(&drv, vm.name, vm.node, to, &a->exec);
    ent_driver_close(&drv);
    return rc;
}

int ent_cmd_lab(int argc, char **argv)
{
    if (argc < 2)
        return ent_cli_fail("lab", "expects up, status, round, migrate or down (see --help)");
    const char *sub = argv[1];
    struct lab_args a;
    int rc = parse(argc, argv, &a);
    if (rc)
        return rc;
    struct ent_error err;
    ent_error_init(&err);
    /* What happens goes to stderr (a round's migrations at INFO), the answer to stdout. */
    ent_log_open(NULL, strcmp(sub, "round") == 0 ? ENT_LOG_INFO : ENT_LOG_WARN, &err);
    size_t rest = (size_t)(argc - optind);
    if (strcmp(sub, "migrate") == 0) {
        if (rest != 2)
            return ent_cli_fail("lab", "migrate expects VM NODE");
        return lab_migrate(&a, argv[optind], argv[optind + 1]);
    }
    if (rest)
        return ent_cli_fail("lab", "unexpected argument \"%s\"", argv[optind]);
    if (strcmp(sub, "up") == 0) {
        if (ent_lab_up(a.dir, &a.lab, &err))
            return ent_cli_fail("lab", "%s", err.msg);
        return lab_status(&a);
    }
    if (strcmp(sub, "status") == 0)
        return lab_status(&a);
    if (strcmp(sub, "round") == 0)
        return lab_round(&a);
    if (strcmp(sub, "down") == 0) {
        if (ent_lab_down(a.dir, &err))
            return ent_cli_fail("lab", "%s", err.msg);
        return ENT_EXIT_OK;
    }
    return ent_cli_fail("lab", "unknown subcommand \"%s\" (up, status, round, migrate, down)", sub);
}
