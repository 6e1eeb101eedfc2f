/* Numbers from monitoring are hostile: util/number.c refuses NaN, infinities, 1e300 and text,
 * and a Ganglia host publishing such a figure is reported by host and metric while the rest of
 * the snapshot is kept (no float-to-integer conversion of a value out of range: UBSan checks). */
#include "helpers.h"

#include "model/model.h"
#include "monitor/ganglia_snapshot.h"
#include "monitor/ganglia_xml.h"
#include "util/log.h"
#include "util/number.h"

#include <string.h>

static void test_numbers_in_range(void **state)
{
    (void)state;
    double v = -1;
    assert_true(ent_number_in("16777216", 0, 1e15, &v));
    assert_true(v == 16777216);
    assert_true(ent_number_in(" 2.5 \n", 0, 10, &v));
    assert_true(v == 2.5);
    static const char *const bad[] = {"nan", "NaN", "inf",   "-inf", "1e300", "1e999",
                                      "-1",  "",    "12abc", "0x",   NULL};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        v = 42;
        assert_false(ent_number_in(bad[i], 0, 1e15, &v));
        assert_true(v == 42); /* untouched */
    }
}

#define METRIC(name, val) "<METRIC NAME=\"" name "\" VAL=\"" val "\" TN=\"1\" TMAX=\"60\"/>"
#define NODE(name, mem, cpus, vms)                                                                 \
    "<HOST NAME=\"" name                                                                           \
    "\" IP=\"10.0.0.1\" TN=\"1\" TMAX=\"20\">" METRIC("container.mem_total", mem)                  \
        METRIC("container.cpu_num", cpus) METRIC("container.type", "xen-3.3")                      \
            METRIC("container.driver.migration", "xen") METRIC("container.vms", vms) "</HOST>"
#define VM(name, mem, cpus, idle)                                                                  \
    "<HOST NAME=\"" name "\" IP=\"10.0.1.1\" TN=\"1\" TMAX=\"20\">" METRIC("mem_total", mem)       \
        METRIC("cpu_num", cpus) METRIC("cpu_idle", idle) "</HOST>"

static void test_absurd_figures_are_reported_and_left_out(void **state)
{
    (void)state;
    const char *xml =
        "<GANGLIA_XML><CLUSTER NAME=\"c\">" NODE("good-1", "8388608", "4", "vm-a vm-b vm-c")
            NODE("nan-cpus", "8388608", "nan", "vm-x") NODE("huge-mem", "1e300", "4", "vm-y")
                VM("vm-a", "nan", "1e300", "inf") VM("vm-b", "1048576", "2", "50")
                    VM("vm-c", "-5", "2", "-1e300") "</CLUSTER></GANGLIA_XML>";
    struct ent_model m;
    json_t *issues;
    ganglia_snapshot_of(xml, &m, &issues);
    assert_int_equal(m.n_nodes, 1); /* the two absurd nodes left out, with their VMs */
    assert_string_equal(m.nodes[0].name, "good-1");
    assert_int_equal(m.n_vms, 3);
    int mem = ent_model_resource_index(&m, "memory"), cpu = ent_model_resource_index(&m, "cpu");
    assert_int_equal(m.res[mem].demand[0], 1024); /* vm-a: nothing believed, the defaults */
    assert_int_equal(m.res[cpu].demand[0], 100);
    assert_int_equal(m.res[mem].demand[1], 1024); /* vm-b: its own figures */
    assert_int_equal(m.res[cpu].demand[1], 100);
    assert_int_equal(m.res[mem].demand[2], 1024); /* vm-c: the defaults */
    char *all = json_dumps(issues, 0);
    static const char *const said[] = {
        "host nan-cpus: container.cpu_num \\\"nan\\\" is not a number from 0 to 100000",
        "host nan-cpus is not a node: its capacity is unknown",
        "host huge-mem: container.mem_total \\\"1e300\\\" is not a number",
        "host vm-a: mem_total \\\"nan\\\"",
        "host vm-a: cpu_num \\\"1e300\\\"",
        "host vm-a: cpu_idle \\\"inf\\\"",
        "host vm-c: mem_total \\\"-5\\\""};
    for (size_t i = 0; i < sizeof said / sizeof *said; i++)
        if (!strstr(all, said[i]))
            fail_msg("no issue says %s in %s", said[i], all);
    free(all);
    json_decref(issues);
    ent_model_release(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers_in_range),
        cmocka_unit_test(test_absurd_figures_are_reported_and_left_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
