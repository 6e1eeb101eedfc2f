/* Inside the checker: its two passes (replay.c, final_state.c) and the replay's state shared by
 * the replay and the rules checked as it goes (rules.c). */
#ifndef ENT_CHECK_INTERNAL_H
#define ENT_CHECK_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

struct ent_check_report;
struct ent_mapping;
struct ent_model;
struct ent_plan;

enum { NODE_IDLE, NODE_BOOTING, NODE_HALTING };

struct replay {
    const struct ent_model *m;
    const struct ent_plan *plan;
    int64_t *const *final_demand;
    int64_t *const *cap; /* [r][node], overbooking applied */
    struct ent_mapping *map;
    struct ent_check_report *rep;
    int64_t **usage;    /* [r][node] */
    int64_t **held;     /* [r][vm]: what the VM holds on its host */
    int64_t *vm_busy;   /* action index + 1 in progress on the VM, 0 when none */
    uint8_t *node_busy; /* NODE_* */
    int32_t *incoming;  /* in-flight actions that will place a VM on the node */
    uint8_t *legal;     /* per action: its start was legal, so its end applies */
    int32_t *dest;      /* per VM: the node it is arriving on, -1 when none */
    /* rules.c */
    uint32_t *cons_start; /* CSR: constraints checked during the plan, per VM */
    uint32_t *cons;
    uint8_t *quarantined; /* per node */
    uint32_t *node_cons;  /* continuous constraints about nodes (capacity, state, lonely) */
    size_t n_node_cons;
    int storage_domains;             /* migrations stay within storage domains */
    int64_t *first_start, *last_end; /* per VM, for seq */
};

/* Builds the per-VM constraint lists; called once the replay state is set up. */
void ent__check_rules_init(struct replay *rp);
/* Checks action i as it starts, against the state before it (arrivals not yet counted). */
void ent__check_rules_on_start(struct replay *rp, uint32_t i);
/* Checks what concerns the plan as a whole (seq). */
void ent__check_rules_after(struct replay *rp);
void ent__check_rules_release(struct replay *rp);

/* The two passes of ent_check_plan: final holds the configuration after the plan; final_demand from
 * demand.h. */
void ent__check_replay(const struct ent_model *m, const struct ent_plan *plan,
                       int64_t *const *final_demand, int64_t *const *cap, struct ent_mapping *final,
                       struct ent_check_report *rep);
void ent__check_final_state(const struct ent_model *m, const struct ent_mapping *final,
                            int64_t *const *final_demand, int64_t *const *cap,
                            struct ent_check_report *rep);

#endif
