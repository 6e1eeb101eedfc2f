/* Utilisation traces to replay: per VM, one CPU sample per step. Two formats: a folder with one
 * file per VM and one sample (percent of the VM's CPU) per line, as the PlanetLab traces CloudSim
 * ships; or a CSV file of `time,vm,cpu,mem` lines (seconds, a VM name, percent, MB; mem may be
 * empty; an optional header line). Every error names the file and the line. */
#ifndef ENT_REPLAY_TRACE_H
#define ENT_REPLAY_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ent_error;

#define ENT_TRACE_MAX_VMS     1000000
#define ENT_TRACE_MAX_STEPS   1000000
#define ENT_TRACE_MAX_SAMPLES 100000000L /* VMs times steps */

struct ent_trace {
    size_t n_vms, n_steps;
    double step_seconds; /* time between samples */
    char **names;        /* VM names (file names, or the CSV's vm column), ent_trace_name_ok */
    double *cpu;         /* [vm * n_steps + step]: share of the VM's CPU, 0..1 */
    int64_t *memory_mb;  /* per VM: the largest memory the trace gives, -1 when it gives none */
};

/* A trace's VM names are shown, never used as a path or an argument: 1 to ENT_TRACE_NAME_MAX
 * printable ASCII characters (PlanetLab's file names have spaces). */
#define ENT_TRACE_NAME_MAX 255
bool ent_trace_name_ok(const char *name);

void ent_trace_init(struct ent_trace *t);
void ent_trace_release(struct ent_trace *t);
/* A folder (one file per VM, files taken in name order, samples every step_seconds) or a CSV
 * file. */
int ent_trace_read(struct ent_trace *t, const char *path, double step_seconds,
                   struct ent_error *err);
int ent_trace_read_dir(struct ent_trace *t, const char *dir, double step_seconds,
                       struct ent_error *err);
/* The CSV format from text (len bytes, no terminator needed); where names it in errors. */
int ent_trace_read_csv(struct ent_trace *t, const char *text, size_t len, const char *where,
                       struct ent_error *err);

#endif
