/* libvirt (read-only connections, one per node) to a model. */
#include "monitor/libvirt.h"

#include "config/properties.h"
#include "model/model.h"
#include "monitor/issues.h"
#include "monitor/monitor.h"
#include "proto/libvirt_fetch.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/hashmap.h"

#include <libvirt/libvirt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

void ent_libvirt_source_init(struct ent_libvirt_source *s)
{
    memset(s, 0, sizeof *s);
    ent_poll_settings_default(&s->poll);
    ent_cpu_meter_init(&s->cpu);
    ent_libvirt_quiet();
}

void ent_libvirt_source_add(struct ent_libvirt_source *s, const char *specs)
{
    ent_libvirt_nodes_add(&s->nodes, specs);
}

void ent_libvirt_source_release(struct ent_libvirt_source *s)
{
    if (!s)
        return;
    ent_libvirt_nodes_release(&s->nodes);
    ent_cpu_meter_release(&s->cpu);
    memset(s, 0, sizeof *s);
}

static bool is_xen(const char *uri)
{
    return strncasecmp(uri, "xen", 3) == 0 || strncasecmp(uri, "libxl", 5) == 0;
}

/* A VM, unless it is Domain-0 (its memory added to *dom0_mib), not running, or already seen on
 * another node (then pinned where it was seen first, and reported). */
static int add_vm(struct ent_libvirt_source *src, struct ent_monitor_round *r, int node,
                  const char *uri, const struct ent_libvirt_domain *d, int64_t *dom0_mib,
                  struct ent_error *err)
{
    if (strcmp(d->name, "Domain-0") == 0 || (is_xen(uri) && d->id == 0)) {
        *dom0_mib += (int64_t)(d->memory_kib / 1024);
        return 0;
    }
    /* Running, blocked on I/O or paused (a paused domain still holds its memory there). */
    if (d->state != VIR_DOMAIN_RUNNING && d->state != VIR_DOMAIN_BLOCKED &&
        d->state != VIR_DOMAIN_PAUSED)
        return 0;
    int v = ent_monitor_add_vm(r->m, &r->names, r->issues, "libvirt", d->name, node, err);
    if (v == ENT_EEXISTS)
        return 0;
    if (v < 0)
        return v;
    r->m->res[r->mem].demand[v] = (int64_t)((d->memory_kib + 1023) / 1024);
    int64_t use = ent_cpu_meter_read(&src->cpu, d->uuid, (double)d->cpu_time_ns / 1e9,
                                     (int64_t)d->vcpus * src->poll.cpu_share);
    r->m->res[r->cpu].demand[v] = use;
    r->m->vms[v].attrs =
        json_pack("{s:b, s:s, s:i, s:b}", "active", use > src->poll.active_threshold, "uuid",
                  d->uuid, "vcpus", (int)d->vcpus, "paused", d->state == VIR_DOMAIN_PAUSED);
    return 0;
}

/* Node h (fetched from node) into the round, with its VMs. */
static int add_host(struct ent_libvirt_source *src, struct ent_libvirt_node *node,
                    const struct ent_libvirt_host *h, struct ent_monitor_round *r,
                    struct ent_error *err)
{
    if (!node->name)
        node->name = ent_strdup(h->hostname ? h->hostname : node->uri);
    int n = ent_monitor_add_node(r, "libvirt", node->name, err);
    if (n == ENT_EINVALID)
        return 0; /* reported: the node and its domains left out */
    if (n == ENT_EEXISTS)
        return ent_error(err, ENT_EINVALID, "libvirt %s: node %s given twice", node->uri,
                         node->name);
    if (n < 0)
        return n;
    r->m->nodes[n].driver = ent_strdup("libvirt");
    r->m->nodes[n].attrs = json_pack("{s:s, s:s, s:I}", "type", h->type, "uri", node->uri,
                                     "hypervisor_version", (json_int_t)h->version);
    r->m->res[r->cpu].capacity[n] = (int64_t)h->cpus * 100;
    int64_t dom0_mib = 0;
    int rc = 0;
    for (size_t i = 0; i < h->n_domains && !rc; i++)
        rc = add_vm(src, r, n, node->uri, &h->domains[i], &dom0_mib, err);
    int64_t memory = (int64_t)(h->memory_kib / 1024) - dom0_mib; /* Domain-0 is no capacity */
    r->m->res[r->mem].capacity[n] = memory < 0 ? 0 : memory;
    node->last_cpu = r->m->res[r->cpu].capacity[n];
    node->last_memory_mb = r->m->res[r->mem].capacity[n];
    return rc;
}

