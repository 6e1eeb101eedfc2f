/* daemon/disruption.c: loop.window parsed (day ranges, across midnight, refusals) and applied to
 * local times; a plan cut to loop.max_migrations and per node, an action kept only with what it
 * waits for; the cooldown pins recently moved VMs, not those on nodes in maintenance. */
#include "helpers.h"

#include "daemon/disruption.h"
#include "model/constraint.h"

#include <stdlib.h>

/* Local time of a day of December 2026 (the 7th is a Monday) at hh:mm. */
static time_t at(int mday, int hh, int mm)
{
    struct tm tm = {
        .tm_year = 126, .tm_mon = 11, .tm_mday = mday, .tm_hour = hh, .tm_min = mm, .tm_isdst = -1};
    return mktime(&tm);
}

static void test_windows(void **state)
{
    (void)state;
    struct ent_disruption d = {0};
    struct ent_error err;
    ent_error_init(&err);
    assert_true(ent_disruption_in_window(&d, at(7, 12, 0))); /* none: always */
    assert_int_equal(ent_disruption_windows(&d, "Mon-Fri 22:00-06:00, Sat 00:00-24:00", &err), 0);
    assert_int_equal(d.n_windows, 2);
    assert_true(ent_disruption_in_window(&d, at(7, 23, 0)));   /* Monday night */
    assert_true(ent_disruption_in_window(&d, at(8, 5, 59)));   /* Tuesday early, from Monday */
    assert_false(ent_disruption_in_window(&d, at(8, 6, 0)));   /* Tuesday 06:00: over */
    assert_false(ent_disruption_in_window(&d, at(7, 12, 0)));  /* Monday noon */
    assert_true(ent_disruption_in_window(&d, at(12, 12, 0)));  /* Saturday, all day */
    assert_true(ent_disruption_in_window(&d, at(12, 3, 0)));   /* and from Friday night */
    assert_false(ent_disruption_in_window(&d, at(13, 12, 0))); /* Sunday noon */
    assert_false(ent_disruption_in_window(&d, at(7, 3, 0)));   /* Monday early: Sunday had none */
    assert_int_equal(ent_disruption_windows(&d, "Sun 10:00-11:00", &err), 0);
    assert_true(ent_disruption_in_window(&d, at(13, 10, 30)));
    const char *bad[] = {"Mon-Fri",       "Mon-Fri 22:00",       "Xyz 10:00-11:00",
                         "10:00-25:00",   "Mon-Fri 10:60-11:00", "Mon 24:00-01:00",
                         "Mo 10:00-11:00"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (ent_disruption_windows(&d, bad[i], &err) != ENT_EINVALID)
            fail_msg("accepted: %s", bad[i]);
        assert_non_null(strstr(err.msg, "loop.window"));
    }
    assert_int_equal(ent_disruption_windows(&d, "10:00-11:00", &err), 0); /* every day */
    assert_true(ent_disruption_in_window(&d, at(9, 10, 15)));
}

static struct ent_action *migrate(struct ent_plan *p, int vm, int from, int to, int start, int end)
{
    struct ent_action *a = ent_plan_add(p, ENT_ACTION_MIGRATE_VM);
    a->vm = vm;
    a->node = -1;
    a->from = from;
    a->to = to;
    a->start = start;
    a->end = end;
    return a;
}

static void test_caps_keep_what_an_action_waits_for(void **state)
{
    (void)state;
    struct ent_disruption d = {.max_migrations = 2};
    struct ent_plan p;
    ent_plan_init(&p);
    migrate(&p, 0, 0, 1, 0, 10); /* frees room on node 0 */
    migrate(&p, 1, 2, 3, 0, 10);
    migrate(&p, 2, 1, 0, 10, 20); /* waits for the first (node 0 and 1) */
    migrate(&p, 3, 4, 5, 0, 10);
    assert_int_equal(ent_disruption_cap(&d, &p, 6), 2);
    assert_int_equal(p.len, 2);
    assert_int_equal(p.actions[0].vm, 0);
    assert_int_equal(p.actions[1].vm, 1);
    ent_plan_release(&p);
    /* per node: one migration from or to a node */
    d = (struct ent_disruption){.max_per_node = 1};
    ent_plan_init(&p);
    migrate(&p, 0, 0, 1, 0, 10);
    migrate(&p, 1, 0, 2, 0, 10); /* node 0 again: cut */
    migrate(&p, 2, 3, 4, 0, 10);
    migrate(&p, 3, 2, 5, 20, 30); /* waits for the cut one on node 2: cut */
    assert_int_equal(ent_disruption_cap(&d, &p, 6), 2);
    assert_int_equal(p.len, 2);
    assert_int_equal(p.actions[0].vm, 0);
    assert_int_equal(p.actions[1].vm, 2);
    ent_plan_release(&p);
}

static void test_cooldown_pins_recent_moves(void **state)
{
    (void)state;
    struct ent_error err;
    ent_error_init(&err);
    struct ent_model m;
    ent_model_init(&m);
    assert_int_equal(ent_model_add_node(&m, 0, "n1", ENT_NODE_ONLINE, &err), 0);
    assert_int_equal(ent_model_add_node(&m, 1, "n2", ENT_NODE_ONLINE, &err), 1);
    assert_true(ent_model_add_vm(&m, 0, "a", ENT_VM_RUNNING, 0, &err) >= 0);
    assert_true(ent_model_add_vm(&m, 1, "b", ENT_VM_RUNNING, 1, &err) >= 0);
    assert_true(ent_model_add_vm(&m, 2, "c", ENT_VM_RUNNING, 1, &err) >= 0);
    struct ent_disruption d = {.cooldown_rounds = 3};
    ent_disruption_moved(&d, "a", 10);
    ent_disruption_moved(&d, "b", 5);
    ent_disruption_moved(&d, "c", 12);
    unsigned char exempt[2] = {0, 1}; /* n2 in maintenance: c stays movable */
    assert_int_equal(ent_disruption_pin(&d, &m, 13, exempt), 1);
    const struct ent_constraint *c = &m.constraints.items[m.constraints.len - 1];
    assert_int_equal(c->kind, ENT_CK_ROOT);
    assert_int_equal(c->vms[0], 0);                            /* a, moved 3 rounds ago */
    assert_int_equal(ent_disruption_pin(&d, &m, 14, NULL), 1); /* a's cooldown over, c's not */
    ent_disruption_release(&d);
    ent_model_release(&m);
}

int main(void)
{
    setenv("TZ", "UTC", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_windows),
        cmocka_unit_test(test_caps_keep_what_an_action_waits_for),
        cmocka_unit_test(test_cooldown_pins_recent_moves),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
