/* monitor/ganglia_xml.c: gmond's XML dump read as it arrives (in pieces), the container.*
 * metrics and heartbeats kept, hostile documents refused naming the line. */
#include "helpers.h"

#include "monitor/ganglia_xml.h"

static const char dump[] =
    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" standalone=\"yes\"?>\n"
    "<GANGLIA_XML VERSION=\"3.7.2\" SOURCE=\"gmond\">\n"
    "<CLUSTER NAME=\"xen\" LOCALTIME=\"1700000000\" OWNER=\"x\" LATLONG=\"\" URL=\"\">\n"
    "<HOST NAME=\"node-1\" IP=\"10.0.0.1\" REPORTED=\"1700000000\" TN=\"3\" TMAX=\"20\" "
    "DMAX=\"0\" LOCATION=\"\" GMOND_STARTED=\"0\">\n"
    "<METRIC NAME=\"container.vms\" VAL=\"vm-1 vm-2\" TYPE=\"string\" UNITS=\"\" TN=\"5\" "
    "TMAX=\"60\" DMAX=\"0\" SLOPE=\"both\"/>\n"
    "<METRIC NAME=\"container.mem_total\" VAL=\"8388608\" TYPE=\"uint32\" UNITS=\"KB\" TN=\"5\" "
    "TMAX=\"60\" DMAX=\"0\" SLOPE=\"both\"/>\n"
    "<METRIC NAME=\"unrelated.metric\" VAL=\"1\" TYPE=\"uint32\" UNITS=\"\" TN=\"5\" "
    "TMAX=\"60\" DMAX=\"0\" SLOPE=\"both\"/>\n"
    "</HOST>\n"
    "<HOST NAME=\"vm-1\" IP=\"10.0.1.1\" REPORTED=\"0\" TN=\"1\" TMAX=\"20\" DMAX=\"0\" "
    "LOCATION=\"\" GMOND_STARTED=\"0\">\n"
    "<METRIC NAME=\"load_one\" VAL=\"0.50\" TYPE=\"float\" UNITS=\"\" TN=\"1\" TMAX=\"70\" "
    "DMAX=\"0\" SLOPE=\"both\"/>\n"
    "</HOST>\n</CLUSTER>\n</GANGLIA_XML>\n";

static void test_a_dump_fed_byte_by_byte(void **state)
{
    (void)state;
    struct ent_ganglia_dump d;
    ent_ganglia_dump_init(&d);
    struct ent_ganglia_parser *p = ent_ganglia_parser_new(&d, "gmond test");
    struct ent_error err;
    ent_error_init(&err);
    size_t len = strlen(dump);
    for (size_t i = 0; i < len; i++)
        assert_int_equal(ent_ganglia_parser_feed(p, dump + i, 1, i + 1 == len, &err), 0);
    ent_ganglia_parser_free(p);
    assert_int_equal(d.n_hosts, 2);
    const struct ent_ganglia_host *h = &d.hosts[0];
    assert_string_equal(h->name, "node-1");
    assert_string_equal(h->ip, "10.0.0.1");
    assert_int_equal(h->tn, 3);
    assert_int_equal(h->tmax, 20);
    assert_string_equal(h->val[ENT_GM_CONTAINER_VMS], "vm-1 vm-2");
    assert_string_equal(h->val[ENT_GM_CONTAINER_MEM_TOTAL], "8388608");
    assert_int_equal(h->metric_tmax[ENT_GM_CONTAINER_VMS], 60);
    assert_null(h->val[ENT_GM_CONTAINER_CPU_NUM]);
    assert_string_equal(d.hosts[1].val[ENT_GM_LOAD_ONE], "0.50");
    assert_string_equal(ent_ganglia_metric_name(ENT_GM_CONTAINER_DRIVER),
                        "container.driver.migration");
    ent_ganglia_dump_release(&d);
}

static void test_malformed_and_hostile_documents(void **state)
{
    (void)state;
    const char *const bad[] = {
        "<GANGLIA_XML><HOST NAME=\"a\"></GANGLIA_XML>",
        "<GANGLIA_XML>\n<HOST NAME=\"a\" TN=\"1\">\n<METRIC NAME=\"x\" VAL=\"1\"/>\n",
        "not xml at all", NULL, /* an entity bomb, built below */
    };
    /* Billion laughs: ten levels of ten references, 20 bytes at the bottom (2 * 10^10 bytes). */
    char bomb[1024];
    int len = snprintf(bomb, sizeof bomb, "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a0 \"%s\">",
                       "laughlaughlaughlaugh");
    for (int level = 1; level < 10; level++) {
        len += snprintf(bomb + len, sizeof bomb - (size_t)len, "<!ENTITY a%d \"", level);
        for (int k = 0; k < 10; k++)
            len += snprintf(bomb + len, sizeof bomb - (size_t)len, "&a%d;", level - 1);
        len += snprintf(bomb + len, sizeof bomb - (size_t)len, "\">");
    }
    snprintf(bomb + len, sizeof bomb - (size_t)len,
             "]><GANGLIA_XML><HOST NAME=\"&a9;\"/></GANGLIA_XML>");
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *doc = bad[i] ? bad[i] : bomb;
        struct ent_ganglia_dump d;
        ent_ganglia_dump_init(&d);
        struct ent_error err;
        ent_error_init(&err);
        assert_int_equal(ent_ganglia_parse(doc, strlen(doc), "gmond test", &d, &err), ENT_EPARSE);
        assert_non_null(strstr(err.msg, "gmond test"));
        ent_ganglia_dump_release(&d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_dump_fed_byte_by_byte),
        cmocka_unit_test(test_malformed_and_hostile_documents),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
