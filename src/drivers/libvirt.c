/* The libvirt driver. Connections (read-write) are opened on first use and kept; libvirt's
 * connections are thread-safe, the cache is under a lock. */
#include "drivers/libvirt.h"

#include "config/properties.h"
#include "drivers/driver.h"
#include "model/definition.h"
#include "proto/libvirt_fetch.h"
#include "proto/libvirt_nodes.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct lv_node {
    char *name, *uri, *migrate_uri;
    virConnectPtr conn;
};

struct lv_driver {
    struct lv_node *nodes;
    size_t n;
    pthread_mutex_t lock;
};

static struct lv_node *find(struct lv_driver *d, const char *name)
{
    for (size_t i = 0; name && i < d->n; i++)
        if (strcmp(d->nodes[i].name, name) == 0)
            return &d->nodes[i];
    return NULL;
}

static void lv_close(struct ent_driver *drv)
{
    struct lv_driver *d = drv->state;
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++) {
        if (d->nodes[i].conn)
            virConnectClose(d->nodes[i].conn);
        ent_free(d->nodes[i].name);
        ent_free(d->nodes[i].uri);
        ent_free(d->nodes[i].migrate_uri);
    }
    ent_free(d->nodes);
    pthread_mutex_destroy(&d->lock);
    ent_free(d);
    drv->state = NULL;
}

static int lv_open(struct ent_driver *drv, void *arg, struct ent_error *err)
{
    const struct ent_libvirt_driver_config *conf = arg;
    if (!conf || !conf->nodes)
        return ent_error(err, ENT_EINVALID, "the libvirt driver needs its nodes' URIs");
    ent_libvirt_quiet();
    struct lv_driver *d = ent_calloc(1, sizeof *d);
    pthread_mutex_init(&d->lock, NULL);
    drv->state = d;
    /* The nodes named as the libvirt monitor names them (proto/libvirt_nodes.c): NAME=URI, else the
     * URI's host, else the host's own name as libvirt gives it. */
    struct ent_libvirt_nodes spec = {0};
    ent_libvirt_nodes_add(&spec, conf->nodes);
    d->nodes = ent_calloc(spec.len + 1, sizeof *d->nodes);
    for (size_t i = 0; i < spec.len; i++, d->n++) {
        struct lv_node *n = &d->nodes[i];
        n->uri = ent_strdup(spec.items[i].uri);
        if (spec.items[i].name) {
            n->name = ent_strdup(spec.items[i].name);
            continue;
        }
        n->conn = virConnectOpen(n->uri);
        char *host = n->conn ? virConnectGetHostname(n->conn) : NULL;
        n->name = ent_strdup(host ? host : n->uri);
        free(host);
    }
    ent_libvirt_nodes_release(&spec);
    char *list, *save = NULL;
    if (conf->migrate_uris) {
        list = ent_strdup(conf->migrate_uris);
        for (char *s = strtok_r(list, " \t", &save); s; s = strtok_r(NULL, " \t", &save)) {
            char *eq = strchr(s, '=');
            struct lv_node *n = NULL;
            if (eq) {
                *eq = '\0';
                n = find(d, s);
            }
            if (!n) {
                ent_error(err, ENT_EINVALID,
                          "libvirt driver: migration URI \"%s\" is not NAME=URI of a known node",
                          s);
                ent_free(list);
                lv_close(drv);
                return ENT_EINVALID;
            }
            ent_free(n->migrate_uri);
            n->migrate_uri = ent_strdup(eq + 1);
        }
        ent_free(list);
    }
    if (!d->n) {
        lv_close(drv);
        return ent_error(err, ENT_EINVALID, "the libvirt driver has no node URI");
    }
    return 0;
}

static int lv_fail(struct ent_error *err, const char *what, const char *detail)
{
    const char *msg = virGetLastErrorMessage();
    return ent_error(err, ENT_EDRIVER, "%s%s%s: %s", what, detail ? " " : "", detail ? detail : "",
                     msg ? msg : "unknown libvirt error");
}

