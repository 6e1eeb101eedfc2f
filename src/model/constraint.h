/* Placement constraints, with BtrPlace's JSON ids. Each kind names the fields it takes; constraints
 * Entropy does not understand are kept whole (their JSON) so that they round-trip and are reported.
 */
#ifndef ENT_MODEL_CONSTRAINT_H
#define ENT_MODEL_CONSTRAINT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ent_error;
struct ent_model;

/* Fields a kind takes. */
enum {
    ENT_CF_VMS = 1,          /* "vm" or "vms" */
    ENT_CF_NODES = 2,        /* "node" or "nodes" */
    ENT_CF_RC = 4,           /* "rc": a resource name */
    ENT_CF_AMOUNT = 8,       /* "amount": an integer */
    ENT_CF_ONE_VM = 16,      /* written as a single "vm" */
    ENT_CF_ONE_NODE = 32,    /* written as a single "node" */
    ENT_CF_VM_PARTS = 64,    /* groups of VMs: "parts" (split) or "vParts" (splitAmong) */
    ENT_CF_NODE_PARTS = 128, /* groups of nodes: "parts" (among) or "pParts" (splitAmong) */
    ENT_CF_RATIO = 256,      /* "ratio": a number */
};

/* What each part of Entropy does with a kind (the kind table's last column). */
enum {
    ENT_CT_SOLVED = 1,          /* the solver takes it into account */
    ENT_CT_PACK_RULE = 2,       /* the packing checks it per VM, for each candidate node */
    ENT_CT_TIMED_PLACEMENT = 4, /* continuous: the planner keeps it while VMs move */
    ENT_CT_PLAN_RULE = 8,       /* speaks of the plan itself: checked as actions start */
    ENT_CT_NODE_RULE = 16,      /* continuous: checked on nodes as the plan unfolds */
};

/* X(ENUM, "json id", required fields, traits) */
#define ENT_CONSTRAINT_KINDS(X)                                                                    \
    X(ONLINE, "online", ENT_CF_NODES | ENT_CF_ONE_NODE, ENT_CT_SOLVED | ENT_CT_NODE_RULE)          \
    X(OFFLINE, "offline", ENT_CF_NODES | ENT_CF_ONE_NODE, ENT_CT_SOLVED | ENT_CT_NODE_RULE)        \
    X(RUNNING, "running", ENT_CF_VMS | ENT_CF_ONE_VM, ENT_CT_SOLVED)                               \
    X(READY, "ready", ENT_CF_VMS | ENT_CF_ONE_VM, ENT_CT_SOLVED)                                   \
    X(SLEEPING, "sleeping", ENT_CF_VMS | ENT_CF_ONE_VM, ENT_CT_SOLVED)                             \
    X(KILLED, "killed", ENT_CF_VMS | ENT_CF_ONE_VM, ENT_CT_SOLVED)                                 \
    X(BAN, "ban", ENT_CF_VMS | ENT_CF_NODES | ENT_CF_ONE_VM,                                       \
      ENT_CT_SOLVED | ENT_CT_TIMED_PLACEMENT)                                                      \
    X(FENCE, "fence", ENT_CF_VMS | ENT_CF_NODES | ENT_CF_ONE_VM,                                   \
      ENT_CT_SOLVED | ENT_CT_TIMED_PLACEMENT)                                                      \
    X(PRESERVE, "preserve", ENT_CF_VMS | ENT_CF_RC | ENT_CF_AMOUNT | ENT_CF_ONE_VM, ENT_CT_SOLVED) \
    X(RESOURCE_CAPACITY, "resourceCapacity", ENT_CF_NODES | ENT_CF_RC | ENT_CF_AMOUNT,             \
      ENT_CT_SOLVED | ENT_CT_NODE_RULE)                                                            \
    X(RUNNING_CAPACITY, "runningCapacity", ENT_CF_NODES | ENT_CF_AMOUNT,                           \
      ENT_CT_SOLVED | ENT_CT_NODE_RULE)                                                            \
    X(MAX_ONLINE, "maxOnline", ENT_CF_NODES | ENT_CF_AMOUNT, ENT_CT_SOLVED | ENT_CT_NODE_RULE)     \
    X(SPREAD, "spread", ENT_CF_VMS, ENT_CT_SOLVED | ENT_CT_PACK_RULE | ENT_CT_TIMED_PLACEMENT)     \
    X(GATHER, "gather", ENT_CF_VMS, ENT_CT_SOLVED | ENT_CT_PACK_RULE | ENT_CT_TIMED_PLACEMENT)     \
    X(LONELY, "lonely", ENT_CF_VMS,                                                                \
      ENT_CT_SOLVED | ENT_CT_PACK_RULE | ENT_CT_TIMED_PLACEMENT | ENT_CT_NODE_RULE)                \
    X(ROOT, "root", ENT_CF_VMS | ENT_CF_ONE_VM,                                                    \
      ENT_CT_SOLVED | ENT_CT_PACK_RULE | ENT_CT_PLAN_RULE)                                         \
    X(SPLIT, "split", ENT_CF_VM_PARTS, ENT_CT_SOLVED | ENT_CT_PACK_RULE | ENT_CT_TIMED_PLACEMENT)  \
    X(AMONG, "among", ENT_CF_VMS | ENT_CF_NODE_PARTS,                                              \
      ENT_CT_SOLVED | ENT_CT_PACK_RULE | ENT_CT_TIMED_PLACEMENT)                                   \
    X(SPLIT_AMONG, "splitAmong", ENT_CF_VM_PARTS | ENT_CF_NODE_PARTS,                              \
      ENT_CT_SOLVED | ENT_CT_PACK_RULE | ENT_CT_TIMED_PLACEMENT)                                   \
    X(QUARANTINE, "quarantine", ENT_CF_NODES, ENT_CT_SOLVED)                                       \
    X(OVERBOOK, "overbook", ENT_CF_NODES | ENT_CF_ONE_NODE | ENT_CF_RC | ENT_CF_RATIO,             \
      ENT_CT_SOLVED)                                                                               \
    X(SEQ, "seq", ENT_CF_VMS, ENT_CT_SOLVED | ENT_CT_PLAN_RULE)                                    \
    X(NO_DELAY, "noDelay", ENT_CF_VMS | ENT_CF_ONE_VM, ENT_CT_SOLVED | ENT_CT_PLAN_RULE)           \
    X(STORAGE_DOMAINS, "storageDomains", 0, ENT_CT_SOLVED)

