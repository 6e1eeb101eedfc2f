/* The SVG chart of a replay: three panels over the trace's time, active hosts, power (kW) and
 * the share of active host time at 100 % CPU, one line per policy. */
#include "replay/report.h"

#include <math.h>

#define WIDTH   960
#define PANEL_H 190
#define LEFT    70
#define RIGHT   170 /* room for the legend */
#define TOP     30

static const char *const colours[] = {"#1b9e77", "#d95f02", "#7570b3",
                                      "#e7298a", "#66a61e", "#e6ab02"};

typedef double (*value_fn)(const struct ent_replay_step *s);

static double hosts(const struct ent_replay_step *s)
{
    return (double)s->active_hosts;
}

static double kilowatts(const struct ent_replay_step *s)
{
    return s->watts / 1000;
}

static double sla_percent(const struct ent_replay_step *s)
{
    return s->overloaded * 100;
}

static void panel(const struct ent_replay_report *rep, FILE *out, int index, const char *title,
                  value_fn value)
{
    double top = TOP + index * (PANEL_H + 40), plot_w = WIDTH - LEFT - RIGHT, max = 0,
           span = (double)(rep->steps > 1 ? rep->steps - 1 : 1);
    for (size_t i = 0; i < rep->n_results; i++)
        for (size_t s = 0; s < rep->results[i].n_steps; s++)
            max = fmax(max, value(&rep->results[i].steps[s]));
    max = max > 0 ? max * 1.05 : 1;
    fprintf(out,
            "<text x=\"%d\" y=\"%.0f\" font-size=\"14\">%s</text>\n"
            "<rect x=\"%d\" y=\"%.0f\" width=\"%.0f\" height=\"%d\" fill=\"none\" "
            "stroke=\"#999\"/>\n"
            "<text x=\"%d\" y=\"%.0f\" font-size=\"11\" text-anchor=\"end\">%.3g</text>\n"
            "<text x=\"%d\" y=\"%.0f\" font-size=\"11\" text-anchor=\"end\">0</text>\n",
            LEFT, top - 6, title, LEFT, top, plot_w, PANEL_H, LEFT - 4, top + 10, max, LEFT - 4,
            top + PANEL_H);
    double total = span * rep->step_seconds, every = total >= 12 * 3600 ? 6 * 3600 : 3600;
    for (double t = 0; total > 0 && t <= total; t += every) /* hour ticks */
        fprintf(
            out,
            "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#ddd\"/>"
            "<text x=\"%.1f\" y=\"%.0f\" font-size=\"10\" text-anchor=\"middle\">%.0f h</text>\n",
            LEFT + plot_w * t / total, top, LEFT + plot_w * t / total, top + PANEL_H,
            LEFT + plot_w * t / total, top + PANEL_H + 12, t / 3600);
    for (size_t i = 0; i < rep->n_results; i++) {
        const struct ent_replay_result *r = &rep->results[i];
        fprintf(out, "<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"%s\" points=\"",
                colours[i % (sizeof colours / sizeof *colours)]);
        for (size_t s = 0; s < r->n_steps; s++)
            fprintf(out, "%.1f,%.1f ", LEFT + plot_w * (double)s / span,
                    top + PANEL_H - PANEL_H * value(&r->steps[s]) / max);
        fprintf(out, "\"/>\n");
    }
}

void ent_replay_report_svg(const struct ent_replay_report *rep, FILE *out)
{
    int height = TOP + 3 * (PANEL_H + 40);
    fprintf(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        "font-family=\"sans-serif\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
        WIDTH, height);
    panel(rep, out, 0, "Active hosts", hosts);
    panel(rep, out, 1, "Power (kW)", kilowatts);
    panel(rep, out, 2, "Active host time at 100 % CPU (%)", sla_percent);
    for (size_t i = 0; i < rep->n_results; i++)
        fprintf(out,
                "<rect x=\"%d\" y=\"%zu\" width=\"14\" height=\"4\" fill=\"%s\"/>"
                "<text x=\"%d\" y=\"%zu\" font-size=\"12\">%s</text>\n",
                WIDTH - RIGHT + 12, TOP + 20 * i + 6,
                colours[i % (sizeof colours / sizeof *colours)], WIDTH - RIGHT + 32,
                TOP + 20 * i + 12, rep->results[i].policy);
    fprintf(out,
            "<text x=\"%d\" y=\"%d\" font-size=\"11\">time: 0 to %.1f h, a sample every %.0f s"
            "</text>\n</svg>\n",
            LEFT, height - 8, (double)rep->steps * rep->step_seconds / 3600, rep->step_seconds);
}
