/* entropy check INSTANCE PLAN */
#include "check/check.h"
#include "cli/cli.h"
#include "model/btrplace.h"
#include "model/json_file.h"
#include "model/model.h"
#include "model/plan.h"
#include "model/plan_json.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>

int ent_cmd_check(int argc, char **argv)
{
    if (argc != 3)
        return ent_cli_fail("check", "expects INSTANCE and PLAN (see entropy check --help)");
    const char *instance = argv[1], *plan_path = argv[2];
    struct ent_model m;
    struct ent_plan plan;
    struct ent_error err;
    struct ent_check_report rep;
    json_t *doc = NULL;
    int status = ENT_EXIT_INPUT;
    ent_model_init(&m);
    ent_plan_init(&plan);
    ent_error_init(&err);
    ent_check_report_init(&rep);

    if (ent_btrplace_load_instance(&m, instance, &err) ||
        !(doc = ent_json_load_file(plan_path, &err)) ||
        ent_plan_read_json(&plan, doc, &m, plan_path, &err)) {
        fprintf(stderr, "entropy check: %s\n", err.msg);
        goto cleanup;
    }
    if (ent_plan_origin_matches(doc, &m, plan_path, &err))
        ent_check_violation(&rep, ENT_VIOLATION_ORIGIN, -1, -1, "%s", err.msg);
    ent_check_plan(&m, &plan, &rep);
    json_t *out = ent_check_report_json(&rep);
    char *text = json_dumps(out, JSON_COMPACT);
    puts(text);
    free(text);
    json_decref(out);
    status = rep.valid ? ENT_EXIT_OK : ENT_EXIT_NO;
cleanup:
    json_decref(doc);
    ent_check_report_release(&rep);
    ent_plan_release(&plan);
    ent_model_release(&m);
    return status;
}
