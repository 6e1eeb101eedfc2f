/* Autostart (loop.autostart, vm.definitions), and the restarts of failover (failover.h): a
 * defined VM marked autostart, or marked to restart, that runs nowhere is booted by the loop,
 * placed by the decision like any other VM (a running constraint: capacity, placement constraints,
 * energy). Never twice: a VM the loop booted is not required again until monitoring has shown it
 * running (it is then forgotten); one that does not fit waits, the higher restart priorities first.
 * A VM failover holds (its node lost, not fenced) is never booted. */
#ifndef ENT_DAEMON_AUTOSTART_H
#define ENT_DAEMON_AUTOSTART_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct ent_exec_result;
struct ent_model;
struct ent_plan;

struct ent_booted {
    char *vm, *node;
    long round;
};

struct ent_autostart {
    bool enabled;              /* loop.autostart */
    struct ent_booted *booted; /* booted by the loop, not yet seen running */
    size_t len, cap;
};

void ent_autostart_release(struct ent_autostart *a);
/* On a reload: fresh takes over what old booted. */
void ent_autostart_carry(struct ent_autostart *fresh, struct ent_autostart *old);

/* After a snapshot: forgets the booted VMs it shows running. Returns how many ready autostart
 * VMs that may start anywhere are not waiting to be seen (the candidates). */
size_t ent_autostart_candidates(struct ent_autostart *a, const struct ent_model *m);
/* Requires the limit candidates of highest priority to run (running constraints added to m);
 * returns how many. The names of the others go to left (an array, may be NULL). */
size_t ent_autostart_require(const struct ent_autostart *a, struct ent_model *m, size_t limit,
                             json_t *left);
/* After execution: the VMs the plan booted, to be seen before they are required again. */
void ent_autostart_learn(struct ent_autostart *a, const struct ent_model *m,
                         const struct ent_plan *plan, const struct ent_exec_result *res,
                         long round);
/* What it waits for: [{"vm", "node", "round"}], NULL when nothing. */
json_t *ent_autostart_waiting_json(const struct ent_autostart *a);

#endif
