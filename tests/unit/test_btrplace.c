/* The model and BtrPlace JSON: reading, writing back without loss, and refusing bad input with a
 * message that says what and where. */
#include "helpers.h"

#include "util/hashmap.h"

static const char *const sample =
    "{\"model\": {\"mapping\": {\"onlineNodes\": {"
    "  \"10\": {\"runningVMs\": [1, 2], \"sleepingVMs\": [3]},"
    "  \"11\": {\"runningVMs\": [], \"sleepingVMs\": []}},"
    " \"offlineNodes\": [12], \"readyVMs\": [4]},"
    " \"attributes\": {\"nodes\": {\"10\": {\"enclosure\": \"rack-a\", \"driver\": \"xen\", "
    "   \"boot\": 7}}, \"vms\": {\"1\": {\"template\": \"small\"}}},"
    " \"views\": [{\"id\": \"shareableResource\", \"rcId\": \"memory\", \"defCapacity\": 4096,"
    "   \"defConsumption\": 512, \"nodes\": {\"12\": 8192}, \"vms\": {\"2\": 1024}},"
    "  {\"id\": \"ns\", \"type\": \"vm\", \"map\": {\"web-1\": 1, \"db-1\": 2}},"
    "  {\"id\": \"net\", \"links\": [1, 2, 3]}]},"
    " \"constraints\": [{\"id\": \"ban\", \"vm\": 1, \"nodes\": [11], \"continuous\": false},"
    "   {\"id\": \"deadline\", \"vm\": 1, \"timestamp\": \"+00:05\"},"
    "   {\"id\": \"splitAmong\", \"vParts\": [[1], [2]], \"pParts\": [[10], [11]],"
    "    \"continuous\": false}],"
    " \"objective\": {\"id\": \"minimizeMTTR\"}}";

static void test_reads_mapping_views_attributes(void **state)
{
    (void)state;
    struct ent_model *m = load_instance(sample);
    assert_int_equal(m->n_nodes, 3);
    assert_int_equal(m->n_vms, 4);
    int32_t n10 = ent_model_node_index(m, 10), n12 = ent_model_node_index(m, 12);
    int32_t v1 = ent_model_vm_index(m, 1), v3 = ent_model_vm_index(m, 3);
    int32_t v4 = ent_model_vm_index(m, 4);
    assert_int_equal(m->map.node_state[n12], ENT_NODE_OFFLINE);
    assert_int_equal(m->map.vm_host[v1], n10);
    assert_int_equal(m->map.vm_state[v3], ENT_VM_SLEEPING);
    assert_int_equal(m->map.vm_state[v4], ENT_VM_READY);
    assert_int_equal(m->map.vm_host[v4], -1);
    int mem = ent_model_resource_index(m, "memory");
    assert_int_equal(mem, ent_model_memory_resource(m));
    assert_int_equal(m->res[mem].capacity[n10], 4096); /* default */
    assert_int_equal(m->res[mem].capacity[n12], 8192);
    assert_int_equal(m->res[mem].demand[v1], 512);
    assert_int_equal(m->res[mem].demand[ent_model_vm_index(m, 2)], 1024);
    assert_string_equal(m->vms[v1].name, "web-1");
    assert_null(m->vms[v4].name);
    assert_string_equal(m->nodes[n10].enclosure, "rack-a");
    assert_string_equal(m->nodes[n10].driver, "xen");
    assert_int_equal(m->constraints.len, 3);
    assert_int_equal(m->constraints.items[0].kind, ENT_CK_BAN);
    assert_int_equal(m->constraints.items[1].kind, ENT_CK_UNKNOWN);
    assert_string_equal(m->constraints.items[1].name, "deadline");
    const struct ent_constraint *sa = &m->constraints.items[2];
    assert_int_equal(sa->kind, ENT_CK_SPLIT_AMONG);
    assert_int_equal(sa->vm_parts.n, 2);
    assert_int_equal(sa->node_parts.n, 2);
    assert_int_equal(sa->vm_parts.items[1][0], ent_model_vm_index(m, 2));
    assert_int_equal(sa->node_parts.items[0][0], n10);
    free_instance(m);
}

