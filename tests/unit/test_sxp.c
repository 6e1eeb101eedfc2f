/* proto/sxp.c: xend's S-expressions, lookups, and malformed input named with its offset. */
#include "helpers.h"

#include "proto/sxp.h"

static int parse(const char *text, struct ent_sxp *x, struct ent_error *err)
{
    return ent_sxp_parse(text, strlen(text), "xend test", x, err);
}

static void test_nested_lists_atoms_and_strings(void **state)
{
    (void)state;
    struct ent_sxp x;
    struct ent_error err;
    ent_error_init(&err);
    assert_int_equal(parse("(node (host n1) (nr_cpus 8) (xen_caps 'xen-3.0-x86_64 hvm')"
                           " (extra \"a \\\"quoted\\\" word\") (empty ()))  \n",
                           &x, &err),
                     0);
    assert_null(x.atom);
    assert_string_equal(ent_sxp_value(&x, "host"), "n1");
    assert_string_equal(ent_sxp_value(&x, "nr_cpus"), "8");
    assert_string_equal(ent_sxp_value(&x, "xen_caps"), "xen-3.0-x86_64 hvm");
    assert_string_equal(ent_sxp_value(&x, "extra"), "a \"quoted\" word");
    assert_null(ent_sxp_value(&x, "empty"));
    assert_null(ent_sxp_value(&x, "missing"));
    assert_non_null(ent_sxp_find(&x, "empty"));
    ent_sxp_release(&x);
}

static void test_malformed_input_is_refused_with_where(void **state)
{
    (void)state;
    static const char *const bad[] = {"(node (host n1)", "(node))", "(a 'unterminated)", "", ")",
                                      "(a) (b)"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct ent_sxp x;
        struct ent_error err;
        ent_error_init(&err);
        assert_int_equal(parse(bad[i], &x, &err), ENT_EPARSE);
        assert_non_null(strstr(err.msg, "xend test"));
    }
}

static void test_depth_is_bounded(void **state)
{
    (void)state;
    char deep[2 * (ENT_SXP_MAX_DEPTH + 2) + 1];
    size_t n = ENT_SXP_MAX_DEPTH + 2;
    memset(deep, '(', n);
    memset(deep + n, ')', n);
    deep[2 * n] = 0;
    struct ent_sxp x;
    struct ent_error err;
    ent_error_init(&err);
    assert_int_equal(parse(deep, &x, &err), ENT_EPARSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nested_lists_atoms_and_strings),
        cmocka_unit_test(test_malformed_input_is_refused_with_where),
        cmocka_unit_test(test_depth_is_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
