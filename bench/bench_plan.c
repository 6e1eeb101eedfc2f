/* The planner benchmark: each instance is decided once, then planned by the parallel scheduler and
 * by the two baselines (pools, sequential); every plan is checked. A row per instance and planner:
 * actions, bypasses, suspends, makespan, MTTR (sum of end times), planning time, and the time of
 * the whole solve (decide + plan). Figures only.
 *
 * With --with-constraints, the std-perf instances get a mix of the placement catalogue on top
 * (see add_constraints). A line per instance gives the constraints present and whether each
 * held in the final state and along the parallel plan.
 *
 * usage: bench_plan [--family stdperf-repair|consolidate|all] [--data DIR] [--time-limit S]
 *                   [--with-constraints] */
#include "check/check.h"
#include "gen.h"
#include "model/btrplace.h"
#include "model/model.h"
#include "model/plan.h"
#include "plan/planner.h"
#include "solve/solve.h"
#include "util/clock.h"
#include "util/error.h"

#include "util/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Adds a constraint built in code. */
static void add(struct ent_model *m, enum ent_constraint_kind kind, int continuous,
                const int32_t *vms, size_t n_vms, const int32_t *nodes, size_t n_nodes,
                int64_t amount)
{
    struct ent_constraint c = {.kind = kind,
                               .name = ent_strdup(ent_constraint_kind_name(kind)),
                               .continuous = continuous != 0,
                               .res = -1,
                               .amount = amount};
    c.vms = ent_malloc((n_vms + 1) * sizeof *c.vms);
    memcpy(c.vms, vms, n_vms * sizeof *vms);
    c.n_vms = n_vms;
    c.nodes = ent_malloc((n_nodes + 1) * sizeof *c.nodes);
    memcpy(c.nodes, nodes, n_nodes * sizeof *nodes);
    c.n_nodes = n_nodes;
    ent_constraint_set_add(&m->constraints, &c);
}

/* Every kind the engine places by, satisfiable from the start, on one node in fifty: replicas
 * spread (half of them continuously), VMs banned from or fenced to nodes around them, pairs
 * already together gathered, the VMs of a node whose load stays made lonely, root VMs, running
 * capacities over
 * groups of nodes, seq pairs. */
static void add_constraints(struct ent_model *m)
{
    size_t N = m->n_nodes;
    int32_t *first = malloc((N + 1) * sizeof *first), *second = malloc((N + 1) * sizeof *second);
    int32_t *all = malloc((m->n_vms + 1) * sizeof *all);
    uint8_t *grows = calloc(m->n_vms + 1, 1); /* VMs whose load grows (preserve) */
    for (size_t i = 0; i < m->constraints.len; i++) {
        const struct ent_constraint *c = &m->constraints.items[i];
        for (size_t k = 0; c->kind == ENT_CK_PRESERVE && k < c->n_vms; k++)
            grows[c->vms[k]] = 1;
    }
    memset(first, 0xff, (N + 1) * sizeof *first);
    memset(second, 0xff, (N + 1) * sizeof *second);
    for (size_t v = 0; v < m->n_vms; v++) {
        if (m->map.vm_state[v] != ENT_VM_RUNNING)
            continue;
        int32_t h = m->map.vm_host[v];
        if (first[h] < 0)
            first[h] = (int32_t)v;
        else if (second[h] < 0)
            second[h] = (int32_t)v;
    }
    for (size_t n = 0; n + 50 < N; n += 50) {
        int32_t a = first[n], b = first[n + 1], c = first[n + 2], d = first[n + 3];
        int32_t e = first[n + 4], f = second[n + 4], g = first[n + 6];
        if (a < 0 || b < 0 || c < 0 || d < 0 || e < 0 || f < 0 || g < 0)
            continue;
        int32_t pair[2] = {a, b}, nodes[3] = {(int32_t)n + 10, (int32_t)n + 11, (int32_t)n + 12};
        add(m, ENT_CK_SPREAD, (n / 50) % 2, pair, 2, NULL, 0, 0);
        add(m, ENT_CK_BAN, 0, &c, 1, nodes, 3, 0);
        int32_t fence[4] = {m->map.vm_host[d], (int32_t)n + 20, (int32_t)n + 21, (int32_t)n + 22};
        add(m, ENT_CK_FENCE, 0, &d, 1, fence, 4, 0);
        int32_t together[2] = {e, f};
        add(m, ENT_CK_GATHER, 0, together, 2, NULL, 0, 0);
        add(m, ENT_CK_ROOT, 0, &g, 1, NULL, 0, 0);
        /* Lonely VMs that must leave would need an empty node: pick a node whose load stays. */
        size_t k = 0;
        int stays = 1;
        for (size_t v = 0; v < m->n_vms; v++)
            if (m->map.vm_state[v] == ENT_VM_RUNNING && m->map.vm_host[v] == (int32_t)n + 7) {
                all[k++] = (int32_t)v;
                stays &= !grows[v];
            }
        if (k && stays)
            add(m, ENT_CK_LONELY, 0, all, k, NULL, 0, 0);
        int32_t group[10];
        for (int j = 0; j < 10; j++)
            group[j] = (int32_t)n + 30 + j;
        add(m, ENT_CK_RUNNING_CAPACITY, 0, NULL, 0, group, 10, 80);
        int32_t order[2] = {a, c};
        add(m, ENT_CK_SEQ, 0, order, 2, NULL, 0, 0);
    }
    free(first);
    free(second);
    free(all);
    free(grows);
}