static void test_round_trip_keeps_everything(void **state)
{
    (void)state;
    struct ent_model *m = load_instance(sample);
    json_t *out = ent_btrplace_instance_json(m);
    char *text = json_dumps(out, JSON_SORT_KEYS);
    struct ent_model *again = load_instance(text);
    json_t *out2 = ent_btrplace_instance_json(again);
    /* Writing what was read gives the same document. */
    assert_true(json_equal(out, out2));
    /* The unknown view and constraint, and the objective, survive. */
    assert_non_null(strstr(text, "\"net\""));
    assert_non_null(strstr(text, "deadline"));
    assert_non_null(strstr(text, "pParts"));
    assert_non_null(strstr(text, "minimizeMTTR"));
    assert_non_null(strstr(text, "\"boot\": 7"));
    assert_int_equal(again->map.vm_state[ent_model_vm_index(again, 3)], ENT_VM_SLEEPING);
    free(text);
    json_decref(out);
    json_decref(out2);
    free_instance(m);
    free_instance(again);
}

static void test_plan_round_trip(void **state)
{
    (void)state;
    struct ent_model *m = load_instance(sample);
    struct ent_plan plan;
    load_plan(&plan, m,
              "{\"actions\": [{\"id\": \"migrateVM\", \"vm\": 2, \"from\": 10, \"to\": 11,"
              " \"start\": 0, \"end\": 3, \"bypass\": true},"
              " {\"id\": \"bootVM\", \"vm\": 4, \"to\": 11, \"start\": 3, \"end\": 5},"
              " {\"id\": \"shutdownVM\", \"vm\": 1, \"on\": 10, \"start\": 0, \"end\": 2},"
              " {\"id\": \"bootNode\", \"node\": 12, \"start\": 0, \"end\": 9}]}");
    json_t *doc = ent_plan_to_json(&plan, m);
    struct ent_plan again;
    ent_plan_init(&again);
    struct ent_error err;
    ent_error_init(&err);
    assert_int_equal(ent_plan_read_json(&again, doc, m, "x", &err), 0);
    assert_int_equal(again.len, 4);
    assert_memory_equal(again.actions, plan.actions, 4 * sizeof *plan.actions);
    assert_int_equal(ent_plan_origin_matches(doc, m, "x", &err), 0);
    json_decref(doc);
    ent_plan_release(&plan);
    ent_plan_release(&again);
    free_instance(m);
}

/* Each bad instance is refused with a message containing the given words. */
static void expect_refused(const char *text, const char *words)
{
    struct ent_error err;
    int rc = load_instance_error(text, &err);
    if (rc == 0)
        fail_msg("accepted: %s", text);
    if (!strstr(err.msg, words))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, words);
}

#define NODES_0_1                                                                                  \
    "\"onlineNodes\": {\"0\": {\"runningVMs\": [1], \"sleepingVMs\": []}, "                        \
    "\"1\": {\"runningVMs\": [], \"sleepingVMs\": []}}"

