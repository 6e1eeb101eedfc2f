/* entropy solve INSTANCE [-o PLAN] [--objective consolidate|repair|balance|energy] [--time-limit S]
 * [--seed N] */
#include "cli/cli.h"
#include "model/btrplace.h"
#include "model/demand_model.h"
#include "model/evacuate.h"
#include "model/json_file.h"
#include "model/model.h"
#include "model/plan.h"
#include "model/plan_json.h"
#include "model/power.h"
#include "plan/planner.h"
#include "solve/solve.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/error.h"

#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Constraints present that the solver or the chosen planner ignores, as {"id": count}; also said
 * on stderr. The baseline planners ignore timing (seq, noDelay, continuous constraints). */
static json_t *unsupported_constraints(const struct ent_model *m, const struct ent_planner *planner)
{
    json_t *out = json_object();
    for (size_t i = 0; i < m->constraints.len; i++) {
        const struct ent_constraint *c = &m->constraints.items[i];
        int timing = c->kind == ENT_CK_SEQ || c->kind == ENT_CK_NO_DELAY || c->continuous;
        char key[128];
        if (!ent_solve_understands(c->kind))
            snprintf(key, sizeof key, "%s", c->name);
        else if (timing && !planner->honours_timing)
            snprintf(key, sizeof key, "%s (timing, with the %s planner)", c->name, planner->name);
        else
            continue;
        json_t *n = json_object_get(out, key);
        json_object_set_new(out, key, json_integer(n ? json_integer_value(n) + 1 : 1));
    }
    const char *key;
    json_t *val;
    json_object_foreach(out, key, val)
    {
        fprintf(stderr,
                "entropy solve: warning: %lld \"%s\" constraint(s) not taken into account; the "
                "plan may violate them\n",
                (long long)json_integer_value(val), key);
    }
    return out;
}

static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                         {"objective", required_argument, NULL, 'b'},
                                         {"time-limit", required_argument, NULL, 't'},
                                         {"seed", required_argument, NULL, 's'},
                                         {"demand-model", required_argument, NULL, 'd'},
                                         {"active-threshold", required_argument, NULL, 'a'},
                                         {"cpu-share", required_argument, NULL, 'c'},
                                         {"write-instance", required_argument, NULL, 'w'},
                                         {"planner", required_argument, NULL, 'p'},
                                         {"gantt", required_argument, NULL, 'g'},
                                         {"shutdown-empty", no_argument, NULL, 'e'},
                                         {"bandwidth", required_argument, NULL, 'B'},
                                         {"dirty-rate", required_argument, NULL, 'D'},
                                         {"node-concurrency", required_argument, NULL, 'N'},
                                         {"max-concurrency", required_argument, NULL, 'M'},
                                         {"evacuate", required_argument, NULL, 'v'},
                                         {NULL, 0, NULL, 0}};

struct solve_args {
    struct ent_solve_options opts;
    struct ent_plan_options popts;
    const char *instance, *output, *write_instance, *gantt;
    const char *evacuate; /* NODE|ENCLOSURE,... to empty */
    int entropy_demand;
    struct ent_demand_model dm;
};

/* A number option within [min, max] into *out. */
static int number_option(const char *opt, double min, double max, double *out)
{
    return ent_cli_number("solve", opt, optarg, min, max, out) ? ENT_EXIT_INPUT : 0;
}

static int choice_option(struct solve_args *a, int c)
{
    if (c == 'b' && !(a->opts.objective = ent_objective_find(optarg)))
        return ent_cli_fail_choice("solve", "--objective", optarg, ent_objective_name_at);
    if (c == 'p' && !(a->popts.planner = ent_planner_find(optarg)))
        return ent_cli_fail_choice("solve", "--planner", optarg, ent_planner_name_at);
    if (c == 'd' && strcmp(optarg, "entropy") != 0 && strcmp(optarg, "observed") != 0)
        return ent_cli_fail("solve", "--demand-model: \"%s\" is not observed or entropy", optarg);
    a->entropy_demand |= c == 'd' && strcmp(optarg, "entropy") == 0;
    return 0;
}

