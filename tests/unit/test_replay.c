/* Trace replay: the metric definitions on hand-computed cases, a no-migration run (zero PDM, the
 * energy by hand), determinism for a seed, and bad traces refused naming the file and the line. */
#include "helpers.h"

#include "replay/metrics.h"
#include "replay/replay.h"
#include "replay/trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const double g4[ENT_POWER_POINTS] = {86, 89.4, 92.6, 96, 99.5, 102, 106, 108, 112, 114, 117};

static void test_metric_definitions(void **state)
{
    (void)state;
    assert_float_equal(ent_table_watts(g4, 0), 86, 1e-9);
    assert_float_equal(ent_table_watts(g4, 0.05), 87.7, 1e-9); /* half way from 86 to 89.4 */
    assert_float_equal(ent_table_watts(g4, 1.5), 117, 1e-9);   /* capped at 100 % */
    assert_float_equal(ent_interval_energy(g4, 0.1, 0.3, 300), (89.4 + 96) / 2 * 300, 1e-9);
    assert_float_equal(ent_overload_seconds(50, 150, 100, 300), 150, 1e-9);
    assert_float_equal(ent_overload_seconds(150, 50, 100, 300), 150, 1e-9);
    assert_float_equal(ent_overload_seconds(120, 130, 100, 300), 300, 1e-9);
    assert_float_equal(ent_overload_seconds(100, 100, 100, 300), 0, 1e-9); /* at, not above */
    struct ent_replay_totals t = {.energy_joules = 7.2e6,
                                  .active_seconds = 1000,
                                  .overload_seconds = 50,
                                  .requested = 4000,
                                  .degraded = 2};
    struct ent_replay_figures f;
    ent_replay_figures(&t, &f);
    assert_float_equal(f.energy_kwh, 2, 1e-12);
    assert_float_equal(f.slatah, 0.05, 1e-12);
    assert_float_equal(f.pdm, 0.0005, 1e-12);
    assert_float_equal(f.slav, 0.05 * 0.0005, 1e-15);
    assert_float_equal(f.esv, 2 * 0.05 * 0.0005, 1e-15);
}

static void read_csv(struct ent_trace *t, const char *text)
{
    struct ent_error err;
    if (ent_trace_read_csv(t, text, strlen(text), "test.csv", &err))
        fail_msg("%s", err.msg);
}

/* Two VMs, two hosts, no migration: a (type 0, 2500 MIPS) on the G4 host, b (type 1, 2000 MIPS)
 * on the G5 host, at 50 % all along: the energy is the two hosts' power at their utilisation. */
static void test_no_migration_by_hand(void **state)
{
    (void)state;
    struct ent_trace t;
    read_csv(&t, "time,vm,cpu,mem\n0,a,50,\n0,b,50,\n300,a,50,\n300,b,50,\n600,a,50,\n"
                 "600,b,50,\n");
    assert_int_equal(t.n_vms, 2);
    assert_int_equal(t.n_steps, 3);
    assert_float_equal(t.step_seconds, 300, 0);
    struct ent_replay_options o;
    ent_replay_options_default(&o);
    o.hosts = 2;
    struct ent_replay_result res;
    struct ent_error err;
    if (ent_replay_run(&t, ent_replay_preset_find("cloudsim-planetlab"),
                       ent_replay_policy_find("none"), &o, &res, &err))
        fail_msg("%s", err.msg);
    /* G4: 1250 / 3720 = 33.6 % -> 96 + 3.5 x 0.36; G5: 1000 / 5320 = 18.8 % -> 97 + 4 x 0.88 */
    double u4 = 1250.0 / 3720, u5 = 1000.0 / 5320;
    double w4 = 96 + (99.5 - 96) * (u4 * 10 - 3), w5 = 97 + (101 - 97) * (u5 * 10 - 1);
    assert_float_equal(res.totals.energy_joules, (w4 + w5) * 900, 1e-6);
    assert_int_equal(res.totals.migrations, 0);
    assert_float_equal(res.figures.pdm, 0, 0);
    assert_float_equal(res.figures.slatah, 0, 0);
    assert_int_equal(res.steps[2].active_hosts, 2);
    assert_float_equal(res.totals.requested, (1250 + 1000) * 900, 1e-6);
    ent_replay_result_release(&res);
    ent_trace_release(&t);
}

/* A synthetic day: 40 VMs over 30 hosts, loads that wander. */
static char *synthetic_csv(unsigned seed)
{
    size_t cap = 1 << 20, len = 0;
    char *text = malloc(cap);
    len += (size_t)snprintf(text + len, cap - len, "time,vm,cpu,mem\n");
    srand(seed);
    for (int s = 0; s < 36; s++)
        for (int v = 0; v < 40; v++)
            len += (size_t)snprintf(text + len, cap - len, "%d,vm-%02d,%d,\n", s * 300, v,
                                    (rand() % 60) + (v % 3 == 0 ? 40 : 0));
    return text;
}

/* The synthetic day of seed in t, replayed on 30 hosts with the default options o. */
static void synthetic_run(unsigned seed, struct ent_trace *t, struct ent_replay_options *o)
{
    char *text = synthetic_csv(seed);
    read_csv(t, text);
    free(text);
    ent_replay_options_default(o);
    o->hosts = 30;
}

