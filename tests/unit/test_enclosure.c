/* model/enclosure.c: enclosure.NAME keys into a tree (a rack holds chassis, a chassis holds
 * nodes); a member in two enclosures, a cycle, a bad name or an empty enclosure refused naming the
 * line; members checked against monitoring's nodes; the innermost enclosure of a node, and
 * whether a node lies within an enclosure at any depth. */
#include "helpers.h"

#include "config/properties.h"
#include "model/enclosure.h"

#include <stdio.h>

static int configure(const char *text, struct ent_enclosures *e, struct ent_error *err)
{
    struct ent_config c;
    ent_config_init(&c);
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    assert_non_null(f);
    int rc = ent_config_read(&c, f, "test.properties", err);
    fclose(f);
    ent_enclosures_init(e);
    if (!rc)
        rc = ent_enclosures_configure(e, &c, err);
    ent_config_release(&c);
    return rc;
}

static const char *THREE_LEVELS = "enclosure.rack1 = chassis1 chassis2\n"
                                  "loop.period = 5\n"
                                  "enclosure.chassis1 = n1 n2\n"
                                  "enclosure.chassis2 = n3\n";

static void test_three_levels(void **state)
{
    (void)state;
    struct ent_enclosures e;
    struct ent_error err;
    ent_error_init(&err);
    assert_int_equal(configure(THREE_LEVELS, &e, &err), 0);
    assert_int_equal(e.len, 3);
    assert_string_equal(ent_enclosures_of(&e, "n1"), "chassis1");
    assert_string_equal(ent_enclosures_of(&e, "chassis1"), "rack1");
    assert_null(ent_enclosures_of(&e, "n4"));
    assert_true(ent_enclosures_within(&e, "n3", "rack1"));
    assert_true(ent_enclosures_within(&e, "n3", "chassis2"));
    assert_true(ent_enclosures_within(&e, "n3", "n3"));
    assert_false(ent_enclosures_within(&e, "n3", "chassis1"));
    assert_false(ent_enclosures_within(&e, "n4", "rack1"));
    struct ent_model m;
    ent_model_init(&m);
    const char *names[] = {"n1", "n2", "n3", "n4"};
    for (int i = 0; i < 4; i++)
        assert_int_equal(ent_model_add_node(&m, i, names[i], ENT_NODE_ONLINE, &err), i);
    assert_int_equal(ent_enclosures_check_nodes(&e, &m, &err), 0);
    ent_enclosures_apply(&e, &m);
    assert_string_equal(m.nodes[0].enclosure, "chassis1");
    assert_string_equal(m.nodes[2].enclosure, "chassis2");
    assert_null(m.nodes[3].enclosure);
    ent_model_release(&m);
    /* a member monitoring does not show, named with its line */
    ent_model_init(&m);
    assert_int_equal(ent_model_add_node(&m, 0, "n1", ENT_NODE_ONLINE, &err), 0);
    assert_int_equal(ent_enclosures_check_nodes(&e, &m, &err), ENT_EINVALID);
    assert_non_null(strstr(err.msg, "test.properties:3: n2 (in enclosure chassis1)"));
    ent_model_release(&m);
    ent_enclosures_release(&e);
}

static void test_refused_naming_the_line(void **state)
{
    (void)state;
    const char *bad[][2] = {
        {"enclosure.c1 = n1 n2\nenclosure.c2 = n3 n1\n", "test.properties:2: n1 is already in "
                                                         "enclosure c1 (line 1)"},
        {"enclosure.c1 = n1 n1\n", "test.properties:1: n1 is already in enclosure c1"},
        {"enclosure.a = b\nenclosure.b = c\nenclosure.c = a\n", "holds itself"},
        {"enclosure.a = a\n", "holds itself"},
        {"enclosure.c1 = n1 bad;name\n", "test.properties:1: \"bad;name\" is not"},
        {"enclosure.c1 =\n", "test.properties:1: enclosure c1 holds nothing"},
        {"enclosure.c1 = n1\nenclosure.c1 = n2\n", "test.properties:2: enclosure.c1 is already "
                                                   "set on line 1"},
        {"enclosure.bad/name = n1\n", "test.properties:1: \"enclosure.bad/name\""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct ent_enclosures e;
        struct ent_error err;
        ent_error_init(&err);
        assert_int_equal(configure(bad[i][0], &e, &err), ENT_EINVALID);
        if (!strstr(err.msg, bad[i][1]))
            fail_msg("%s: got \"%s\", want \"%s\"", bad[i][0], err.msg, bad[i][1]);
        assert_int_equal(e.len, 0);
        ent_enclosures_release(&e);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_three_levels),
        cmocka_unit_test(test_refused_naming_the_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
