/* daemon/failover.c: the fencing rules. A node lost with VMs is suspected, then fenced after
 * failover.after rounds (through its power driver, or an administrator's confirmation); nothing
 * is restarted before (its VMs held); a flapping node is not fenced; a fenced node that returns is
 * kept out (banned), never fenced twice, until cleared; the journal carries it all over a daemon
 * restart. */
#include "helpers.h"

#include "daemon/autostart.h"
#include "daemon/failover.h"
#include "exec/journal.h"
#include "model/definition.h"
#include "util/alloc.h"

#include <stdlib.h>
#include <unistd.h>

/* Nodes n1, n2 online; VMs a and b on n1 when n1 is up, else ready (defined, running nowhere). */
static void snapshot(struct ent_model *m, bool n1_up)
{
    struct ent_error err;
    ent_error_init(&err);
    ent_model_init(m);
    int mem = ent_model_add_resource(m, "memory", 0, 0, &err);
    assert_int_equal(
        ent_model_add_node(m, 0, "n1", n1_up ? ENT_NODE_ONLINE : ENT_NODE_OFFLINE, &err), 0);
    assert_int_equal(ent_model_add_node(m, 1, "n2", ENT_NODE_ONLINE, &err), 1);
    m->res[mem].capacity[0] = m->res[mem].capacity[1] = 1000;
    const char *names[] = {"a", "b"};
    for (int v = 0; v < 2; v++) {
        assert_int_equal(ent_model_add_vm(m, v, names[v], n1_up ? ENT_VM_RUNNING : ENT_VM_READY,
                                          n1_up ? 0 : -1, &err),
                         v);
        m->res[mem].demand[v] = 100;
        m->vms[v].attrs = json_pack("{s:s, s:b}", ENT_VM_ATTR_DEFINITION, "/defs/x.xml",
                                    ENT_VM_ATTR_AUTOSTART, 1);
    }
}

static const struct ent_watched_node *node(const struct ent_failover *f, const char *name)
{
    for (size_t i = 0; i < f->len; i++)
        if (strcmp(f->nodes[i].name, name) == 0)
            return &f->nodes[i];
    return NULL;
}

/* One round: the snapshot, then what failover makes of it; m is released by the caller. */
static void round_of(struct ent_failover *f, struct ent_model *m, bool n1_up, long round,
                     struct ent_journal *j)
{
    snapshot(m, n1_up);
    ent_failover_observe(f, m, round, NULL, j);
}

static const char *attr(const struct ent_model *m, int32_t v, const char *name)
{
    return json_string_value(json_object_get(m->vms[v].attrs, name));
}

static struct ent_journal journal(char *dir)
{
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/journal.db", dir);
    struct ent_journal j = {0};
    struct ent_error err;
    ent_error_init(&err);
    assert_int_equal(ent_journal_open(&j, path, &err), 0);
    return j;
}

