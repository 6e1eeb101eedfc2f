/* A reconfiguration plan: timed actions over the model's nodes and VMs (indexes, not ids). */
#ifndef ENT_MODEL_PLAN_H
#define ENT_MODEL_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* X(ENUM, BtrPlace action id) */
#define ENT_ACTION_KINDS(X)                                                                        \
    X(MIGRATE_VM, "migrateVM")                                                                     \
    X(BOOT_VM, "bootVM")                                                                           \
    X(SHUTDOWN_VM, "shutdownVM")                                                                   \
    X(SUSPEND_VM, "suspendVM")                                                                     \
    X(RESUME_VM, "resumeVM")                                                                       \
    X(KILL_VM, "killVM")                                                                           \
    X(BOOT_NODE, "bootNode")                                                                       \
    X(SHUTDOWN_NODE, "shutdownNode")                                                               \
    X(ALLOCATE, "allocate")

enum ent_action_kind {
#define ENT_AK_ENUM(e, name) ENT_ACTION_##e,
    ENT_ACTION_KINDS(ENT_AK_ENUM)
#undef ENT_AK_ENUM
        ENT_ACTION_KIND_COUNT
};

/* Migrations at once through one node's link, by default: what the planner plans for and the
 * executor allows (migration.node_concurrency). */
#define ENT_DEFAULT_NODE_CONCURRENCY 2

/* Fields unused by a kind are -1. migrate, suspend, resume: vm, from, to. bootVM: vm, to.
 * shutdownVM, killVM: vm, from (BtrPlace "on"). bootNode, shutdownNode: node.
 * allocate: vm, from ("on"), res, amount. Times are whole seconds from the plan's start. */
struct ent_action {
    enum ent_action_kind kind;
    int32_t vm, node, from, to;
    int res;
    int64_t amount;
    int64_t start, end;
    bool bypass; /* a migration through a pivot node, to break a cycle */
};

struct ent_plan {
    struct ent_action *actions;
    size_t len, cap;
};

void ent_plan_init(struct ent_plan *plan);
void ent_plan_release(struct ent_plan *plan);
struct ent_action *ent_plan_add(struct ent_plan *plan, enum ent_action_kind kind);
int64_t ent_plan_makespan(const struct ent_plan *plan);

const char *ent_action_kind_name(enum ent_action_kind kind);
/* -1 when unknown. */
int ent_action_kind_from_name(const char *name);

#endif
