/* What adapters report about a snapshot that is not an error: logged and kept for the
 * administrator (entropy monitor prints them). */
#ifndef ENT_MONITOR_ISSUES_H
#define ENT_MONITOR_ISSUES_H

#include <jansson.h>
#include <stdint.h>

struct ent_model;

/* Logs "SOURCE: message" as a warning and appends the message to issues. */
void ent_monitor_issue(json_t *issues, const char *source, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Keeps VM vm where it is this round (a root constraint): what adapters do with a VM whose
 * place they cannot trust. */
void ent_monitor_pin_vm(struct ent_model *m, int32_t vm);

#endif