static void test_bad_input_is_refused_clearly(void **state)
{
    (void)state;
    expect_refused("{\"model\": ", "line 1");
    expect_refused("[]", "must be a JSON object");
    expect_refused("{}", "missing \"model\"");
    expect_refused("{\"model\": {\"mapping\": {\"onlineNodes\": {\"0\": {\"runningVMs\": [1]},"
                   "\"1\": {\"runningVMs\": [1]}}}}}",
                   "VM 1 appears twice");
    expect_refused("{\"model\": {\"mapping\": {\"onlineNodes\": {\"x\": {}}}}}",
                   "not an integer id");
    expect_refused("{\"model\": {\"mapping\": {" NODES_0_1 "}, \"attributes\": {\"nodes\": "
                   "{\"1\": {\"a\": 1}, \"01\": {\"a\": 2}}}}}",
                   "attributes.nodes: id 1 given twice");
    expect_refused("{\"model\": {\"mapping\": {" NODES_0_1 ", \"offlineNodes\": [0]}}}",
                   "node id 0 appears twice");
    expect_refused("{\"model\": {\"mapping\": {" NODES_0_1 "}, \"views\": [{\"id\": "
                   "\"shareableResource\", \"rcId\": \"cpu\", \"nodes\": {\"0\": -4}}]}}",
                   "negative");
    expect_refused("{\"model\": {\"mapping\": {" NODES_0_1 "}, \"views\": [{\"id\": "
                   "\"shareableResource\", \"rcId\": \"cpu\", \"nodes\": {\"0\": 1e300}}]}}",
                   "not an integer");
    expect_refused("{\"model\": {\"mapping\": {" NODES_0_1 "}, \"views\": [{\"id\": "
                   "\"shareableResource\", \"rcId\": \"cpu\", \"nodes\": {\"0\": "
                   "9000000000000000000}}]}}",
                   "absurd");
    expect_refused("{\"model\": {\"mapping\": {" NODES_0_1 "}, \"views\": [{\"id\": "
                   "\"shareableResource\", \"rcId\": \"cpu\", \"vms\": {\"7\": 1}}]}}",
                   "unknown VM id 7");
    expect_refused("{\"model\": {\"mapping\": {" NODES_0_1 "}}, \"constraints\": [{\"id\": "
                   "\"ban\", \"vm\": 1, \"nodes\": [5]}]}",
                   "constraints[0]: unknown node id 5");
    expect_refused("{\"model\": {\"mapping\": {" NODES_0_1 "}}, \"constraints\": [{\"id\": "
                   "\"preserve\", \"vm\": 1, \"rc\": \"gpu\", \"amount\": 1}]}",
                   "unknown resource \"gpu\"");
    expect_refused("{\"model\": {\"mapping\": {" NODES_0_1 "}}, \"constraints\": [{\"vm\": 1}]}",
                   "missing string \"id\"");
    expect_refused("{\"model\": {\"mapping\": {" NODES_0_1 "}}, \"constraints\": [{\"id\": "
                   "\"spread\", \"vms\": 3}]}",
                   "must be an array");
    expect_refused("{\"model\": {\"mapping\": {" NODES_0_1 "}}, \"constraints\": [{\"id\": "
                   "\"split\", \"parts\": [[1], 7]}]}",
                   "\"parts\"[1] must be an array of ids");
    expect_refused("{\"model\": {\"mapping\": {" NODES_0_1 "}}, \"constraints\": [{\"id\": "
                   "\"among\", \"vms\": [1], \"parts\": [[0], [9]]}]}",
                   "\"parts\"[1]: unknown node id 9");
    expect_refused("{\"model\": {\"mapping\": {" NODES_0_1 "}, \"views\": [{\"id\": "
                   "\"shareableResource\", \"rcId\": \"cpu\"}]}, \"constraints\": [{\"id\": "
                   "\"overbook\", \"node\": 0, \"rc\": \"cpu\", \"ratio\": -2}]}",
                   "\"ratio\" must be a number");
}

