/* The replay report in JSON and CSV, and which format a path asks for. */
#include "replay/report.h"

#include "util/error.h"

#include <errno.h>
#include <string.h>

static double mean_active(const struct ent_replay_result *res)
{
    double sum = 0;
    for (size_t s = 0; s < res->n_steps; s++)
        sum += (double)res->steps[s].active_hosts;
    return res->n_steps ? sum / (double)res->n_steps : 0;
}

json_t *ent_replay_report_json(const struct ent_replay_report *rep)
{
    json_t *policies = json_array();
    for (size_t i = 0; i < rep->n_results; i++) {
        const struct ent_replay_result *r = &rep->results[i];
        const struct ent_replay_figures *f = &r->figures;
        json_array_append_new(
            policies,
            json_pack("{s:s,s:f,s:f,s:f,s:f,s:f,s:I,s:I,s:f,s:f,s:I,s:I}", "policy", r->policy,
                      "energy_kwh", f->energy_kwh, "slatah", f->slatah, "pdm", f->pdm, "slav",
                      f->slav, "esv", f->esv, "migrations", (json_int_t)r->totals.migrations,
                      "shutdowns", (json_int_t)r->totals.shutdowns, "mean_active_hosts",
                      mean_active(r), "wall_seconds", r->wall_seconds, "unplanned_steps",
                      (json_int_t)r->unplanned, "failed_actions", (json_int_t)r->failed_actions));
    }
    return json_pack("{s:s,s:s,s:I,s:I,s:I,s:f,s:o}", "trace", rep->trace, "preset",
                     rep->preset->name, "hosts", (json_int_t)rep->hosts, "vms",
                     (json_int_t)rep->vms, "steps", (json_int_t)rep->steps, "step_seconds",
                     rep->step_seconds, "policies", policies);
}

void ent_replay_report_csv(const struct ent_replay_report *rep, FILE *out)
{
    fprintf(out, "policy,time,active_hosts,watts,overloaded,migrations\n");
    for (size_t i = 0; i < rep->n_results; i++) {
        const struct ent_replay_result *r = &rep->results[i];
        for (size_t s = 0; s < r->n_steps; s++) {
            const struct ent_replay_step *st = &r->steps[s];
            fprintf(out, "%s,%.0f,%zu,%.1f,%.6f,%zu\n", r->policy, st->time, st->active_hosts,
                    st->watts, st->overloaded, st->migrations);
        }
    }
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

int ent_replay_report_kind(const char *path)
{
    return ends_with(path, ".json")  ? 1
           : ends_with(path, ".csv") ? 2
           : ends_with(path, ".svg") ? 3
                                     : 0;
}

int ent_replay_report_write(const struct ent_replay_report *rep, const char *path,
                            struct ent_error *err)
{
    int kind = ent_replay_report_kind(path);
    if (!kind)
        return ent_error(err, ENT_EUSAGE, "%s: the name must end in .json, .csv or .svg", path);
    FILE *f = fopen(path, "we");
    if (!f)
        return ent_error(err, ENT_EIO, "%s: %s", path, strerror(errno));
    if (kind == 1) {
        json_t *doc = ent_replay_report_json(rep);
        json_dumpf(doc, f, JSON_INDENT(2));
        fputc('\n', f);
        json_decref(doc);
    } else if (kind == 2) {
        ent_replay_report_csv(rep, f);
    } else {
        ent_replay_report_svg(rep, f);
    }
    if (fclose(f) != 0)
        return ent_error(err, ENT_EIO, "%s: %s", path, strerror(errno));
    return 0;
}
