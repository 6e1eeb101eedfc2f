/* A trace folder: one file per VM (its name is the VM's), one CPU sample in percent per line, as
 * the PlanetLab traces CloudSim ships. Files taken in name order (CloudSim's), all of the same
 * length; a file name that is not a valid VM name, a line that is not a number within 0..100, a
 * file shorter than the others: refused, naming the file and the line. */
#include "replay/trace.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/names.h"
#include "util/str.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_files(const char *dir, char ***names, size_t *n, struct ent_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return ent_error(err, ENT_EIO, "%s: %s", dir, strerror(errno));
    size_t cap = 0;
    int rc = 0;
    struct dirent *e;
    while (!rc && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (!ent_trace_name_ok(e->d_name)) {
            struct ent_str q = {0};
            rc = ent_error(err, ENT_EINVALID, "%s: file \"%s\" is not a VM name (%s)", dir,
                           ent_name_quote(e->d_name, &q), "printable ASCII, 255 at most");
            ent_str_release(&q);
        } else if (*n >= ENT_TRACE_MAX_VMS) {
            rc = ent_error(err, ENT_EINVALID, "%s: more than %d files", dir, ENT_TRACE_MAX_VMS);
        } else {
            ENT_GROW(*names, cap, *n);
            (*names)[(*n)++] = ent_strdup(e->d_name);
        }
    }
    closedir(d);
    if (!rc && *n == 0)
        rc = ent_error(err, ENT_EINVALID, "%s: no trace file in it", dir);
    if (*n)
        qsort(*names, *n, sizeof **names, cmp_str);
    return rc;
}

/* The samples of one file into samples (grown), their count in *n. */
static int read_samples(const char *path, double **samples, size_t *cap, size_t *n,
                        struct ent_error *err)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return ent_error(err, ENT_EIO, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return ent_error(err, ENT_EINVALID, "%s: not a regular file", path);
    }
    char *line = NULL;
    size_t line_cap = 0, line_no = 0;
    ssize_t len;
    int rc = 0;
    *n = 0;
    while (!rc && (len = getline(&line, &line_cap, f)) >= 0) {
        line_no++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0)
            continue;
        char *end = NULL;
        errno = 0;
        double value = strtod(line, &end);
        if (end == line || *end != '\0' || errno || !(value >= 0 && value <= 100))
            rc = ent_error(err, ENT_EPARSE, "%s:%zu: not a utilisation in percent (0 to 100)", path,
                           line_no);
        else if (*n >= ENT_TRACE_MAX_STEPS)
            rc = ent_error(err, ENT_EINVALID, "%s:%zu: more than %d samples", path, line_no,
                           ENT_TRACE_MAX_STEPS);
        else {
            ENT_GROW(*samples, *cap, *n);
            (*samples)[(*n)++] = value / 100;
        }
    }
    free(line); /* getline's buffer */
    fclose(f);
    if (!rc && *n == 0)
        rc = ent_error(err, ENT_EPARSE, "%s: no sample in it", path);
    return rc;
}

int ent_trace_read_dir(struct ent_trace *t, const char *dir, double step_seconds,
                       struct ent_error *err)
{
    ent_trace_init(t);
    char **names = NULL;
    size_t n = 0, cap = 0, got = 0;
    double *samples = NULL;
    int rc = list_files(dir, &names, &n, err);
    for (size_t v = 0; v < n && !rc; v++) {
        char *path = ent_strdup_printf("%s/%s", dir, names[v]);
        rc = read_samples(path, &samples, &cap, &got, err);
        if (!rc && v == 0 && got > ENT_TRACE_MAX_SAMPLES / n) {
            rc = ent_error(err, ENT_EINVALID, "%s: %zu files of %zu samples: more than %ld in all",
                           dir, n, got, (long)ENT_TRACE_MAX_SAMPLES);
        } else if (!rc && v == 0) {
            t->n_steps = got;
            t->cpu = ent_malloc(n * got * sizeof *t->cpu);
        } else if (!rc && got != t->n_steps) {
            rc = ent_error(err, ENT_EINVALID, "%s: %zu samples where %s has %zu", path, got,
                           names[0], t->n_steps);
        }
        if (!rc)
            memcpy(t->cpu + v * t->n_steps, samples, t->n_steps * sizeof *samples);
        ent_free(path);
    }
    ent_free(samples);
    if (rc) {
        for (size_t v = 0; v < n; v++)
            ent_free(names[v]);
        ent_free(names);
        ent_free(t->cpu);
        ent_trace_init(t);
        return rc;
    }
    t->names = names;
    t->n_vms = n;
    t->step_seconds = step_seconds;
    t->memory_mb = ent_malloc(n * sizeof *t->memory_mb);
    for (size_t v = 0; v < n; v++)
        t->memory_mb[v] = -1;
    return 0;
}
