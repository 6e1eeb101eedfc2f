/* entropy simulate: replays a utilisation trace through policies side by side (src/replay/) and
 * prints, per policy, the published figures; -o writes them as JSON, CSV or an SVG chart. */
#include "cli/cli.h"
#include "replay/replay.h"
#include "replay/report.h"
#include "replay/trace.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/str.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#define MAX_OUTPUTS 8

static const struct option longopts[] = {{"trace", required_argument, NULL, 't'},
                                         {"preset", required_argument, NULL, 'p'},
                                         {"policy", required_argument, NULL, 'P'},
                                         {"step", required_argument, NULL, 's'},
                                         {"hosts", required_argument, NULL, 'H'},
                                         {"seed", required_argument, NULL, 'S'},
                                         {"solver-time", required_argument, NULL, 'T'},
                                         {"solver-levels", required_argument, NULL, 'L'},
                                         {"failure-rate", required_argument, NULL, 'f'},
                                         {"ceiling", required_argument, NULL, 'c'},
                                         {"min-gain", required_argument, NULL, 'g'},
                                         {"output", required_argument, NULL, 'o'},
                                         {NULL, 0, NULL, 0}};

struct sim_args {
    const char *trace;
    const struct ent_replay_preset *preset;
    const struct ent_replay_policy *policies[16];
    size_t n_policies;
    double step;
    const char *outputs[MAX_OUTPUTS];
    size_t n_outputs;
    struct ent_replay_options opts;
};

/* --policy P[,P...] (may repeat): each a known policy, once. */
static int add_policies(struct sim_args *a, const char *list)
{
    char *copy = ent_strdup(list), *save = NULL;
    int rc = 0;
    for (char *name = strtok_r(copy, ",", &save); name && !rc; name = strtok_r(NULL, ",", &save)) {
        const struct ent_replay_policy *p = ent_replay_policy_find(name);
        if (!p)
            rc = ent_cli_fail_choice("simulate", "--policy", name, ent_replay_policy_name_at);
        for (size_t i = 0; !rc && i < a->n_policies; i++)
            if (a->policies[i] == p)
                rc = ent_cli_fail("simulate", "--policy: %s given twice", name);
        if (!rc && a->n_policies >= sizeof a->policies / sizeof *a->policies)
            rc = ent_cli_fail("simulate", "--policy: too many");
        if (!rc)
            a->policies[a->n_policies++] = p;
    }
    ent_free(copy);
    return rc;
}

/* The number optarg gives option opt, within [lo, hi]. */
static int number(const char *opt, double lo, double hi, double *out)
{
    return ent_cli_number("simulate", opt, optarg, lo, hi, out) ? ENT_EXIT_INPUT : 0;
}

static int parse_option(struct sim_args *a, int c)
{
    double num = 0;
    int rc = 0;
    switch (c) {
    case 't':
        a->trace = optarg;
        return 0;
    case 'p':
        if (!(a->preset = ent_replay_preset_find(optarg)))
            return ent_cli_fail_choice("simulate", "--preset", optarg, ent_replay_preset_name_at);
        return 0;
    case 'P':
        return add_policies(a, optarg);
    case 's':
        return number("--step", 1, 86400, &a->step);
    case 'H':
        rc = number("--hosts", 1, 100000, &num);
        a->opts.hosts = (size_t)num;
        return rc;
    case 'S':
        rc = number("--seed", 0, 9007199254740992.0, &num);
        a->opts.seed = (uint64_t)num;
        return rc;
    case 'T':
        return number("--solver-time", 0.001, 60, &a->opts.solver_seconds);
    case 'L':
        rc = number("--solver-levels", 1, 100, &num);
        a->opts.solver_levels = (int)num;
        return rc;
    case 'f':
        return number("--failure-rate", 0, 1, &a->opts.failure_rate);
    case 'c':
        return number("--ceiling", 0.1, 1, &a->opts.ceiling);
    case 'g':
        rc = number("--min-gain", 0, 100000, &num);
        a->opts.min_gain = (long)num;
        return rc;
    case 'o':
        if (!ent_replay_report_kind(optarg))
            return ent_cli_fail("simulate", "-o %s: the name must end in .json, .csv or .svg",
                                optarg);
        if (a->n_outputs >= MAX_OUTPUTS)
            return ent_cli_fail("simulate", "-o: at most %d outputs", MAX_OUTPUTS);
        a->outputs[a->n_outputs++] = optarg;
        return 0;
    default:
        return ent_cli_fail("simulate", "bad option (see entropy simulate --help)");
    }
}

