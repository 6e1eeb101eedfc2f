/* util/run.c: a command's output and status, its time limit, a program that does not exist; no
 * shell ever sees the arguments. */
#include "helpers.h"

#include "util/run.h"

#include <unistd.h>

static void test_output_and_status(void **state)
{
    (void)state;
    char out[64];
    int status = -2;
    struct ent_error err;
    ent_error_init(&err);
    char *const echo[] = {"sh", "-c", "echo out; echo err >&2; exit 3", NULL};
    assert_int_equal(ent_run(echo, 10, out, sizeof out, &status, &err), 0);
    assert_int_equal(status, 3);
    assert_non_null(strstr(out, "out"));
    assert_non_null(strstr(out, "err"));
    /* An argument is one word, never parsed by a shell. */
    char *const printf_argv[] = {"printf", "%s", "a; touch /tmp/entropy-run-injected", NULL};
    assert_int_equal(ent_run(printf_argv, 10, out, sizeof out, &status, &err), 0);
    assert_string_equal(out, "a; touch /tmp/entropy-run-injected");
    assert_int_equal(access("/tmp/entropy-run-injected", F_OK), -1);
}

static void test_keeps_the_last_bytes(void **state)
{
    (void)state;
    char out[8];
    int status;
    char *const seq[] = {"seq", "1", "1000", NULL};
    assert_int_equal(ent_run(seq, 10, out, sizeof out, &status, NULL), 0);
    assert_int_equal(status, 0);
    assert_string_equal(out, "9\n1000\n"); /* the last len - 1 bytes */
}

static void test_time_limit_and_missing_program(void **state)
{
    (void)state;
    char out[64];
    int status = 0;
    struct ent_error err;
    ent_error_init(&err);
    char *const sleeper[] = {"sleep", "30", NULL};
    assert_int_equal(ent_run(sleeper, 0.3, out, sizeof out, &status, &err), ENT_ETIMEOUT);
    assert_int_equal(status, -1);
    char *const missing[] = {"/nonexistent/entropy-no-such-program", NULL};
    int rc = ent_run(missing, 5, out, sizeof out, &status, &err);
    assert_true(rc != 0 || status != 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_output_and_status),
        cmocka_unit_test(test_keeps_the_last_bytes),
        cmocka_unit_test(test_time_limit_and_missing_program),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
