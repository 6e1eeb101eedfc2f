/* Ganglia's hosts to a model.
 *
 * Domain-0: never a VM (a name "Domain-0" in container.vms is skipped). Its memory: the seed
 * script publishes container.mem_total with Domain-0's memory already taken out, so by default
 * nothing more is subtracted; a site whose script does not can set dom0_memory_mb, which is taken
 * out of the memory of every node whose container.type starts with "xen".
 *
 * Liveness: a host is lost when its TN (seconds since gmond last heard from it) exceeds
 * liveness x TMAX, or when its container.vms metric is that stale. A lost node is no destination,
 * and it and its VMs stay out of the snapshot: nothing is decided about them this round.
 * A VM listed on two nodes is kept on the first, pinned there (a root constraint), and reported. */
#include "monitor/ganglia_snapshot.h"

#include "model/model.h"
#include "monitor/ganglia_xml.h"
#include "monitor/issues.h"
#include "monitor/vm_sizes.h"
#include "proto/xend_http.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/hashmap.h"
#include "util/log.h"
#include "util/number.h"
#include "util/str.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void ent_ganglia_options_default(struct ent_ganglia_options *o)
{
    *o = (struct ent_ganglia_options){.vm_memory_mb = 1024,
                                      .vm_cpu = 100,
                                      .active_threshold = 10,
                                      .dom0_memory_mb = 0,
                                      .liveness = 4};
}

/* The ranges a metric must be in to be believed; outside (or NaN, or not a number) it is
 * reported and not used. */
#define MAX_MEMORY_KB 1e15 /* an exabyte */
#define MAX_CPUS      1e5
#define MAX_LOAD      1e6

static bool metric_in(const struct ent_ganglia_host *h, enum ent_ganglia_metric k, double lo,
                      double hi, double *out, json_t *issues)
{
    if (!h->val[k])
        return false;
    if (ent_number_in(h->val[k], lo, hi, out))
        return true;
    ent_monitor_issue(issues, "ganglia",
                      "host %s: %s \"%.40s\" is not a number from %g to %g: "
                      "not used",
                      h->name, ent_ganglia_metric_name(k), h->val[k], lo, hi);
    return false;
}

static bool is_node(const struct ent_ganglia_host *h)
{
    return h->val[ENT_GM_CONTAINER_MEM_TOTAL] || h->val[ENT_GM_CONTAINER_CPU_NUM] ||
           h->val[ENT_GM_CONTAINER_VMS] || h->val[ENT_GM_CONTAINER_TYPE] ||
           h->val[ENT_GM_CONTAINER_DRIVER];
}

static bool lost(const struct ent_ganglia_host *h, double factor)
{
    if (h->tmax > 0 && (double)h->tn > factor * (double)h->tmax)
        return 1;
    long tn = h->metric_tn[ENT_GM_CONTAINER_VMS], tmax = h->metric_tmax[ENT_GM_CONTAINER_VMS];
    return tmax > 0 && (double)tn > factor * (double)tmax;
}

/* Demand of a VM from its own gmond, when it reports as a host (figures out of range are
 * reported in issues and not used). */
static void vm_demand(const struct ent_ganglia_host *vh, const struct ent_ganglia_options *o,
                      json_t *issues, int64_t *memory, int64_t *cpu, int *reported)
{
    double mem, cpus = 1, idle, load;
    *memory = o->vm_memory_mb;
    *cpu = o->vm_cpu;
    *reported = 0;
    if (!vh)
        return;
    if (metric_in(vh, ENT_GM_MEM_TOTAL, 1, MAX_MEMORY_KB, &mem, issues)) {
        *memory = (int64_t)(mem / 1024 + 0.5);
        *reported = 1;
    }
    if (!metric_in(vh, ENT_GM_CPU_NUM, 1, MAX_CPUS, &cpus, issues))
        cpus = 1;
    if (metric_in(vh, ENT_GM_CPU_IDLE, 0, 100, &idle, issues)) {
        *cpu = (int64_t)(cpus * (100 - idle) + 0.5);
        *reported = 1;
    } else if (metric_in(vh, ENT_GM_LOAD_ONE, 0, MAX_LOAD, &load, issues)) {
        *cpu = (int64_t)((load < cpus ? load : cpus) * 100 + 0.5);
        *reported = 1;
    }
}

