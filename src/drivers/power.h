/* Power drivers: switching nodes on and off, behind one ops table, chosen per node by the URI the
 * configuration gives it (power.nodes = NODE=URI[,URI] ...):
 *   ipmi://USER@HOST[:PORT]      IPMI 2.0 over LAN through ipmitool (on, off, status)
 *   wol://MAC[@BROADCAST[:PORT]] a Wake-on-LAN magic packet (on only)
 *   command:///PATH              an administrator's program: PATH on|off|status NODE
 *   sim:                         a node of the simulated cluster (drivers/sim.c)
 * A node may have a second URI for what the first cannot do (wol to boot, command to power
 * off). NODE "*" serves every node not named (*=command:///PATH, *=sim:). Migration drivers
 * (driver.h) move VMs; these only switch nodes. */
#ifndef ENT_DRIVERS_POWER_H
#define ENT_DRIVERS_POWER_H

#include "util/error.h"
#include "util/names.h"

#include <stdbool.h>
#include <stddef.h>

struct ent_config;
struct ent_sim_cluster;

enum ent_power_state { ENT_POWER_UNKNOWN, ENT_POWER_ON, ENT_POWER_OFF };
enum ent_power_action { ENT_POWER_DO_ON, ENT_POWER_DO_OFF, ENT_POWER_DO_STATUS };

/* What the drivers share, from the configuration's power.* keys. */
struct ent_power_settings {
    const char *ipmi_password_file; /* power.ipmi.password_file */
    int ipmi_cipher_suite;          /* power.ipmi.cipher_suite */
    bool ipmi_soft_off;             /* power.ipmi.off = soft */
    const char *ipmitool;           /* the program, "ipmitool" unless a test says otherwise */
    double timeout;                 /* power.timeout: seconds a driver call may take */
    struct ent_sim_cluster *sim;    /* the simulated cluster (monitor.source = sim), for sim: */
};

struct ent_power_ops {
    const char *name;        /* "ipmi" */
    const char *scheme;      /* the URI's start: "ipmi://" */
    const char *form;        /* for messages: "ipmi://USER@HOST[:PORT]" */
    const char *const *keys; /* its own rows of the configuration table (power.NAME.*), or NULL */
    /* Checks uri (the part after the scheme) and keeps what calls need in *target. */
    int (*parse)(const char *rest, void **target, struct ent_error *err);
    void (*release)(void *target);
    /* One action on node; NULL where the driver cannot (wol: off, status). status sets *state. */
    int (*act[3])(void *target, const char *node, const struct ent_power_settings *s,
                  enum ent_power_state *state, struct ent_error *err);
};

extern const struct ent_power_ops ent_power_ipmi_ops;
extern const struct ent_power_ops ent_power_wol_ops;
extern const struct ent_power_ops ent_power_command_ops;
extern const struct ent_power_ops ent_power_sim_ops;

/* Registration (daemon/plugins.c registers the built-in ones); a name twice is refused. */
ENT_MUST_USE int ent_power_register(const struct ent_power_ops *ops, struct ent_error *err);
/* The registered power drivers in order, NULL past the last. */
const struct ent_power_ops *ent_power_at(size_t i);
/* Their names, for messages and help. */
const char *ent_power_name_at(size_t i);

#define ENT_POWER_WAYS 2 /* URIs a node may have */

struct ent_power_way {
    const struct ent_power_ops *ops;
    void *target;
};

struct ent_power_node {
    char name[ENT_NAME_MAX + 1];
    struct ent_power_way ways[ENT_POWER_WAYS];
    size_t n_ways;
};

/* Every node the configuration gives a power driver. */
struct ent_power_set {
    struct ent_power_node *nodes;
    size_t len;
    struct ent_power_settings settings;
};

void ent_power_set_init(struct ent_power_set *set);
void ent_power_set_release(struct ent_power_set *set);
/* Adds the nodes of spec ("NODE=URI[,URI] ..."); an error names the entry and what is wrong, and
 * leaves set as it was. */
ENT_MUST_USE int ent_power_set_parse(struct ent_power_set *set, const char *spec,
                                     struct ent_error *err);
/* From the configuration: power.nodes and the settings. */
ENT_MUST_USE int ent_power_set_configure(struct ent_power_set *set, const struct ent_config *c,
                                         struct ent_error *err);
const struct ent_power_node *ent_power_set_find(const struct ent_power_set *set, const char *node);
/* Runs action on node through the first of its ways that can; status sets *state. ENT_ENOTFOUND
 * when the node has no power driver, ENT_EUNSUPPORTED when none of its ways can. */
ENT_MUST_USE int ent_power_act(const struct ent_power_set *set, const char *node,
                               enum ent_power_action action, enum ent_power_state *state,
                               struct ent_error *err);

/* Whether one of node's ways can do action. */
bool ent_power_can(const struct ent_power_set *set, const char *node, enum ent_power_action action);

const char *ent_power_state_name(enum ent_power_state s);

#endif
