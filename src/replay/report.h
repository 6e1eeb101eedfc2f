/* The results of replays: a JSON document (a `policies` array, one object per policy with its
 * published figures), a CSV of every interval, an SVG chart of active hosts, power and SLA over
 * time. */
#ifndef ENT_REPLAY_REPORT_H
#define ENT_REPLAY_REPORT_H

#include "replay/replay.h"

#include <jansson.h>
#include <stdio.h>

struct ent_error;

struct ent_replay_report {
    const char *trace; /* the path replayed */
    const struct ent_replay_preset *preset;
    size_t hosts, vms, steps;
    double step_seconds;
    const struct ent_replay_result *results;
    size_t n_results;
};

json_t *ent_replay_report_json(const struct ent_replay_report *rep);
void ent_replay_report_csv(const struct ent_replay_report *rep, FILE *out);
void ent_replay_report_svg(const struct ent_replay_report *rep, FILE *out);
/* The format path's extension asks for: 1 JSON, 2 CSV, 3 SVG, 0 none of them. */
int ent_replay_report_kind(const char *path);
/* Writes the report to path in the format its extension says (.json, .csv or .svg). */
int ent_replay_report_write(const struct ent_replay_report *rep, const char *path,
                            struct ent_error *err);

#endif