/* The VM names a lost host listed last (container.vms), those that are names only. */
static json_t *lost_vms(const struct ent_ganglia_host *h)
{
    json_t *out = json_array();
    char *list = ent_strdup(h->val[ENT_GM_CONTAINER_VMS]), *save = NULL;
    for (char *name = strtok_r(list, ENT_NAME_SEPARATORS, &save); name;
         name = strtok_r(NULL, ENT_NAME_SEPARATORS, &save))
        if (ent_name_ok(name))
            json_array_append_new(out, json_string(name));
    ent_free(list);
    return out;
}

/* Whether h describes a usable node; says why not in r's issues. */
static int usable_node(const struct ent_ganglia_host *h, const struct ent_ganglia_options *o,
                       struct ent_monitor_round *r, double *mem_kb, double *cpus)
{
    static const enum ent_ganglia_metric needed[] = {
        ENT_GM_CONTAINER_MEM_TOTAL, ENT_GM_CONTAINER_CPU_NUM, ENT_GM_CONTAINER_VMS,
        ENT_GM_CONTAINER_TYPE, ENT_GM_CONTAINER_DRIVER};
    struct ent_str missing = ENT_STR_INIT;
    for (size_t k = 0; k < sizeof needed / sizeof *needed; k++)
        if (!h->val[needed[k]])
            ent_str_addf(&missing, "%s%s", missing.len ? ", " : "",
                         ent_ganglia_metric_name(needed[k]));
    if (missing.len) {
        ent_monitor_issue(r->issues, "ganglia", "host %s is not a node: it does not report %s",
                          h->name, ent_str_cstr(&missing));
        ent_str_release(&missing);
        return 0;
    }
    if (!metric_in(h, ENT_GM_CONTAINER_MEM_TOTAL, 0, MAX_MEMORY_KB, mem_kb, r->issues) ||
        !metric_in(h, ENT_GM_CONTAINER_CPU_NUM, 0, MAX_CPUS, cpus, r->issues)) {
        ent_monitor_issue(r->issues, "ganglia", "host %s is not a node: its capacity is unknown",
                          h->name);
        return 0;
    }
    if (lost(h, o->liveness)) {
        json_t *vms = lost_vms(h);
        char *names = json_dumps(vms, JSON_COMPACT);
        ent_monitor_issue(r->issues, "ganglia",
                          "node %s is lost (silent for %ld s, expected every %ld s): not a "
                          "destination; its VMs %s are left alone",
                          h->name, h->tn, h->tmax, names ? names : "[]");
        free(names); /* jansson's */
        if (!r->m->lost)
            r->m->lost = json_object();
        json_object_set_new(r->m->lost, h->name, vms);
        return 0;
    }
    return 1;
}

/* One dump being read: what every host's reading needs, and the VMs sized by default. */
struct reading {
    const struct ent_ganglia_dump *d;
    struct ent_namemap by_name; /* host name -> index in the dump */
    const struct ent_ganglia_options *o;
    struct ent_monitor_round *r;
    struct ent_str defaulted; /* names of the VMs sized by monitor.vm_memory_mb/vm_cpu */
    size_t n_defaulted;
};

#define LISTED_DEFAULTED 10

/* VM v's demand: from its own gmond when it reports as a host, else from the hypervisor that
 * runs it, else the defaults (counted, to be reported once for the round). */
static void size_vm(struct reading *g, int v, const char *name)
{
    struct ent_model *m = g->r->m;
    int64_t vmem, vcpu;
    int reported;
    int32_t vi = ent_namemap_get(&g->by_name, name);
    vm_demand(vi >= 0 ? &g->d->hosts[vi] : NULL, g->o, g->r->issues, &vmem, &vcpu, &reported);
    const char *sized_by = reported ? "ganglia" : "default";
    if (!reported && ent_vm_sizes_lookup(g->o->sizes, name, &vmem, &vcpu, &sized_by))
        reported = 1;
    if (!reported && g->n_defaulted++ < LISTED_DEFAULTED)
        ent_str_addf(&g->defaulted, "%s%s", g->defaulted.len ? ", " : "", m->vms[v].name);
    m->res[g->r->mem].demand[v] = vmem;
    m->res[g->r->cpu].demand[v] = vcpu;
    m->vms[v].attrs = json_pack("{s:b, s:b, s:s}", "active", vcpu > g->o->active_threshold,
                                "reported", reported, "sized_by", sized_by);
}

/* The VMs of node n, from h's container.vms. On a Xen node, xend's migrating-NAME is VM NAME
 * in a migration: left where it is this round. */
