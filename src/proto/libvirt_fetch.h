/* One libvirt node read within a time limit: the calls run in a thread of their own, so that a
 * libvirtd that stops answering (libvirt calls have no timeout of their own) costs a failed
 * round, not a hung daemon. */
#ifndef ENT_PROTO_LIBVIRT_FETCH_H
#define ENT_PROTO_LIBVIRT_FETCH_H

#include "util/error.h"

#include <stddef.h>

struct ent_error;

struct ent_libvirt_domain {
    char *name;
    char uuid[40];
    int id;    /* -1 when not running */
    int state; /* virDomainState */
    unsigned long long memory_kib, cpu_time_ns;
    unsigned int vcpus;
};

struct ent_libvirt_host {
    char *hostname, *type; /* type: "QEMU", "Xen", "TEST", ... */
    unsigned long version;
    unsigned int cpus;
    unsigned long long memory_kib;
    struct ent_libvirt_domain *domains; /* the active ones */
    size_t n_domains;
};

/* Silences libvirt's own printing of errors (they are ours to report); once, before any call. */
void ent_libvirt_quiet(void);
/* Reads uri's node into out. *conn is the connection kept from the previous round (or NULL);
 * it is opened when missing or dead. When timeout seconds pass first, the read is abandoned
 * (its thread closes the connection whenever libvirt returns), *conn becomes NULL and the
 * error says so. */
ENT_MUST_USE int ent_libvirt_fetch(const char *uri, void **conn, double timeout,
                                   struct ent_libvirt_host *out, struct ent_error *err);
void ent_libvirt_host_release(struct ent_libvirt_host *h);

#endif
