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

/* Reads both files, checks, prints the report; the exit status. */
static int check(struct ent_model *m, struct ent_plan *plan, json_t **doc,
                 struct ent_check_report *rep, const char *instance, const char *plan_path)
{
    struct ent_error err;
    ent_error_init(&err);
    if (ent_btrplace_load_instance(m, instance, &err) ||
        !(*doc = ent_json_load_file(plan_path, &err)) ||
        ent_plan_read_json(plan, *doc, m, plan_path, &err)) {
        fprintf(stderr, "entropy check: %s\n", err.msg);
        return ENT_EXIT_INPUT;
    }
    if (ent_plan_origin_matches(*doc, m, plan_path, &err))
        ent_check_violation(rep, ENT_VIOLATION_ORIGIN, -1, -1, "%s", err.msg);
    ent_check_plan(m, plan, rep);
    json_t *out = ent_check_report_json(rep);
    char *text = json_dumps(out, JSON_COMPACT);
    puts(text);
    free(text);
    json_decref(out);
    return rep->valid ? ENT_EXIT_OK : ENT_EXIT_NO;
}

int ent_cmd_check(int argc, char **argv)
{
    if (argc != 3)
        return ent_cli_fail("check", "expects INSTANCE and PLAN (see entropy check --help)");
    struct ent_model m;
    struct ent_plan plan;
    struct ent_check_report rep;
    json_t *doc = NULL;
    ent_model_init(&m);
    ent_plan_init(&plan);
    ent_check_report_init(&rep);
    int status = check(&m, &plan, &doc, &rep, argv[1], argv[2]);
    json_decref(doc);
    ent_check_report_release(&rep);
    ent_plan_release(&plan);
    ent_model_release(&m);
    return status;
}