static void print_constraints(const struct ent_check_report *rep)
{
    const char *kind;
    json_t *v;
    printf("    constraints:");
    json_object_foreach(rep->by_constraint, kind, v)
    {
        printf(" %s %lld", kind, (long long)json_integer_value(json_object_get(v, "present")));
        long long cont = json_integer_value(json_object_get(v, "continuous"));
        long long bad_end = json_integer_value(json_object_get(v, "violated_final"));
        long long bad_during = json_integer_value(json_object_get(v, "violated_during"));
        if (cont)
            printf(" (%lld continuous)", cont);
        printf(bad_end || bad_during ? " BROKEN %lld/%lld," : " held,", bad_end, bad_during);
    }
    printf("\n");
}

static void run(const char *family, const char *name, const struct ent_model *m,
                const struct ent_objective *objective, double limit)
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
    for (size_t k = 0; ent_planner_at(k); k++) {
        struct ent_plan_options po;
        ent_plan_options_init(&po);
        po.planner = ent_planner_at(k);
        struct ent_plan plan;
        struct ent_plan_stats ps;
        ent_plan_init(&plan);
        double t1 = ent_now();
        int rc = ent_plan_build(m, &target, &po, &plan, &ps, &err);
        double planning = ent_now() - t1;
        if (rc) {
            printf("%-16s %-22s %-10s no plan: %s\n", family, name, po.planner->name, err.msg);
            ent_plan_release(&plan);
            continue;
        }
        struct ent_check_report rep;
        ent_check_report_init(&rep);
        ent_check_plan(m, &plan, &rep);
        printf("%-16s %-22s %-10s %7zu %6zu %5zu %8lld %12lld %8.4f %8.4f %5s\n", family, name,
               po.planner->name, plan.len, ps.bypasses, ps.suspends, (long long)rep.makespan,
               (long long)rep.mttr, planning, decide + planning, rep.valid ? "yes" : "NO");
        if (k == 0 && json_object_size(rep.by_constraint))
            print_constraints(&rep);
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
    int with_constraints = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--family") == 0 && i + 1 < argc)
            family = argv[++i];
        else if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
            data = argv[++i];
        else if (strcmp(argv[i], "--time-limit") == 0 && i + 1 < argc)
            limit = atof(argv[++i]);
        else if (strcmp(argv[i], "--with-constraints") == 0)
            with_constraints = 1;
        else {
            fprintf(stderr, "usage: bench_plan [--family stdperf-repair|consolidate|all] "
                            "[--data DIR] [--time-limit S] [--with-constraints]\n");
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
            if (ent_btrplace_load_instance(&m, path, &err) == 0) {
                if (with_constraints)
                    add_constraints(&m);
                run(repair ? "stdperf-repair" : "stdperf-consol", names[i], &m,
                    repair ? &ent_objective_repair : &ent_objective_consolidate, limit);
            } else {
                printf("%s: %s\n", names[i], err.msg);
            }
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
                run("entropy-consol", name, &m, &ent_objective_consolidate, limit);
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
                run("planetlab-consol", name, &m, &ent_objective_consolidate, limit);
            ent_model_release(&m);
        }
    }
    return 0;
}
