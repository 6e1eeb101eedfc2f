/* libFuzzer target: the BtrPlace instance reader, then writing back, the solver and the planner on
 * what it accepted. Nothing may crash, leak or loop. */
#include "model/btrplace.h"
#include "model/json_file.h"
#include "model/model.h"
#include "model/plan.h"
#include "plan/planner.h"
#include "solve/solve.h"
#include "util/error.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ent_error err;
    ent_error_init(&err);
    json_t *doc = ent_json_load_buffer((const char *)data, size, "fuzz", &err);
    if (!doc)
        return 0;
    struct ent_model m;
    ent_model_init(&m);
    if (ent_btrplace_read_instance(&m, doc, "fuzz", &err) == 0 &&
        ent_model_validate(&m, &err) == 0 && m.n_vms < 200 && m.n_nodes < 200) {
        json_decref(ent_btrplace_instance_json(&m));
        struct ent_solve_options opts;
        ent_solve_options_init(&opts);
        struct ent_mapping target;
        ent_mapping_init(&target);
        struct ent_solve_stats stats;
        if (ent_solve(&m, &opts, &target, &stats, &err) == 0) {
            struct ent_plan plan;
            struct ent_plan_stats pstats;
            ent_plan_init(&plan);
            struct ent_plan_options popts;
            ent_plan_options_init(&popts);
            for (size_t k = 0; ent_planner_at(k); k++) {
                popts.planner = ent_planner_at(k);
                ent_plan_init(&plan);
                if (ent_plan_build(&m, &target, &popts, &plan, &pstats, &err) != 0) {
                    /* no executable plan is a fine answer for a fuzzed instance */
                }
                ent_plan_release(&plan);
            }
        }
        ent_mapping_release(&target);
    }
    ent_model_release(&m);
    json_decref(doc);
    return 0;
}
