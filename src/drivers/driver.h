/* Hypervisor drivers behind one ops table (libvirt's virHypervisorDriver). A migration is a phased
 * transaction: prepare (the destination can take the VM), perform (the copy), finish (the VM runs
 * on the destination, the source is ended), or abort (the VM keeps running on its source).
 * A NULL slot means the hypervisor cannot do that; callers report it in one place. */
#ifndef ENT_DRIVERS_DRIVER_H
#define ENT_DRIVERS_DRIVER_H

#include "util/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ent_config;
struct ent_error;
struct ent_driver;
struct ent_monitor;
struct ent_str;
struct ent_vm_definition;

/* What a migration is, how it may run and, once done, what it measured. */
struct ent_migration {
    const char *vm, *from, *to;
    int64_t memory_mb;
    double bandwidth;    /* MB/s the copy may use, 0 for the hypervisor's default */
    double max_downtime; /* seconds the guest may be stopped at the end, 0 for the default */
    double timeout;      /* seconds the whole migration may take, 0 for none; then it is
                            cancelled and the VM stays on its source */
    double seconds;      /* measured total time */
    double downtime;     /* measured, seconds; negative when the hypervisor does not say */
    int64_t bytes;       /* transferred; negative when the hypervisor does not say */
    double dirty_rate;   /* measured, MB/s the guest dirtied (0 when unknown) */
    /* Progress, updated while perform runs (read by migrate_progress). */
    _Atomic int64_t progress_bytes, progress_remaining;
    void *priv; /* the driver's, from prepare to finish or abort */
};

/* Where a VM really is, after a failure: what the hypervisor says. */
struct ent_vm_place {
    char node[64];  /* empty when the VM was found nowhere */
    char state[32]; /* "running", "paused", ... as the hypervisor names it */
    int copies;     /* how many nodes report it (more than one is a duplicate) */
};

struct ent_driver_ops {
    const char *name;
    int serial;              /* calls must not overlap (the driver's state is not thread-safe) */
    const char *const *keys; /* its own rows of the configuration table, NULL-terminated */
    /* What monitoring may call its hypervisor (container.driver.migration), NULL-terminated. */
    const char *const *aliases;
    /* Whether the configuration (and the monitoring source) gives it what it needs: a driver
     * without its settings is left closed unless the configuration names it. configured and
     * configure are both set, or neither (a driver only opened from code, as in tests). */
    bool (*configured)(const struct ent_config *c, const struct ent_monitor *mon);
    /* Opens from the configuration (strings stay the configuration's); a missing setting is an
     * error naming its key. */
    int (*configure)(struct ent_driver *drv, const struct ent_config *c,
                     const struct ent_monitor *mon, struct ent_error *err);
    /* Opens from settings the caller gives (its struct ent_*_driver_config). */
    int (*open)(struct ent_driver *drv, void *arg, struct ent_error *err);
    void (*close)(struct ent_driver *drv);
    int (*migrate_prepare)(struct ent_driver *drv, struct ent_migration *mig,
                           struct ent_error *err);
    int (*migrate_perform)(struct ent_driver *drv, struct ent_migration *mig,
                           struct ent_error *err);
    int (*migrate_finish)(struct ent_driver *drv, struct ent_migration *mig, struct ent_error *err);
    void (*migrate_abort)(struct ent_driver *drv, struct ent_migration *mig);
    /* Bytes sent and remaining so far, from another thread while perform runs. */
    int (*migrate_progress)(struct ent_driver *drv, struct ent_migration *mig, int64_t *sent,
                            int64_t *remaining);
    /* After Entropy itself stopped abruptly: leaves a VM that a migration may have left in two
     * processes in one, running, and says where (NULL where the hypervisor settles it itself). */
    int (*recover_vm)(struct ent_driver *drv, const char *vm, struct ent_vm_place *out,
                      struct ent_error *err);
    /* Looks for vm on the nodes named (from, to: either may be NULL). */
    int (*locate_vm)(struct ent_driver *drv, const char *vm, const char *from, const char *to,
                     struct ent_vm_place *out, struct ent_error *err);
    int (*boot_vm)(struct ent_driver *drv, const char *vm, const char *node, struct ent_error *err);
    /* Creates and starts on node the VM a definition describes (vm.definitions: autostart,
     * failover); refused when it runs anywhere the hypervisor can see. NULL: the hypervisor
     * cannot, and boot_vm starts VMs it already knows. */
    int (*create_vm)(struct ent_driver *drv, const struct ent_vm_definition *def, const char *node,
                     struct ent_error *err);
    int (*shutdown_vm)(struct ent_driver *drv, const char *vm, const char *node,
                       struct ent_error *err);
    /* Pauses vm on node in memory (failover: a returned node's copy of a VM restarted
     * elsewhere); Entropy never resumes what it paused so. */
    int (*pause_vm)(struct ent_driver *drv, const char *vm, const char *node,
                    struct ent_error *err);
    int (*suspend_vm)(struct ent_driver *drv, const char *vm, const char *node,
                      struct ent_error *err);
    int (*resume_vm)(struct ent_driver *drv, const char *vm, const char *node,
                     struct ent_error *err);
    int (*boot_node)(struct ent_driver *drv, const char *node, struct ent_error *err);
    int (*shutdown_node)(struct ent_driver *drv, const char *node, struct ent_error *err);
};