static void test_plan_refers_to_unknown_vm(void **state)
{
    (void)state;
    struct ent_model *m = load_instance(sample);
    struct ent_plan plan;
    ent_plan_init(&plan);
    struct ent_error err;
    ent_error_init(&err);
    const char *bad[] = {
        "{\"actions\": [{\"id\": \"migrateVM\", \"vm\": 99, \"from\": 10, \"to\": 11, "
        "\"start\": 0, \"end\": 1}]}",
        "{\"actions\": [{\"id\": \"teleportVM\", \"vm\": 1, \"start\": 0, \"end\": 1}]}",
        "{\"actions\": [{\"id\": \"migrateVM\", \"vm\": 1, \"from\": 10, \"to\": 77, "
        "\"start\": 0, \"end\": 1}]}",
        "{\"actions\": [{\"id\": \"migrateVM\", \"vm\": 1, \"from\": 10, \"to\": 11}]}",
        "{\"acts\": []}",
    };
    const char *words[] = {"unknown VM id 99", "unsupported action \"teleportVM\"",
                           "unknown node id 77", "\"start\" and \"end\"", "missing array"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        json_t *doc = ent_json_load_buffer(bad[i], strlen(bad[i]), "p", &err);
        assert_non_null(doc);
        assert_true(ent_plan_read_json(&plan, doc, m, "p.json", &err) < 0);
        if (!strstr(err.msg, words[i]) || !strstr(err.msg, "p.json"))
            fail_msg("message \"%s\" lacks \"%s\"", err.msg, words[i]);
        json_decref(doc);
    }
    ent_plan_release(&plan);
    free_instance(m);
}

static void test_missing_file_is_named(void **state)
{
    (void)state;
    struct ent_model m;
    ent_model_init(&m);
    struct ent_error err;
    ent_error_init(&err);
    assert_int_equal(ent_btrplace_load_instance(&m, "/nonexistent/x.json", &err), ENT_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent/x.json"));
    ent_model_release(&m);
}

static void test_model_scales_and_looks_up(void **state)
{
    (void)state;
    struct ent_model m;
    ent_model_init(&m);
    struct ent_error err;
    ent_error_init(&err);
    assert_int_equal(ent_model_add_resource(&m, "cpu", 100, 1, &err), 0);
    for (int64_t n = 0; n < 5000; n++)
        assert_int_equal(ent_model_add_node(&m, 1000 + n, NULL, ENT_NODE_ONLINE, &err), n);
    for (int64_t v = 0; v < 100000; v++)
        assert_int_equal(
            ent_model_add_vm(&m, v * 7, NULL, ENT_VM_RUNNING, (int32_t)(v % 5000), &err), v);
    assert_int_equal(ent_model_add_resource(&m, "memory", 4096, 512, &err), 1);
    assert_int_equal(m.res[1].demand[99999], 512);
    assert_int_equal(ent_model_vm_index(&m, 7 * 4242), 4242);
    assert_int_equal(ent_model_vm_index(&m, 5), -1);
    assert_int_equal(ent_model_node_index(&m, 5999), 4999);
    assert_int_equal(ent_model_add_vm(&m, 7, NULL, ENT_VM_READY, -1, &err), ENT_EEXISTS);
    assert_int_equal(ent_model_add_resource(&m, "cpu", 1, 1, &err), ENT_EEXISTS);
    assert_int_equal(ent_model_validate(&m, &err), 0);
    m.map.node_state[3] = ENT_NODE_OFFLINE;
    assert_int_equal(ent_model_validate(&m, &err), ENT_EINVALID);
    assert_non_null(strstr(err.msg, "offline"));
    ent_model_release(&m);
}

static void test_namemap(void **state)
{
    (void)state;
    struct ent_namemap map;
    ent_namemap_init(&map);
    char names[300][16];
    for (int i = 0; i < 300; i++) {
        snprintf(names[i], sizeof names[i], "vm-%d", i);
        assert_int_equal(ent_namemap_put(&map, names[i], i), 0);
    }
    assert_int_equal(ent_namemap_get(&map, "vm-217"), 217);
    assert_int_equal(ent_namemap_get(&map, "vm-300"), -1);
    assert_int_equal(ent_namemap_put(&map, "vm-5", 9), ENT_EEXISTS);
    ent_namemap_release(&map);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads_mapping_views_attributes),
        cmocka_unit_test(test_round_trip_keeps_everything),
        cmocka_unit_test(test_plan_round_trip),
        cmocka_unit_test(test_bad_input_is_refused_clearly),
        cmocka_unit_test(test_plan_refers_to_unknown_vm),
        cmocka_unit_test(test_missing_file_is_named),
        cmocka_unit_test(test_model_scales_and_looks_up),
        cmocka_unit_test(test_namemap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