static int parse_option(struct solve_args *a, int c)
{
    double num = 0;
    int rc = 0;
    switch (c) {
    case 'v':
        a->evacuate = optarg;
        return 0;
    case 'o':
        a->output = optarg;
        return 0;
    case 'w':
        a->write_instance = optarg;
        return 0;
    case 'g':
        a->gantt = optarg;
        return 0;
    case 'e':
        a->popts.shutdown_empty = 1;
        return 0;
    case 'b':
    case 'p':
    case 'd':
        return choice_option(a, c);
    case 't':
        return ent_cli_key_number("solve", "--time-limit", "loop.time_limit", optarg,
                                  &a->opts.time_limit)
                   ? ENT_EXIT_INPUT
                   : 0;
    case 's':
        rc = number_option("--seed", 0, 9007199254740992.0, &num);
        a->opts.seed = (uint64_t)num;
        return rc;
    case 'a':
        rc = number_option("--active-threshold", 0, 1e15, &num);
        a->dm.active_threshold = (int64_t)num;
        return rc;
    case 'c':
        rc = number_option("--cpu-share", 0, 1e15, &num);
        a->dm.share_per_vcpu = (int64_t)num;
        return rc;
    case 'B':
        return number_option("--bandwidth", 0.001, 1e6, &a->popts.cost.bandwidth);
    case 'D':
        return number_option("--dirty-rate", 0, 1e6, &a->popts.cost.dirty_rate);
    case 'N':
        rc = ent_cli_key_number("solve", "--node-concurrency", "migration.node_concurrency", optarg,
                                &num)
                 ? ENT_EXIT_INPUT
                 : 0;
        if (!rc)
            a->popts.node_concurrency = (int)num;
        return rc;
    case 'M':
        rc = number_option("--max-concurrency", 0, 1e6, &num);
        a->popts.total_concurrency = (int)num;
        return rc;
    default:
        return ent_cli_fail("solve", "bad option (see entropy solve --help)");
    }
}

/* What one run holds; released together. */
struct solve_run {
    struct ent_model m;
    struct ent_mapping target;
    struct ent_plan plan;
    struct ent_solve_stats stats;
    struct ent_plan_stats pstats;
    struct ent_error err;
    json_t *line; /* the figures printed at the end */
    double t_load, t_solve, t_plan;
};

static int fail(struct solve_run *r, const char *instance, int status)
{
    if (instance)
        fprintf(stderr, "entropy solve: %s: %s\n", instance, r->err.msg);
    else
        fprintf(stderr, "entropy solve: %s\n", r->err.msg);
    return status;
}

/* --evacuate LIST: an offline constraint on each node named, or of each enclosure named (the
 * nodes whose attribute enclosure is it); the node count into the JSON line. */
static int evacuate(const char *list, struct solve_run *r)
{
    int total = 0;
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        char *target = ent_strndup(p, len);
        int n = len ? ent_model_evacuate(&r->m, target, NULL, NULL, &r->err) : 0;
        ent_free(target);
        if (n < 0)
            return ent_error_prefix(&r->err, "--evacuate");
        total += n;
        p += len + (p[len] == ',');
    }
    json_object_set_new(r->line, "evacuated_nodes", json_integer(total));
    return 0;
}