struct ent_driver {
    const struct ent_driver_ops *ops;
    void *state;
};

/* Registration (daemon/plugins.c registers the built-in drivers); a name twice is refused. */
ENT_MUST_USE int ent_driver_register(const struct ent_driver_ops *ops, struct ent_error *err);
const struct ent_driver_ops *ent_driver_lookup(const char *name);
/* The registered drivers in order, NULL past the last. */
const struct ent_driver_ops *ent_driver_at(size_t i);
/* What a driver can do: the slots it fills. */
enum ent_driver_can { ENT_CAN_BOOT_NODE, ENT_CAN_SHUTDOWN_NODE, ENT_CAN_SUSPEND_VM };
bool ent_driver_can(const struct ent_driver_ops *ops, enum ent_driver_can what);
ENT_MUST_USE int ent_driver_open(struct ent_driver *drv, const char *name, void *arg,
                                 struct ent_error *err);
void ent_driver_close(struct ent_driver *drv);

/* Runs the whole migration transaction; on any failure the abort phase runs and the VM stays
 * on its source. */
ENT_MUST_USE int ent_driver_migrate(struct ent_driver *drv, struct ent_migration *mig,
                                    struct ent_error *err);

/* The drivers opened for a round, one per kind of node. A node is served, in this order: by the
 * driver node_map names for it ("NODE=DRIVER ..."), by the driver value_map names for what
 * monitoring says of it ("VALUE=DRIVER ...", VALUE being container.driver.migration), by the
 * driver of that name or alias (ent_driver_ops.aliases: "xen" and "xen3" are xend's, "kvm" and
 * "qemu" libvirt's, "lab" qmp's), else by the first driver of the set. */
#define ENT_DRIVER_SET_MAX 8
struct ent_driver_set {
    struct ent_driver drivers[ENT_DRIVER_SET_MAX];
    size_t len;
    const char *node_map, *value_map; /* may be NULL; the caller's strings */
};

void ent_driver_set_init(struct ent_driver_set *set);
ENT_MUST_USE int ent_driver_set_open(struct ent_driver_set *set, const char *name, void *arg,
                                     struct ent_error *err);
/* The same for a driver given by its ops, registered or not (trace replay's simulator). */
ENT_MUST_USE int ent_driver_set_open_ops(struct ent_driver_set *set,
                                         const struct ent_driver_ops *ops, void *arg,
                                         struct ent_error *err);
struct ent_driver *ent_driver_set_pick(struct ent_driver_set *set, const char *node,
                                       const char *node_driver);
/* Opens driver name from the configuration into the set, unless it is open already. */
ENT_MUST_USE int ent_driver_set_configure(struct ent_driver_set *set, const char *name,
                                          const struct ent_config *c, const struct ent_monitor *mon,
                                          struct ent_error *err);
/* Appends the names of the set's drivers, "sim, xend", to out; returns its text. */
const char *ent_driver_set_names(const struct ent_driver_set *set, struct ent_str *out);
/* Whether some driver of the set can do what. */
bool ent_driver_set_can(const struct ent_driver_set *set, enum ent_driver_can what);
void ent_driver_set_close(struct ent_driver_set *set);

extern const struct ent_driver_ops ent_driver_sim_ops;
extern const struct ent_driver_ops ent_driver_xend_ops;
extern const struct ent_driver_ops ent_driver_xl_ops;
extern const struct ent_driver_ops ent_driver_libvirt_ops;

#endif
