/* Action durations as histograms in the status document, for the API's /metrics (Prometheus'
 * entropy_action_duration_seconds): the bucket bounds live in the document with the counts, so
 * that the renderer needs no table of its own. */
#include "daemon/action_times.h"

/* Seconds: a boot or a small migration, a large one, a node's power cycle. */
static const double buckets[] = {0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600};
#define N_BUCKETS (sizeof buckets / sizeof *buckets)

static json_t *histogram(void)
{
    json_t *counts = json_array();
    for (size_t i = 0; i <= N_BUCKETS; i++) /* the last: +Inf */
        json_array_append_new(counts, json_integer(0));
    return json_pack("{s:o, s:f, s:i}", "counts", counts, "sum", 0.0, "count", 0);
}

void ent_action_times_add(json_t *doc, const char *kind, double seconds)
{
    if (!kind || !(seconds >= 0))
        return;
    json_t *all = json_object_get(doc, "action_seconds");
    if (!all) {
        json_t *bounds = json_array();
        for (size_t i = 0; i < N_BUCKETS; i++)
            json_array_append_new(bounds, json_real(buckets[i]));
        all = json_pack("{s:o, s:{}}", "buckets", bounds, "kinds");
        json_object_set_new(doc, "action_seconds", all);
    }
    json_t *kinds = json_object_get(all, "kinds"), *h = json_object_get(kinds, kind);
    if (!h) {
        h = histogram();
        json_object_set_new(kinds, kind, h);
    }
    json_t *counts = json_object_get(h, "counts");
    for (size_t i = 0; i <= N_BUCKETS; i++)
        if (i == N_BUCKETS || seconds <= buckets[i])
            json_array_set_new(counts, i,
                               json_integer(json_integer_value(json_array_get(counts, i)) + 1));
    json_object_set_new(h, "sum",
                        json_real(json_number_value(json_object_get(h, "sum")) + seconds));
    json_object_set_new(h, "count",
                        json_integer(json_integer_value(json_object_get(h, "count")) + 1));
}
