/* Scale benchmark of the first slice: builds a cluster of N nodes and M VMs (default 5,000 and
 * 100,000), writes it as BtrPlace JSON and reads it back, then solves (both objectives), plans and
 * checks it, printing the time of each step. Figures, not pass/fail.
 * usage: bench_scale [NODES VMS [SEED [TIME_LIMIT]]] */
#include "check/check.h"
#include "model/btrplace.h"
#include "model/json_file.h"
#include "model/model.h"
#include "model/plan.h"
#include "plan/planner.h"
#include "solve/solve.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/prng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void die(const char *what, const struct ent_error *err)
{
    fprintf(stderr, "bench_scale: %s: %s\n", what, err->msg);
    exit(1);
}

/* Homogeneous nodes (32 cores as 3200 cpu, 131072 MB); VMs of 512-2048 MB spread round-robin,
 * a tenth of the nodes' worth idle. */
static void build(struct ent_model *m, size_t nodes, size_t vms, uint64_t seed)
{
    struct ent_error err;
    struct ent_prng rng;
    ent_prng_init(&rng, seed);
    int cpu = ent_model_add_resource(m, "cpu", 3200, 0, &err);
    int mem = ent_model_add_resource(m, "memory", 131072, 0, &err);
    for (size_t n = 0; n < nodes; n++)
        if (ent_model_add_node(m, (int64_t)n, NULL, ENT_NODE_ONLINE, &err) < 0)
            die("node", &err);
    static const int64_t sizes[] = {512, 1024, 1536, 2048};
    for (size_t v = 0; v < vms; v++) {
        int i = ent_model_add_vm(m, (int64_t)v, NULL, ENT_VM_RUNNING, (int32_t)(v % nodes), &err);
        if (i < 0)
            die("vm", &err);
        m->res[mem].demand[i] = sizes[ent_prng_below(&rng, 4)];
        m->res[cpu].demand[i] =
            ent_prng_unit(&rng) < 0.3 ? 5 : 50 + (int64_t)ent_prng_below(&rng, 150);
    }
}

static void run(const struct ent_model *m, const struct ent_objective *obj, double limit)
{
    struct ent_solve_options opts;
    ent_solve_options_init(&opts);
    opts.objective = obj;
    opts.time_limit = limit;
    struct ent_mapping target;
    struct ent_plan plan;
    struct ent_plan_stats ps;
    struct ent_solve_stats st;
    struct ent_error err;
    ent_mapping_init(&target);
    ent_plan_init(&plan);
    double t0 = ent_now();
    if (ent_solve(m, &opts, &target, &st, &err))
        die("solve", &err);
    double t1 = ent_now();
    if (ent_plan_sequential(m, &target, &plan, &ps, &err))
        die("plan", &err);
    double t2 = ent_now();
    struct ent_check_report rep;
    ent_check_report_init(&rep);
    ent_check_plan(m, &plan, &rep);
    double t3 = ent_now();
    printf("%-11s nodes %6lld  migrations %6lld  bypasses %4zu  solve %7.3f s  plan %7.3f s  "
           "check %7.3f s  valid %s\n",
           obj->name, (long long)st.nodes_used, (long long)rep.migrations, ps.bypasses, t1 - t0,
           t2 - t1, t3 - t2, rep.valid ? "yes" : "NO");
    if (st.lower_bound)
        printf("            bound %lld, first answer %.3f s; seconds: first %.3f search %.3f "
               "scratch %.3f keep-set %.3f anytime %.3f finish %.3f\n",
               (long long)st.lower_bound, st.first_seconds, st.times.first, st.times.search,
               st.times.scratch, st.times.keep_set, st.times.anytime, st.times.finish);
    ent_check_report_release(&rep);
    ent_plan_release(&plan);
    ent_mapping_release(&target);
}

int main(int argc, char **argv)
{
    size_t nodes = argc > 2 ? strtoul(argv[1], NULL, 10) : 5000;
    size_t vms = argc > 2 ? strtoul(argv[2], NULL, 10) : 100000;
    uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
    double limit = argc > 4 ? atof(argv[4]) : 10;
    if (!nodes)
        return 2;
    struct ent_model m, back;
    struct ent_error err;
    ent_model_init(&m);
    ent_model_init(&back);
    double t0 = ent_now();
    build(&m, nodes, vms, seed);
    double t1 = ent_now();
    char path[] = "/tmp/bench_scale_XXXXXX.json.gz";
    int fd = mkstemps(path, 8);
    if (fd < 0)
        return 1;
    json_t *doc = ent_btrplace_instance_json(&m);
    if (ent_json_save_file(doc, path, &err))
        die("write", &err);
    json_decref(doc);
    double t2 = ent_now();
    if (ent_btrplace_load_instance(&back, path, &err))
        die("read", &err);
    double t3 = ent_now();
    unlink(path);
    printf(
        "cluster     %zu nodes, %zu VMs: build %.3f s, write gzip JSON %.3f s, read back %.3f s\n",
        nodes, vms, t1 - t0, t2 - t1, t3 - t2);
    run(&back, &ent_objective_repair, limit);
    run(&back, &ent_objective_consolidate, limit);
    ent_model_release(&m);
    ent_model_release(&back);
    return 0;
}
