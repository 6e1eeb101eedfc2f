/* The trace shared by both formats: init, release, which names it takes. */
#include "replay/trace.h"

#include "util/alloc.h"

#include <string.h>

bool ent_trace_name_ok(const char *name)
{
    size_t n = 0;
    for (; name[n]; n++)
        if (name[n] < 0x20 || name[n] > 0x7e || n >= ENT_TRACE_NAME_MAX)
            return false;
    return n > 0;
}

void ent_trace_init(struct ent_trace *t)
{
    memset(t, 0, sizeof *t);
}

void ent_trace_release(struct ent_trace *t)
{
    if (!t)
        return;
    for (size_t v = 0; v < t->n_vms; v++)
        ent_free(t->names[v]);
    ent_free(t->names);
    ent_free(t->cpu);
    ent_free(t->memory_mb);
    ent_trace_init(t);
}
