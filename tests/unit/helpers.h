/* Shared helpers for the unit tests: small instances and plans written inline as JSON. */
#ifndef ENT_TESTS_HELPERS_H
#define ENT_TESTS_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "check/check.h"
#include "model/btrplace.h"
#include "model/json_file.h"
#include "model/model.h"
#include "model/plan.h"
#include "model/plan_json.h"
#include "monitor/ganglia_snapshot.h"
#include "monitor/ganglia_xml.h"
#include "util/error.h"
#include "util/log.h"

#include <string.h>

/* The snapshot of a Ganglia dump given as text, with the default options, into m (initialised
 * here; release it) and *issues (a new reference); the test fails when the dump is refused. */
static inline void ganglia_snapshot_of(const char *xml, struct ent_model *m, json_t **issues)
{
    struct ent_ganglia_dump d;
    ent_ganglia_dump_init(&d);
    struct ent_error err;
    ent_error_init(&err);
    ent_log_open(NULL, ENT_LOG_ERROR, &err);
    assert_int_equal(ent_ganglia_parse(xml, strlen(xml), "test", &d, &err), 0);
    struct ent_ganglia_options o;
    ent_ganglia_options_default(&o);
    ent_model_init(m);
    *issues = NULL;
    assert_int_equal(ent_ganglia_snapshot(&d, &o, m, issues, &err), 0);
    ent_ganglia_dump_release(&d);
}

/* Loads an instance from JSON text, failing the test on error. */
static inline struct ent_model *load_instance(const char *text)
{
    struct ent_error err;
    ent_error_init(&err);
    json_t *doc = ent_json_load_buffer(text, strlen(text), "inline", &err);
    if (!doc)
        fail_msg("inline instance: %s", err.msg);
    struct ent_model *m = calloc(1, sizeof *m);
    ent_model_init(m);
    int rc = ent_btrplace_read_instance(m, doc, "inline", &err);
    if (!rc)
        rc = ent_model_validate(m, &err);
    json_decref(doc);
    if (rc)
        fail_msg("inline instance: %s", err.msg);
    return m;
}

/* Returns the error code of loading text, with the message in err. */
static inline int load_instance_error(const char *text, struct ent_error *err)
{
    ent_error_init(err);
    json_t *doc = ent_json_load_buffer(text, strlen(text), "inline", err);
    if (!doc)
        return err->code;
    struct ent_model m;
    ent_model_init(&m);
    int rc = ent_btrplace_read_instance(&m, doc, "inline", err);
    if (!rc)
        rc = ent_model_validate(&m, err);
    ent_model_release(&m);
    json_decref(doc);
    return rc;
}

/* Fails the test when the checker rejects plan. */
static inline void assert_plan_valid(const struct ent_model *m, const struct ent_plan *plan)
{
    struct ent_check_report rep;
    ent_check_report_init(&rep);
    ent_check_plan(m, plan, &rep);
    if (!rep.valid) {
        char *text = json_dumps(rep.violations, 0);
        fail_msg("plan rejected by the checker: %s", text);
    }
    ent_check_report_release(&rep);
}

static inline void free_instance(struct ent_model *m)
{
    ent_model_release(m);
    free(m);
}

/* Reads a plan's actions from JSON text ("{\"actions\": [...]}"). */
static inline void load_plan(struct ent_plan *plan, const struct ent_model *m, const char *text)
{
    struct ent_error err;
    ent_error_init(&err);
    json_t *doc = ent_json_load_buffer(text, strlen(text), "inline plan", &err);
    if (!doc)
        fail_msg("inline plan: %s", err.msg);
    ent_plan_init(plan);
    if (ent_plan_read_json(plan, doc, m, "inline plan", &err))
        fail_msg("inline plan: %s", err.msg);
    json_decref(doc);
}

#endif
