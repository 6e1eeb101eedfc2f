/* Issues and pinned VMs, shared by the monitoring adapters. */
#include "monitor/issues.h"

#include "model/model.h"
#include "util/alloc.h"
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>

void ent_monitor_issue(json_t *issues, const char *source, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ent_warn("%s: %s", source, msg);
    json_array_append_new(issues, json_string(msg));
}

void ent_monitor_pin_vm(struct ent_model *m, int32_t vm)
{
    struct ent_constraint root = {.kind = ENT_CK_ROOT, .name = ent_strdup("root"), .res = -1};
    root.vms = ent_malloc(sizeof *root.vms);
    root.vms[0] = vm;
    root.n_vms = 1;
    ent_constraint_set_add(&m->constraints, &root);
}
