/* Hypervisor drivers behind one ops table (libvirt's virHypervisorDriver). A migration is a phased
 * transaction: prepare (the destination can take the VM), perform (the copy), finish (the VM runs
 * on the destination, the source is ended), or abort (the VM keeps running on its source).
 * A NULL slot means the hypervisor cannot do that; callers report it in one place. */
#ifndef ENT_DRIVERS_DRIVER_H
#define ENT_DRIVERS_DRIVER_H

#include <stdint.h>

struct ent_error;
struct ent_driver;

/* What a migration is and, once done, what it measured. */
struct ent_migration {
    const char *vm, *from, *to;
    int64_t memory_mb;
    double seconds;  /* measured total time */
    double downtime; /* measured, seconds */
    int64_t bytes;   /* transferred */
};

struct ent_driver_ops {
    const char *name;
    int (*open)(struct ent_driver *drv, void *arg, struct ent_error *err);
    void (*close)(struct ent_driver *drv);
    int (*migrate_prepare)(struct ent_driver *drv, struct ent_migration *mig,
                           struct ent_error *err);
    int (*migrate_perform)(struct ent_driver *drv, struct ent_migration *mig,
                           struct ent_error *err);
    int (*migrate_finish)(struct ent_driver *drv, struct ent_migration *mig, struct ent_error *err);
    void (*migrate_abort)(struct ent_driver *drv, struct ent_migration *mig);
    int (*boot_vm)(struct ent_driver *drv, const char *vm, const char *node, struct ent_error *err);
    int (*shutdown_vm)(struct ent_driver *drv, const char *vm, const char *node,
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

void ent_drivers_init(void);
int ent_driver_register(const struct ent_driver_ops *ops, struct ent_error *err);
const struct ent_driver_ops *ent_driver_lookup(const char *name);
int ent_driver_open(struct ent_driver *drv, const char *name, void *arg, struct ent_error *err);
void ent_driver_close(struct ent_driver *drv);

/* Runs the whole migration transaction; on any failure the abort phase runs and the VM stays
 * on its source. */
int ent_driver_migrate(struct ent_driver *drv, struct ent_migration *mig, struct ent_error *err);

extern const struct ent_driver_ops ent_driver_sim_ops;

#endif
