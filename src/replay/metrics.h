/* The metrics of consolidation papers (Beloglazov & Buyya, CCPE 2012, as CloudSim computes them),
 * per interval between two samples:
 * - energy: a host's power at a utilisation is its power table (watts at 0, 10, .., 100 %)
 *   interpolated linearly; over an interval, the mean of its power at the utilisations at both
 *   ends (utilisation capped at 100 %), times the interval; a host with no VM is off and draws 0;
 * - SLATAH: the share of the hosts' active time during which they are at 100 % CPU (demand above
 *   capacity), demand going linearly from one sample to the next;
 * - PDM: the share of the CPU the VMs requested that migrations took away (10 % of a migrating
 *   VM's CPU while it migrates);
 * - SLAV = SLATAH x PDM, ESV = energy (kWh) x SLAV. */
#ifndef ENT_REPLAY_METRICS_H
#define ENT_REPLAY_METRICS_H

#include <stddef.h>

#define ENT_POWER_POINTS 11 /* watts at 0, 10, .., 100 % CPU */

/* The share of its CPU a migrating VM loses while it migrates (CloudSim's). */
#define ENT_MIGRATION_DEGRADATION 0.1

struct ent_replay_totals {
    double energy_joules;
    double active_seconds, overload_seconds; /* summed over hosts */
    double requested, degraded;              /* CPU (MIPS) x seconds, summed over VMs */
    size_t migrations, shutdowns;
};

struct ent_replay_figures {
    double energy_kwh, slatah, pdm, slav, esv;
};

/* Watts at utilisation u (0..1, capped) by linear interpolation of table. */
double ent_table_watts(const double table[ENT_POWER_POINTS], double u);
/* Joules over seconds for a host whose utilisation goes from u0 to u1. */
double ent_interval_energy(const double table[ENT_POWER_POINTS], double u0, double u1,
                           double seconds);
/* Seconds of an interval during which demand, linear from d0 to d1, is above capacity. */
double ent_overload_seconds(double d0, double d1, double capacity, double seconds);
/* The published figures from the totals (0 where a denominator is 0). */
void ent_replay_figures(const struct ent_replay_totals *t, struct ent_replay_figures *out);

#endif
