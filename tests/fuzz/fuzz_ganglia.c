/* libFuzzer target: the streaming Ganglia XML reader fed in two pieces, then the snapshot built
 * from what it accepted. */
#include "model/model.h"
#include "monitor/ganglia_snapshot.h"
#include "monitor/ganglia_xml.h"
#include "util/error.h"
#include "util/log.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int quiet;
    struct ent_error err;
    if (!quiet) {
        ent_log_open(NULL, ENT_LOG_ERROR, &err);
        quiet = 1;
    }
    struct ent_ganglia_dump dump;
    ent_ganglia_dump_init(&dump);
    struct ent_ganglia_parser *p = ent_ganglia_parser_new(&dump, "fuzz");
    size_t half = size / 2;
    int rc = ent_ganglia_parser_feed(p, (const char *)data, half, 0, &err);
    if (!rc)
        rc = ent_ganglia_parser_feed(p, (const char *)data + half, size - half, 1, &err);
    ent_ganglia_parser_free(p);
    if (!rc) {
        struct ent_ganglia_options o;
        ent_ganglia_options_default(&o);
        o.dom0_memory_mb = 512;
        struct ent_model m;
        ent_model_init(&m);
        json_t *issues = NULL;
        if (ent_ganglia_snapshot(&dump, &o, &m, &issues, &err) == 0)
            ent_model_validate(&m, &err);
        json_decref(issues);
        ent_model_release(&m);
    }
    ent_ganglia_dump_release(&dump);
    return 0;
}
