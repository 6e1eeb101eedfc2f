/* xend over HTTP (libcurl), SXP answers (sxp.c), to a model. */
#include "monitor/xend.h"

#include "config/properties.h"
#include "model/model.h"
#include "monitor/issues.h"
#include "monitor/monitor.h"
#include "proto/sxp.h"
#include "proto/xend_http.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/number.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ent_xend_source_init(struct ent_xend_source *s)
{
    memset(s, 0, sizeof *s);
    ent_poll_settings_default(&s->poll);
    ent_cpu_meter_init(&s->cpu);
}

void ent_xend_source_add(struct ent_xend_source *s, const char *urls)
{
    char *list = ent_strdup(urls), *save = NULL;
    for (char *u = strtok_r(list, ENT_NAME_SEPARATORS, &save); u;
         u = strtok_r(NULL, ENT_NAME_SEPARATORS, &save)) {
        s->urls = ent_reallocarray(s->urls, s->n_urls + 1, sizeof *s->urls);
        s->seen = ent_reallocarray(s->seen, s->n_urls + 1, sizeof *s->seen);
        s->seen[s->n_urls] = (struct ent_xend_seen){0};
        s->urls[s->n_urls++] = ent_strdup(u);
    }
    ent_free(list);
}

void ent_xend_source_release(struct ent_xend_source *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_urls; i++) {
        ent_free(s->urls[i]);
        ent_free(s->seen[i].name);
    }
    ent_free(s->urls);
    ent_free(s->seen);
    ent_cpu_meter_release(&s->cpu);
    memset(s, 0, sizeof *s);
}

/* The ranges xend's figures must be in to be believed. */
struct figure {
    const char *key;
    double lo, hi;
};
static const struct figure node_figures[] = {{"nr_cpus", 1, 1e5}, {"total_memory", 0, 1e12}};
static const struct figure domain_figures[] = {
    {"memory", 0, 1e12}, {"vcpus", 1, 1e5}, {"cpu_time", 0, 1e15}};

static double figure(const struct ent_sxp *x, const char *key, double fallback)
{
    double v = fallback;
    ent_number_in(ent_sxp_value(x, key), -1e300, 1e300, &v); /* checked by absurd() first */
    return v;
}

/* The first of x's figures present and out of range (NaN, inf, 1e300, negative), in *bad as
 * "KEY \"VALUE\" (not a number from LO to HI)"; false when all are sane. */
static bool absurd(const struct ent_sxp *x, const struct figure *f, size_t n, char **bad)
{
    for (size_t i = 0; i < n; i++) {
        const char *v = ent_sxp_value(x, f[i].key);
        double ignored;
        if (v && !ent_number_in(v, f[i].lo, f[i].hi, &ignored)) {
            *bad = ent_strdup_printf("(%s %.40s) is not a number from %g to %g", f[i].key, v,
                                     f[i].lo, f[i].hi);
            return true;
        }
    }
    return false;
}

