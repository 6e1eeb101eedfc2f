/* drivers/power.c and the power drivers without a BMC: power.nodes parsed (every form, every
 * malformed entry refused with the set left as it was), an action dispatched to the way that
 * can do it, the command driver's error paths; util/private_dir.c's password-file rules. */
#include "helpers.h"

#include "daemon/plugins.h"
#include "drivers/driver.h"
#include "drivers/power.h"
#include "exec/executor.h"
#include "util/private_dir.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static int setup(void **state)
{
    (void)state;
    ent_plugins_init();
    return 0;
}

static void test_parse_every_form(void **state)
{
    (void)state;
    struct ent_power_set set;
    ent_power_set_init(&set);
    struct ent_error err;
    ent_error_init(&err);
    assert_int_equal(ent_power_set_parse(&set,
                                         "  a=ipmi://admin@10.0.0.1  b=ipmi://root@[fe80::1]:6230\t"
                                         "c=wol://52:54:00:aa:BB:0c,command:///bin/true "
                                         "d=wol://52-54-00-aa-bb-0d@192.168.1.255:7 ",
                                         &err),
                     0);
    assert_int_equal(set.len, 4);
    assert_string_equal(ent_power_set_find(&set, "c")->ways[1].ops->name, "command");
    assert_int_equal(ent_power_set_find(&set, "c")->n_ways, 2);
    assert_null(ent_power_set_find(&set, "e"));
    /* a malformed entry: an error naming it, and nothing of the spec added */
    assert_int_equal(ent_power_set_parse(&set, "e=command:///bin/true f=ipmi://x", &err),
                     ENT_EINVALID);
    assert_non_null(strstr(err.msg, "power.nodes entry \"f=ipmi://x\""));
    assert_int_equal(set.len, 4);
    assert_null(ent_power_set_find(&set, "e"));
    assert_int_equal(ent_power_set_parse(&set, "a=command:///bin/true", &err), ENT_EINVALID);
    assert_non_null(strstr(err.msg, "given twice"));
    ent_power_set_release(&set);
}

static void test_malformed_entries(void **state)
{
    (void)state;
    const char *bad[] = {"x",
                         "=ipmi://a@b",
                         "x=",
                         "x=ipmi://a@b:0",
                         "x=ipmi://a@b:65536",
                         "x=ipmi://a@b:12x",
                         "x=ipmi://a@[::1",
                         "x=ipmi://a@",
                         "x=ipmi://a;b@host",
                         "x=wol://52:54:00:12:34:5",
                         "x=wol://52:54:00:12:34:567",
                         "x=wol://52:54:00:12:34:56@",
                         "x=command://bin/true",
                         "x=command://",
                         "x=ftp://a",
                         "bad\x1bname=command:///bin/true",
                         "x=wol://52:54:00:12:34:56,,command:///bin/true"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct ent_power_set set;
        ent_power_set_init(&set);
        struct ent_error err;
        ent_error_init(&err);
        if (ent_power_set_parse(&set, bad[i], &err) != ENT_EINVALID)
            fail_msg("accepted: %s", bad[i]);
        assert_int_equal(set.len, 0);
        assert_null(strchr(err.msg, '\x1b'));
        ent_power_set_release(&set);
    }
}

static void test_dispatch_to_the_way_that_can(void **state)
{
    (void)state;
    struct ent_power_set set;
    ent_power_set_init(&set);
    set.settings.timeout = 5;
    struct ent_error err;
    ent_error_init(&err);
    assert_int_equal(
        ent_power_set_parse(&set, "w=wol://52:54:00:00:00:01@127.0.0.1:9 f=command:///bin/false",
                            &err),
        0);
    enum ent_power_state st;
    assert_true(ent_power_can(&set, "w", ENT_POWER_DO_ON));
    assert_false(ent_power_can(&set, "w", ENT_POWER_DO_OFF));
    assert_false(ent_power_can(&set, "none", ENT_POWER_DO_ON));
    assert_int_equal(ent_power_act(&set, "w", ENT_POWER_DO_OFF, &st, &err), ENT_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "cannot power off"));
    assert_int_equal(ent_power_act(&set, "w", ENT_POWER_DO_STATUS, &st, &err), ENT_EUNSUPPORTED);
    assert_int_equal(ent_power_act(&set, "none", ENT_POWER_DO_ON, &st, &err), ENT_ENOTFOUND);
    assert_int_equal(ent_power_act(&set, "f", ENT_POWER_DO_OFF, &st, &err), ENT_EDRIVER);
    assert_non_null(strstr(err.msg, "exit status 1"));
    assert_int_equal(st, ENT_POWER_UNKNOWN);
    ent_power_set_release(&set);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    assert_int_equal(fchmod(fd, mode), 0);
    close(fd);
}

