/* The libvirt nodes an administrator lists ("URI" or "NAME=URI", separated by blanks): named as
 * given, else by the URI's host; the monitor and the driver name them alike. */
#ifndef ENT_PROTO_LIBVIRT_NODES_H
#define ENT_PROTO_LIBVIRT_NODES_H

#include <stddef.h>
#include <stdint.h>

struct ent_libvirt_node {
    char *name; /* as given (NAME=URI), else the URI's host, NULL when it names none */
    char *uri;
    void *conn; /* virConnectPtr, kept open between rounds, reopened when it dies */
    int64_t last_cpu, last_memory_mb; /* its capacity when last read, for a round it is lost */
};

struct ent_libvirt_nodes {
    struct ent_libvirt_node *items;
    size_t len;
};

/* Appends the nodes of specs (blank-separated, not commas: a URI may hold some). */
void ent_libvirt_nodes_add(struct ent_libvirt_nodes *nodes, const char *specs);
/* Closes their connections and frees them. */
void ent_libvirt_nodes_release(struct ent_libvirt_nodes *nodes);

#endif
