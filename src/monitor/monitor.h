/* Monitoring adapters (the original Entropy's ConfigurationAdapter): each builds a snapshot of the
 * cluster as a model, behind one ops table. */
#ifndef ENT_MONITOR_MONITOR_H
#define ENT_MONITOR_MONITOR_H

struct ent_error;
struct ent_model;
struct ent_monitor;

struct ent_monitor_ops {
    const char *name;
    /* arg is adapter-specific (the sim adapter takes its struct ent_sim_cluster *). */
    int (*open)(struct ent_monitor *mon, void *arg, struct ent_error *err);
    /* Fills out (initialised, empty) with the cluster as the source sees it now. */
    int (*snapshot)(struct ent_monitor *mon, struct ent_model *out, struct ent_error *err);
    void (*close)(struct ent_monitor *mon);
};

struct ent_monitor {
    const struct ent_monitor_ops *ops;
    void *state;
};

/* Registration (daemon/plugins.c registers the built-in adapters); a name twice is refused. */
int ent_monitor_register(const struct ent_monitor_ops *ops, struct ent_error *err);
const struct ent_monitor_ops *ent_monitor_lookup(const char *name);

int ent_monitor_open(struct ent_monitor *mon, const char *name, void *arg, struct ent_error *err);
int ent_monitor_snapshot(struct ent_monitor *mon, struct ent_model *out, struct ent_error *err);
void ent_monitor_close(struct ent_monitor *mon);

extern const struct ent_monitor_ops ent_monitor_sim_ops;
extern const struct ent_monitor_ops ent_monitor_ganglia_ops;
extern const struct ent_monitor_ops ent_monitor_xend_ops;
extern const struct ent_monitor_ops ent_monitor_libvirt_ops;

#endif
