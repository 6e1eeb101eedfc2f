/* libFuzzer target: entropy.properties as the daemon and `entropy config` read it, the power
 * URIs of power.nodes and the enclosure tree. */
#include "config/properties.h"
#include "daemon/plugins.h"
#include "drivers/power.h"
#include "model/enclosure.h"
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
    ent_plugins_init();
    if (ent_config_read(&c, f, "fuzz.properties", &err) == 0) {
        (void)ent_config_number(&c, "monitor.timeout");
        struct ent_power_set set;
        ent_power_set_init(&set);
        if (ent_power_set_configure(&set, &c, &err) == 0)
            for (size_t i = 0; i < set.len; i++)
                (void)ent_power_set_find(&set, set.nodes[i].name);
        ent_power_set_release(&set);
        struct ent_enclosures enc;
        ent_enclosures_init(&enc);
        if (ent_enclosures_configure(&enc, &c, &err) == 0 && enc.len)
            (void)ent_enclosures_within(&enc, enc.items[0].members[0], enc.items[enc.len - 1].name);
        ent_enclosures_release(&enc);
    }
    fclose(f);
    ent_config_release(&c);
    return 0;
}