/* Domain d of node n into the round; Domain-0's memory is taken out of *memory instead. */
static int add_domain(struct ent_xend_source *src, const struct ent_sxp *d, int n, int64_t *memory,
                      struct ent_monitor_round *r, struct ent_error *err)
{
    struct ent_model *m = r->m;
    const char *name = ent_sxp_value(d, "name"), *domid = ent_sxp_value(d, "domid");
    double dmem = figure(d, "memory", 0), vcpus = figure(d, "vcpus", 1), cpu_time;
    if (!name)
        return 0;
    if (strcmp(name, "Domain-0") == 0 || (domid && strcmp(domid, "0") == 0)) {
        *memory -= (int64_t)dmem; /* Domain-0's memory is no capacity for VMs */
        return 0;
    }
    /* During a migration, and after one xend gave up on, xend shows the source domain as
     * migrating-NAME: it is the VM in flight, not a new one; it stays where it is. */
    const char *moving = ent_xend_in_flight(name);
    bool in_flight = moving != NULL;
    if (in_flight)
        name = moving;
    int v = ent_monitor_add_vm(m, &r->names, r->issues, "xend", name, n, err);
    if (v < 0)
        return v == ENT_EEXISTS ? 0 : v;
    if (in_flight) {
        ent_monitor_issue(r->issues, "xend",
                          "VM %s is in a migration on node %s (xend shows migrating-%s): left "
                          "where it is this round",
                          m->vms[v].name, m->nodes[n].name, m->vms[v].name);
    }
    m->res[r->mem].demand[v] = (int64_t)dmem;
    int64_t use = (int64_t)(vcpus * (double)src->poll.cpu_share);
    if (ent_number_in(ent_sxp_value(d, "cpu_time"), 0, 1e15, &cpu_time))
        use = ent_cpu_meter_read(&src->cpu, name, cpu_time, use);
    m->res[r->cpu].demand[v] = use < 0 ? 0 : use;
    m->vms[v].attrs = json_pack("{s:b}", "active", use > src->poll.active_threshold);
    if (in_flight)
        ent_monitor_mark_in_flight(m, v);
    return 0;
}

/* The node and its domains, from xend's two answers; what it said is kept in seen. */
static int add_node(struct ent_xend_source *src, const char *url, const struct ent_sxp *node,
                    const struct ent_sxp *doms, struct ent_monitor_round *r,
                    struct ent_xend_seen *seen, struct ent_error *err)
{
    struct ent_model *m = r->m;
    const char *host = ent_sxp_value(node, "host");
    if (!host || !ent_sxp_value(node, "nr_cpus") || !ent_sxp_value(node, "total_memory"))
        return ent_error(
            err, ENT_EPARSE,
            "xend %s/xend/node: needs (host ...), (nr_cpus ...) and (total_memory ...)", url);
    const struct ent_sxp **list = NULL;
    size_t n_list = 0;
    ent_xend_domains(doms, &list, &n_list);
    char *bad = NULL;
    bool refused = absurd(node, node_figures, 2, &bad);
    for (size_t i = 0; i < n_list && !refused; i++)
        refused = absurd(list[i], domain_figures, 3, &bad);
    if (refused) { /* the rest of the cluster is still read */
        char *shown = ent_url_without_password(url);
        ent_monitor_issue(r->issues, "xend",
                          "xend %s: %s: the node is left out with its domains this round", shown,
                          bad);
        ent_free(shown);
        ent_free(bad);
        ent_free(list);
        return 0;
    }
    double cpus = figure(node, "nr_cpus", 1), total = figure(node, "total_memory", 0);
    int n = ent_monitor_add_node(r, "xend", host, err);
    if (n < 0)
        ent_free(list);
    if (n == ENT_EINVALID)
        return 0; /* reported: the node and its domains left out */
    if (n == ENT_EEXISTS)
        return ent_error(err, ENT_EINVALID, "xend %s: node %s reported twice", url, host);
    if (n < 0)
        return n;
    m->nodes[n].driver = ent_strdup("xen");
    char *shown = ent_url_without_password(url); /* what status and snapshots show */
    m->nodes[n].attrs = json_pack("{s:s, s:s}", "type", "xen-3", "xend", shown);
    ent_free(shown);
    m->res[r->cpu].capacity[n] = (int64_t)(cpus * 100);
    int64_t memory = (int64_t)total;
    int rc = 0;
    for (size_t i = 0; i < n_list && !rc; i++)
        rc = add_domain(src, list[i], n, &memory, r, err);
    ent_free(list);
    m->res[r->mem].capacity[n] = memory < 0 ? 0 : memory;
    ent_free(seen->name);
    *seen = (struct ent_xend_seen){ent_strdup(host), m->res[r->cpu].capacity[n],
                                   m->res[r->mem].capacity[n]};
    return rc;
}

