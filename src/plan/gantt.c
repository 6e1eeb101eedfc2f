/* An SVG Gantt chart of a plan: one row per VM that acts (then one per node that boots or shuts
 * down), a bar per action coloured by kind, bypass migrations hatched and labelled, a time axis in
 * seconds. Large plans show their first rows and say how many more there are. */
#include "model/model.h"
#include "model/plan.h"
#include "plan/planner.h"
#include "util/alloc.h"
#include "util/error.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define MAX_ROWS 400
#define ROW_H    18
#define LEFT     170
#define WIDTH    1200
#define TOP      40

static const char *colour(const struct ent_action *a)
{
    switch (a->kind) {
    case ENT_ACTION_MIGRATE_VM:
        return a->bypass ? "#e6862e" : "#3b7dd8";
    case ENT_ACTION_BOOT_VM:
    case ENT_ACTION_RESUME_VM:
        return "#3aa655";
    case ENT_ACTION_SHUTDOWN_VM:
    case ENT_ACTION_KILL_VM:
        return "#c9413b";
    case ENT_ACTION_SUSPEND_VM:
        return "#8e5cc2";
    case ENT_ACTION_BOOT_NODE:
        return "#7bb37f";
    case ENT_ACTION_SHUTDOWN_NODE:
        return "#777777";
    default:
        return "#aaaaaa";
    }
}

/* Writes s escaped for XML. */
static void xml(FILE *f, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
}

/* A round step for the time axis: 1, 2 or 5 times a power of ten, about 10 ticks. */
static double tick_step(double span)
{
    double raw = span / 10, p = pow(10, floor(log10(raw > 0 ? raw : 1)));
    return raw <= p ? p : raw <= 2 * p ? 2 * p : raw <= 5 * p ? 5 * p : 10 * p;
}

/* A chart being written: rows are VMs in order of their first action, then nodes with node
 * actions. */
struct chart {
    FILE *f;
    const struct ent_model *m;
    const struct ent_plan *plan;
    int32_t *vm_row, *node_row;
    int32_t rows, shown;
    double span, scale;
    int height;
};

static void assign_rows(struct chart *c)
{
    const struct ent_plan *plan = c->plan;
    c->vm_row = ent_malloc((c->m->n_vms + 1) * sizeof *c->vm_row);
    c->node_row = ent_malloc((c->m->n_nodes + 1) * sizeof *c->node_row);
    memset(c->vm_row, 0xff, (c->m->n_vms + 1) * sizeof *c->vm_row);
    memset(c->node_row, 0xff, (c->m->n_nodes + 1) * sizeof *c->node_row);
    for (size_t i = 0; i < plan->len; i++)
        if (plan->actions[i].vm >= 0 && c->vm_row[plan->actions[i].vm] < 0)
            c->vm_row[plan->actions[i].vm] = c->rows++;
    for (size_t i = 0; i < plan->len; i++)
        if (plan->actions[i].node >= 0 && c->node_row[plan->actions[i].node] < 0)
            c->node_row[plan->actions[i].node] = c->rows++;
    c->shown = c->rows < MAX_ROWS ? c->rows : MAX_ROWS;
    c->span = (double)ent_plan_makespan(plan);
    if (c->span <= 0)
        c->span = 1;
    c->scale = (WIDTH - LEFT - 20) / c->span;
    c->height = TOP + c->shown * ROW_H + 60;
}

/* The SVG header, the title and the legend. */
static void write_header(const struct chart *c)
{
    FILE *f = c->f;
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "font-family=\"sans-serif\" font-size=\"11\">\n"
            "<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
            "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#e6862e\"/>"
            "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#fff\" stroke-width=\"2\"/>"
            "</pattern></defs>\n<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n",
            WIDTH, c->height);
    fprintf(f,
            "<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">Plan: %zu actions, "
            "makespan %.0f s</text>\n",
            c->plan->len, c->span);
    static const struct {
        const char *label, *fill;
    } legend[] = {{"migrate", "#3b7dd8"}, {"bypass", "url(#hatch)"},    {"boot/resume", "#3aa655"},
                  {"suspend", "#8e5cc2"}, {"shutdown/kill", "#c9413b"}, {"node off", "#777777"}};
    for (int i = 0; i < 6; i++) {
        int x = 520 + i * 110;
        fprintf(f,
                "<rect x=\"%d\" y=\"9\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%d\" "
                "y=\"19\">%s</text>\n",
                x, legend[i].fill, x + 16, legend[i].label);
    }
}

