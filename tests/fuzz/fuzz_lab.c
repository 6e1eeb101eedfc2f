/* libFuzzer target: the lab's state files (lab.json and vms/NAME.json), whichever the input is. */
#include "lab/lab.h"
#include "util/error.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *doc = json_loadb((const char *)data, size, 0, NULL);
    if (!doc)
        return 0;
    struct ent_error err;
    struct ent_lab lab;
    memset(&lab, 0, sizeof lab);
    if (ent_lab_parse(&lab, doc, "fuzz", &err) == 0) {
        (void)ent_lab_node(&lab, "lab-1");
        ent_lab_release(&lab);
    }
    struct ent_lab_vm vm;
    (void)ent_lab_vm_parse(doc, "fuzz", &vm, &err);
    json_decref(doc);
    return 0;
}