/* The instance, its demand model, --evacuate and --write-instance. */
static int load(const struct solve_args *a, struct solve_run *r)
{
    double t0 = ent_now();
    if (ent_btrplace_load_instance(&r->m, a->instance, &r->err))
        return fail(r, NULL, ENT_EXIT_INPUT);
    r->t_load = ent_now() - t0;
    if (a->entropy_demand) {
        int active = ent_demand_model_apply(&r->m, &a->dm, &r->err);
        if (active < 0)
            return fail(r, a->instance, ENT_EXIT_INPUT);
        json_object_set_new(r->line, "active_vms", json_integer(active));
    }
    if (a->evacuate && evacuate(a->evacuate, r))
        return fail(r, a->instance, ENT_EXIT_INPUT);
    if (a->write_instance) {
        json_t *doc = ent_btrplace_instance_json(&r->m);
        int rc = ent_json_save_file(doc, a->write_instance, &r->err);
        json_decref(doc);
        if (rc)
            return fail(r, NULL, ENT_EXIT_INPUT);
    }
    json_t *line = r->line;
    json_object_set_new(line, "instance", json_string(a->instance));
    json_object_set_new(line, "objective", json_string(a->opts.objective->name));
    /* The instance's own objective is kept in the model and reported; --objective decides. */
    json_t *own = r->m.objective ? json_object_get(r->m.objective, "id") : NULL;
    json_object_set_new(line, "instance_objective", own ? json_incref(own) : json_null());
    json_object_set_new(line, "nodes_total", json_integer((json_int_t)r->m.n_nodes));
    json_object_set_new(line, "vms_total", json_integer((json_int_t)r->m.n_vms));
    json_object_set_new(line, "unsupported_constraints",
                        unsupported_constraints(&r->m, a->popts.planner));
    return ENT_EXIT_OK;
}

/* Decides, plans, and writes the Gantt chart and the plan when asked. */
static int decide_and_plan(const struct solve_args *a, struct solve_run *r)
{
    double t1 = ent_now();
    if (ent_solve(&r->m, &a->opts, &r->target, &r->stats, &r->err))
        return fail(r, a->instance, ENT_EXIT_NO);
    double t2 = ent_now();
    if (ent_plan_build(&r->m, &r->target, &a->popts, &r->plan, &r->pstats, &r->err))
        return fail(r, a->instance, ENT_EXIT_NO);
    r->t_solve = t2 - t1;
    r->t_plan = ent_now() - t2;
    if (a->gantt && ent_plan_gantt_svg(&r->m, &r->plan, a->gantt, &r->err))
        return fail(r, NULL, ENT_EXIT_INPUT);
    if (a->output) {
        json_t *doc = ent_plan_to_json(&r->plan, &r->m);
        int rc = ent_json_save_file(doc, a->output, &r->err);
        json_decref(doc);
        if (rc)
            return fail(r, NULL, ENT_EXIT_INPUT);
    }
    return ENT_EXIT_OK;
}

/* Watts to the hundredth; a bound rounded down, so that it stays a bound. */
static json_t *watts_json(double watts, bool bound)
{
    return json_real((bound ? floor(watts * 100 + 1e-6) : round(watts * 100)) / 100);
}

static void decision_figures(const struct solve_args *a, struct solve_run *r)
{
    const struct ent_solve_stats *st = &r->stats;
    json_t *line = r->line;
    json_object_set_new(line, "nodes", json_integer(st->nodes_used));
    /* predicted power (model/power.h: the node count when no node has a power model) */
    json_object_set_new(line, "watts_before",
                        watts_json(ent_mapping_watts(&r->m, &r->m.map), false));
    json_object_set_new(line, "watts", watts_json(ent_mapping_watts(&r->m, &r->target), false));
    if (a->opts.objective == &ent_objective_energy)
        json_object_set_new(line, "watts_bound", watts_json(st->watts_bound, true));
    if (!a->opts.objective->reports_bound)
        return;
    json_object_set_new(line, "lower_bound", json_integer(st->lower_bound));
    json_object_set_new(line, "gap", json_integer(st->gap));
    json_object_set_new(line, "vms_moved_bound", json_integer(st->migrations_bound));
    json_object_set_new(line, "moved_memory_bound", json_integer(st->moved_memory_bound));
    json_object_set_new(line, "first_answer_seconds", json_real(st->first_seconds));
    json_object_set_new(line, "first_answer_nodes", json_integer(st->first_nodes));
    json_object_set_new(line, "search_nodes", json_integer(st->search_nodes));
    json_object_set_new(line, "best_answer_seconds", json_real(st->best_seconds));
    json_object_set_new(line, "phase_seconds",
                        json_pack("{s:f, s:f, s:f, s:f, s:f, s:f}", "first_answer", st->times.first,
                                  "search", st->times.search, "scratch", st->times.scratch,
                                  "keep_set", st->times.keep_set, "anytime", st->times.anytime,
                                  "finish", st->times.finish));
    json_object_set_new(line, "lns_iterations", json_integer(st->lns_iterations));
    json_object_set_new(line, "lns_improvements", json_integer(st->lns_improvements));
    json_object_set_new(line, "start", json_string(st->start ? st->start : "in-place"));
}

