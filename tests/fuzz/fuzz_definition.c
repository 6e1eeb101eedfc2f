/* libFuzzer target: VM definition files, both formats (the first byte chooses: even Xen's
 * configuration syntax through libxlutil, odd libvirt's domain XML), then what Entropy derives. */
#include "model/definition.h"
#include "util/error.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    struct ent_error err;
    struct ent_vm_definition d;
    enum ent_definition_format f = data[0] % 2 ? ENT_DEFINITION_LIBVIRT : ENT_DEFINITION_XEN;
    if (ent_definition_parse(f, (const char *)data + 1, size - 1, "fuzz", &d, &err) == 0) {
        ent_definition_classify(&d, "/srv/shared /nfs");
        ent_definition_release(&d);
    }
    return 0;
}
