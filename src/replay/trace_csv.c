/* A CSV trace: `time,vm,cpu,mem` per line (seconds, a VM name, percent of the VM's CPU, MB or
 * empty), an optional header whose first field is `time`, blank lines and `#` comments skipped.
 * The times must be evenly spaced (the step); a VM with no sample at a time keeps its previous
 * one (its first before it has one). Errors name the file and the line. */
#include "replay/trace.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/hashmap.h"
#include "util/names.h"
#include "util/str.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct record {
    double time, cpu;
    int64_t mem;
    int32_t vm;
    size_t line;
};

struct csv {
    const char *where;
    struct record *recs;
    size_t n_recs, cap_recs;
    char **names;
    size_t n_names, cap_names;
    struct ent_namemap index;
    int64_t *mem;
};

/* A number in [lo, hi] from field (len bytes); 0, or an error naming what. */
static int field_number(const struct csv *c, size_t line, const char *what, const char *field,
                        size_t len, double lo, double hi, double *out, struct ent_error *err)
{
    char buf[64];
    char *end = NULL;
    if (len == 0 || len >= sizeof buf)
        return ent_error(err, ENT_EPARSE, "%s:%zu: %s: not a number", c->where, line, what);
    memcpy(buf, field, len);
    buf[len] = '\0';
    errno = 0;
    double v = strtod(buf, &end);
    if (*end != '\0' || errno || !isfinite(v))
        return ent_error(err, ENT_EPARSE, "%s:%zu: %s: not a number", c->where, line, what);
    if (v < lo || v > hi)
        return ent_error(err, ENT_EINVALID, "%s:%zu: %s %g outside %g..%g", c->where, line, what, v,
                         lo, hi);
    *out = v;
    return 0;
}

static int32_t vm_index(struct csv *c, const char *name)
{
    int32_t i = ent_namemap_get(&c->index, name);
    if (i >= 0)
        return i;
    ENT_GROW(c->names, c->cap_names, c->n_names);
    c->names[c->n_names] = ent_strdup(name);
    ent_namemap_put(&c->index, c->names[c->n_names], (int32_t)c->n_names);
    return (int32_t)c->n_names++;
}

/* One data line (len bytes, no newline). */
static int parse_line(struct csv *c, const char *s, size_t len, size_t line, struct ent_error *err)
{
    const char *field[5];
    size_t flen[5], n = 0;
    const char *p = s, *end = s + len;
    while (n < 5) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        field[n] = p;
        flen[n++] = (size_t)((comma ? comma : end) - p);
        if (!comma)
            break;
        p = comma + 1;
    }
    if (n < 3 || n > 4)
        return ent_error(err, ENT_EPARSE, "%s:%zu: expected time,vm,cpu[,mem]", c->where, line);
    struct record r = {.mem = -1, .line = line};
    double mem = 0;
    int rc = field_number(c, line, "time", field[0], flen[0], 0, 1e12, &r.time, err);
    if (!rc)
        rc = field_number(c, line, "cpu", field[2], flen[2], 0, 100, &r.cpu, err);
    if (!rc && n == 4 && flen[3] > 0) {
        rc = field_number(c, line, "mem", field[3], flen[3], 0, 1e9, &mem, err);
        r.mem = (int64_t)mem;
    }
    if (rc)
        return rc;
    char name[ENT_TRACE_NAME_MAX + 1];
    if (flen[1] > ENT_TRACE_NAME_MAX || flen[1] == 0 || memchr(field[1], '\0', flen[1]))
        name[0] = '\0';
    else {
        memcpy(name, field[1], flen[1]);
        name[flen[1]] = '\0';
    }
    if (!ent_trace_name_ok(name))
        return ent_error(err, ENT_EINVALID, "%s:%zu: vm: not a VM name (%s)", c->where, line,
                         "printable ASCII, 255 at most");
    if (c->n_recs >= ENT_TRACE_MAX_SAMPLES)
        return ent_error(err, ENT_EINVALID, "%s:%zu: more than %ld samples", c->where, line,
                         (long)ENT_TRACE_MAX_SAMPLES);
    r.vm = vm_index(c, name);
    r.cpu /= 100;
    ENT_GROW(c->recs, c->cap_recs, c->n_recs);
    c->recs[c->n_recs++] = r;
    return 0;
}

static int parse_lines(struct csv *c, const char *text, size_t len, struct ent_error *err)
{
    size_t line = 0, pos = 0;
    int seen_data = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t l = (size_t)((nl ? nl - text : (ptrdiff_t)len) - (ptrdiff_t)pos);
        const char *s = text + pos;
        pos += l + 1;
        line++;
        if (l > 0 && s[l - 1] == '\r')
            l--;
        if (l == 0 || s[0] == '#')
            continue;
        if (!seen_data++ && l >= 4 && memcmp(s, "time", 4) == 0 && (l == 4 || s[4] == ','))
            continue; /* the header */
        int rc = parse_line(c, s, l, line, err);
        if (rc)
            return rc;
    }
    if (c->n_recs == 0)
        return ent_error(err, ENT_EPARSE, "%s: no sample in it", c->where);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The distinct times, sorted, evenly spaced: their count and the step. */
