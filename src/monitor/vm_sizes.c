/* VM sizes from xend and libvirtd, for a source that only names the VMs. */
#include "monitor/vm_sizes.h"

#include "config/properties.h"
#include "monitor/issues.h"
#include "proto/libvirt_fetch.h"
#include "proto/sxp.h"
#include "proto/xend_http.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/number.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

/* The URL of a "[NAME=]URL" item. */
static const char *url_of(const char *spec)
{
    const char *eq = strchr(spec, '='), *scheme = strstr(spec, "://");
    return eq && (!scheme || eq < scheme) ? eq + 1 : spec;
}

static void add_xend_urls(struct ent_vm_sizes *s, const char *specs)
{
    char *list = ent_strdup(specs), *save = NULL;
    for (char *u = strtok_r(list, ENT_NAME_SEPARATORS, &save); u;
         u = strtok_r(NULL, ENT_NAME_SEPARATORS, &save)) {
        s->xend_urls = ent_reallocarray(s->xend_urls, s->n_xend + 1, sizeof *s->xend_urls);
        s->xend_urls[s->n_xend++] = ent_strdup(url_of(u));
    }
    ent_free(list);
}

struct ent_vm_sizes *ent_vm_sizes_from_config(const struct ent_config *c)
{
    if (strcmp(ent_config_string(c, "monitor.ganglia.sizing"), "defaults") == 0)
        return NULL;
    const char *xend = ent_config_string_or(c, "driver.xend.urls", "monitor.xend.urls");
    const char *libvirt = ent_config_string_or(c, "driver.libvirt.uris", "monitor.libvirt.uris");
    if (!*xend && !*libvirt)
        return NULL;
    struct ent_vm_sizes *s = ent_calloc(1, sizeof *s);
    ent_poll_settings_read(&s->poll, c);
    ent_cpu_meter_init(&s->cpu);
    s->known = json_object();
    add_xend_urls(s, xend);
    if (*libvirt) {
        ent_libvirt_quiet();
        ent_libvirt_nodes_add(&s->libvirt, libvirt);
    }
    return s;
}

void ent_vm_sizes_free(struct ent_vm_sizes *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_xend; i++)
        ent_free(s->xend_urls[i]);
    ent_free(s->xend_urls);
    ent_libvirt_nodes_release(&s->libvirt);
    ent_cpu_meter_release(&s->cpu);
    json_decref(s->known);
    ent_free(s);
}

static void remember(struct ent_vm_sizes *s, const char *name, double memory_mb, double vcpus,
                     double cpu_seconds, const char *by)
{
    if (vcpus < 1)
        vcpus = 1;
    int64_t cpu = (int64_t)(vcpus * (double)s->poll.cpu_share);
    if (cpu_seconds >= 0)
        cpu = ent_cpu_meter_read(&s->cpu, name, cpu_seconds, cpu);
    json_object_set_new(s->known, name,
                        json_pack("[I, I, s]", (json_int_t)(memory_mb < 0 ? 0 : memory_mb),
                                  (json_int_t)(cpu < 0 ? 0 : cpu), by));
}

/* Before a hypervisor's answer is taken: what it said last round is forgotten. */
static void forget(struct ent_vm_sizes *s, const char *by)
{
    const char *key;
    json_t *value;
    void *tmp;
    json_object_foreach_safe(s->known, tmp, key, value)
    {
        if (strcmp(json_string_value(json_array_get(value, 2)), by) == 0)
            json_object_del(s->known, key);
    }
}

/* A figure of xend's within [lo, hi], else fallback (NaN, inf and 1e300 never believed). */
static double number_or(const char *s, double lo, double hi, double fallback)
{
    double v = fallback;
    ent_number_in(s, lo, hi, &v);
    return v;
}

static void fetch_xend(struct ent_vm_sizes *s, const char *url, json_t *issues)
{
    struct ent_sxp doms = {0};
    struct ent_error err;
    ent_error_init(&err);
    char *shown = ent_url_without_password(url);
    if (ent_xend_call(url, "/xend/domain?detail=1", NULL, s->poll.timeout, &doms, &err)) {
        ent_monitor_issue(issues, "ganglia",
                          "VM sizes: xend %s does not answer (%s): its VMs keep their last known "
                          "sizes",
                          shown, err.msg);
        ent_free(shown);
        return;
    }
    char *by = ent_strdup_printf("xend %s", shown);
    forget(s, by);
    const struct ent_sxp **list;
    size_t n;
    ent_xend_domains(&doms, &list, &n);
    for (size_t i = 0; i < n; i++) {
        const char *name = ent_sxp_value(list[i], "name");
        if (!name || strcmp(name, "Domain-0") == 0)
            continue;
        double memory;
        if (!ent_number_in(ent_sxp_value(list[i], "memory"), 1, 1e12, &memory))
            continue; /* unknown: sized by default, and reported so */
        const char *moving = ent_xend_in_flight(name);
        remember(s, moving ? moving : name, memory,
                 number_or(ent_sxp_value(list[i], "vcpus"), 1, 1e5, 1),
                 number_or(ent_sxp_value(list[i], "cpu_time"), 0, 1e15, -1), by);
    }
    ent_free(list);
    ent_free(by);
    ent_free(shown);
    ent_sxp_release(&doms);
}

static void fetch_libvirt(struct ent_vm_sizes *s, struct ent_libvirt_node *node, json_t *issues)
{
    struct ent_libvirt_host h;
    struct ent_error err;
    ent_error_init(&err);
    if (ent_libvirt_fetch(node->uri, &node->conn, s->poll.timeout, &h, &err)) {
        ent_monitor_issue(issues, "ganglia",
                          "VM sizes: libvirt %s does not answer (%s): its VMs keep their last "
                          "known sizes",
                          node->uri, err.msg);
        return;
    }
    char *by = ent_strdup_printf("libvirt %s", node->uri);
    forget(s, by);
    for (size_t i = 0; i < h.n_domains; i++) {
        const struct ent_libvirt_domain *d = &h.domains[i];
        if (strcmp(d->name, "Domain-0") == 0 || d->id == 0)
            continue;
        remember(s, d->name, (double)(d->memory_kib / 1024), d->vcpus, (double)d->cpu_time_ns / 1e9,
                 by);
    }
    ent_free(by);
    ent_libvirt_host_release(&h);
}

void ent_vm_sizes_fetch(struct ent_vm_sizes *s, json_t *issues)
{
    for (size_t i = 0; i < s->n_xend; i++)
        fetch_xend(s, s->xend_urls[i], issues);
    for (size_t i = 0; i < s->libvirt.len; i++)
        fetch_libvirt(s, &s->libvirt.items[i], issues);
}

bool ent_vm_sizes_lookup(const struct ent_vm_sizes *s, const char *name, int64_t *memory_mb,
                         int64_t *cpu, const char **sized_by)
{
    json_t *k = s ? json_object_get(s->known, name) : NULL;
    if (!k)
        return false;
    *memory_mb = json_integer_value(json_array_get(k, 0));
    *cpu = json_integer_value(json_array_get(k, 1));
    *sized_by = json_string_value(json_array_get(k, 2));
    return true;
}

void ent_vm_sizes_settle(struct ent_vm_sizes *s, bool kept)
{
    if (s)
        ent_cpu_meter_settle(&s->cpu, kept);
}

void ent_vm_sizes_swap_history(struct ent_vm_sizes *a, struct ent_vm_sizes *b)
{
    if (a && b)
        ent_cpu_meter_swap(&a->cpu, &b->cpu);
}