enum ent_constraint_kind {
#define ENT_CK_ENUM(e, name, fields, traits) ENT_CK_##e,
    ENT_CONSTRAINT_KINDS(ENT_CK_ENUM)
#undef ENT_CK_ENUM
        ENT_CK_UNKNOWN,
    ENT_CK_COUNT = ENT_CK_UNKNOWN
};

/* Groups of element indexes (parts of a split, node groups of an among). */
struct ent_part_member {
    int32_t item;
    uint32_t part;
};

struct ent_parts {
    int32_t **items;
    uint32_t *len;
    size_t n;
    struct ent_part_member *index; /* every (item, part), sorted: membership in O(log) */
    size_t n_index;
};

struct ent_constraint {
    enum ent_constraint_kind kind;
    char *name; /* the JSON id, also for unknown kinds */
    bool continuous;
    int32_t *vms; /* VM indexes */
    size_t n_vms;
    int32_t *nodes; /* node indexes */
    size_t n_nodes;
    int res; /* resource index, -1 when none */
    int64_t amount;
    double ratio;                /* overbook */
    struct ent_parts vm_parts;   /* split, splitAmong */
    struct ent_parts node_parts; /* among, splitAmong */
    json_t *json;                /* the constraint as read; NULL when built in code */
};

struct ent_constraint_set {
    struct ent_constraint *items;
    size_t len, cap;
};

void ent_constraint_set_init(struct ent_constraint_set *set);
void ent_constraint_set_release(struct ent_constraint_set *set);
/* The index of the first constraint of kind in set, set->len when there is none. */
size_t ent_constraint_set_first(const struct ent_constraint_set *set,
                                enum ent_constraint_kind kind);
/* Appends c (taking ownership of its arrays, name and json). */
void ent_constraint_set_add(struct ent_constraint_set *set, struct ent_constraint *c);
/* Appends a constraint of kind on one VM (vm >= 0) and/or one node (node >= 0), built in code
 * (Entropy's own: root pins, offline evacuations). */
void ent_constraint_set_add_one(struct ent_constraint_set *set, enum ent_constraint_kind kind,
                                int32_t vm, int32_t node);

const char *ent_constraint_kind_name(enum ent_constraint_kind kind);
/* The ENT_CF_* fields kind takes (0 for an unknown kind). */
int ent_constraint_kind_fields(enum ent_constraint_kind kind);
/* Whether kind has every ENT_CT_* trait in traits (0 for an unknown kind). */
bool ent_constraint_kind_is(enum ent_constraint_kind kind, int traits);
enum ent_constraint_kind ent_constraint_kind_from_name(const char *name);

/* Reads one constraint object; ids are resolved against m (so the mapping and views come first).
 * where names the position for messages, e.g. "constraints[12]". */
int ent_constraint_from_json(struct ent_constraint *c, json_t *obj, const struct ent_model *m,
                             const char *where, struct ent_error *err);
/* The JSON of c: a new reference to the kept JSON, or one built from the fields. */
json_t *ent_constraint_to_json(const struct ent_constraint *c, const struct ent_model *m);
void ent_constraint_release(struct ent_constraint *c);

/* Whether x is among list[0 .. n). */
bool ent_index_in(const int32_t *list, size_t n, int32_t x);
/* The part of parts that holds x, or -1. */
ptrdiff_t ent_parts_find(const struct ent_parts *parts, int32_t x);
/* The next part after `after` (-1: from the first) that holds x, or -1. */
ptrdiff_t ent_parts_next(const struct ent_parts *parts, int32_t x, ptrdiff_t after);
/* Whether part g of parts holds x. */
bool ent_parts_has(const struct ent_parts *parts, size_t g, int32_t x);
/* Builds the membership index of parts (after its items are read). */
void ent_parts_index(struct ent_parts *parts);
/* The constraints of set that select keeps, indexed by VM (CSR): those about VM v, in vms or in
 * vm_parts, are (*items)[(*start)[v] .. (*start)[v + 1]), in the set's order. */
void ent_constraints_by_vm(const struct ent_constraint_set *set, size_t n_vms,
                           bool (*select)(const struct ent_constraint *c), uint32_t **start,
                           uint32_t **items);

#endif
