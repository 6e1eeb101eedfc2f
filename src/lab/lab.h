/* The local lab: real QEMU micro-VMs on this machine, spread over logical nodes that each have a
 * configured capacity. Its state is a directory: lab.json (the nodes), vms/NAME.json (where each
 * VM runs: node, QEMU pid and QMP socket), run/ (sockets, pid files and logs of the QEMU
 * instances). A migration starts a new instance on the destination and rewrites only its VM's
 * file, so migrations of different VMs can run at once. */
#ifndef ENT_LAB_LAB_H
#define ENT_LAB_LAB_H

#include "util/error.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ent_config;
struct ent_error;

#define ENT_LAB_NAME_MAX 32
#define ENT_LAB_PATH_MAX 200

struct ent_lab_node {
    char name[ENT_LAB_NAME_MAX];
    int64_t memory_mb;
    int cpus;
};

struct ent_lab {
    char dir[ENT_LAB_PATH_MAX];
    struct ent_lab_node *nodes;
    size_t n_nodes;
    char accel[16]; /* QEMU -machine accel=: "kvm:tcg", "tcg" or "kvm" */
};

/* One QEMU process of a VM. */
struct ent_lab_instance {
    pid_t pid;
    unsigned generation; /* 1 at boot, one more per migration */
    char qmp[ENT_LAB_PATH_MAX];
    char node[ENT_LAB_NAME_MAX]; /* where it was started (run/NAME.gN.node) */
};

struct ent_lab_vm {
    char name[ENT_LAB_NAME_MAX];
    char node[ENT_LAB_NAME_MAX];
    int64_t memory_mb;
    int vcpus;
    struct ent_lab_instance qemu;
};

struct ent_lab_options {
    size_t nodes, vms;
    int64_t vm_memory_mb;   /* 64 */
    int64_t node_memory_mb; /* 0: room for four VMs */
    int node_cpus;          /* 4 */
    const char *accel;      /* "kvm:tcg" */
};

/* The default lab directory: $ENTROPY_LAB_DIR, else $XDG_RUNTIME_DIR/entropy-lab, else
 * /tmp/entropy-lab-UID (the effective user's). */
const char *ent_lab_default_dir(void);
/* monitor.lab.dir of c, or the default directory when it is empty (the source and the driver
 * alike). */
const char *ent_lab_configured_dir(const struct ent_config *c);
/* Whether dir and its vms/ and run/ are private directories (util/private_dir.h), made so with
 * create: every lab operation checks before it reads, writes or deletes anything there. */
ENT_MUST_USE int ent_lab_dirs(const char *dir, bool create, struct ent_error *err);
void ent_lab_options_default(struct ent_lab_options *o);

/* Creates the lab in dir and boots its VMs, round-robin over the nodes. Refuses a directory that
 * already holds a lab. On failure, whatever was started is stopped again. */
ENT_MUST_USE int ent_lab_up(const char *dir, const struct ent_lab_options *o,
                            struct ent_error *err);
/* Stops every QEMU instance the lab started and removes its directory. */
ENT_MUST_USE int ent_lab_down(const char *dir, struct ent_error *err);

ENT_MUST_USE int ent_lab_open(struct ent_lab *lab, const char *dir, struct ent_error *err);
/* The readers behind ent_lab_open and ent_lab_vm_read, on a parsed document; path names it in
 * messages. */
ENT_MUST_USE int ent_lab_parse(struct ent_lab *lab, json_t *doc, const char *path,
                               struct ent_error *err);
ENT_MUST_USE int ent_lab_vm_parse(json_t *doc, const char *path, struct ent_lab_vm *vm,
                                  struct ent_error *err);
void ent_lab_release(struct ent_lab *lab);
const struct ent_lab_node *ent_lab_node(const struct ent_lab *lab, const char *name);

/* The VM names, sorted (free with ent_lab_names_free). */
ENT_MUST_USE int ent_lab_vm_names(const struct ent_lab *lab, char ***names, size_t *n,
                                  struct ent_error *err);
void ent_lab_names_free(char **names, size_t n);
ENT_MUST_USE int ent_lab_vm_read(const struct ent_lab *lab, const char *name, struct ent_lab_vm *vm,
                                 struct ent_error *err);
/* Atomically (a new file renamed over the old one). */
ENT_MUST_USE int ent_lab_vm_write(const struct ent_lab *lab, const struct ent_lab_vm *vm,
                                  struct ent_error *err);

/* Starts generation gen of vm on node as a daemonized QEMU; incoming: waiting for a migration
 * ("-incoming defer"). Returns once its QMP socket answers. */
ENT_MUST_USE int ent_lab_qemu_start(const struct ent_lab *lab, const struct ent_lab_vm *vm,
                                    const char *node, unsigned gen, bool incoming,
                                    struct ent_lab_instance *out, struct ent_error *err);
/* The live QEMU instances under dir/run (every VM's, or vm's only), from their pid files. */
ENT_MUST_USE int ent_lab_instances(const char *dir, const char *vm, struct ent_lab_instance **out,
                                   size_t *n);
/* Ends an instance: QMP quit, then SIGKILL if it lingers. Only a process whose command line
 * names this instance's socket is signalled (never a recycled pid). */
void ent_lab_qemu_stop(const struct ent_lab_instance *inst);
/* lab_settle.c. The VM's lock (run/NAME.lock) held by this process: its descriptor, or
 * ENT_EEXISTS when another process holds it (a migration of the VM is under way there). */
ENT_MUST_USE int ent_lab_vm_lock(const struct ent_lab *lab, const char *vm, struct ent_error *err);
void ent_lab_vm_unlock(int fd);
/* The generation a new instance of vm takes: above every one whose files run/ holds. */
unsigned ent_lab_next_generation(const struct ent_lab *lab, const struct ent_lab_vm *vm);
/* Cancels the migration q's instance is sending and waits (2 s at most) until it has given up,
 * so that the instance keeps running. */
struct ent_qmp;
void ent_lab_cancel_migration(struct ent_qmp *q);
/* Resumes a paused instance (logged when it cannot). */
void ent_lab_resume(const struct ent_lab_instance *inst);
/* A VM split between processes made whole (call it with the VM's lock held): the instance that
 * runs wins, the VM file's own, else one a completed migration started (its node from
 * run/NAME.gN.node), recorded; every other instance is ended; with none running, the file's own
 * is resumed. *changed says whether anything was done. */
ENT_MUST_USE int ent_lab_settle(const struct ent_lab *lab, const char *vm, bool *changed,
                                struct ent_error *err);
/* Whether a lab node is on: always, unless run/NODE.power.pid exists (a BMC's startcmd writes it,
 * entropy power's tests use it): then while the process it names lives. */
bool ent_lab_node_powered(const struct ent_lab *lab, const char *node);
/* Whether the instance's process still lives. */
bool ent_lab_qemu_alive(const struct ent_lab_instance *inst);

struct ent_driver_ops;
struct ent_monitor_ops;
/* The lab as a plug-in: its monitoring source ("lab", lab_monitor.c) and its driver ("qmp",
 * lab_driver.c: QEMU processes migrated over QMP). */
extern const struct ent_monitor_ops ent_monitor_lab_ops;
extern const struct ent_driver_ops ent_driver_qmp_ops;

#endif