static virConnectPtr conn_of(struct lv_driver *d, const char *node, struct ent_error *err)
{
    struct lv_node *n = find(d, node);
    if (!n) {
        ent_error(err, ENT_ENOTFOUND, "libvirt driver: no URI for node %s", node ? node : "-");
        return NULL;
    }
    pthread_mutex_lock(&d->lock);
    if (n->conn && virConnectIsAlive(n->conn) != 1) {
        virConnectClose(n->conn);
        n->conn = NULL;
    }
    if (!n->conn)
        n->conn = virConnectOpen(n->uri);
    virConnectPtr c = n->conn;
    if (c)
        virConnectRef(c);
    pthread_mutex_unlock(&d->lock);
    if (!c)
        lv_fail(err, "cannot connect to", n->uri);
    return c;
}

static virDomainPtr domain_on(struct lv_driver *d, const char *node, const char *vm,
                              virConnectPtr *conn, struct ent_error *err)
{
    *conn = conn_of(d, node, err);
    if (!*conn)
        return NULL;
    virDomainPtr dom = virDomainLookupByName(*conn, vm);
    if (!dom) {
        lv_fail(err, "no domain", vm);
        ent_error_prefix(err, "on %s", node);
        virConnectClose(*conn);
        *conn = NULL;
    }
    return dom;
}

struct watchdog {
    virDomainPtr dom;
    struct ent_migration *mig;
    double timeout;
    int over, aborted;
    pthread_mutex_t lock;
    pthread_cond_t done;
};