static void remove_dir(const char *dir)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_no_power_driver_waits_for_the_administrator(void **state)
{
    (void)state;
    char dir[] = "/tmp/ent-failover-XXXXXX";
    struct ent_journal j = journal(dir);
    struct ent_failover f = {.enabled = true, .after = 2};
    struct ent_model m;
    round_of(&f, &m, true, 1, &j);
    assert_int_equal(node(&f, "n1")->health, ENT_HEALTH_SEEN);
    ent_model_release(&m);
    /* Lost: suspected, its VMs held; then fencing, still held (no power driver). */
    round_of(&f, &m, false, 2, &j);
    assert_int_equal(node(&f, "n1")->health, ENT_HEALTH_SUSPECTED);
    assert_string_equal(attr(&m, 0, ENT_VM_ATTR_HELD), "n1");
    struct ent_autostart a = {.enabled = true};
    assert_int_equal(ent_autostart_candidates(&a, &m), 0); /* never booted while held */
    ent_model_release(&m);
    for (long r = 3; r < 6; r++) {
        round_of(&f, &m, false, r, &j);
        assert_int_equal(node(&f, "n1")->health, ENT_HEALTH_FENCING);
        assert_non_null(strstr(node(&f, "n1")->detail, "no power driver"));
        assert_null(attr(&m, 1, ENT_VM_ATTR_RESTART));
        assert_int_equal(ent_autostart_candidates(&a, &m), 0);
        ent_model_release(&m);
    }
    /* The administrator's word: fenced, its VMs restarted, the higher priority first. */
    struct ent_error err;
    ent_error_init(&err);
    assert_int_equal(ent_journal_fencing_word(&j, "n1", "confirmed", &err), 0);
    round_of(&f, &m, false, 6, &j);
    assert_int_equal(node(&f, "n1")->health, ENT_HEALTH_FENCED);
    assert_true(node(&f, "n1")->by_admin);
    assert_string_equal(attr(&m, 0, ENT_VM_ATTR_RESTART), "n1");
    assert_null(attr(&m, 0, ENT_VM_ATTR_HELD));
    assert_int_equal(ent_autostart_candidates(&a, &m), 2);
    json_t *shown = ent_failover_json(&f);
    json_t *restarting = json_object_get(json_array_get(shown, 0), "restarting");
    assert_int_equal(json_array_size(restarting), 2);
    assert_string_equal(json_string_value(json_array_get(restarting, 0)), "a");
    json_decref(shown);
    ent_model_release(&m);

    /* A restarted daemon goes on from the journal: n1 fenced, a and b to restart. */
    struct ent_failover again = {.enabled = true, .after = 2};
    round_of(&again, &m, false, 7, &j);
    assert_int_equal(node(&again, "n1")->health, ENT_HEALTH_FENCED);
    assert_int_equal(json_array_size(node(&again, "n1")->vms), 2);
    assert_string_equal(attr(&m, 1, ENT_VM_ATTR_RESTART), "n1");
    ent_model_release(&m);
    ent_failover_release(&again);
    ent_failover_release(&f);
    ent_journal_close(&j);
    remove_dir(dir);
}

static void test_a_flapping_node_is_not_fenced(void **state)
{
    (void)state;
    struct ent_failover f = {.enabled = true, .after = 2};
    struct ent_model m;
    for (long r = 1; r <= 8; r++) { /* lost one round in two */
        round_of(&f, &m, r % 2 == 1, r, NULL);
        assert_true(node(&f, "n1")->health == ENT_HEALTH_SEEN ||
                    node(&f, "n1")->health == ENT_HEALTH_SUSPECTED);
        ent_model_release(&m);
    }
    /* failover.after = 0: never fenced by Entropy, however long it is lost. */
    struct ent_failover never = {.enabled = true, .after = 0};
    round_of(&never, &m, true, 1, NULL);
    ent_model_release(&m);
    for (long r = 2; r < 20; r++) {
        round_of(&never, &m, false, r, NULL);
        assert_int_equal(node(&never, "n1")->health, ENT_HEALTH_SUSPECTED);
        assert_string_equal(attr(&m, 0, ENT_VM_ATTR_HELD), "n1");
        ent_model_release(&m);
    }
    ent_failover_release(&never);
    ent_failover_release(&f);
}

