/* Prometheus metrics from the status document: one row per metric, its type, help and where in
 * the document its value is ("a.b": key b of object a). A value the document does not hold yet
 * (before the first round) is left out. */
#include "api/metrics.h"

#include "util/alloc.h"
#include "util/str.h"

#include <string.h>

struct metric {
    const char *name, *type, *help, *path, *labels;
};

static const struct metric metrics[] = {
    {"entropy_round", "gauge", "The number of the daemon's current round.", "round", NULL},
    {"entropy_paused", "gauge", "1 while the control loop is paused through the API.", "paused",
     NULL},
    {"entropy_nodes", "gauge", "Nodes the last monitoring saw.", "cluster.nodes_total", NULL},
    {"entropy_active_nodes", "gauge", "Nodes hosting running VMs, as last seen.",
     "cluster.active_nodes", NULL},
    {"entropy_vms", "gauge", "Running VMs, as last seen.", "cluster.vms", NULL},
    {"entropy_target_nodes", "gauge", "Active nodes the last round's target needs.",
     "last_round.target_nodes", NULL},
    {"entropy_lower_bound_nodes", "gauge", "The lower bound on active nodes, last round.",
     "last_round.lower_bound", NULL},
    {"entropy_last_round_actions", "gauge", "Actions of the last round by outcome.",
     "last_round.done", "outcome=\"done\""},
    {"entropy_last_round_actions", "gauge", NULL, "last_round.failed", "outcome=\"failed\""},
    {"entropy_last_round_actions", "gauge", NULL, "last_round.dropped", "outcome=\"dropped\""},
    {"entropy_last_round_actions", "gauge", NULL, "last_round.not_started",
     "outcome=\"not_started\""},
    {"entropy_last_round_execution_seconds", "gauge", "Wall-clock time the last plan ran.",
     "last_round.executed_seconds", NULL},
    {"entropy_predicted_watts", "gauge", "Predicted power of the online nodes after the round.",
     "power.watts", NULL},
    {"entropy_rounds_total", "counter", "Rounds run since the daemon started.", "totals.rounds",
     NULL},
    {"entropy_actions_total", "counter", "Actions since the daemon started, by outcome.",
     "totals.done", "outcome=\"done\""},
    {"entropy_actions_total", "counter", NULL, "totals.failed", "outcome=\"failed\""},
    {"entropy_actions_total", "counter", NULL, "totals.dropped", "outcome=\"dropped\""},
    {"entropy_actions_total", "counter", NULL, "totals.not_started", "outcome=\"not_started\""},
    {"entropy_skipped_rounds_total", "counter", "Rounds that did nothing (why: in the log).",
     "totals.skipped", NULL},
    {"entropy_monitoring_failures_total", "counter",
     "Rounds that monitoring failed (no whole snapshot, or one that lags the loop's moves).",
     "totals.monitoring_failures", NULL},
    {"entropy_last_round_gap_nodes", "gauge",
     "Active nodes of the last round's target above the lower bound.", "last_round.gap", NULL},
    {"entropy_last_round_phase_seconds", "gauge", "Time of the last round's phases.",
     "last_round.monitor_seconds", "phase=\"monitor\""},
    {"entropy_last_round_phase_seconds", "gauge", NULL, "last_round.decision_seconds",
     "phase=\"decide\""},
    {"entropy_last_round_phase_seconds", "gauge", NULL, "last_round.plan_seconds",
     "phase=\"plan\""},
    {"entropy_last_round_phase_seconds", "gauge", NULL, "last_round.executed_seconds",
     "phase=\"execute\""},
    {"entropy_ha_leader", "gauge", "1 while this daemon leads (HA on etcd), 0 while it stands by.",
     "ha.leading", NULL},
    {"entropy_ha_terms_total", "counter", "Times this daemon became the HA leader.", "ha.terms",
     NULL},
};

/* The value at path ("a.b") in doc, or NULL. */
static const json_t *at(const json_t *doc, const char *path)
{
    char key[64];
    const char *dot = strchr(path, '.');
    if (!dot)
        return json_object_get(doc, path);
    size_t n = (size_t)(dot - path);
    if (n >= sizeof key)
        return NULL;
    memcpy(key, path, n);
    key[n] = '\0';
    return json_object_get(json_object_get(doc, key), dot + 1);
}

/* The help of row i's family: its first row's. */
static const char *help_of(size_t i)
{
    while (!metrics[i].help && i > 0)
        i--;
    return metrics[i].help;
}

/* The action durations (daemon/action_times.h): one histogram per action kind. */
static void histograms(struct ent_str *out, const json_t *status)
{
    const json_t *all = json_object_get(status, "action_seconds");
    const json_t *bounds = json_object_get(all, "buckets");
    json_t *kinds = json_object_get(all, "kinds");
    if (!json_is_array(bounds) || !json_object_size(kinds))
        return;
    const char *name = "entropy_action_duration_seconds";
    ent_str_addf(out, "# HELP %s How long actions took that ended (done or failed), by kind.\n",
                 name);
    ent_str_addf(out, "# TYPE %s histogram\n", name);
    const char *kind;
    json_t *h;
    json_object_foreach(kinds, kind, h)
    {
        const json_t *counts = json_object_get(h, "counts");
        for (size_t i = 0; i < json_array_size(counts); i++) {
            long long n = (long long)json_integer_value(json_array_get(counts, i));
            if (i < json_array_size(bounds))
                ent_str_addf(out, "%s_bucket{kind=\"%s\",le=\"%g\"} %lld\n", name, kind,
                             json_number_value(json_array_get(bounds, i)), n);
            else
                ent_str_addf(out, "%s_bucket{kind=\"%s\",le=\"+Inf\"} %lld\n", name, kind, n);
        }
        ent_str_addf(out, "%s_sum{kind=\"%s\"} %.17g\n", name, kind,
                     json_number_value(json_object_get(h, "sum")));
        ent_str_addf(out, "%s_count{kind=\"%s\"} %lld\n", name, kind,
                     (long long)json_integer_value(json_object_get(h, "count")));
    }
}

char *ent_api_metrics(const json_t *status)
{
    struct ent_str out = {0};
    ent_str_addf(&out, "%s", "");
    const char *last = "";
    for (size_t i = 0; i < sizeof metrics / sizeof *metrics; i++) {
        const struct metric *m = &metrics[i];
        const json_t *v = at(status, m->path);
        double value;
        if (json_is_number(v))
            value = json_number_value(v);
        else if (json_is_boolean(v))
            value = json_is_true(v);
        else
            continue;
        if (strcmp(m->name, last) != 0) /* a family's header, once */
            ent_str_addf(&out, "# HELP %s %s\n# TYPE %s %s\n", m->name, help_of(i), m->name,
                         m->type);
        last = m->name;
        if (m->labels)
            ent_str_addf(&out, "%s{%s} %.17g\n", m->name, m->labels, value);
        else
            ent_str_addf(&out, "%s %.17g\n", m->name, value);
    }
    histograms(&out, status);
    return ent_str_take(&out);
}
