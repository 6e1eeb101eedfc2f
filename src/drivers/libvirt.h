/* The libvirt driver (KVM/QEMU, Xen through libxl, ...): peer-to-peer live migration with
 * virDomainMigrateToURI3 (LIVE | PEER2PEER | PERSIST_DEST | UNDEFINE_SOURCE) and the bandwidth
 * parameter, the max downtime set on the domain first, progress from virDomainGetJobInfo, a
 * watchdog that aborts the job at the timeout, figures from virDomainGetJobStats of the completed
 * job. Boot (virDomainCreate of a defined domain), shutdown, suspend (virDomainManagedSave) and
 * resume (virDomainCreate restores a managed save) through the same API. */
#ifndef ENT_DRIVERS_LIBVIRT_H
#define ENT_DRIVERS_LIBVIRT_H

struct ent_libvirt_driver_config {
    const char *nodes; /* "NAME=URI ..." (or URIs, named by their host): how Entropy reaches each
                          node's libvirtd, as monitor.libvirt.uris */
    const char *migrate_uris; /* "NAME=URI ...": the URI the source's libvirtd uses to reach the
                                 destination (peer to peer); default: the node's URI */
};

#endif