static void test_a_returned_node_is_kept_out_until_cleared(void **state)
{
    (void)state;
    char dir[] = "/tmp/ent-failover-XXXXXX";
    struct ent_journal j = journal(dir);
    struct ent_error err;
    ent_error_init(&err);
    struct ent_failover f = {.enabled = true, .after = 1};
    struct ent_model m;
    round_of(&f, &m, true, 1, &j);
    ent_model_release(&m);
    round_of(&f, &m, false, 2, &j);
    ent_model_release(&m);
    assert_int_equal(ent_journal_fencing_word(&j, "n1", "confirmed", &err), 0);
    round_of(&f, &m, false, 3, &j);
    assert_int_equal(node(&f, "n1")->health, ENT_HEALTH_FENCED);
    ent_model_release(&m);
    /* Back, running a and b (a restart happened elsewhere meanwhile, say): returned, banned,
     * what it runs pinned; never fenced again while it flaps. */
    for (long r = 4; r < 8; r++) {
        round_of(&f, &m, r != 5, r, &j);
        assert_int_equal(node(&f, "n1")->health, ENT_HEALTH_RETURNED);
        ent_model_release(&m);
    }
    round_of(&f, &m, true, 8, &j);
    size_t bans = 0, roots = 0;
    for (size_t i = 0; i < m.constraints.len; i++) {
        bans += m.constraints.items[i].kind == ENT_CK_BAN && m.constraints.items[i].nodes[0] == 0;
        roots += m.constraints.items[i].kind == ENT_CK_ROOT;
    }
    assert_int_equal(bans, 1);
    assert_int_equal(roots, 2);
    ent_model_release(&m);
    json_t *shown = ent_failover_json(&f);
    assert_string_equal(json_string_value(json_object_get(json_array_get(shown, 0), "health")),
                        "returned");
    json_decref(shown);
    /* Cleared: forgotten, in the journal too. */
    assert_int_equal(ent_journal_fencing_word(&j, "n1", "cleared", &err), 0);
    round_of(&f, &m, true, 9, &j);
    assert_true(!node(&f, "n1") || node(&f, "n1")->health == ENT_HEALTH_SEEN);
    assert_int_equal(m.constraints.len, 0);
    ent_model_release(&m);
    struct ent_fencing *rows;
    size_t n;
    assert_int_equal(ent_journal_fencing_list(&j, &rows, &n, &err), 0);
    assert_int_equal(n, 0);
    ent_journal_fencing_free(rows, n);
    ent_failover_release(&f);
    ent_journal_close(&j);
    remove_dir(dir);
}

/* A node the source says it lost (Ganglia past liveness), which this daemon never saw: watched
 * from what the source says it ran, its VMs held. */
static void test_a_node_lost_before_the_daemon_started_holds_its_vms(void **state)
{
    (void)state;
    struct ent_failover f = {.enabled = true, .after = 3};
    struct ent_model m;
    snapshot(&m, false);
    m.lost = json_pack("{s:[s, s]}", "n9", "a", "no-such-vm");
    ent_failover_observe(&f, &m, 1, NULL, NULL);
    assert_int_equal(node(&f, "n9")->health, ENT_HEALTH_SUSPECTED);
    assert_string_equal(attr(&m, 0, ENT_VM_ATTR_HELD), "n9");
    assert_null(attr(&m, 1, ENT_VM_ATTR_HELD)); /* b ran nowhere anyone knows */
    ent_model_release(&m);
    ent_failover_release(&f);

    /* A host that cannot be read and was never seen (libvirt): what it runs is unknown, so no
     * ready VM is booted until it is read or confirmed dead. */
    struct ent_failover g = {.enabled = true, .after = 3};
    snapshot(&m, false);
    m.lost = json_pack("{s:n}", "n8");
    ent_failover_observe(&g, &m, 1, NULL, NULL);
    assert_string_equal(attr(&m, 0, ENT_VM_ATTR_HELD), "n8");
    assert_string_equal(attr(&m, 1, ENT_VM_ATTR_HELD), "n8");
    struct ent_autostart a = {.enabled = true};
    assert_int_equal(ent_autostart_candidates(&a, &m), 0);
    ent_model_release(&m);
    ent_failover_release(&g);
}

int main(void)
{
    ent_log_open(NULL, ENT_LOG_ERROR, NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_power_driver_waits_for_the_administrator),
        cmocka_unit_test(test_a_flapping_node_is_not_fenced),
        cmocka_unit_test(test_a_returned_node_is_kept_out_until_cleared),
        cmocka_unit_test(test_a_node_lost_before_the_daemon_started_holds_its_vms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