/* The time axis with its grid, and the row labels. */
static void write_axes(const struct chart *c)
{
    FILE *f = c->f;
    double step = tick_step(c->span);
    int axis_y = TOP + c->shown * ROW_H + 5;
    for (double t = 0; t <= c->span + 1e-9; t += step) {
        double x = LEFT + t * c->scale;
        fprintf(f,
                "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e4e4e4\"/>"
                "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%g</text>\n",
                x, TOP, x, axis_y, x, axis_y + 14, t);
    }
    fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">time (s)</text>\n",
            LEFT + (WIDTH - LEFT) / 2, axis_y + 30);
    char buf[64];
    for (size_t v = 0; v < c->m->n_vms; v++)
        if (c->vm_row[v] >= 0 && c->vm_row[v] < c->shown) {
            fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", LEFT - 6,
                    TOP + c->vm_row[v] * ROW_H + 13);
            xml(f, ent_vm_label(c->m, (int32_t)v, buf, sizeof buf));
            fputs("</text>\n", f);
        }
    for (size_t n = 0; n < c->m->n_nodes; n++)
        if (c->node_row[n] >= 0 && c->node_row[n] < c->shown) {
            fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-style=\"italic\">",
                    LEFT - 6, TOP + c->node_row[n] * ROW_H + 13);
            xml(f, ent_node_label(c->m, (int32_t)n, buf, sizeof buf));
            fputs("</text>\n", f);
        }
}

/* Action a's bar, with the destination written in when it fits. */
static void write_bar(const struct chart *c, const struct ent_action *a)
{
    FILE *f = c->f;
    const struct ent_model *m = c->m;
    int32_t row = a->vm >= 0 ? c->vm_row[a->vm] : c->node_row[a->node];
    if (row < 0 || row >= c->shown)
        return;
    double x = LEFT + (double)a->start * c->scale, w = (double)(a->end - a->start) * c->scale;
    if (w < 1)
        w = 1;
    int y = TOP + row * ROW_H + 2;
    char buf[64];
    fprintf(f,
            "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" rx=\"2\">"
            "<title>",
            x, y, w, ROW_H - 4, a->bypass ? "url(#hatch)" : colour(a));
    fprintf(f, "%s%s %lld-%lld s", ent_action_kind_name(a->kind), a->bypass ? " (bypass)" : "",
            (long long)a->start, (long long)a->end);
    if (a->from >= 0) {
        fputs(" from ", f);
        xml(f, ent_node_label(m, a->from, buf, sizeof buf));
    }
    if (a->to >= 0) {
        fputs(" to ", f);
        xml(f, ent_node_label(m, a->to, buf, sizeof buf));
    }
    fputs("</title></rect>\n", f);
    if (a->to >= 0 && w > 60) {
        fprintf(f, "<text x=\"%.1f\" y=\"%d\" fill=\"#fff\">", x + 3, y + 11);
        if (a->from >= 0 && a->from != a->to) {
            xml(f, ent_node_label(m, a->from, buf, sizeof buf));
            fputc(' ', f);
        }
        fputs("&#8594; ", f);
        xml(f, ent_node_label(m, a->to, buf, sizeof buf));
        fputs(a->bypass ? " (bypass)</text>\n" : "</text>\n", f);
    }
}

int ent_plan_gantt_svg(const struct ent_model *m, const struct ent_plan *plan, const char *path,
                       struct ent_error *err)
{
    struct chart c = {.m = m, .plan = plan};
    assign_rows(&c);
    int rc = 0;
    c.f = fopen(path, "w");
    if (!c.f) {
        rc = ent_error(err, ENT_EIO, "%s: cannot create: %s", path, strerror(errno));
        goto cleanup;
    }
    write_header(&c);
    write_axes(&c);
    for (size_t i = 0; i < plan->len; i++)
        write_bar(&c, &plan->actions[i]);
    if (c.rows > c.shown)
        fprintf(c.f, "<text x=\"10\" y=\"%d\">... and %d more rows</text>\n", c.height - 8,
                c.rows - c.shown);
    fputs("</svg>\n", c.f);
    int bad = ferror(c.f);
    if (fclose(c.f) != 0 || bad)
        rc = ent_error(err, ENT_EIO, "%s: write error", path);
cleanup:
    ent_free(c.vm_row);
    ent_free(c.node_row);
    return rc;
}