/* Follows the job: progress five times a second, abort at the timeout. */
static void *watch(void *arg)
{
    struct watchdog *w = arg;
    double start = ent_now();
    pthread_mutex_lock(&w->lock);
    while (!w->over) {
        pthread_mutex_unlock(&w->lock);
        virDomainJobInfo info;
        if (virDomainGetJobInfo(w->dom, &info) == 0 && info.type != VIR_DOMAIN_JOB_NONE) {
            w->mig->progress_bytes = (int64_t)info.dataProcessed;
            w->mig->progress_remaining = (int64_t)info.dataRemaining;
        }
        if (w->timeout > 0 && ent_now() - start > w->timeout && !w->aborted) {
            w->aborted = 1;
            virDomainAbortJob(w->dom);
        }
        pthread_mutex_lock(&w->lock);
        if (!w->over) {
            struct timespec ts = ent_timespec_in(CLOCK_REALTIME, 0.2);
            pthread_cond_timedwait(&w->done, &w->lock, &ts);
        }
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

static void figures(struct lv_driver *d, struct ent_migration *mig)
{
    virConnectPtr conn;
    virDomainPtr dom = domain_on(d, mig->to, mig->vm, &conn, NULL);
    if (!dom)
        return;
    int type;
    virTypedParameterPtr params = NULL;
    int n = 0;
    if (virDomainGetJobStats(dom, &type, &params, &n, VIR_DOMAIN_JOB_STATS_COMPLETED) == 0) {
        unsigned long long v;
        if (virTypedParamsGetULLong(params, n, VIR_DOMAIN_JOB_TIME_ELAPSED, &v) == 1)
            mig->seconds = (double)v / 1000.0;
        if (virTypedParamsGetULLong(params, n, VIR_DOMAIN_JOB_DOWNTIME, &v) == 1)
            mig->downtime = (double)v / 1000.0;
        if (virTypedParamsGetULLong(params, n, VIR_DOMAIN_JOB_DATA_PROCESSED, &v) == 1)
            mig->bytes = (int64_t)v;
        if (virTypedParamsGetULLong(params, n, VIR_DOMAIN_JOB_MEMORY_DIRTY_RATE, &v) == 1) {
            unsigned long long page = 4096;
            virTypedParamsGetULLong(params, n, VIR_DOMAIN_JOB_MEMORY_PAGE_SIZE, &page);
            mig->dirty_rate = (double)v * (double)page / 1e6;
        }
        virTypedParamsFree(params, n);
    }
    virDomainFree(dom);
    virConnectClose(conn);
}

static int lv_perform(struct ent_driver *drv, struct ent_migration *mig, struct ent_error *err)
{
    struct lv_driver *d = drv->state;
    struct lv_node *to = find(d, mig->to);
    if (!to)
        return ent_error(err, ENT_ENOTFOUND, "libvirt driver: no URI for node %s", mig->to);
    virConnectPtr conn;
    virDomainPtr dom = domain_on(d, mig->from, mig->vm, &conn, err);
    if (!dom)
        return ENT_EDRIVER;
    if (mig->max_downtime > 0 &&
        virDomainMigrateSetMaxDowntime(dom, (unsigned long long)(mig->max_downtime * 1000), 0))
        ent_warn("libvirt: %s: max downtime not set: %s", mig->vm, virGetLastErrorMessage());
    virTypedParameterPtr params = NULL;
    int n = 0, max = 0;
    if (mig->bandwidth > 0) /* MiB/s */
        virTypedParamsAddULLong(&params, &n, &max, VIR_MIGRATE_PARAM_BANDWIDTH,
                                (unsigned long long)(mig->bandwidth * 1e6 / 1048576.0 + 0.5));
    struct watchdog w = {.dom = dom, .mig = mig, .timeout = mig->timeout};
    pthread_mutex_init(&w.lock, NULL);
    pthread_cond_init(&w.done, NULL);
    pthread_t thread;
    int watching = pthread_create(&thread, NULL, watch, &w) == 0;
    double t0 = ent_now();
    const char *dest = to->migrate_uri ? to->migrate_uri : to->uri;
    int rc = virDomainMigrateToURI3(dom, dest, params, (unsigned)n,
                                    VIR_MIGRATE_LIVE | VIR_MIGRATE_PEER2PEER |
                                        VIR_MIGRATE_PERSIST_DEST | VIR_MIGRATE_UNDEFINE_SOURCE);
    int failed = rc != 0;
    if (failed)
        lv_fail(err, "virDomainMigrateToURI3 to", dest);
    pthread_mutex_lock(&w.lock);
    w.over = 1;
    pthread_cond_signal(&w.done);
    pthread_mutex_unlock(&w.lock);
    if (watching)
        pthread_join(thread, NULL);
    pthread_cond_destroy(&w.done);
    pthread_mutex_destroy(&w.lock);
    if (failed && w.aborted)
        ent_error(err, ENT_ETIMEOUT, "aborted after %.1f s (timeout)", mig->timeout);
    virTypedParamsFree(params, n);
    virDomainFree(dom);
    virConnectClose(conn);
    if (failed)
        return err ? err->code : ENT_EDRIVER;
    mig->seconds = ent_now() - t0;
    mig->downtime = -1;
    figures(d, mig);
    return 0;
}

static int dom_op(struct ent_driver *drv, const char *vm, const char *node, int (*op)(virDomainPtr),
                  const char *what, struct ent_error *err)
{
    virConnectPtr conn;
    virDomainPtr dom = domain_on(drv->state, node, vm, &conn, err);
    if (!dom)
        return ENT_EDRIVER;
    int rc = op(dom) ? lv_fail(err, what, vm) : 0;
    virDomainFree(dom);
    virConnectClose(conn);
    return rc;
}

static int managed_save(virDomainPtr dom)
{
    return virDomainManagedSave(dom, 0);
}

static int lv_boot(struct ent_driver *drv, const char *vm, const char *node, struct ent_error *err)
{
    return dom_op(drv, vm, node, virDomainCreate, "virDomainCreate", err);
}

/* Defines the domain from its XML on node (or updates its definition there) and starts it. A
 * domain of that name active on any node the driver reaches is left alone: never twice. */
static int lv_create(struct ent_driver *drv, const struct ent_vm_definition *def, const char *node,
                     struct ent_error *err)
{
    struct lv_driver *d = drv->state;
    if (def->format != ENT_DEFINITION_LIBVIRT || !def->xml)
        return ent_error(err, ENT_EUNSUPPORTED,
                         "%s: libvirt creates domains from domain XML, not from a %s file",
                         def->path, ent_definition_format_name(def->format));
    for (size_t i = 0; i < d->n; i++) {
        virConnectPtr other = NULL;
        virDomainPtr there =
            d->nodes[i].name ? domain_on(d, d->nodes[i].name, def->name, &other, NULL) : NULL;
        int active = there ? virDomainIsActive(there) : 0;
        if (there)
            virDomainFree(there);
        if (other)
            virConnectClose(other);
        if (active == 1)
            return ent_error(err, ENT_EEXISTS, "VM %s already runs on %s", def->name,
                             d->nodes[i].name);
    }
    virConnectPtr conn = conn_of(d, node, err);
    if (!conn)
        return err->code;
    int rc = 0;
    virDomainPtr dom = virDomainDefineXML(conn, def->xml);
    if (!dom || virDomainCreate(dom) < 0) {
        rc = lv_fail(err, dom ? "virDomainCreate" : "virDomainDefineXML", def->name);
        ent_error_prefix(err, "on %s", node);
    }
    if (dom)
        virDomainFree(dom);
    virConnectClose(conn);
    return rc;
}

static int lv_shutdown(struct ent_driver *drv, const char *vm, const char *node,
                       struct ent_error *err)
{
    return dom_op(drv, vm, node, virDomainShutdown, "virDomainShutdown", err);
}

static int lv_pause(struct ent_driver *drv, const char *vm, const char *node, struct ent_error *err)
{
    return dom_op(drv, vm, node, virDomainSuspend, "virDomainSuspend", err);
}

static int lv_suspend(struct ent_driver *drv, const char *vm, const char *node,
                      struct ent_error *err)
{
    return dom_op(drv, vm, node, managed_save, "virDomainManagedSave", err);
}

static int lv_locate(struct ent_driver *drv, const char *vm, const char *from, const char *to,
                     struct ent_vm_place *out, struct ent_error *err)
{
    static const char *const states[] = {"nostate",  "running", "blocked", "paused",
                                         "shutdown", "shutoff", "crashed", "pmsuspended"};
    memset(out, 0, sizeof *out);
    const char *nodes[2] = {from, to};
    for (int i = 0; i < 2; i++) {
        virConnectPtr conn;
        virDomainPtr dom = nodes[i] ? domain_on(drv->state, nodes[i], vm, &conn, NULL) : NULL;
        if (!dom)
            continue;
        int state = 0, reason = 0;
        int active = virDomainGetState(dom, &state, &reason, 0) == 0 && state != VIR_DOMAIN_SHUTOFF;
        if (active && !out->copies++) {
            snprintf(out->node, sizeof out->node, "%s", nodes[i]);
            snprintf(out->state, sizeof out->state, "%s",
                     state >= 0 && state < 8 ? states[state] : "unknown");
        }
        virDomainFree(dom);
        virConnectClose(conn);
    }
    if (!out->copies)
        snprintf(out->state, sizeof out->state, "active on neither node");
    (void)err;
    return 0;
}

static bool lv_configured(const struct ent_config *c, const struct ent_monitor *mon)
{
    return *ent_config_string_or(c, "driver.libvirt.uris", "monitor.libvirt.uris");
}

static int lv_configure(struct ent_driver *drv, const struct ent_config *c,
                        const struct ent_monitor *mon, struct ent_error *err)
{
    if (!lv_configured(c, mon))
        return ent_error(err, ENT_EINVALID, "%s: the libvirt driver needs driver.libvirt.uris",
                         c->path);
    const char *migrate = ent_config_string(c, "driver.libvirt.migrate_uris");
    struct ent_libvirt_driver_config conf = {
        .nodes = ent_config_string_or(c, "driver.libvirt.uris", "monitor.libvirt.uris"),
        .migrate_uris = *migrate ? migrate : NULL};
    return lv_open(drv, &conf, err);
}

static const char *const lv_keys[] = {"driver.libvirt.uris", "driver.libvirt.migrate_uris", NULL};
static const char *const lv_aliases[] = {"kvm", "qemu", NULL};

const struct ent_driver_ops ent_driver_libvirt_ops = {
    .keys = lv_keys,
    .aliases = lv_aliases,
    .configured = lv_configured,
    .configure = lv_configure,
    .name = "libvirt",
    .open = lv_open,
    .close = lv_close,
    .migrate_perform = lv_perform,
    .boot_vm = lv_boot,
    .create_vm = lv_create,
    .shutdown_vm = lv_shutdown,
    .suspend_vm = lv_suspend,
    .pause_vm = lv_pause,
    .resume_vm = lv_boot,
    .locate_vm = lv_locate,
};
