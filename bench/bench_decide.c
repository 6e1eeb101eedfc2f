/* The decision-engine benchmark: Entropy-like instances, PlanetLab-derived instances and the
 * BtrPlace std-perf instances, each solved by the engine (consolidate) and by the first-fit
 * decreasing baseline. A row per instance: nodes beside the lower bound, migrations, memory moved,
 * times; the engine's plan is checked by the independent checker. A summary per family gives the
 * issue's targets. Figures only: nothing here passes or fails.
 *
 * usage: bench_decide [--family entropy|paper|mixed|scale|tdsc|planetlab|stdperf|all] [--time-limit
 * S]
 * [--seed N]
 *                     [--data DIR] [--instance NAME] [--verbose] [--quick]
 * DIR defaults to $ENTROPY_SHARED_DATA, else ../shared/data. */
#include "check/check.h"
#include "gen.h"
#include "model/btrplace.h"
#include "model/model.h"
#include "model/plan.h"
#include "model/power.h"
#include "plan/planner.h"
#include "solve/solve.h"
#include "util/clock.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *only; /* --instance: run the instances whose name contains this */
static int verbose;      /* --verbose: the search's figures under each row */

struct totals {
    int instances, at_bound, valid;
    long long mig_bound, moved_bound;
    double worst_mig_ratio;
    double worst_gap_pct;
    long long migrations, ffd_migrations, moved, ffd_moved;
    long long nodes, ffd_nodes, bound;
    int above_baselines; /* instances where the engine used more nodes than FFD or BFD */
};

static void header(void)
{
    printf("%-10s %-26s %6s %6s | %6s %6s %5s %6s %6s %10s %10s %8s %8s %8s %5s | %6s %6s %8s "
           "%6s\n",
           "family", "instance", "nodes", "vms", "bound", "used", "gap%", "migr", "mg_bnd", "moved",
           "moved_bnd", "first_s", "best_s", "total_s", "valid", "ffd", "ffd_mg", "ffd_s", "bfd");
}

