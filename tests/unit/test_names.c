/* monitor/issues.c at the monitoring boundary: which names a node or a VM may have, how a refused
 * one is shown, what becomes of its VM (counted, pinned, never acted on) and of its node (left
 * out), and Ganglia's container.vms split on any whitespace (the seed script's one per line). */
#include "helpers.h"

#include "monitor/ganglia_snapshot.h"
#include "monitor/ganglia_xml.h"
#include "monitor/issues.h"
#include "util/log.h"
#include "util/names.h"
#include "util/str.h"

static void test_the_name_rule(void **state)
{
    (void)state;
    static const char *const good[] = {"vm-01", "node1.example.com", "web_2", "db+1",
                                       "x:y@z", "Domain-7"};
    static const char *const bad[] = {"evil;touch${IFS}/tmp/pwned;#",
                                      "a\nb",
                                      "../etc",
                                      "-rf",
                                      ".hidden",
                                      "",
                                      "a b",
                                      "vm'1",
                                      "$(id)",
                                      "a/b",
                                      "\x1b[31m"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        assert_true(ent_name_ok(good[i]));
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (ent_name_ok(bad[i]))
            fail_msg("\"%s\" accepted", bad[i]);
    char longest[ENT_NAME_MAX + 2];
    memset(longest, 'a', sizeof longest);
    longest[ENT_NAME_MAX] = 0;
    assert_true(ent_name_ok(longest));
    longest[ENT_NAME_MAX] = 'a';
    longest[ENT_NAME_MAX + 1] = 0;
    assert_false(ent_name_ok(longest));
    struct ent_str q = ENT_STR_INIT;
    assert_string_equal(ent_name_quote("a\nb\\c\x1b", &q), "a\\x0ab\\x5cc\\x1b");
    ent_str_release(&q);
    char *sq = ent_shell_quote("it's; rm -rf /");
    assert_string_equal(sq, "'it'\\''s; rm -rf /'");
    free(sq);
}

#define HOST(name, vms)                                                                            \
    "<HOST NAME=\"" name "\" IP=\"10.0.0.1\" TN=\"1\" TMAX=\"20\">"                                \
    "<METRIC NAME=\"container.mem_total\" VAL=\"8388608\" TN=\"1\" TMAX=\"60\"/>"                  \
    "<METRIC NAME=\"container.cpu_num\" VAL=\"4\" TN=\"1\" TMAX=\"60\"/>"                          \
    "<METRIC NAME=\"container.type\" VAL=\"xen-3.3\" TN=\"1\" TMAX=\"60\"/>"                       \
    "<METRIC NAME=\"container.driver.migration\" VAL=\"xen\" TN=\"1\" TMAX=\"60\"/>"               \
    "<METRIC NAME=\"container.vms\" VAL=\"" vms "\" TN=\"1\" TMAX=\"60\"/></HOST>"

static void test_a_dump_with_hostile_and_newline_separated_names(void **state)
{
    (void)state;
    const char *xml = "<GANGLIA_XML><CLUSTER NAME=\"c\">" HOST("node-1", "vm01&#10;vm02&#10;vm03")
        HOST("node-2", "ok-1 evil;touch${IFS}/tmp/pwned;#&#10;ok-2")
            HOST("bad node;reboot", "vm-x") "</CLUSTER></GANGLIA_XML>";
    struct ent_model m;
    json_t *issues;
    ganglia_snapshot_of(xml, &m, &issues);
    assert_int_equal(m.n_nodes, 2); /* the badly named node and its VM left out */
    assert_int_equal(m.n_vms, 6);
    static const char *const names[] = {"vm01", "vm02", "vm03", "ok-1", NULL, "ok-2"};
    for (size_t v = 0; v < 6; v++)
        if (names[v])
            assert_string_equal(m.vms[v].name, names[v]);
    assert_string_equal(m.vms[4].name, "vm#4"); /* counted on node-2 under a placeholder */
    assert_int_equal(m.map.vm_host[4], 1);
    int pinned = 0;
    for (size_t i = 0; i < m.constraints.len; i++)
        pinned |= m.constraints.items[i].kind == ENT_CK_ROOT &&
                  ent_index_in(m.constraints.items[i].vms, m.constraints.items[i].n_vms, 4);
    assert_true(pinned);
    assert_int_equal(json_array_size(issues), 3);
    for (size_t i = 0; i < 3; i++) {
        const char *msg = json_string_value(json_array_get(issues, i));
        assert_null(strchr(msg, '\n'));
        assert_true(i < 2 || !strstr(msg, "pwned")); /* quoted in the first two only */
        assert_non_null(strstr(msg, i < 2 ? "not a valid name" : "6 VMs sized by default"));
    }
    assert_non_null(strstr(json_string_value(json_array_get(issues, 2)), "ok-1, vm#4, ok-2"));
    json_decref(issues);
    ent_model_release(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_name_rule),
        cmocka_unit_test(test_a_dump_with_hostile_and_newline_separated_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
