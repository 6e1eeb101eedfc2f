/* entropy solve INSTANCE [-o PLAN] [--objective consolidate|repair|balance] [--time-limit S]
 * [--seed N] */
#include "cli/cli.h"
#include "model/btrplace.h"
#include "model/demand_model.h"
#include "model/json_file.h"
#include "model/model.h"
#include "model/plan.h"
#include "model/plan_json.h"
#include "plan/planner.h"
#include "solve/solve.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/names.h"

#include <getopt.h>
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

int ent_cmd_solve(int argc, char **argv)
{
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
                                             {NULL, 0, NULL, 0}};
    struct ent_solve_options opts;
    ent_solve_options_init(&opts);
    const char *output = NULL, *write_instance = NULL, *gantt = NULL;
    struct ent_plan_options popts;
    ent_plan_options_init(&popts);
    int entropy_demand = 0;
    struct ent_demand_model dm = {10, 0};
    double num;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            output = optarg;
            break;
        case 'b':
            if (!(opts.objective = ent_objective_find(optarg))) {
                char names[256];
                return ent_cli_fail(
                    "solve", "--objective: \"%s\" is not %s", optarg,
                    ent_names(names, sizeof names, ent_objective_name_at, ", ", " or "));
            }
            break;
        case 't':
            if (ent_cli_key_number("solve", "--time-limit", "loop.time_limit", optarg, &num))
                return ENT_EXIT_INPUT;
            opts.time_limit = num;
            break;
        case 's':
            if (ent_cli_number("solve", "--seed", optarg, 0, 9007199254740992.0, &num))
                return ENT_EXIT_INPUT;
            opts.seed = (uint64_t)num;
            break;
        case 'd':
            if (strcmp(optarg, "entropy") != 0 && strcmp(optarg, "observed") != 0)
                return ent_cli_fail("solve", "--demand-model: \"%s\" is not observed or entropy",
                                    optarg);
            entropy_demand = strcmp(optarg, "entropy") == 0;
            break;
        case 'a':
            if (ent_cli_number("solve", "--active-threshold", optarg, 0, 1e15, &num))
                return ENT_EXIT_INPUT;
            dm.active_threshold = (int64_t)num;
            break;
        case 'c':
            if (ent_cli_number("solve", "--cpu-share", optarg, 0, 1e15, &num))
                return ENT_EXIT_INPUT;
            dm.share_per_vcpu = (int64_t)num;
            break;
        case 'w':
            write_instance = optarg;
            break;
        case 'p':
            if (!(popts.planner = ent_planner_find(optarg))) {
                char names[256];
                return ent_cli_fail(
                    "solve", "--planner: \"%s\" is not %s", optarg,
                    ent_names(names, sizeof names, ent_planner_name_at, ", ", " or "));
            }
            break;
        case 'g':
            gantt = optarg;
            break;
        case 'e':
            popts.shutdown_empty = 1;
            break;
        case 'B':
            if (ent_cli_number("solve", "--bandwidth", optarg, 0.001, 1e6, &popts.cost.bandwidth))
                return ENT_EXIT_INPUT;
            break;
        case 'D':
            if (ent_cli_number("solve", "--dirty-rate", optarg, 0, 1e6, &popts.cost.dirty_rate))
                return ENT_EXIT_INPUT;
            break;
        case 'N':
            if (ent_cli_key_number("solve", "--node-concurrency", "migration.node_concurrency",
                                   optarg, &num))
                return ENT_EXIT_INPUT;
            popts.node_concurrency = (int)num;
            break;
        case 'M':
            if (ent_cli_number("solve", "--max-concurrency", optarg, 0, 1e6, &num))
                return ENT_EXIT_INPUT;
            popts.total_concurrency = (int)num;
            break;
        default:
            return ent_cli_fail("solve", "bad option (see entropy solve --help)");
        }
    }
    if (optind != argc - 1)
        return ent_cli_fail("solve", "expects one INSTANCE (see entropy solve --help)");
    const char *instance = argv[optind];

    struct ent_model m;
    struct ent_mapping target;
    struct ent_plan plan;
    struct ent_error err;
    struct ent_solve_stats stats = {0};
    struct ent_plan_stats pstats = {0};
    ent_model_init(&m);
    ent_mapping_init(&target);
    ent_plan_init(&plan);
    ent_error_init(&err);
    int status = ENT_EXIT_INPUT;
    json_t *line = json_object();

    double t0 = ent_now();
    if (ent_btrplace_load_instance(&m, instance, &err)) {
        fprintf(stderr, "entropy solve: %s\n", err.msg);
        goto cleanup;
    }
    double t_load = ent_now() - t0;
    if (entropy_demand) {
        int active = ent_demand_model_apply(&m, &dm, &err);
        if (active < 0) {
            fprintf(stderr, "entropy solve: %s: %s\n", instance, err.msg);
            goto cleanup;
        }
        json_object_set_new(line, "active_vms", json_integer(active));
    }
    if (write_instance) {
        json_t *doc = ent_btrplace_instance_json(&m);
        int rc = ent_json_save_file(doc, write_instance, &err);
        json_decref(doc);
        if (rc) {
            fprintf(stderr, "entropy solve: %s\n", err.msg);
            goto cleanup;
        }
    }
    json_object_set_new(line, "instance", json_string(instance));
    json_object_set_new(line, "objective", json_string(opts.objective->name));
    /* The instance's own objective is kept in the model and reported; --objective decides. */
    json_t *own = m.objective ? json_object_get(m.objective, "id") : NULL;
    json_object_set_new(line, "instance_objective", own ? json_incref(own) : json_null());
    json_object_set_new(line, "nodes_total", json_integer((json_int_t)m.n_nodes));
    json_object_set_new(line, "vms_total", json_integer((json_int_t)m.n_vms));
    json_object_set_new(line, "unsupported_constraints",
                        unsupported_constraints(&m, popts.planner));

    status = ENT_EXIT_NO;
    double t1 = ent_now();
    if (ent_solve(&m, &opts, &target, &stats, &err)) {
        fprintf(stderr, "entropy solve: %s: %s\n", instance, err.msg);
        goto cleanup;
    }
    double t2 = ent_now();
    if (ent_plan_build(&m, &target, &popts, &plan, &pstats, &err)) {
        fprintf(stderr, "entropy solve: %s: %s\n", instance, err.msg);
        goto cleanup;
    }
    double t3 = ent_now();
    if (gantt && ent_plan_gantt_svg(&m, &plan, gantt, &err)) {
        fprintf(stderr, "entropy solve: %s\n", err.msg);
        status = ENT_EXIT_INPUT;
        goto cleanup;
    }
    if (output) {
        json_t *doc = ent_plan_to_json(&plan, &m);
        int rc = ent_json_save_file(doc, output, &err);
        json_decref(doc);
        if (rc) {
            fprintf(stderr, "entropy solve: %s\n", err.msg);
            status = ENT_EXIT_INPUT;
            goto cleanup;
        }
    }
    /* Figures of the plan, as entropy check counts them: bypasses are migrations too. */
    int64_t mttr = 0, migrations = 0, moved = 0;
    int mem = ent_model_memory_resource(&m);
    for (size_t i = 0; i < plan.len; i++) {
        const struct ent_action *a = &plan.actions[i];
        mttr += a->end;
        if (a->kind == ENT_ACTION_MIGRATE_VM) {
            migrations++;
            moved += mem >= 0 ? m.res[mem].demand[a->vm] : 0;
        }
    }
    json_object_set_new(line, "nodes", json_integer(stats.nodes_used));
    if (opts.objective->reports_bound) {
        json_object_set_new(line, "lower_bound", json_integer(stats.lower_bound));
        json_object_set_new(line, "gap", json_integer(stats.gap));
        json_object_set_new(line, "first_answer_seconds", json_real(stats.first_seconds));
        json_object_set_new(line, "first_answer_nodes", json_integer(stats.first_nodes));
        json_object_set_new(line, "search_nodes", json_integer(stats.search_nodes));
        json_object_set_new(line, "best_answer_seconds", json_real(stats.best_seconds));
        json_object_set_new(line, "lns_iterations", json_integer(stats.lns_iterations));
        json_object_set_new(line, "lns_improvements", json_integer(stats.lns_improvements));
        json_object_set_new(line, "start",
                            json_string(stats.used_dotpack ? "dot-product"
                                        : stats.used_ffd   ? "ffd"
                                                           : "in-place"));
    }
    json_object_set_new(line, "vms_moved", json_integer(stats.migrations));
    json_object_set_new(line, "migrations", json_integer(migrations));
    json_object_set_new(line, "moved_memory", json_integer(moved));
    json_object_set_new(line, "boots", json_integer(stats.boots));
    json_object_set_new(line, "node_shutdowns", json_integer(stats.shutdowns));
    json_object_set_new(line, "actions", json_integer((json_int_t)plan.len));
    json_object_set_new(line, "planner", json_string(popts.planner->name));
    json_object_set_new(line, "bypasses", json_integer((json_int_t)pstats.bypasses));
    json_object_set_new(line, "suspends", json_integer((json_int_t)pstats.suspends));
    if (popts.planner->counts_pools)
        json_object_set_new(line, "pools", json_integer((json_int_t)pstats.pools));
    json_object_set_new(line, "makespan", json_integer(ent_plan_makespan(&plan)));
    json_object_set_new(line, "mttr", json_integer(mttr));
    json_object_set_new(line, "load_seconds", json_real(t_load));
    json_object_set_new(line, "solve_seconds", json_real(t2 - t1));
    json_object_set_new(line, "plan_seconds", json_real(t3 - t2));
    json_object_set_new(line, "seconds", json_real(t3 - t1));
    char *text = json_dumps(line, JSON_COMPACT | JSON_REAL_PRECISION(4));
    if (!output || strcmp(output, "-") != 0)
        puts(text);
    else
        fprintf(stderr, "%s\n", text);
    free(text);
    status = ENT_EXIT_OK;
cleanup:
    json_decref(line);
    ent_plan_release(&plan);
    ent_mapping_release(&target);
    ent_model_release(&m);
    return status;
}
