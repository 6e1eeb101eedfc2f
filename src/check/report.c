/* Check reports: violations and figures as one JSON object. */
#include "check/check.h"

#include "util/alloc.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const kind_names[] = {
#define ENT_VK_NAME(e, name) name,
    ENT_VIOLATION_KINDS(ENT_VK_NAME)
#undef ENT_VK_NAME
};

const char *ent_violation_kind_name(enum ent_violation_kind kind)
{
    return kind < ENT_VIOLATION_KIND_COUNT ? kind_names[kind] : "?";
}

void ent_check_report_init(struct ent_check_report *rep)
{
    memset(rep, 0, sizeof *rep);
    rep->valid = true;
    rep->violations = json_array();
    rep->unchecked = json_object();
}

void ent_check_report_release(struct ent_check_report *rep)
{
    if (!rep)
        return;
    ent_free(rep->final_bad);
    ent_free(rep->during_bad);
    json_decref(rep->by_constraint);
    json_decref(rep->violations);
    json_decref(rep->unchecked);
    memset(rep, 0, sizeof *rep);
}

static void record(struct ent_check_report *rep, enum ent_violation_kind kind, int64_t time,
                   long action, const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

void ent_check_constraint_violation(struct ent_check_report *rep, size_t idx, int during,
                                    int64_t time, long action, const char *fmt, ...)
{
    if (idx < rep->n_constraints)
        (during ? rep->during_bad : rep->final_bad)[idx]++;
    va_list ap;
    va_start(ap, fmt);
    record(rep, ENT_VIOLATION_CONSTRAINT, time, action, fmt, ap);
    va_end(ap);
}

void ent_check_violation(struct ent_check_report *rep, enum ent_violation_kind kind, int64_t time,
                         long action, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    record(rep, kind, time, action, fmt, ap);
    va_end(ap);
}

static void record(struct ent_check_report *rep, enum ent_violation_kind kind, int64_t time,
                   long action, const char *fmt, va_list ap)
{
    rep->valid = false;
    rep->n_violations++;
    rep->by_kind[kind]++;
    if (json_array_size(rep->violations) >= ENT_CHECK_MAX_LISTED)
        return;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    json_t *v = json_object();
    json_object_set_new(v, "kind", json_string(kind_names[kind]));
    if (time >= 0)
        json_object_set_new(v, "time", json_integer(time));
    if (action >= 0)
        json_object_set_new(v, "action", json_integer(action));
    json_object_set_new(v, "message", json_string(msg));
    json_array_append_new(rep->violations, v);
}

json_t *ent_check_report_json(const struct ent_check_report *rep)
{
    json_t *o = json_object(), *counts = json_object();
    json_object_set_new(o, "valid", json_boolean(rep->valid));
    json_object_set_new(o, "violation_count", json_integer((json_int_t)rep->n_violations));
    for (int k = 0; k < ENT_VIOLATION_KIND_COUNT; k++)
        if (rep->by_kind[k])
            json_object_set_new(counts, kind_names[k], json_integer((json_int_t)rep->by_kind[k]));
    json_object_set_new(o, "violations_by_kind", counts);
    json_object_set(o, "violations", rep->violations);
    json_object_set_new(o, "actions", json_integer(rep->actions));
    json_object_set_new(o, "initial_overloads", json_integer(rep->initial_overloads));
    json_object_set_new(o, "online_nodes_used", json_integer(rep->online_nodes_used));
    json_object_set_new(o, "watts_before", json_real(round(rep->watts_before * 100) / 100));
    json_object_set_new(o, "watts", json_real(round(rep->watts * 100) / 100));
    json_object_set_new(o, "migrations", json_integer(rep->migrations));
    json_object_set_new(o, "moved_memory", json_integer(rep->moved_memory));
    json_object_set_new(o, "makespan", json_integer(rep->makespan));
    json_object_set_new(o, "mttr", json_integer(rep->mttr));
    json_object_set(o, "unchecked_constraints", rep->unchecked);
    if (rep->by_constraint)
        json_object_set(o, "constraints", rep->by_constraint);
    return o;
}