static void print_results(const struct ent_replay_report *rep)
{
    printf("%-15s %10s %9s %9s %11s %11s %10s %9s %8s\n", "policy", "energy_kWh", "SLATAH_%",
           "PDM_%", "SLAV", "ESV", "migrations", "shutdowns", "wall_s");
    for (size_t i = 0; i < rep->n_results; i++) {
        const struct ent_replay_result *r = &rep->results[i];
        const struct ent_replay_figures *f = &r->figures;
        printf("%-15s %10.2f %9.3f %9.4f %11.3e %11.3e %10zu %9zu %8.2f\n", r->policy,
               f->energy_kwh, f->slatah * 100, f->pdm * 100, f->slav, f->esv, r->totals.migrations,
               r->totals.shutdowns, r->wall_seconds);
    }
}

static int simulate(struct sim_args *a, const struct ent_trace *t)
{
    struct ent_replay_result *results = ent_calloc(a->n_policies, sizeof *results);
    struct ent_error err;
    ent_error_init(&err);
    int status = ENT_EXIT_OK;
    size_t done = 0;
    for (; done < a->n_policies && status == ENT_EXIT_OK; done++)
        if (ent_replay_run(t, a->preset, a->policies[done], &a->opts, &results[done], &err))
            status = ent_cli_fail("simulate", "%s: %s", a->policies[done]->name, err.msg);
    if (status == ENT_EXIT_OK) {
        struct ent_replay_report rep = {
            a->trace, a->preset,    a->opts.hosts ? a->opts.hosts : a->preset->n_hosts,
            t->n_vms, t->n_steps,   t->step_seconds,
            results,  a->n_policies};
        printf("trace %s: %zu VMs, %zu samples every %.0f s; preset %s, %zu hosts\n", a->trace,
               t->n_vms, t->n_steps, t->step_seconds, a->preset->name, rep.hosts);
        print_results(&rep);
        for (size_t i = 0; i < a->n_outputs && status == ENT_EXIT_OK; i++)
            if (ent_replay_report_write(&rep, a->outputs[i], &err))
                status = ent_cli_fail("simulate", "%s", err.msg);
    }
    for (size_t i = 0; i < done; i++)
        ent_replay_result_release(&results[i]);
    ent_free(results);
    return status;
}

int ent_cmd_simulate(int argc, char **argv)
{
    struct sim_args a = {.preset = ent_replay_preset_at(0)};
    ent_replay_options_default(&a.opts);
    int c, status = 0;
    optind = 1;
    while (!status && (c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1)
        status = parse_option(&a, c);
    if (status)
        return status;
    if (optind != argc)
        return ent_cli_fail("simulate", "unexpected argument \"%s\"", argv[optind]);
    if (!a.trace)
        return ent_cli_fail("simulate", "--trace DIR|FILE is required");
    if (a.n_policies == 0) /* none given: every policy */
        for (size_t i = 0; ent_replay_policy_at(i); i++)
            a.policies[a.n_policies++] = ent_replay_policy_at(i);
    struct ent_trace t;
    struct ent_error err;
    ent_error_init(&err);
    if (ent_trace_read(&t, a.trace, a.step > 0 ? a.step : a.preset->step_seconds, &err))
        return ent_cli_fail("simulate", "%s", err.msg);
    status = simulate(&a, &t);
    ent_trace_release(&t);
    return status;
}
