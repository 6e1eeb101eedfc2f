/* config/properties.c: the Java-properties reader against the one key table: values, the line
 * that set each, and every kind of bad line named FILE:LINE with the configuration unchanged. */
#include "helpers.h"

#include "config/properties.h"

#include <stdio.h>

static int read_text(struct ent_config *c, const char *text, struct ent_error *err)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    assert_non_null(f);
    int rc = ent_config_read(c, f, "test.properties", err);
    fclose(f);
    return rc;
}

static void test_values_defaults_and_fallbacks(void **state)
{
    (void)state;
    struct ent_config c;
    ent_config_init(&c);
    struct ent_error err;
    ent_error_init(&err);
    assert_int_equal(read_text(&c,
                               "# a comment\n\nmonitor.source = xend\n"
                               "monitor.xend.urls=http://n1:8000 http://n2:8000\n"
                               "  loop.time_limit =   2.5  \n",
                               &err),
                     0);
    assert_string_equal(ent_config_string(&c, "monitor.source"), "xend");
    assert_true(ent_config_number(&c, "loop.time_limit") == 2.5);
    assert_true(ent_config_number(&c, "loop.period") == 60); /* the default */
    assert_string_equal(ent_config_string_or(&c, "driver.xend.urls", "monitor.xend.urls"),
                        "http://n1:8000 http://n2:8000");
    assert_non_null(ent_config_key_find("migration.timeout"));
    assert_null(ent_config_key_find("migration.teleport"));
    ent_config_release(&c);
}

/* The Java properties syntax the original Entropy's file used: ':' or blanks as separators,
 * continuation lines, '!' comments, escapes. */
static void test_java_properties_syntax(void **state)
{
    (void)state;
    struct ent_config c;
    ent_config_init(&c);
    struct ent_error err;
    ent_error_init(&err);
    assert_int_equal(read_text(&c,
                               "! a comment too\n"
                               "monitor.source: xend\n"
                               "monitor.xend.urls http://n1:8000 \\\n"
                               "    http://n2:8000\n"
                               "loop.period = 3\\\n"
                               "0\n"
                               "monitor.timeout=\\u0035\n"
                               "monitor.ganglia.query = /a\\:b\\=c\n",
                               &err),
                     0);
    assert_string_equal(ent_config_string(&c, "monitor.source"), "xend");
    assert_string_equal(ent_config_string(&c, "monitor.xend.urls"),
                        "http://n1:8000 http://n2:8000");
    assert_true(ent_config_number(&c, "loop.period") == 30);
    assert_true(ent_config_number(&c, "monitor.timeout") == 5);
    assert_string_equal(ent_config_string(&c, "monitor.ganglia.query"), "/a:b=c");
    assert_int_equal(c.lines[ent_config_key_find("loop.period") - ent_config_keys], 5);
    ent_config_release(&c);
}

#define LONG_NAME "a-directory-name-of-sixty-characters-long-enough-to-overflow"

static void test_bad_lines_name_the_line_and_change_nothing(void **state)
{
    (void)state;
    static const struct {
        const char *text, *says;
    } bad[] = {
        {"monitor.source = sim\nno.such.key = 1\n", "test.properties:2"},
        {"loop.time_limit = 0\n", "test.properties:1"},
        {"loop.time_limit = ten\n", "test.properties:1"},
        {"monitor.source = nagios\n", "test.properties:1"},
        {"loop.period = 30\nloop.period = 40\n", "test.properties:2"},
        {"just words\n", "test.properties:1"},
        {"monitor.timeout = \\u12G4\n", "test.properties:1"},
        {"monitor.source = sim\n\nmonitor.timeout = \\u0000\n", "test.properties:3"},
        {"loop.period = 1e999\n", "test.properties:1"},
        /* values that passed here and failed at start */
        {"monitor.ganglia.port = 80.7\n", "test.properties:1: monitor.ganglia.port = \"80.7\": "
                                          "expects a whole number"},
        {"\nmigration.node_concurrency = 2.5\n", "test.properties:2"},
        {"daemon.log =\n", "test.properties:1: daemon.log is empty"},
        {"daemon.socket = /" LONG_NAME "/" LONG_NAME "/entropy.sock\n",
         "test.properties:1: daemon.socket = "},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct ent_config c;
        ent_config_init(&c);
        struct ent_error err;
        ent_error_init(&err);
        assert_int_not_equal(read_text(&c, bad[i].text, &err), 0);
        if (!strstr(err.msg, bad[i].says))
            fail_msg("%s: \"%s\" does not name %s", bad[i].text, err.msg, bad[i].says);
        assert_true(ent_config_number(&c, "loop.period") == 60);
        assert_string_equal(ent_config_string(&c, "monitor.source"), "sim");
        ent_config_release(&c);
    }
}

/* A UTF-8 byte-order mark (some editors write one) is no part of the first key. */
static void test_byte_order_mark(void **state)
{
    (void)state;
    struct ent_config c;
    ent_config_init(&c);
    struct ent_error err;
    ent_error_init(&err);
    assert_int_equal(read_text(&c, "\xEF\xBB\xBFmonitor.source = xend\n", &err), 0);
    assert_string_equal(ent_config_string(&c, "monitor.source"), "xend");
    ent_config_release(&c);
}

/* A configuration read again keeps the running values of the keys read at start (the daemon's
 * files, its API, HA), naming those the file changed; the other keys take their new values. */
static void test_a_reload_keeps_what_is_read_at_start(void **state)
{
    (void)state;
    struct ent_config running, next;
    ent_config_init(&running);
    ent_config_init(&next);
    struct ent_error err;
    ent_error_init(&err);
    assert_int_equal(read_text(&running, "api.listen = 8080\nloop.period = 30\n", &err), 0);
    assert_int_equal(read_text(&next,
                               "api.listen = 9090\nloop.period = 10\nha.name = b\n"
                               "daemon.journal = /tmp/x.db\n",
                               &err),
                     0);
    const char *changed[2];
    assert_int_equal(ent_config_keep_at_start(&next, &running, changed, 2), 3);
    assert_string_equal(changed[0], "daemon.journal"); /* in the table's order */
    assert_string_equal(changed[1], "api.listen");
    assert_string_equal(ent_config_string(&next, "api.listen"), "8080");
    assert_string_equal(ent_config_string(&next, "ha.name"), "");
    assert_string_equal(ent_config_string(&next, "daemon.journal"),
                        ent_config_string(&running, "daemon.journal"));
    assert_true(ent_config_number(&next, "loop.period") == 10); /* read again */
    assert_int_equal(ent_config_keep_at_start(&next, &running, changed, 2), 0);
    assert_true(ent_config_key_find("ha.lease_ttl")->at_start);
    assert_false(ent_config_key_find("loop.period")->at_start);
    ent_config_release(&running);
    ent_config_release(&next);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_defaults_and_fallbacks),
        cmocka_unit_test(test_java_properties_syntax),
        cmocka_unit_test(test_bad_lines_name_the_line_and_change_nothing),
        cmocka_unit_test(test_byte_order_mark),
        cmocka_unit_test(test_a_reload_keeps_what_is_read_at_start),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
