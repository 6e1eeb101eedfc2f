/* VM definitions as a monitoring input (vm.definitions = DIR): the directory is read every round,
 * whatever the source, and merged into its snapshot. A defined VM that runs nowhere is in the
 * snapshot as ready (BtrPlace's readyVMs) with its size from its file; a defined VM that runs
 * carries its definition's attributes; what disagrees with monitoring is reported. */
#ifndef ENT_MONITOR_DEFINITIONS_H
#define ENT_MONITOR_DEFINITIONS_H

#include "model/definition.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct ent_config;
struct ent_model;

struct ent_definitions_input {
    char *dir;          /* NULL: none configured */
    char *shared_paths; /* vm.shared_storage */
    int64_t vm_cpu;     /* CPU demand per vCPU of a VM that runs nowhere (monitor.vm_cpu) */
    /* The last reading that worked: a directory that cannot be read this round leaves it (and
     * says so), so that a passing NFS hiccup forgets no VM. */
    struct ent_vm_definitions defs;
    bool loaded;
    json_t *failed; /* the files that did not parse, for the next reading (ent_definitions_cache) */
    /* What was reported already (a local disk, a bad file: {"message": true}), so that a steady
     * state does not fill the log every round; a message not seen in a round is forgotten. */
    json_t *reported;
};

void ent_definitions_input_init(struct ent_definitions_input *in);
void ent_definitions_input_release(struct ent_definitions_input *in);
/* From vm.definitions, vm.shared_storage and monitor.vm_cpu. */
void ent_definitions_input_configure(struct ent_definitions_input *in, const struct ent_config *c);

/* What the last reading found, so that a file that has not changed is not parsed again (libxlutil
 * leaks the list it was building on a lexical error: a malformed file costs that once per edit,
 * not once a round). */
struct ent_definitions_cache {
    struct ent_vm_definitions defs; /* taken over by the next reading when unchanged */
    json_t *failed;                 /* {"PATH": {"stamp": ..., "error": ...}} */
};

/* Reads every *.cfg (Xen) and *.xml (libvirt) file of dir, in name order, into defs (initialised,
 * empty). A file that does not parse, or defines a name again, is reported in issues and left
 * out; autostart comes from the file or from an entry of the same name in dir/auto or
 * dir/autostart (Xen's /etc/xen/auto, libvirt's autostart/). With cache (may be NULL), unchanged
 * files are taken from the last reading, and the cache then holds this one. Fails only when dir
 * itself cannot be read. */
ENT_MUST_USE int ent_definitions_load(const char *dir, const char *shared_paths,
                                      struct ent_vm_definitions *defs,
                                      struct ent_definitions_cache *cache, json_t *issues,
                                      struct ent_error *err);

/* Reads the directory (keeping the last reading when it cannot) and merges it into m. */
ENT_MUST_USE int ent_definitions_input_apply(struct ent_definitions_input *in, struct ent_model *m,
                                             int mem, int cpu, json_t *issues,
                                             struct ent_error *err);

#endif