/* Figures of the plan, as entropy check counts them: bypasses are migrations too. */
static void plan_figures(const struct solve_args *a, struct solve_run *r)
{
    int64_t mttr = 0, migrations = 0, moved = 0;
    int mem = ent_model_memory_resource(&r->m);
    for (size_t i = 0; i < r->plan.len; i++) {
        const struct ent_action *act = &r->plan.actions[i];
        mttr += act->end;
        if (act->kind == ENT_ACTION_MIGRATE_VM) {
            migrations++;
            moved += mem >= 0 ? r->m.res[mem].demand[act->vm] : 0;
        }
    }
    json_t *line = r->line;
    json_object_set_new(line, "vms_moved", json_integer(r->stats.migrations));
    json_object_set_new(line, "migrations", json_integer(migrations));
    json_object_set_new(line, "moved_memory", json_integer(moved));
    json_object_set_new(line, "boots", json_integer(r->stats.boots));
    json_object_set_new(line, "node_shutdowns", json_integer(r->stats.shutdowns));
    json_object_set_new(line, "actions", json_integer((json_int_t)r->plan.len));
    json_object_set_new(line, "planner", json_string(a->popts.planner->name));
    json_object_set_new(line, "bypasses", json_integer((json_int_t)r->pstats.bypasses));
    json_object_set_new(line, "suspends", json_integer((json_int_t)r->pstats.suspends));
    if (a->popts.planner->counts_pools)
        json_object_set_new(line, "pools", json_integer((json_int_t)r->pstats.pools));
    json_object_set_new(line, "makespan", json_integer(ent_plan_makespan(&r->plan)));
    json_object_set_new(line, "mttr", json_integer(mttr));
    json_object_set_new(line, "load_seconds", json_real(r->t_load));
    json_object_set_new(line, "solve_seconds", json_real(r->t_solve));
    json_object_set_new(line, "plan_seconds", json_real(r->t_plan));
    json_object_set_new(line, "seconds", json_real(r->t_solve + r->t_plan));
}

int ent_cmd_solve(int argc, char **argv)
{
    struct solve_args a = {.dm = {10, 0}};
    ent_solve_options_init(&a.opts);
    ent_plan_options_init(&a.popts);
    int c, status = 0;
    optind = 1;
    while (!status && (c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1)
        status = parse_option(&a, c);
    if (status)
        return status;
    if (optind != argc - 1)
        return ent_cli_fail("solve", "expects one INSTANCE (see entropy solve --help)");
    a.instance = argv[optind];
    struct solve_run r = {.line = json_object()};
    ent_model_init(&r.m);
    ent_mapping_init(&r.target);
    ent_plan_init(&r.plan);
    ent_error_init(&r.err);
    status = load(&a, &r);
    if (!status)
        status = decide_and_plan(&a, &r);
    if (!status) {
        decision_figures(&a, &r);
        plan_figures(&a, &r);
        char *text = json_dumps(r.line, JSON_COMPACT | JSON_REAL_PRECISION(10));
        if (!a.output || strcmp(a.output, "-") != 0)
            puts(text);
        else
            fprintf(stderr, "%s\n", text);
        free(text);
    }
    json_decref(r.line);
    ent_plan_release(&r.plan);
    ent_mapping_release(&r.target);
    ent_model_release(&r.m);
    return status;
}
