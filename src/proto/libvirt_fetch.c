/* libvirt calls for one node, in a thread the caller waits for at most the timeout. */
#include "proto/libvirt_fetch.h"

#include "util/alloc.h"
#include "util/clock.h"
#include "util/error.h"

#include <errno.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void quiet(void *data, virErrorPtr error)
{
    (void)data;
    (void)error;
}

void ent_libvirt_quiet(void)
{
    virSetErrorFunc(NULL, quiet);
}

void ent_libvirt_host_release(struct ent_libvirt_host *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n_domains; i++)
        ent_free(h->domains[i].name);
    ent_free(h->domains);
    ent_free(h->hostname);
    ent_free(h->type);
    memset(h, 0, sizeof *h);
}

/* One read, shared by the waiting caller and the thread doing it; the last to let go frees. */
struct job {
    char *uri;
    virConnectPtr conn;
    struct ent_libvirt_host host;
    char error[400];
    int failed, done, abandoned;
    pthread_mutex_t lock;
    pthread_cond_t finished;
};

static int fail(struct job *j, const char *what)
{
    const char *msg = virGetLastErrorMessage(); /* per thread: taken here */
    snprintf(j->error, sizeof j->error, "%s: %s", what, msg ? msg : "unknown libvirt error");
    j->failed = 1;
    return -1;
}

/* What Entropy needs of one domain, from its statistics or, where the driver leaves some out
 * (the test driver), from virDomainGetInfo. */
static int read_domain(struct job *j, virDomainStatsRecordPtr rec, struct ent_libvirt_domain *d)
{
    const char *name = virDomainGetName(rec->dom);
    if (!name || virDomainGetUUIDString(rec->dom, d->uuid) < 0)
        return fail(j, "cannot read a domain");
    d->name = ent_strdup(name);
    d->id = (int)virDomainGetID(rec->dom);
    int have = 0; /* bits: state, memory, cpu time, vcpus */
    for (int i = 0; i < rec->nparams; i++) {
        const virTypedParameter *p = &rec->params[i];
        if (strcmp(p->field, "state.state") == 0 && p->type == VIR_TYPED_PARAM_INT) {
            d->state = p->value.i;
            have |= 1;
        } else if (strcmp(p->field, "balloon.current") == 0 && p->type == VIR_TYPED_PARAM_ULLONG) {
            d->memory_kib = p->value.ul;
            have |= 2;
        } else if (strcmp(p->field, "cpu.time") == 0 && p->type == VIR_TYPED_PARAM_ULLONG) {
            d->cpu_time_ns = p->value.ul;
            have |= 4;
        } else if (strcmp(p->field, "vcpu.current") == 0 && p->type == VIR_TYPED_PARAM_UINT) {
            d->vcpus = p->value.ui;
            have |= 8;
        }
    }
    if (have != 15) {
        virDomainInfo info;
        if (virDomainGetInfo(rec->dom, &info) < 0)
            return fail(j, "cannot read a domain");
        d->state = have & 1 ? d->state : info.state;
        d->memory_kib = have & 2 ? d->memory_kib : info.memory;
        d->cpu_time_ns = have & 4 ? d->cpu_time_ns : info.cpuTime;
        d->vcpus = have & 8 ? d->vcpus : info.nrVirtCpu;
    }
    return 0;
}

static int read_host(struct job *j)
{
    if (j->conn && virConnectIsAlive(j->conn) != 1) {
        virConnectClose(j->conn);
        j->conn = NULL;
    }
    if (!j->conn && !(j->conn = virConnectOpenReadOnly(j->uri)))
        return fail(j, "cannot connect");
    virNodeInfo info;
    if (virNodeGetInfo(j->conn, &info) < 0)
        return fail(j, "no node information");
    struct ent_libvirt_host *h = &j->host;
    h->cpus = info.cpus;
    h->memory_kib = info.memory;
    char *hostname = virConnectGetHostname(j->conn);
    h->hostname = hostname ? ent_strdup(hostname) : NULL;
    free(hostname);
    const char *type = virConnectGetType(j->conn);
    h->type = ent_strdup(type ? type : "unknown");
    virConnectGetVersion(j->conn, &h->version);
    virDomainStatsRecordPtr *records = NULL;
    int n = virConnectGetAllDomainStats(j->conn,
                                        VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_BALLOON |
                                            VIR_DOMAIN_STATS_CPU_TOTAL | VIR_DOMAIN_STATS_VCPU,
                                        &records, VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE);
    if (n < 0)
        return fail(j, "no domain statistics");
    h->domains = ent_calloc((size_t)n + 1, sizeof *h->domains);
    int rc = 0;
    for (int i = 0; i < n && !rc; i++, h->n_domains++)
        rc = read_domain(j, records[i], &h->domains[i]);
    virDomainStatsRecordListFree(records);
    return rc;
}

static void job_free(struct job *j)
{
    if (j->conn)
        virConnectClose(j->conn);
    ent_libvirt_host_release(&j->host);
    pthread_mutex_destroy(&j->lock);
    pthread_cond_destroy(&j->finished);
    ent_free(j->uri);
    ent_free(j);
}

static void *run_job(void *arg)
{
    struct job *j = arg;
    read_host(j);
    pthread_mutex_lock(&j->lock);
    j->done = 1;
    int abandoned = j->abandoned;
    pthread_cond_signal(&j->finished);
    pthread_mutex_unlock(&j->lock);
    if (abandoned)
        job_free(j);
    return NULL;
}

int ent_libvirt_fetch(const char *uri, void **conn, double timeout, struct ent_libvirt_host *out,
                      struct ent_error *err)
{
    memset(out, 0, sizeof *out);
    struct job *j = ent_calloc(1, sizeof *j);
    j->uri = ent_strdup(uri);
    j->conn = *conn;
    *conn = NULL;
    pthread_mutex_init(&j->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&j->finished, &attr);
    pthread_condattr_destroy(&attr);
    pthread_t thread;
    if (pthread_create(&thread, NULL, run_job, j)) {
        job_free(j);
        return ent_error(err, ENT_EIO, "libvirt %s: cannot start a thread", uri);
    }
    struct timespec deadline = ent_timespec_in(CLOCK_MONOTONIC, timeout);
    pthread_mutex_lock(&j->lock);
    while (!j->done && pthread_cond_timedwait(&j->finished, &j->lock, &deadline) != ETIMEDOUT)
        ;
    if (!j->done) {
        j->abandoned = 1; /* the thread frees the job whenever libvirt lets it go */
        pthread_mutex_unlock(&j->lock);
        pthread_detach(thread);
        return ent_error(err, ENT_EIO, "libvirt %s: no answer within %g s", uri, timeout);
    }
    pthread_mutex_unlock(&j->lock);
    pthread_join(thread, NULL);
    int rc = 0;
    if (j->failed) {
        rc = ent_error(err, ENT_EIO, "libvirt %s: %s", uri, j->error);
        ent_libvirt_host_release(&j->host);
    } else {
        *out = j->host;
        memset(&j->host, 0, sizeof j->host);
    }
    *conn = j->conn; /* kept for the next round, even after an error: IsAlive decides then */
    j->conn = NULL;
    job_free(j);
    return rc;
}
