/* The independent plan validator behind `entropy check`. It shares no logic with the solver or
 * the planner: it replays the plan's actions in time order against the instance. */
#ifndef ENT_CHECK_CHECK_H
#define ENT_CHECK_CHECK_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct ent_model;
struct ent_plan;
struct ent_mapping;

/* Violation kinds, so that tests and scripts can tell them apart. */
#define ENT_VIOLATION_KINDS(X)                                                                     \
    X(TIMING, "timing")                 /* negative start, end before start */                     \
    X(ILLEGAL, "illegal-action")        /* the action does not fit the state it meets */           \
    X(OVERLAP, "overlap")               /* two actions on one VM or node at once */                \
    X(CAPACITY, "capacity")             /* a node over capacity at some instant */                 \
    X(FINAL_CAPACITY, "final-capacity") /* a node over capacity once the plan has run */           \
    X(CONSTRAINT, "constraint")         /* a constraint does not hold in the final state */        \
    X(ORIGIN, "origin")                 /* the plan starts from another configuration */

enum ent_violation_kind {
#define ENT_VK_ENUM(e, name) ENT_VIOLATION_##e,
    ENT_VIOLATION_KINDS(ENT_VK_ENUM)
#undef ENT_VK_ENUM
        ENT_VIOLATION_KIND_COUNT
};

struct ent_check_report {
    bool valid;
    size_t n_violations;
    size_t by_kind[ENT_VIOLATION_KIND_COUNT];
    json_t *violations; /* the first ENT_CHECK_MAX_LISTED, as objects */
    json_t *unchecked;  /* {"constraint id": count} for those Entropy cannot check */
    int64_t online_nodes_used, migrations, moved_memory, makespan, mttr, actions;
    double watts_before, watts; /* predicted power at the start and at the end (model/power.h) */
    int64_t initial_overloads;  /* nodes over capacity before the plan starts (not violations) */
    size_t n_constraints;
    uint32_t *final_bad;   /* per constraint: violations in the final state */
    uint32_t *during_bad;  /* per constraint: violations while the plan unfolds */
    json_t *by_constraint; /* {"kind": {present, continuous, violated_final, violated_during}} */
};

#define ENT_CHECK_MAX_LISTED 100

void ent_check_report_init(struct ent_check_report *rep);
void ent_check_report_release(struct ent_check_report *rep);
/* Records a violation; action is the action's index or -1, time -1 when not tied to an instant. */
void ent_check_violation(struct ent_check_report *rep, enum ent_violation_kind kind, int64_t time,
                         long action, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* A violation of constraint idx, in the final state (during = 0) or during the plan. */
void ent_check_constraint_violation(struct ent_check_report *rep, size_t idx, int during,
                                    int64_t time, long action, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
json_t *ent_check_report_json(const struct ent_check_report *rep);
const char *ent_violation_kind_name(enum ent_violation_kind kind);

/* Checks plan against m and fills rep. */
void ent_check_plan(const struct ent_model *m, const struct ent_plan *plan,
                    struct ent_check_report *rep);

#endif
