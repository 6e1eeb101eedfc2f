/* libFuzzer target: the SXP reader (xend's answers) and the look-ups made on what it accepted. */
#include "proto/sxp.h"
#include "util/error.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ent_error err;
    struct ent_sxp x;
    if (ent_sxp_parse((const char *)data, size, "fuzz", &x, &err) == 0) {
        (void)ent_sxp_value(&x, "host");
        (void)ent_sxp_value(&x, "total_memory");
        for (size_t i = 0; !x.atom && i < x.n; i++)
            (void)ent_sxp_value(&x.items[i], "name");
        ent_sxp_release(&x);
    }
    return 0;
}
