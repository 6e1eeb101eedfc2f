/* The planner benchmark: each instance is decided once, then planned by the parallel scheduler and
 * by the two baselines (pools, sequential); every plan is checked. A row per instance and planner:
 * actions, bypasses, suspends, makespan, MTTR (sum of end times), planning time, and the time of
 * the whole solve (decide + plan). Figures only.
 *
 * usage: bench_plan [--family stdperf-repair|consolidate|all] [--data DIR] [--time-limit S] */
#include "check/check.h"
#include "gen.h"
#include "model/btrplace.h"
#include "model/model.h"
#include "model/plan.h"
#include "plan/planner.h"
#include "solve/solve.h"
#include "util/clock.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void run(const char *family, const char *name, const struct ent_model *m,
                enum ent_objective objective, double limit)
{
    struct ent_solve_options so;
    ent_solve_options_init(&so);
    so.objective = objective;
    so.time_limit = limit;
    struct ent_mapping target;
    struct ent_solve_stats st;
    struct ent_error err;
    ent_mapping_init(&target);
    double t0 = ent_now();
    if (ent_solve(m, &so, &target, &st, &err)) {
        printf("%-16s %-22s no decision: %s\n", family, name, err.msg);
        return;
    }
    double decide = ent_now() - t0;
    for (int k = 0; k < 3; k++) {
        struct ent_plan_options po;
        ent_plan_options_init(&po);
        po.planner = (enum ent_planner)k;
        struct ent_plan plan;
        struct ent_plan_stats ps;
        ent_plan_init(&plan);
        double t1 = ent_now();
        int rc = ent_plan_build(m, &target, &po, &plan, &ps, &err);
        double planning = ent_now() - t1;
        if (rc) {
            printf("%-16s %-22s %-10s no plan: %s\n", family, name, ent_planner_name(po.planner),
                   err.msg);
            ent_plan_release(&plan);
            continue;
        }
        struct ent_check_report rep;
        ent_check_report_init(&rep);
        ent_check_plan(m, &plan, &rep);
        printf("%-16s %-22s %-10s %7zu %6zu %5zu %8lld %12lld %8.4f %8.4f %5s\n", family, name,
               ent_planner_name(po.planner), plan.len, ps.bypasses, ps.suspends,
               (long long)rep.makespan, (long long)rep.mttr, planning, decide + planning,
               rep.valid ? "yes" : "NO");
        fflush(stdout);
        ent_check_report_release(&rep);
        ent_plan_release(&plan);
    }
    ent_mapping_release(&target);
}

int main(int argc, char **argv)
{
    const char *family = "all", *data = getenv("ENTROPY_SHARED_DATA");
    double limit = 5;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--family") == 0 && i + 1 < argc)
            family = argv[++i];
        else if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
            data = argv[++i];
        else if (strcmp(argv[i], "--time-limit") == 0 && i + 1 < argc)
            limit = atof(argv[++i]);
        else {
            fprintf(stderr, "usage: bench_plan [--family stdperf-repair|consolidate|all] "
                            "[--data DIR] [--time-limit S]\n");
            return 2;
        }
    }
    if (!data)
        data = "../shared/data";
    int all = strcmp(family, "all") == 0;
    printf("%-16s %-22s %-10s %7s %6s %5s %8s %12s %8s %8s %5s\n", "family", "instance", "planner",
           "actions", "bypass", "susp", "makespan", "mttr", "plan_s", "solve_s", "valid");
    struct ent_error err;
    static const char *names[] = {"li3", "li4", "li5", "li6",      "nr3",
                                  "nr4", "nr5", "nr6", "issue-100"};
    for (int pass = 0; pass < 2; pass++) {
        int repair = pass == 0;
        if (!all && strcmp(family, repair ? "stdperf-repair" : "consolidate") != 0)
            continue;
        for (size_t i = 0; i < 9; i++) {
            struct ent_model m;
            ent_model_init(&m);
            char path[4096];
            snprintf(path, sizeof path, "%s/btrplace/std-perf/%s.json.gz", data, names[i]);
            if (ent_btrplace_load_instance(&m, path, &err) == 0)
                run(repair ? "stdperf-repair" : "stdperf-consol", names[i], &m,
                    repair ? ENT_OBJECTIVE_REPAIR : ENT_OBJECTIVE_CONSOLIDATE, limit);
            else
                printf("%s: %s\n", names[i], err.msg);
            ent_model_release(&m);
        }
        if (repair)
            continue;
        static const size_t sizes[][2] = {{200, 400}, {1000, 4000}, {5000, 30000}};
        for (size_t s = 0; s < 3; s++) {
            struct ent_model m;
            ent_model_init(&m);
            char name[64];
            snprintf(name, sizeof name, "n%zu-v%zu-c4", sizes[s][0], sizes[s][1]);
            if (ent_gen_entropy(&m, sizes[s][0], sizes[s][1], 4, 0.3, ENT_GEN_PREVIOUS_ROUND, 100,
                                &err) == 0)
                run("entropy-consol", name, &m, ENT_OBJECTIVE_CONSOLIDATE, limit);
            ent_model_release(&m);
        }
        static const char *days[] = {"20110303", "20110322"};
        for (size_t d = 0; d < 2; d++) {
            struct ent_model m;
            ent_model_init(&m);
            char dir[4096], name[64];
            snprintf(dir, sizeof dir, "%s/planetlab/%s", data, days[d]);
            snprintf(name, sizeof name, "%s-step144", days[d]);
            if (ent_gen_planetlab(&m, dir, 800, 144, ENT_GEN_PREVIOUS_ROUND, &err) == 0)
                run("planetlab-consol", name, &m, ENT_OBJECTIVE_CONSOLIDATE, limit);
            ent_model_release(&m);
        }
    }
    return 0;
}
