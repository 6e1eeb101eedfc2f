/* The disruption policy: how much a round may move. Caps on the migrations of a round, in all
 * and per node (the plan cut to what respects them, its dependencies kept); a per-VM cooldown (a
 * VM moved is pinned where it runs for so many rounds, unless that leaves no placement); windows
 * outside which only repairs run (constraint violations, overloads, evacuations: the repair
 * objective); and a minimum gain (nodes freed) below which a consolidation moves nothing, so a
 * load that oscillates around a threshold does not move VMs back and forth. */
#ifndef ENT_DAEMON_DISRUPTION_H
#define ENT_DAEMON_DISRUPTION_H

#include "util/error.h"
#include "util/hashmap.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct ent_model;
struct ent_plan;

#define ENT_WINDOWS_MAX 8

struct ent_window {
    unsigned char days; /* bit d: weekday d (0 Sunday .. 6 Saturday) where the window starts */
    int from, to;       /* minutes after midnight; to < from: it ends the next day */
};

struct ent_disruption {
    long max_migrations, max_per_node; /* 0: no cap */
    long cooldown_rounds;              /* 0: none */
    long min_gain_nodes;               /* 0: any gain */
    double min_gain_watts;             /* 0: any gain */
    struct ent_window windows[ENT_WINDOWS_MAX];
    size_t n_windows; /* 0: always */
    /* When each VM was last moved (a round number), by name, while a cooldown is set. */
    char **moved_vms;
    long *moved_round;
    size_t n_moved;
    struct ent_namemap moved_index; /* VM name -> its entry */
};

/* "Mon-Fri 22:00-06:00, Sat 00:00-24:00" (days: Mon Tue Wed Thu Fri Sat Sun, a range or one;
 * none: every day); "" for always. An error names what is wrong. */
ENT_MUST_USE int ent_disruption_windows(struct ent_disruption *d, const char *text,
                                        struct ent_error *err);
/* Whether local time t lies in a window (always, when there is none). */
bool ent_disruption_in_window(const struct ent_disruption *d, time_t t);
void ent_disruption_release(struct ent_disruption *d);
/* The cooldowns old keeps go on in fresh (a reload), old gets fresh's. */
void ent_disruption_carry(struct ent_disruption *fresh, struct ent_disruption *old);

/* Pins the VMs moved within the cooldown (a root constraint each), but those on a node marked
 * in exempt (maintenance; may be NULL). Returns how many. */
size_t ent_disruption_pin(const struct ent_disruption *d, struct ent_model *m, long round,
                          const unsigned char *exempt);
/* Cuts plan to the caps: actions taken in start order, each kept while the caps allow and every
 * action it waits for (exec/deps.h) is kept. Returns how many were cut. */
size_t ent_disruption_cap(const struct ent_disruption *d, struct ent_plan *plan, size_t n_nodes);
/* Records the VMs a round moved (their names), for the cooldown (nothing without one). */
void ent_disruption_moved(struct ent_disruption *d, const char *vm, long round);

#endif
