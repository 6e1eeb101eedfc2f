/* libFuzzer target: the CSV trace reader (time,vm,cpu,mem lines) and a look at what it accepted. */
#include "replay/trace.h"
#include "util/error.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ent_error err;
    struct ent_trace t;
    if (ent_trace_read_csv(&t, (const char *)data, size, "fuzz", &err) == 0) {
        double sum = 0;
        for (size_t i = 0; i < t.n_vms * t.n_steps; i++)
            sum += t.cpu[i];
        if (!(sum >= 0) || !ent_trace_name_ok(t.names[t.n_vms - 1]))
            __builtin_trap();
        ent_trace_release(&t);
    }
    return 0;
}
