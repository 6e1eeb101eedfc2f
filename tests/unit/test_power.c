/* drivers/power.c and the power drivers without a BMC: power.nodes parsed (every form, every
 * malformed entry refused with the set left as it was), an action dispatched to the way that
 * can do it, the command driver's error paths; util/private_dir.c's password-file rules. */
#include "helpers.h"

#include "daemon/plugins.h"
#include "drivers/power.h"
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_every_form),
        cmocka_unit_test(test_malformed_entries),
        cmocka_unit_test(test_dispatch_to_the_way_that_can),
        cmocka_unit_test(test_password_file_rules),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
