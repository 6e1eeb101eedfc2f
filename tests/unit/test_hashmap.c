/* util/hashmap.c: ids and names to indexes, duplicates refused, growth past the first table. */
#include "helpers.h"

#include "util/hashmap.h"

#include <stdio.h>

static void test_idmap_put_get_duplicates_and_growth(void **state)
{
    (void)state;
    struct ent_idmap map;
    ent_idmap_init(&map);
    for (int64_t k = -5000; k < 5000; k++)
        assert_int_equal(ent_idmap_put(&map, k * 7919, (int32_t)(k + 5000)), 0);
    assert_int_equal(ent_idmap_put(&map, 7919, 1), ENT_EEXISTS);
    for (int64_t k = -5000; k < 5000; k++)
        assert_int_equal(ent_idmap_get(&map, k * 7919), (int32_t)(k + 5000));
    assert_int_equal(ent_idmap_get(&map, 1), -1);
    assert_int_equal(ent_idmap_get(&map, INT64_MIN), -1);
    ent_idmap_release(&map);
}

/* Keys are borrowed (the model owns its names): they must outlive the map. */
static void test_namemap_exact_keys_and_growth(void **state)
{
    (void)state;
    struct ent_namemap map;
    ent_namemap_init(&map);
    static char keys[3000][16];
    for (int i = 0; i < 3000; i++) {
        snprintf(keys[i], sizeof keys[i], "vm-%d", i);
        assert_int_equal(ent_namemap_put(&map, keys[i], i), 0);
    }
    assert_int_equal(ent_namemap_get(&map, "vm-2999"), 2999);
    assert_int_equal(ent_namemap_put(&map, "vm-7", 9), ENT_EEXISTS);
    assert_int_equal(ent_namemap_get(&map, "vm-7"), 7);
    assert_int_equal(ent_namemap_get(&map, "vm-"), -1);
    assert_int_equal(ent_namemap_get(&map, "VM-7"), -1);
    assert_int_equal(ent_namemap_get(&map, ""), -1);
    ent_namemap_release(&map);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idmap_put_get_duplicates_and_growth),
        cmocka_unit_test(test_namemap_exact_keys_and_growth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
