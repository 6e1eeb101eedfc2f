/* Trace replay benchmark: each shared PlanetLab day replayed on CloudSim's set-up under every
 * policy side by side; per day and policy the energy, SLATAH, PDM, SLAV, ESV, migrations and
 * wall time, then whether Entropy's policy is below LR-MMT-1.2's ESV with fewer migrations.
 * Prints, asserts nothing.
 *   bench_simulate [--data DIR] [--preset NAME] [--day DAY] [--solver-time S]
 * DIR defaults to $ENTROPY_SHARED_DATA, else ../shared/data. */
#include "replay/replay.h"
#include "replay/trace.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const days[] = {"20110303", "20110306", "20110309", "20110322", "20110325"};

static int replay_day(const char *dir, const char *day, const struct ent_replay_preset *preset,
                      const struct ent_replay_options *o, int *wins)
{
    struct ent_trace t;
    struct ent_error err;
    if (ent_trace_read(&t, dir, preset->step_seconds, &err)) {
        fprintf(stderr, "bench_simulate: %s\n", err.msg);
        return 1;
    }
    double esv[2] = {0, 0};
    size_t migrations[2] = {0, 0};
    for (size_t i = 0; ent_replay_policy_at(i); i++) {
        const struct ent_replay_policy *p = ent_replay_policy_at(i);
        struct ent_replay_result res;
        if (ent_replay_run(&t, preset, p, o, &res, &err)) {
            fprintf(stderr, "bench_simulate: %s %s: %s\n", day, p->name, err.msg);
            ent_trace_release(&t);
            return 1;
        }
        const struct ent_replay_figures *f = &res.figures;
        printf("%-9s %-15s %5zu %10.2f %9.3f %9.4f %11.3e %11.3e %10zu %9zu %8.2f\n", day, p->name,
               t.n_vms, f->energy_kwh, f->slatah * 100, f->pdm * 100, f->slav, f->esv,
               res.totals.migrations, res.totals.shutdowns, res.wall_seconds);
        int k = strcmp(p->name, "entropy") == 0 ? 0 : strcmp(p->name, "lr-mmt-1.2") == 0 ? 1 : -1;
        if (k >= 0) {
            esv[k] = f->esv;
            migrations[k] = res.totals.migrations;
        }
        ent_replay_result_release(&res);
    }
    int win = esv[0] < esv[1] && migrations[0] < migrations[1];
    printf("%-9s entropy vs lr-mmt-1.2: ESV %.3e vs %.3e, migrations %zu vs %zu: %s\n", day, esv[0],
           esv[1], migrations[0], migrations[1], win ? "below, fewer" : "NOT below");
    *wins += win;
    ent_trace_release(&t);
    return 0;
}

int main(int argc, char **argv)
{
    const char *data = getenv("ENTROPY_SHARED_DATA"), *only = NULL;
    const struct ent_replay_preset *preset = ent_replay_preset_at(0);
    struct ent_replay_options o;
    ent_replay_options_default(&o);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
            data = argv[++i];
        else if (strcmp(argv[i], "--day") == 0 && i + 1 < argc)
            only = argv[++i];
        else if (strcmp(argv[i], "--solver-time") == 0 && i + 1 < argc)
            o.solver_seconds = atof(argv[++i]);
        else if (strcmp(argv[i], "--preset") == 0 && i + 1 < argc &&
                 (preset = ent_replay_preset_find(argv[i + 1])))
            i++;
        else {
            fprintf(stderr, "usage: bench_simulate [--data DIR] [--preset NAME] [--day DAY] "
                            "[--solver-time S]\n");
            return 2;
        }
    }
    if (!data)
        data = "../shared/data";
    printf("trace replay benchmark: preset %s, %d anytime levels (limit %.1f s) per sample, one "
           "core\n",
           preset->name, o.solver_levels, o.solver_seconds);
    printf("%-9s %-15s %5s %10s %9s %9s %11s %11s %10s %9s %8s\n", "day", "policy", "vms",
           "energy_kWh", "SLATAH_%", "PDM_%", "SLAV", "ESV", "migrations", "shutdowns", "wall_s");
    int wins = 0, n = 0;
    for (size_t d = 0; d < sizeof days / sizeof *days; d++) {
        if (only && strcmp(only, days[d]) != 0)
            continue;
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/planetlab/%s", data, days[d]);
        if (replay_day(dir, days[d], preset, &o, &wins))
            return 1;
        n++;
    }
    printf("summary: entropy below lr-mmt-1.2's ESV with fewer migrations on %d of %d days\n", wins,
           n);
    return 0;
}
