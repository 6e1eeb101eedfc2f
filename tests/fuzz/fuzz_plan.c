/* libFuzzer target: the plan reader and the checker, on a fixed small instance. Whatever the plan
 * says, the checker must answer without crashing. */
#include "check/check.h"
#include "model/btrplace.h"
#include "model/json_file.h"
#include "model/model.h"
#include "model/plan.h"
#include "model/plan_json.h"
#include "util/error.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char instance[] =
    "{\"model\": {\"mapping\": {\"onlineNodes\": {\"0\": {\"runningVMs\": [0, 1]},"
    " \"1\": {\"runningVMs\": [2], \"sleepingVMs\": [4]}, \"2\": {}}, \"offlineNodes\": [3],"
    " \"readyVMs\": [3]}, \"views\": [{\"id\": \"shareableResource\", \"rcId\": \"mem\","
    " \"defCapacity\": 100, \"defConsumption\": 30}]},"
    " \"constraints\": [{\"id\": \"spread\", \"vms\": [0, 1]}, {\"id\": \"offline\", \"node\": 2},"
    " {\"id\": \"lonely\", \"vms\": [2]}, {\"id\": \"running\", \"vm\": 3}]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ent_model m;
    static int loaded;
    struct ent_error err;
    ent_error_init(&err);
    if (!loaded) {
        json_t *doc = ent_json_load_buffer(instance, strlen(instance), "instance", &err);
        ent_model_init(&m);
        if (!doc || ent_btrplace_read_instance(&m, doc, "instance", &err))
            __builtin_trap();
        json_decref(doc);
        loaded = 1;
    }
    json_t *doc = ent_json_load_buffer((const char *)data, size, "fuzz", &err);
    if (!doc)
        return 0;
    struct ent_plan plan;
    ent_plan_init(&plan);
    if (ent_plan_read_json(&plan, doc, &m, "fuzz", &err) == 0) {
        struct ent_check_report rep;
        ent_check_report_init(&rep);
        ent_plan_origin_matches(doc, &m, "fuzz", &err);
        ent_check_plan(&m, &plan, &rep);
        json_decref(ent_check_report_json(&rep));
        ent_check_report_release(&rep);
    }
    ent_plan_release(&plan);
    json_decref(doc);
    return 0;
}
