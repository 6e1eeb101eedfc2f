/* CPU use between rounds. */
#include "monitor/cpu_meter.h"

#include "config/properties.h"

#include "util/clock.h"

#include <string.h>

void ent_cpu_meter_init(struct ent_cpu_meter *cm)
{
    cm->previous = json_object();
    cm->now = json_object();
}

void ent_cpu_meter_release(struct ent_cpu_meter *cm)
{
    if (!cm)
        return;
    json_decref(cm->previous);
    json_decref(cm->now);
    memset(cm, 0, sizeof *cm);
}

int64_t ent_cpu_meter_read(struct ent_cpu_meter *cm, const char *key, double cpu_seconds,
                           int64_t fallback)
{
    double t = ent_now();
    json_t *prev = json_object_get(cm->previous, key);
    json_object_set_new(cm->now, key, json_pack("[f, f]", cpu_seconds, t));
    if (!prev)
        return fallback;
    double before = json_real_value(json_array_get(prev, 0));
    double dt = t - json_real_value(json_array_get(prev, 1));
    if (dt <= 0.1 || cpu_seconds < before)
        return fallback;
    double use = (cpu_seconds - before) / dt * 100; /* CPU seconds a second, x 100 */
    return use < 1e12 ? (int64_t)use : fallback;    /* a counter gone mad is no measure */
}

void ent_cpu_meter_commit(struct ent_cpu_meter *cm)
{
    json_decref(cm->previous);
    cm->previous = cm->now;
    cm->now = json_object();
}

void ent_cpu_meter_discard(struct ent_cpu_meter *cm)
{
    json_object_clear(cm->now);
}

void ent_cpu_meter_settle(struct ent_cpu_meter *cm, bool kept)
{
    if (kept)
        ent_cpu_meter_commit(cm);
    else
        ent_cpu_meter_discard(cm);
}

void ent_cpu_meter_swap(struct ent_cpu_meter *a, struct ent_cpu_meter *b)
{
    struct ent_cpu_meter swap = *a;
    *a = *b;
    *b = swap;
}

void ent_poll_settings_default(struct ent_poll_settings *s)
{
    *s = (struct ent_poll_settings){.timeout = 10, .cpu_share = 100, .active_threshold = 10};
}

void ent_poll_settings_read(struct ent_poll_settings *s, const struct ent_config *c)
{
    s->timeout = ent_config_number(c, "monitor.timeout");
    s->cpu_share = (int64_t)ent_config_number(c, "monitor.vm_cpu");
    s->active_threshold = (int64_t)ent_config_number(c, "monitor.active_threshold");
}