static void run(const char *family, const char *name, const struct ent_model *m,
                const struct ent_objective *objective, double limit, uint64_t seed,
                struct totals *t)
{
    if (only && !strstr(name, only))
        return;
    struct ent_solve_options opts;
    ent_solve_options_init(&opts);
    opts.time_limit = limit;
    opts.seed = seed;
    if (objective)
        opts.objective = objective;
    struct ent_mapping target, ffd;
    struct ent_solve_stats st, fst;
    struct ent_error err;
    ent_mapping_init(&target);
    ent_mapping_init(&ffd);
    if (ent_solve(m, &opts, &target, &st, &err)) {
        printf("%-10s %-26s engine failed: %s\n", family, name, err.msg);
        return;
    }
    int ffd_ok = ent_solve_ffd_baseline(m, &ffd, &fst, &err) == 0;
    struct ent_mapping bfd;
    struct ent_solve_stats bst;
    ent_mapping_init(&bfd);
    int bfd_ok = ent_solve_bfd_baseline(m, &bfd, &bst, &err) == 0;
    ent_mapping_release(&bfd);
    t->above_baselines +=
        (ffd_ok && st.nodes_used > fst.nodes_used) || (bfd_ok && st.nodes_used > bst.nodes_used);
    struct ent_plan plan;
    struct ent_plan_stats ps;
    ent_plan_init(&plan);
    const char *valid = "no-plan";
    struct ent_plan_options popts;
    ent_plan_options_init(&popts);
    if (ent_plan_build(m, &target, &popts, &plan, &ps, &err) == 0) {
        struct ent_check_report rep;
        ent_check_report_init(&rep);
        ent_check_plan(m, &plan, &rep);
        valid = rep.valid ? "yes" : "NO";
        t->valid += rep.valid;
        ent_check_report_release(&rep);
    }
    double gap = st.lower_bound ? 100.0 * (double)st.gap / (double)st.lower_bound : 0;
    t->mig_bound += st.migrations_bound;
    t->moved_bound += st.moved_memory_bound;
    double ratio = st.migrations_bound ? (double)st.migrations / (double)st.migrations_bound : 1;
    if (ratio > t->worst_mig_ratio)
        t->worst_mig_ratio = ratio;
    printf("%-10s %-26s %6zu %6zu | %6lld %6lld %5.2f %6lld %6lld %10lld %10lld %8.4f %8.4f %8.4f "
           "%5s | %6lld %6lld %8.4f %6lld\n",
           family, name, m->n_nodes, m->n_vms, (long long)st.lower_bound, (long long)st.nodes_used,
           gap, (long long)st.migrations, (long long)st.migrations_bound,
           (long long)st.moved_memory, (long long)st.moved_memory_bound, st.first_seconds,
           st.best_seconds, st.seconds, valid, ffd_ok ? (long long)fst.nodes_used : -1LL,
           ffd_ok ? (long long)fst.migrations : -1LL, fst.seconds,
           bfd_ok ? (long long)bst.nodes_used : -1LL);
    if (verbose) { /* how full the target's active nodes are, per resource */
        uint8_t *on = calloc(m->n_nodes + 1, 1);
        for (size_t v = 0; v < m->n_vms; v++)
            if (target.vm_state[v] == ENT_VM_RUNNING)
                on[target.vm_host[v]] = 1;
        printf("  fill:");
        for (size_t r = 0; r < m->n_res; r++) {
            double cap = 0, dem = 0;
            for (size_t n = 0; n < m->n_nodes; n++)
                cap += on[n] ? (double)m->res[r].capacity[n] : 0;
            for (size_t v = 0; v < m->n_vms; v++)
                dem += target.vm_state[v] == ENT_VM_RUNNING ? (double)m->res[r].demand[v] : 0;
            printf(" %s %.1f %%", m->res[r].name, cap > 0 ? 100 * dem / cap : 0);
        }
        printf("\n");
        free(on);
    }
    if (verbose)
        printf("  seconds: first %.3f search %.3f scratch %.3f keep-set %.3f anytime %.3f finish "
               "%.3f\n",
               st.times.first, st.times.search, st.times.scratch, st.times.keep_set,
               st.times.anytime, st.times.finish);
    if (verbose)
        printf("  debug first %lld/%lld search %lld start %s lns %lld/%lld\n",
               (long long)st.first_nodes, (long long)st.first_migrations,
               (long long)st.search_nodes, st.start ? st.start : "in-place",
               (long long)st.lns_iterations, (long long)st.lns_improvements);
    fflush(stdout);
    t->instances++;
    t->at_bound += st.gap == 0;
    if (gap > t->worst_gap_pct)
        t->worst_gap_pct = gap;
    t->migrations += st.migrations;
    t->moved += st.moved_memory;
    t->nodes += st.nodes_used;
    t->bound += st.lower_bound;
    if (ffd_ok) {
        t->ffd_migrations += fst.migrations;
        t->ffd_moved += fst.moved_memory;
        t->ffd_nodes += fst.nodes_used;
    }
    ent_plan_release(&plan);
    ent_mapping_release(&target);
    ent_mapping_release(&ffd);
}

/* The energy objective beside fewest nodes on one instance: predicted watts of each answer and
 * the bound on watts (node attributes wattsIdle, wattsPeak). Adds the watts to *fewest, *energy
 * and *bound. */
static void energy_row(const char *name, const struct ent_model *m, double limit, uint64_t seed,
                       double *fewest, double *energy, double *bound)
{
    struct ent_solve_options opts;
    ent_solve_options_init(&opts);
    opts.time_limit = limit;
    opts.seed = seed;
    struct ent_mapping a, b;
    struct ent_solve_stats sa, sb;
    struct ent_error err;
    ent_mapping_init(&a);
    ent_mapping_init(&b);
    int rc = ent_solve(m, &opts, &a, &sa, &err);
    opts.objective = ent_objective_find("energy");
    if (!rc)
        rc = ent_solve(m, &opts, &b, &sb, &err);
    if (rc) {
        printf("energy     %-26s failed: %s\n", name, err.msg);
    } else {
        double wa = ent_mapping_watts(m, &a), wb = ent_mapping_watts(m, &b);
        printf("energy     %-26s watts before %10.1f fewest-nodes %10.1f (%lld nodes) energy "
               "%10.1f (%lld nodes, %.3f s) bound %10.1f\n",
               name, ent_mapping_watts(m, &m->map), wa, (long long)sa.nodes_used, wb,
               (long long)sb.nodes_used, sb.seconds, sb.watts_bound);
        *fewest += wa;
        *energy += wb;
        *bound += sb.watts_bound;
    }
    ent_mapping_release(&a);
    ent_mapping_release(&b);
}