static void test_password_file_rules(void **state)
{
    (void)state;
    char dir[] = "/tmp/entropy-test-secret-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/pw", dir);
    struct ent_error err;
    ent_error_init(&err);
    write_file(path, "s3cret\n", 0600);
    assert_int_equal(ent_secret_file(path, 20, &err), 0);
    write_file(path, "s3cret\n", 0400);
    assert_int_equal(ent_secret_file(path, 20, &err), 0);
    write_file(path, "s3cret\n", 0640);
    assert_int_equal(ent_secret_file(path, 20, &err), ENT_EINVALID);
    assert_non_null(strstr(err.msg, "mode 640"));
    assert_null(strstr(err.msg, "s3cret"));
    write_file(path, "s3cret\n", 0604);
    assert_int_equal(ent_secret_file(path, 20, &err), ENT_EINVALID);
    write_file(path, "\n", 0600);
    assert_int_equal(ent_secret_file(path, 20, &err), ENT_EINVALID);
    assert_non_null(strstr(err.msg, "empty"));
    write_file(path, "123456789012345678901\n", 0600);
    assert_int_equal(ent_secret_file(path, 20, &err), ENT_EINVALID);
    assert_non_null(strstr(err.msg, "longer than 20"));
    assert_null(strstr(err.msg, "123456789"));
    unlink(path);
    assert_int_equal(ent_secret_file(path, 20, &err), ENT_ENOTFOUND);
    assert_int_equal(ent_secret_file(dir, 20, &err), ENT_EINVALID); /* a directory */
    rmdir(dir);
}

/* A plan's node boot and shutdown go through the node's power driver when it has one, else
 * through its migration driver (which here cannot). */
static void test_plan_node_actions_through_the_power_driver(void **state)
{
    (void)state;
    char dir[] = "/tmp/entropy-test-power-exec-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char script[256], spec[320], calls[256];
    snprintf(script, sizeof script, "%s/node-power", dir);
    snprintf(calls, sizeof calls, "%s/calls", dir);
    char body[512];
    snprintf(body, sizeof body, "#!/bin/sh\necho \"$1 $2\" >> %s\n", calls);
    write_file(script, body, 0700);
    snprintf(spec, sizeof spec, "n1=command://%s", script);
    struct ent_power_set set;
    ent_power_set_init(&set);
    struct ent_error err;
    ent_error_init(&err);
    assert_int_equal(ent_power_set_parse(&set, spec, &err), 0);
    struct ent_model m;
    ent_model_init(&m);
    assert_int_equal(ent_model_add_node(&m, 0, "n1", ENT_NODE_ONLINE, &err), 0);
    assert_int_equal(ent_model_add_node(&m, 1, "n2", ENT_NODE_ONLINE, &err), 1);
    static const struct ent_driver_ops none = {.name = "none"};
    struct ent_driver drv = {&none, NULL};
    struct ent_exec_options o;
    ent_exec_options_default(&o);
    o.power = &set;
    struct ent_action_outcome out = {0};
    struct ent_action off = {
        .kind = ENT_ACTION_SHUTDOWN_NODE, .vm = -1, .node = 0, .from = -1, .to = -1};
    assert_int_equal(ent_exec_action(&m, &off, &drv, &o, &out, &err), 0);
    off.kind = ENT_ACTION_BOOT_NODE;
    assert_int_equal(ent_exec_action(&m, &off, &drv, &o, &out, &err), 0);
    off.node = 1; /* no power driver: the migration driver's, which cannot */
    assert_int_equal(ent_exec_action(&m, &off, &drv, &o, &out, &err), ENT_EUNSUPPORTED);
    FILE *f = fopen(calls, "r");
    assert_non_null(f);
    char text[64] = "";
    size_t got = fread(text, 1, sizeof text - 1, f);
    text[got] = '\0';
    fclose(f);
    assert_string_equal(text, "off n1\non n1\n");
    unlink(calls);
    unlink(script);
    rmdir(dir);
    ent_model_release(&m);
    ent_power_set_release(&set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_every_form),
        cmocka_unit_test(test_malformed_entries),
        cmocka_unit_test(test_dispatch_to_the_way_that_can),
        cmocka_unit_test(test_password_file_rules),
        cmocka_unit_test(test_plan_node_actions_through_the_power_driver),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