/* 1 when the node's xend could not be read (lost, in r), else 0 or an error. */
static int read_node(void *source, size_t i, struct ent_monitor_round *r, struct ent_error *err)
{
    struct ent_xend_source *src = source;
    const char *url = src->urls[i];
    struct ent_sxp node = {0}, doms = {0};
    struct ent_error why;
    ent_error_init(&why);
    int rc = ent_xend_call(url, "/xend/node", NULL, src->poll.timeout, &node, &why);
    if (!rc)
        rc = ent_xend_call(url, "/xend/domain?detail=1", NULL, src->poll.timeout, &doms, &why);
    if (rc) {
        const struct ent_xend_seen *seen = &src->seen[i];
        char *shown = ent_url_without_password(url); /* never read: known by its URL only */
        rc = ent_monitor_lose_node(r, "xend", seen->name ? seen->name : shown, seen->name, "xen",
                                   seen->cpu, seen->memory_mb, why.msg, err);
        ent_free(shown);
        if (!rc)
            *err = why;
        rc = rc ? rc : 1;
    } else {
        rc = add_node(src, url, &node, &doms, r, &src->seen[i], err);
    }
    ent_sxp_release(&node);
    ent_sxp_release(&doms);
    return rc;
}

void ent_xend_source_configure(struct ent_xend_source *s, const struct ent_config *c,
                               bool endpoints)
{
    ent_poll_settings_read(&s->poll, c);
    if (endpoints)
        ent_xend_source_add(s, ent_config_string(c, "monitor.xend.urls"));
}

/* Every node. A node whose xend cannot be read (down, slow, garbage) is lost this round (offline,
 * reported: failover watches it); when none can be read, the round fails. */
static int xend_read(struct ent_monitor *mon, struct ent_monitor_round *r, struct ent_error *err)
{
    struct ent_xend_source *src = mon->state;
    return ent_monitor_read_nodes(r, src, src->n_urls, read_node, err);
}

/* The CPU-time history goes on: the first round after a reload knows what each VM uses. */
static void xend_reload(struct ent_monitor *fresh, struct ent_monitor *old)
{
    ent_cpu_meter_swap(&((struct ent_xend_source *)fresh->state)->cpu,
                       &((struct ent_xend_source *)old->state)->cpu);
}

static void xend_settle(struct ent_monitor *mon, bool kept)
{
    ent_cpu_meter_settle(&((struct ent_xend_source *)mon->state)->cpu, kept);
}

static int xend_open(struct ent_monitor *mon, void *arg, struct ent_error *err)
{
    const struct ent_xend_source *src = arg;
    if (!src || !src->n_urls)
        return ent_error(err, ENT_EINVALID, "the xend monitor needs its node URLs");
    mon->state = arg;
    return 0;
}

static void xend_close(struct ent_monitor *mon)
{
    ent_xend_source_release(mon->state);
    ent_free(mon->state);
}

static int xend_configure(struct ent_monitor *mon, const struct ent_config *c,
                          struct ent_error *err)
{
    struct ent_xend_source *src = ent_malloc(sizeof *src);
    ent_xend_source_init(src);
    ent_xend_source_configure(src, c, true);
    int rc = xend_open(mon, src, err);
    if (rc) {
        ent_xend_source_release(src);
        ent_free(src);
        return ent_error(err, ENT_EINVALID, "%s: monitor.source = xend needs monitor.xend.urls",
                         c->path);
    }
    return 0;
}

static void xend_describe(const struct ent_monitor *mon, char *buf, size_t size)
{
    const struct ent_xend_source *src = mon->state;
    char *shown = ent_url_without_password(src->urls[0]);
    snprintf(buf, size, "xend %s%s", shown, src->n_urls > 1 ? ", ..." : "");
    ent_free(shown);
}

static const char *const xend_keys[] = {"monitor.xend.urls", NULL};

const struct ent_monitor_ops ent_monitor_xend_ops = {
    .name = "xend",
    .driver = "xend",
    .keys = xend_keys,
    .configure = xend_configure,
    .open = xend_open,
    .read = xend_read,
    .settle = xend_settle,
    .reload = xend_reload,
    .close = xend_close,
    .describe = xend_describe,
};