static void summary(const char *family, const struct totals *t)
{
    if (!t->instances)
        return;
    printf("summary %-10s instances %d, at the bound %d (%.0f %%), worst gap %.2f %%, above FFD or "
           "BFD %d, valid plans %d; nodes %lld (bound %lld, FFD %lld); migrations %lld = %.1f %% "
           "of FFD's %lld, "
           "%.2fx their bound %lld (worst %.2fx); memory moved %.1f %% of FFD's, %.2fx its bound\n",
           family, t->instances, t->at_bound, 100.0 * t->at_bound / t->instances, t->worst_gap_pct,
           t->above_baselines, t->valid, t->nodes, t->bound, t->ffd_nodes, t->migrations,
           t->ffd_migrations ? 100.0 * (double)t->migrations / (double)t->ffd_migrations : 0,
           t->ffd_migrations, t->mig_bound ? (double)t->migrations / (double)t->mig_bound : 1,
           t->mig_bound, t->worst_mig_ratio,
           t->ffd_moved ? 100.0 * (double)t->moved / (double)t->ffd_moved : 0,
           t->moved_bound ? (double)t->moved / (double)t->moved_bound : 1);
}

static void add(struct totals *all, const struct totals *t)
{
    all->instances += t->instances;
    all->at_bound += t->at_bound;
    all->valid += t->valid;
    all->above_baselines += t->above_baselines;
    if (t->worst_gap_pct > all->worst_gap_pct)
        all->worst_gap_pct = t->worst_gap_pct;
    all->migrations += t->migrations;
    all->mig_bound += t->mig_bound;
    all->moved_bound += t->moved_bound;
    if (t->worst_mig_ratio > all->worst_mig_ratio)
        all->worst_mig_ratio = t->worst_mig_ratio;
    all->ffd_migrations += t->ffd_migrations;
    all->moved += t->moved;
    all->ffd_moved += t->ffd_moved;
    all->nodes += t->nodes;
    all->ffd_nodes += t->ffd_nodes;
    all->bound += t->bound;
}

