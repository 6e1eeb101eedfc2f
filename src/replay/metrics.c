/* The metrics of consolidation papers: power tables, energy per interval, overload time, and the
 * figures SLATAH, PDM, SLAV and ESV from their totals. */
#include "replay/metrics.h"

double ent_table_watts(const double table[ENT_POWER_POINTS], double u)
{
    if (!(u > 0))
        return table[0];
    if (u >= 1)
        return table[ENT_POWER_POINTS - 1];
    double x = u * (ENT_POWER_POINTS - 1);
    int i = (int)x;
    return table[i] + (table[i + 1] - table[i]) * (x - i);
}

double ent_interval_energy(const double table[ENT_POWER_POINTS], double u0, double u1,
                           double seconds)
{
    return (ent_table_watts(table, u0) + ent_table_watts(table, u1)) / 2 * seconds;
}

double ent_overload_seconds(double d0, double d1, double capacity, double seconds)
{
    if (d0 <= capacity && d1 <= capacity)
        return 0;
    if (d0 > capacity && d1 > capacity)
        return seconds;
    /* Crosses capacity once: at the share (capacity - d0) / (d1 - d0) of the interval. */
    double cross = (capacity - d0) / (d1 - d0) * seconds;
    return d0 > capacity ? cross : seconds - cross;
}

void ent_replay_figures(const struct ent_replay_totals *t, struct ent_replay_figures *out)
{
    out->energy_kwh = t->energy_joules / 3.6e6;
    out->slatah = t->active_seconds > 0 ? t->overload_seconds / t->active_seconds : 0;
    out->pdm = t->requested > 0 ? t->degraded / t->requested : 0;
    out->slav = out->slatah * out->pdm;
    out->esv = out->energy_kwh * out->slav;
}
