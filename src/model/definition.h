/* VM definitions: what should run, from the files an administrator keeps on shared storage, one VM
 * per file: Xen domain configuration files (the seed's `name = value` syntax, read with Xen's own
 * libxlutil) and libvirt domain XML (virsh dumpxml). Each gives the VM's name, size and disks, and
 * whether it may start on another node (every disk on shared storage). */
#ifndef ENT_MODEL_DEFINITION_H
#define ENT_MODEL_DEFINITION_H

#include "util/error.h"
#include "util/hashmap.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The attributes a VM of a snapshot gets from its definition (monitor/definitions.c). */
#define ENT_VM_ATTR_DEFINITION "definition" /* the file */
#define ENT_VM_ATTR_AUTOSTART  "autostart"  /* true when it is to run */
#define ENT_VM_ATTR_PRIORITY   "priority"   /* its restart priority */
#define ENT_VM_ATTR_LOCAL_DISK "local_disk" /* a disk off shared storage: it stays where it is */

/* Larger definition files are refused (a domain XML is a few KB). */
#define ENT_DEFINITION_MAX_BYTES (1 << 20)

struct ent_vm_disk {
    char *source;   /* the backing file or device, or the network source ("nbd://...") */
    char *target;   /* as the guest sees it (xvda, vda), NULL when not given */
    bool network;   /* on network storage by construction (iSCSI, NBD, RBD, NFS root) */
    bool shareable; /* libvirt's <shareable/>: meant to be reached from several nodes */
};

/* X(ENUM, name, file suffix): one row per format. */
#define ENT_DEFINITION_FORMATS(X)                                                                  \
    X(XEN, "xen", ".cfg")                                                                          \
    X(LIBVIRT, "libvirt", ".xml")

enum ent_definition_format {
#define ENT_DF_ENUM(e, name, suffix) ENT_DEFINITION_##e,
    ENT_DEFINITION_FORMATS(ENT_DF_ENUM)
#undef ENT_DF_ENUM
        ENT_DEFINITION_FORMAT_COUNT
};

struct ent_vm_definition {
    char *name;
    char *path; /* the file it came from */
    enum ent_definition_format format;
    int64_t memory_mb;
    int64_t vcpus;
    struct ent_vm_disk *disks;
    size_t n_disks, cap_disks;
    /* The first disk not on shared storage (ent_definition_classify): the VM can neither migrate
     * nor start elsewhere. NULL when every disk is shared. Points into disks. */
    const char *local_disk;
    bool autostart;      /* boot it when it runs nowhere (the file's mark, or its directory's) */
    bool file_autostart; /* the file's own mark */
    int64_t priority;    /* restart order after a node died: higher first */
    /* What a driver creates the VM from: the settings of a Xen file (strings and lists of
     * strings, by key), the libvirt XML as read (a string). */
    json_t *config;
    char *xml;
    /* The file as last read (device, inode, size, modification time in ns): a file that has not
     * changed since is not parsed again. */
    char *stamp;
};

/* The format whose suffix path ends with, or -1. */
int ent_definition_format_of(const char *path);
const char *ent_definition_format_name(enum ent_definition_format f);

/* Parse text (len bytes, not necessarily NUL-terminated), named path in messages, into out
 * (zeroed first). A malformed file is refused naming the path, and the line where the format
 * says; out is then empty. */
ENT_MUST_USE int ent_definition_parse(enum ent_definition_format f, const char *text, size_t len,
                                      const char *path, struct ent_vm_definition *out,
                                      struct ent_error *err);
ENT_MUST_USE int ent_definition_parse_xen(const char *text, size_t len, const char *path,
                                          struct ent_vm_definition *out, struct ent_error *err);
ENT_MUST_USE int ent_definition_parse_libvirt(const char *text, size_t len, const char *path,
                                              struct ent_vm_definition *out, struct ent_error *err);
/* Reads and parses the regular file path (its format by its suffix, at most
 * ENT_DEFINITION_MAX_BYTES). */
ENT_MUST_USE int ent_definition_load_file(const char *path, struct ent_vm_definition *out,
                                          struct ent_error *err);
void ent_definition_release(struct ent_vm_definition *d);

/* Sets local_disk: a disk is shared when it is network storage, shareable, or its source lies
 * under one of the shared paths (blank-separated directory prefixes, vm.shared_storage). */
void ent_definition_classify(struct ent_vm_definition *d, const char *shared_paths);

/* The definitions of a cluster, by name: a name twice is kept once (the first file). */
struct ent_vm_definitions {
    struct ent_vm_definition *items;
    size_t len, cap;
    struct ent_namemap by_name;
};

void ent_vm_definitions_init(struct ent_vm_definitions *defs);
void ent_vm_definitions_release(struct ent_vm_definitions *defs);
/* Takes d (its contents are the list's then); ENT_EEXISTS, with d released, when the name is
 * already defined (err names both files). */
ENT_MUST_USE int ent_vm_definitions_add(struct ent_vm_definitions *defs,
                                        struct ent_vm_definition *d, struct ent_error *err);
const struct ent_vm_definition *ent_vm_definitions_find(const struct ent_vm_definitions *defs,
                                                        const char *name);

#endif