static int steps_of(struct csv *c, double **times, size_t *n, double *step, struct ent_error *err)
{
    double *t = ent_malloc(c->n_recs * sizeof *t);
    for (size_t i = 0; i < c->n_recs; i++)
        t[i] = c->recs[i].time;
    qsort(t, c->n_recs, sizeof *t, cmp_double);
    size_t k = 0;
    for (size_t i = 0; i < c->n_recs; i++)
        if (k == 0 || t[i] != t[k - 1])
            t[k++] = t[i];
    *times = t;
    *n = k;
    *step = k > 1 ? t[1] - t[0] : 300;
    if (k > ENT_TRACE_MAX_STEPS)
        return ent_error(err, ENT_EINVALID, "%s: more than %d times", c->where,
                         ENT_TRACE_MAX_STEPS);
    for (size_t i = 2; i < k; i++)
        if (fabs(t[i] - t[i - 1] - *step) > 1e-6 * *step) {
            size_t line = 0;
            for (size_t r = 0; r < c->n_recs && !line; r++)
                line = c->recs[r].time == t[i] ? c->recs[r].line : 0;
            return ent_error(err, ENT_EINVALID,
                             "%s:%zu: time %g is not %g after the time before it (%g): the "
                             "samples must be evenly spaced",
                             c->where, line, t[i], *step, t[i - 1]);
        }
    return 0;
}

/* Fills t's samples from the records: each at its step, gaps carried over. */
static int fill(struct csv *c, struct ent_trace *t, const double *times, struct ent_error *err)
{
    size_t *line_at = ent_calloc(t->n_vms * t->n_steps, sizeof *line_at);
    int rc = 0;
    for (size_t i = 0; i < c->n_recs && !rc; i++) {
        const struct record *r = &c->recs[i];
        size_t s = (size_t)llround((r->time - times[0]) / t->step_seconds);
        size_t at = (size_t)r->vm * t->n_steps + s;
        if (line_at[at])
            rc = ent_error(err, ENT_EINVALID,
                           "%s:%zu: a second sample of VM %s at time %g (line %zu)", c->where,
                           r->line, t->names[r->vm], r->time, line_at[at]);
        line_at[at] = r->line;
        t->cpu[at] = r->cpu;
        if (r->mem > t->memory_mb[r->vm])
            t->memory_mb[r->vm] = r->mem;
    }
    for (size_t v = 0; v < t->n_vms && !rc; v++) {
        double *cpu = t->cpu + v * t->n_steps;
        size_t *seen = line_at + v * t->n_steps, first = 0;
        while (!seen[first])
            first++;
        for (size_t s = 0; s < t->n_steps; s++)
            if (!seen[s])
                cpu[s] = s < first ? cpu[first] : cpu[s - 1];
    }
    ent_free(line_at);
    return rc;
}

int ent_trace_read_csv(struct ent_trace *t, const char *text, size_t len, const char *where,
                       struct ent_error *err)
{
    ent_trace_init(t);
    struct csv c = {.where = where};
    ent_namemap_init(&c.index);
    double *times = NULL;
    size_t n_times = 0;
    int rc = parse_lines(&c, text, len, err);
    if (!rc)
        rc = steps_of(&c, &times, &n_times, &t->step_seconds, err);
    if (!rc && n_times > ENT_TRACE_MAX_SAMPLES / c.n_names)
        rc = ent_error(err, ENT_EINVALID, "%s: %zu VMs at %zu times: more than %ld samples", where,
                       c.n_names, n_times, (long)ENT_TRACE_MAX_SAMPLES);
    if (!rc) {
        t->n_vms = c.n_names;
        t->n_steps = n_times;
        t->names = c.names;
        c.names = NULL;
        t->cpu = ent_calloc(t->n_vms * t->n_steps, sizeof *t->cpu);
        t->memory_mb = ent_malloc(t->n_vms * sizeof *t->memory_mb);
        for (size_t v = 0; v < t->n_vms; v++)
            t->memory_mb[v] = -1;
        rc = fill(&c, t, times, err);
    }
    if (rc)
        ent_trace_release(t);
    ent_free(times);
    for (size_t i = 0; c.names && i < c.n_names; i++)
        ent_free(c.names[i]);
    ent_free(c.names);
    ent_free(c.recs);
    ent_namemap_release(&c.index);
    return rc;
}
