/* The cost of a live migration by pre-copy (Clark et al., NSDI 2005; Xen's stop rules). Memory V
 * is sent at rate R while the guest dirties D per second (lambda = D/R): rounds send V, V lambda,
 * V lambda^2, ... until 29 rounds, a round under 50 pages, or 3V sent in all; the pages left are
 * sent with the guest stopped. */
#ifndef ENT_PLAN_COSTMODEL_H
#define ENT_PLAN_COSTMODEL_H

#include <stdint.h>

struct ent_costmodel {
    double bandwidth;  /* MB/s of a node's link (default 125: 1 Gbit/s) */
    double dirty_rate; /* MB/s a VM dirties when it says nothing (VM attribute "dirtyRate") */
    double resume;     /* seconds to resume on the destination after the last copy */
    int max_rounds;    /* 29 */
    double min_round;  /* MB: a round under this (50 pages of 4 KiB) ends the pre-copy */
    double max_factor; /* 3: stop once this times V has been sent */
};

struct ent_precopy {
    double seconds;  /* total time */
    double downtime; /* seconds the guest is stopped */
    double sent;     /* MB transferred */
    int rounds;      /* pre-copy rounds before the stop-and-copy */
};

void ent_costmodel_default(struct ent_costmodel *cm);
/* The migration of V MB at rate R MB/s for a guest dirtying D MB/s. */
void ent_precopy(const struct ent_costmodel *cm, double memory, double rate, double dirty,
                 struct ent_precopy *out);

/* Blends what executed migrations measured into the model (a moving average): rate is the memory
 * moved per second of migration, dirty the guests' measured dirtying (0: unknown, kept). */
void ent_costmodel_learn(struct ent_costmodel *cm, double rate, double dirty);

#endif