static void test_deterministic_and_pdm(void **state)
{
    (void)state;
    struct ent_trace t;
    struct ent_replay_options o;
    synthetic_run(3, &t, &o);
    struct ent_error err;
    for (size_t i = 0; ent_replay_policy_at(i); i++) {
        const struct ent_replay_policy *p = ent_replay_policy_at(i);
        struct ent_replay_result a, b;
        if (ent_replay_run(&t, ent_replay_preset_at(0), p, &o, &a, &err) ||
            ent_replay_run(&t, ent_replay_preset_at(0), p, &o, &b, &err))
            fail_msg("%s: %s", p->name, err.msg);
        assert_int_equal(a.totals.migrations, b.totals.migrations);
        assert_float_equal(a.totals.energy_joules, b.totals.energy_joules, 0);
        assert_float_equal(a.totals.degraded, b.totals.degraded, 0);
        assert_float_equal(a.totals.overload_seconds, b.totals.overload_seconds, 0);
        /* PDM is zero exactly when nothing migrated */
        assert_int_equal(a.figures.pdm > 0, a.totals.migrations > 0);
        if (strcmp(p->name, "none") == 0)
            assert_int_equal(a.totals.migrations, 0);
        else
            assert_true(a.totals.migrations > 0); /* the load wanders: every policy moves */
        ent_replay_result_release(&a);
        ent_replay_result_release(&b);
    }
    ent_trace_release(&t);
}

/* Migrations that fail in Entropy's executor leave their VMs where they were: the run goes on,
 * the failures counted, every VM still on one host (the run checks it at every step). */
static void test_failed_migrations_lose_nothing(void **state)
{
    (void)state;
    struct ent_trace t;
    struct ent_replay_options o;
    synthetic_run(5, &t, &o);
    struct ent_error err;
    struct ent_replay_result ok, failing;
    const struct ent_replay_policy *p = ent_replay_policy_find("entropy");
    if (ent_replay_run(&t, ent_replay_preset_at(0), p, &o, &ok, &err))
        fail_msg("%s", err.msg);
    o.failure_rate = 0.5;
    if (ent_replay_run(&t, ent_replay_preset_at(0), p, &o, &failing, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(ok.failed_actions, 0);
    assert_true(failing.failed_actions > 0);
    assert_true(failing.totals.migrations > 0);
    ent_replay_result_release(&ok);
    ent_replay_result_release(&failing);
    ent_trace_release(&t);
}

static void expect_csv_error(const char *text, const char *expected)
{
    struct ent_trace t;
    struct ent_error err;
    assert_int_not_equal(ent_trace_read_csv(&t, text, strlen(text), "bad.csv", &err), 0);
    if (!strstr(err.msg, expected))
        fail_msg("\"%s\" does not say \"%s\"", err.msg, expected);
}

static void test_bad_csv_refused(void **state)
{
    (void)state;
    expect_csv_error("time,vm,cpu\n0,a,50\nx,a,50\n", "bad.csv:3: time");
    expect_csv_error("0,a,50\n300,a,150\n", "bad.csv:2: cpu 150 outside");
    expect_csv_error("0,a,50\n0,a,60\n", "bad.csv:2: a second sample of VM a");
    expect_csv_error("0,a,50\n300,a,50\n700,a,50\n", "bad.csv:3: time 700");
    expect_csv_error("0,a\n", "bad.csv:1: expected time,vm,cpu");
    expect_csv_error("0,a\x01,50\n", "bad.csv:1: vm: not a VM name");
    expect_csv_error("0,a,50,-3\n", "bad.csv:1: mem -3 outside");
    expect_csv_error("# nothing\n\n", "bad.csv: no sample");
    expect_csv_error("0,a,nan\n", "bad.csv:1: cpu: not a number");
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_bad_folder_refused(void **state)
{
    (void)state;
    char dir[] = "/tmp/entropy-trace-XXXXXX", path[256];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/vm a", dir); /* PlanetLab's names have spaces: fine */
    write_file(path, "10\n20\n30\n");
    snprintf(path, sizeof path, "%s/vm-b", dir);
    write_file(path, "10\n20\n");
    struct ent_trace t;
    struct ent_error err;
    assert_int_not_equal(ent_trace_read_dir(&t, dir, 300, &err), 0);
    assert_non_null(strstr(err.msg, "vm-b: 2 samples where vm a has 3"));
    write_file(path, "10\n2O\n30\n");
    assert_int_not_equal(ent_trace_read_dir(&t, dir, 300, &err), 0);
    assert_non_null(strstr(err.msg, "vm-b:2: not a utilisation"));
    write_file(path, "10\n101\n30\n");
    assert_int_not_equal(ent_trace_read_dir(&t, dir, 300, &err), 0);
    assert_non_null(strstr(err.msg, "vm-b:2:"));
    write_file(path, "10\n20\n30\n");
    assert_int_equal(ent_trace_read_dir(&t, dir, 300, &err), 0);
    assert_int_equal(t.n_vms, 2);
    assert_string_equal(t.names[0], "vm a");
    assert_float_equal(t.cpu[1 * 3 + 1], 0.2, 1e-12);
    ent_trace_release(&t);
    snprintf(path, sizeof path, "%s/vm\tc", dir);
    write_file(path, "10\n20\n30\n");
    assert_int_not_equal(ent_trace_read_dir(&t, dir, 300, &err), 0);
    assert_non_null(strstr(err.msg, "\"vm\\x09c\" is not a VM name"));
    unlink(path);
    snprintf(path, sizeof path, "%s/vm a", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/vm-b", dir);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metric_definitions),
        cmocka_unit_test(test_no_migration_by_hand),
        cmocka_unit_test(test_deterministic_and_pdm),
        cmocka_unit_test(test_failed_migrations_lose_nothing),
        cmocka_unit_test(test_bad_csv_refused),
        cmocka_unit_test(test_bad_folder_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
