/* util/str.c and util/names.c: the growable string, the cut-and-say bounded form, and a
 * registry's names as one line. */
#include "helpers.h"

#include "util/alloc.h"
#include "util/names.h"
#include "util/str.h"

static void test_grows_past_any_fixed_size(void **state)
{
    (void)state;
    struct ent_str s = ENT_STR_INIT;
    assert_string_equal(ent_str_cstr(&s), "");
    for (int i = 0; i < 10000; i++)
        ent_str_addf(&s, "%d,", i % 10);
    assert_int_equal(s.len, 20000);
    assert_int_equal(strlen(ent_str_cstr(&s)), 20000);
    assert_memory_equal(ent_str_cstr(&s) + 19996, "8,9,", 4);
    char *taken = ent_str_take(&s);
    assert_null(s.buf);
    assert_int_equal(strlen(taken), 20000);
    ent_free(taken);
    char *p = ent_strdup_printf("%s=%d", "x", 42);
    assert_string_equal(p, "x=42");
    ent_free(p);
    ent_str_release(&s);
}

static void test_fit_says_it_cut(void **state)
{
    (void)state;
    char buf[8];
    assert_true(ent_str_fit(buf, sizeof buf, "%s", "1234567"));
    assert_string_equal(buf, "1234567");
    assert_false(ent_str_fit(buf, sizeof buf, "%s", "12345678"));
    assert_string_equal(buf, "1234...");
}

static const char *const fruit[] = {"apple", "pear", "fig"};

static const char *fruit_at(size_t i)
{
    return i < 3 ? fruit[i] : NULL;
}

static const char *none_at(size_t i)
{
    return NULL;
}

static void test_names_as_a_list(void **state)
{
    (void)state;
    struct ent_str s = ENT_STR_INIT;
    assert_string_equal(ent_names(&s, fruit_at, ", ", " or "), "apple, pear or fig");
    ent_str_release(&s);
    assert_string_equal(ent_names(&s, fruit_at, "|", "|"), "apple|pear|fig");
    ent_str_release(&s);
    assert_string_equal(ent_names(&s, none_at, ", ", " or "), "");
    ent_str_release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grows_past_any_fixed_size),
        cmocka_unit_test(test_fit_says_it_cut),
        cmocka_unit_test(test_names_as_a_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
