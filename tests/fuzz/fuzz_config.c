/* libFuzzer target: entropy.properties as the daemon and `entropy config` read it. */
#include "config/properties.h"
#include "util/error.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    FILE *f = fmemopen((void *)data, size, "r");
    if (!f)
        return 0;
    struct ent_config c;
    ent_config_init(&c);
    struct ent_error err;
    ent_error_init(&err);
    if (ent_config_read(&c, f, "fuzz.properties", &err) == 0)
        (void)ent_config_number(&c, "monitor.timeout");
    fclose(f);
    ent_config_release(&c);
    return 0;
}