static int add_vms(struct reading *g, const struct ent_ganglia_host *h, int32_t n,
                   struct ent_error *err)
{
    struct ent_monitor_round *r = g->r;
    bool xen = strncasecmp(h->val[ENT_GM_CONTAINER_TYPE], "xen", 3) == 0;
    int rc = 0;
    char *list = ent_strdup(h->val[ENT_GM_CONTAINER_VMS]), *save = NULL;
    for (char *name = strtok_r(list, ENT_NAME_SEPARATORS, &save); name && !rc;
         name = strtok_r(NULL, ENT_NAME_SEPARATORS, &save)) {
        if (strcasecmp(name, "Domain-0") == 0)
            continue;
        const char *moving = xen ? ent_xend_in_flight(name) : NULL;
        if (moving)
            name = (char *)moving;
        int v = ent_monitor_add_vm(r->m, &r->names, r->issues, "ganglia", name, n, err);
        if (v < 0) {
            rc = v == ENT_EEXISTS ? 0 : v;
            continue;
        }
        if (moving) {
            ent_monitor_issue(r->issues, "ganglia",
                              "VM %s is in a migration on node %s (xend shows migrating-%s): "
                              "left where it is this round",
                              r->m->vms[v].name, r->m->nodes[n].name, r->m->vms[v].name);
        }
        size_vm(g, v, name);
        if (moving)
            ent_monitor_mark_in_flight(r->m, v);
    }
    ent_free(list);
    return rc;
}

/* Host h as a node, with its VMs, when it is a usable one. */
static int add_host(struct reading *g, const struct ent_ganglia_host *h, struct ent_error *err)
{
    struct ent_monitor_round *r = g->r;
    struct ent_model *m = r->m;
    double mem_kb, cpus;
    if (!is_node(h) || !usable_node(h, g->o, r, &mem_kb, &cpus))
        return 0;
    int n = ent_monitor_add_node(r, "ganglia", h->name, err);
    if (n == ENT_EINVALID)
        return 0; /* reported */
    if (n == ENT_EEXISTS) {
        ent_monitor_issue(r->issues, "ganglia", "host %s reported twice: the second is ignored",
                          h->name);
        return 0;
    }
    if (n < 0)
        return n;
    int64_t memory = (int64_t)(mem_kb / 1024);
    const char *type = h->val[ENT_GM_CONTAINER_TYPE];
    if (g->o->dom0_memory_mb > 0 && strncasecmp(type, "xen", 3) == 0)
        memory = memory > g->o->dom0_memory_mb ? memory - g->o->dom0_memory_mb : 0;
    m->res[r->mem].capacity[n] = memory;
    m->res[r->cpu].capacity[n] = (int64_t)(cpus * 100);
    m->nodes[n].driver = ent_strdup(h->val[ENT_GM_CONTAINER_DRIVER]);
    m->nodes[n].attrs = json_pack("{s:s, s:s?}", "type", type, "ip", h->ip);
    return add_vms(g, h, n, err);
}

int ent_ganglia_read(const struct ent_ganglia_dump *d, const struct ent_ganglia_options *o,
                     struct ent_monitor_round *r, struct ent_error *err)
{
    struct reading g = {.d = d, .o = o, .r = r, .defaulted = ENT_STR_INIT};
    ent_namemap_init(&g.by_name);
    for (size_t i = 0; i < d->n_hosts; i++)
        ent_namemap_put(&g.by_name, d->hosts[i].name, (int32_t)i);
    int rc = 0;
    for (size_t i = 0; i < d->n_hosts && !rc; i++)
        rc = add_host(&g, &d->hosts[i], err);
    if (!rc && g.n_defaulted)
        ent_monitor_issue(r->issues, "ganglia",
                          "%zu VMs sized by default (monitor.vm_memory_mb = %" PRId64
                          " MB, monitor.vm_cpu = %" PRId64
                          "): neither Ganglia nor a hypervisor (monitor.ganglia.sizing) "
                          "describes %s%s",
                          g.n_defaulted, o->vm_memory_mb, o->vm_cpu, ent_str_cstr(&g.defaulted),
                          g.n_defaulted > LISTED_DEFAULTED ? ", ..." : "");
    ent_str_release(&g.defaulted);
    ent_namemap_release(&g.by_name);
    return rc;
}

int ent_ganglia_snapshot(const struct ent_ganglia_dump *d, const struct ent_ganglia_options *o,
                         struct ent_model *m, json_t **issues, struct ent_error *err)
{
    struct ent_monitor_round r;
    int rc = ent_monitor_round_begin(&r, m, err);
    if (!rc)
        rc = ent_ganglia_read(d, o, &r, err);
    return ent_monitor_round_end(&r, rc, issues, err);
}