int main(int argc, char **argv)
{
    const char *family = "all", *data = getenv("ENTROPY_SHARED_DATA");
    double limit = 5;
    uint64_t seed = 1;
    int quick = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--family") == 0 && i + 1 < argc)
            family = argv[++i];
        else if (strcmp(argv[i], "--time-limit") == 0 && i + 1 < argc)
            limit = atof(argv[++i]);
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
            data = argv[++i];
        else if (strcmp(argv[i], "--instance") == 0 && i + 1 < argc)
            only = argv[++i];
        else if (strcmp(argv[i], "--verbose") == 0)
            verbose = 1;
        else if (strcmp(argv[i], "--quick") == 0)
            quick = 1;
        else {
            fprintf(stderr,
                    "usage: bench_decide [--family "
                    "entropy|paper|mixed|scale|tdsc|planetlab|stdperf|all] "
                    "[--time-limit S] [--seed N] [--data DIR] [--instance NAME] [--verbose] "
                    "[--quick]\n");
            return 2;
        }
    }
    if (!data)
        data = "../shared/data";
    int all = strcmp(family, "all") == 0;
    printf("decision benchmark: time limit %.1f s, seed %llu, one core\n", limit,
           (unsigned long long)seed);
    header();
    struct totals total = {0};
    struct ent_error err;

    if (all || strcmp(family, "entropy") == 0) {
        static const size_t sizes[][2] = {
            {200, 400}, {500, 1500}, {1000, 4000}, {2000, 10000}, {5000, 30000}};
        static const int classes[] = {2, 4, 8};
        struct totals t = {0};
        for (size_t s = 0; s < (quick ? 2 : 5); s++)
            for (size_t c = 0; c < 3; c++)
                for (uint64_t k = 0; k < (quick ? 1 : 3); k++) {
                    struct ent_model m;
                    ent_model_init(&m);
                    char name[64];
                    snprintf(name, sizeof name, "n%zu-v%zu-c%d-s%llu", sizes[s][0], sizes[s][1],
                             classes[c], (unsigned long long)k);
                    if (ent_gen_entropy(&m, sizes[s][0], sizes[s][1], classes[c], 0.3,
                                        ENT_GEN_PREVIOUS_ROUND, 100 + k, &err) == 0)
                        run("entropy", name, &m, NULL, limit, seed, &t);
                    else
                        printf("entropy %s: %s\n", name, err.msg);
                    ent_model_release(&m);
                }
        summary("entropy", &t);
        add(&total, &t);
        /* The extreme start, for comparison: every VM spread round-robin. */
        struct totals rr = {0};
        for (size_t c = 0; c < 3; c++) {
            struct ent_model m;
            ent_model_init(&m);
            char name[64];
            snprintf(name, sizeof name, "rr-n200-v400-c%d", classes[c]);
            if (ent_gen_entropy(&m, 200, 400, classes[c], 0.3, ENT_GEN_ROUND_ROBIN, 100, &err) == 0)
                run("entropy-rr", name, &m, NULL, limit, seed, &rr);
            ent_model_release(&m);
        }
        summary("entropy-rr", &rr);
    }
    if (all || strcmp(family, "paper") == 0) {
        /* The Entropy paper's set-up, spread round-robin: CBC proves 32, 63 and 63 nodes optimal
         * for the first three. */
        static const size_t shapes[][3] = {{50, 100, 4},     {100, 200, 4},     {100, 200, 8},
                                           {200, 400, 4},    {200, 400, 8},     {1000, 2000, 4},
                                           {5000, 10000, 4}, {20000, 40000, 4}, {50000, 100000, 4}};
        struct totals t = {0};
        for (size_t s = 0; s < (quick ? 5 : 9); s++) {
            struct ent_model m;
            ent_model_init(&m);
            char name[64];
            snprintf(name, sizeof name, "n%zu-v%zu-c%zu", shapes[s][0], shapes[s][1], shapes[s][2]);
            if (ent_gen_entropy_paper(&m, shapes[s][0], shapes[s][1], (int)shapes[s][2], 7, &err) ==
                0)
                run("paper", name, &m, NULL, limit, seed, &t);
            else
                printf("paper %s: %s\n", name, err.msg);
            ent_model_release(&m);
        }
        summary("paper", &t);
        add(&total, &t);
    }
    if (all || strcmp(family, "mixed") == 0) {
        static const size_t sizes[] = {200, 1000, 5000};
        static const enum ent_gen_start starts[] = {ENT_GEN_PREVIOUS_ROUND, ENT_GEN_ROUND_ROBIN};
        struct totals t = {0};
        double watts[3] = {0, 0, 0}; /* fewest nodes, energy, bound */
        for (size_t s = 0; s < (quick ? 2 : 3); s++)
            for (size_t k = 0; k < 4; k++)
                for (uint64_t r = 0; r < (quick ? 1 : 2); r++) {
                    struct ent_model m;
                    ent_model_init(&m);
                    char name[64];
                    int wide = k >= 2;
                    snprintf(name, sizeof name, "%s%s-n%zu-s%llu", wide ? "wide-" : "",
                             k % 2 ? "rr" : "prev", sizes[s], (unsigned long long)r);
                    if ((wide ? ent_gen_mixed_wide : ent_gen_mixed)(
                            &m, sizes[s], 0.45, starts[k % 2], 300 + r, &err) == 0) {
                        run("mixed", name, &m, NULL, limit, seed, &t);
                        energy_row(name, &m, limit, seed, &watts[0], &watts[1], &watts[2]);
                    } else
                        printf("mixed %s: %s\n", name, err.msg);
                    ent_model_release(&m);
                }
        summary("mixed", &t);
        printf("summary energy     watts: fewest nodes %.1f, energy %.1f (%.2f %% less), bound "
               "%.1f\n",
               watts[0], watts[1], watts[0] > 0 ? 100 * (watts[0] - watts[1]) / watts[0] : 0,
               watts[2]);
        add(&total, &t);
    }
    if (all || strcmp(family, "scale") == 0) {
        /* Mixed hardware at scale, spread out: 50,000 nodes and about 100,000 VMs. */
        struct totals t = {0};
        struct ent_model m;
        ent_model_init(&m);
        if (ent_gen_mixed(&m, 50000, 0.45, ENT_GEN_ROUND_ROBIN, 300, &err) == 0)
            run("scale", "mixed-rr-n50000", &m, NULL, limit, seed, &t);
        else
            printf("scale: %s\n", err.msg);
        ent_model_release(&m);
        summary("scale", &t);
        add(&total, &t);
    }
    if (all || strcmp(family, "tdsc") == 0) {
        /* BtrPlace's TDSC node repair, shaped alike: every VM under spread and among, 5 % of the
         * nodes to empty; the repair objective (BtrPlace's published time: about 3 minutes). */
        static const size_t shapes[][2] = {{1000, 6000}, {5000, 30000}};
        struct totals t = {0};
        for (size_t s = 0; s < 2; s++)
            for (uint64_t k = 0; k < (quick ? 1 : 2); k++) {
                struct ent_model m;
                ent_model_init(&m);
                char name[64];
                snprintf(name, sizeof name, "n%zu-v%zu-s%llu", shapes[s][0], shapes[s][1],
                         (unsigned long long)k);
                if (ent_gen_tdsc(&m, shapes[s][0], shapes[s][1], 0.05, 500 + k, &err) == 0)
                    run("tdsc", name, &m, &ent_objective_repair, limit, seed, &t);
                else
                    printf("tdsc %s: %s\n", name, err.msg);
                ent_model_release(&m);
            }
        summary("tdsc", &t);
        add(&total, &t);
    }
    if (all || strcmp(family, "planetlab") == 0) {
        static const char *days[] = {"20110303", "20110306", "20110309", "20110322", "20110325"};
        static const int steps[] = {0, 72, 144, 216};
        struct totals t = {0};
        for (size_t d = 0; d < (quick ? 1 : 5); d++)
            for (size_t s = 0; s < 4; s++) {
                struct ent_model m;
                ent_model_init(&m);
                char dir[4096], name[64];
                snprintf(dir, sizeof dir, "%s/planetlab/%s", data, days[d]);
                snprintf(name, sizeof name, "%s-step%03d", days[d], steps[s]);
                if (ent_gen_planetlab(&m, dir, 800, steps[s], ENT_GEN_PREVIOUS_ROUND, &err) == 0)
                    run("planetlab", name, &m, NULL, limit, seed, &t);
                else
                    printf("planetlab %s: %s\n", name, err.msg);
                ent_model_release(&m);
            }
        summary("planetlab", &t);
        add(&total, &t);
    }
    if (all || strcmp(family, "stdperf") == 0) {
        static const char *names[] = {"li3", "li4", "li5", "li6",      "nr3",
                                      "nr4", "nr5", "nr6", "issue-100"};
        struct totals t = {0};
        for (size_t i = 0; i < (quick ? 1 : 9); i++) {
            struct ent_model m;
            ent_model_init(&m);
            char path[4096];
            snprintf(path, sizeof path, "%s/btrplace/std-perf/%s.json.gz", data, names[i]);
            if (ent_btrplace_load_instance(&m, path, &err) == 0)
                run("stdperf", names[i], &m, NULL, limit, seed, &t);
            else
                printf("stdperf %s: %s\n", names[i], err.msg);
            ent_model_release(&m);
        }
        summary("stdperf", &t);
        add(&total, &t);
    }
    summary("all", &total);
    return 0;
}