/* 1 when the node could not be read (lost, in r), else 0 or an error. */
static int read_node(void *source, size_t i, struct ent_monitor_round *r, struct ent_error *err)
{
    struct ent_libvirt_source *src = source;
    struct ent_libvirt_node *node = &src->nodes.items[i];
    struct ent_libvirt_host h;
    struct ent_error why;
    ent_error_init(&why);
    if (ent_libvirt_fetch(node->uri, &node->conn, src->poll.timeout, &h, &why)) {
        /* Never read, it is known by its URI only. */
        int rc =
            ent_monitor_lose_node(r, "libvirt", node->name ? node->name : node->uri, node->name,
                                  "libvirt", node->last_cpu, node->last_memory_mb, why.msg, err);
        if (!rc)
            *err = why;
        return rc ? rc : 1;
    }
    int rc = add_host(src, node, &h, r, err);
    ent_libvirt_host_release(&h);
    return rc;
}

void ent_libvirt_source_configure(struct ent_libvirt_source *s, const struct ent_config *c,
                                  bool endpoints)
{
    ent_poll_settings_read(&s->poll, c);
    if (endpoints)
        ent_libvirt_source_add(s, ent_config_string(c, "monitor.libvirt.uris"));
}

/* Every node. A node that cannot be read is lost this round (offline, reported: failover
 * watches it); when none can be read, monitoring itself is down and the round fails. */
static int libvirt_read(struct ent_monitor *mon, struct ent_monitor_round *r, struct ent_error *err)
{
    struct ent_libvirt_source *src = mon->state;
    return ent_monitor_read_nodes(r, src, src->nodes.len, read_node, err);
}

/* The CPU-time history goes on: the first round after a reload knows what each VM uses. */
static void libvirt_reload(struct ent_monitor *fresh, struct ent_monitor *old)
{
    ent_cpu_meter_swap(&((struct ent_libvirt_source *)fresh->state)->cpu,
                       &((struct ent_libvirt_source *)old->state)->cpu);
}

static void libvirt_settle(struct ent_monitor *mon, bool kept)
{
    ent_cpu_meter_settle(&((struct ent_libvirt_source *)mon->state)->cpu, kept);
}

static int libvirt_open(struct ent_monitor *mon, void *arg, struct ent_error *err)
{
    const struct ent_libvirt_source *src = arg;
    if (!src || !src->nodes.len)
        return ent_error(err, ENT_EINVALID, "the libvirt monitor needs its node URIs");
    mon->state = arg;
    return 0;
}

static void libvirt_close(struct ent_monitor *mon)
{
    ent_libvirt_source_release(mon->state);
    ent_free(mon->state);
}

static int libvirt_configure(struct ent_monitor *mon, const struct ent_config *c,
                             struct ent_error *err)
{
    struct ent_libvirt_source *src = ent_malloc(sizeof *src);
    ent_libvirt_source_init(src);
    ent_libvirt_source_configure(src, c, true);
    if (libvirt_open(mon, src, err)) {
        ent_libvirt_source_release(src);
        ent_free(src);
        return ent_error(err, ENT_EINVALID,
                         "%s: monitor.source = libvirt needs monitor.libvirt.uris", c->path);
    }
    return 0;
}

static void libvirt_describe(const struct ent_monitor *mon, char *buf, size_t size)
{
    const struct ent_libvirt_source *src = mon->state;
    snprintf(buf, size, "libvirt %s%s", src->nodes.items[0].uri, src->nodes.len > 1 ? ", ..." : "");
}

static const char *const libvirt_keys[] = {"monitor.libvirt.uris", NULL};

const struct ent_monitor_ops ent_monitor_libvirt_ops = {
    .name = "libvirt",
    .driver = "libvirt",
    .keys = libvirt_keys,
    .configure = libvirt_configure,
    .open = libvirt_open,
    .read = libvirt_read,
    .settle = libvirt_settle,
    .reload = libvirt_reload,
    .close = libvirt_close,
    .describe = libvirt_describe,
};
