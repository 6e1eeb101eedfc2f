/* Pre-copy live migration. */
#include "plan/costmodel.h"

void ent_costmodel_default(struct ent_costmodel *cm)
{
    *cm = (struct ent_costmodel){.bandwidth = 125,
                                 .dirty_rate = 5,
                                 .resume = 0.05,
                                 .max_rounds = 29,
                                 .min_round = 50 * 4096.0 / (1024 * 1024),
                                 .max_factor = 3};
}

void ent_precopy(const struct ent_costmodel *cm, double memory, double rate, double dirty,
                 struct ent_precopy *out)
{
    double lambda = rate > 0 ? dirty / rate : 0;
    double round = memory, sent = 0;
    int n = 0;
    /* Round n sends `round`; the guest dirties round * lambda meanwhile. */
    for (;;) {
        sent += round;
        n++;
        double next = round * lambda;
        if (n >= cm->max_rounds || next < cm->min_round || sent + next > cm->max_factor * memory) {
            round = next; /* left for the stop-and-copy */
            break;
        }
        round = next;
    }
    out->rounds = n;
    out->downtime = (rate > 0 ? round / rate : 0) + cm->resume;
    out->sent = sent + round;
    out->seconds = (rate > 0 ? sent / rate : 0) + out->downtime;
}

void ent_costmodel_learn(struct ent_costmodel *cm, double rate, double dirty)
{
    const double keep = 0.7; /* weight of what was known */
    if (rate >= 1 && rate <= 1e6)
        cm->bandwidth = keep * cm->bandwidth + (1 - keep) * rate;
    if (dirty > 0 && dirty <= 1e6)
        cm->dirty_rate = keep * cm->dirty_rate + (1 - keep) * dirty;
}
