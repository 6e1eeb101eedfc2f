/* xend over HTTP (libcurl), SXP answers (sxp.c), to a model. */
#include "monitor/xend.h"

#include "model/model.h"
#include "monitor/issues.h"
#include "monitor/monitor.h"
#include "monitor/sxp.h"
#include "util/alloc.h"
#include "util/error.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ANSWER (16u << 20)

void ent_xend_source_init(struct ent_xend_source *s)
{
    memset(s, 0, sizeof *s);
    s->timeout = 10;
    s->cpu_share = 100;
    s->active_threshold = 10;
    ent_cpu_meter_init(&s->cpu);
}

void ent_xend_source_add(struct ent_xend_source *s, const char *urls)
{
    char *list = ent_strdup(urls), *save = NULL;
    for (char *u = strtok_r(list, " \t,", &save); u; u = strtok_r(NULL, " \t,", &save)) {
        s->urls = ent_reallocarray(s->urls, s->n_urls + 1, sizeof *s->urls);
        s->urls[s->n_urls++] = ent_strdup(u);
    }
    ent_free(list);
}

void ent_xend_source_release(struct ent_xend_source *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_urls; i++)
        ent_free(s->urls[i]);
    ent_free(s->urls);
    ent_cpu_meter_release(&s->cpu);
    memset(s, 0, sizeof *s);
}

struct answer {
    char *buf;
    size_t len, cap;
    int too_big;
};

static size_t collect(char *data, size_t size, size_t n, void *arg)
{
    struct answer *a = arg;
    size_t more = size * n;
    if (a->len + more > MAX_ANSWER) {
        a->too_big = 1;
        return 0;
    }
    if (a->len + more + 1 > a->cap) {
        a->cap = (a->len + more + 1) * 2;
        a->buf = ent_reallocarray(a->buf, a->cap, 1);
    }
    memcpy(a->buf + a->len, data, more);
    a->len += more;
    a->buf[a->len] = '\0';
    return more;
}

/* GET url+path, parsed as SXP; xend's own error, (xend.err 'message'), is an error too. */
static int get(const struct ent_xend_source *src, const char *url, const char *path,
               struct ent_sxp *out, struct ent_error *err)
{
    char full[2048];
    snprintf(full, sizeof full, "%s%s", url, path);
    struct answer a = {0};
    CURL *c = curl_easy_init();
    if (!c)
        return ent_error(err, ENT_ENOMEM, "xend %s: cannot start libcurl", full);
    curl_easy_setopt(c, CURLOPT_URL, full);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)(src->timeout * 1000));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &a);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    CURLcode cc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    int rc = 0;
    if (a.too_big)
        rc = ent_error(err, ENT_EINVALID, "xend %s: answer larger than 16 MiB", full);
    else if (cc != CURLE_OK)
        rc = ent_error(err, cc == CURLE_OPERATION_TIMEDOUT ? ENT_ETIMEOUT : ENT_EIO, "xend %s: %s",
                       full, curl_easy_strerror(cc));
    else if (!a.buf)
        rc = ent_error(err, ENT_EPARSE, "xend %s: empty answer (HTTP %ld)", full, status);
    else if ((rc = ent_sxp_parse(a.buf, a.len, full, out, err)) == 0) {
        if (!out->atom && out->n >= 2 && out->items[0].atom &&
            strcmp(out->items[0].atom, "xend.err") == 0) {
            rc = ent_error(err, ENT_EDRIVER, "xend %s: %s", full,
                           out->items[1].atom ? out->items[1].atom : "error");
            ent_sxp_release(out);
        } else if (status != 200) {
            rc = ent_error(err, ENT_EIO, "xend %s: HTTP %ld", full, status);
            ent_sxp_release(out);
        }
    } else if (status != 200) { /* not SXP at all: the status says more */
        rc = ent_error(err, ENT_EIO, "xend %s: HTTP %ld", full, status);
    }
    ent_free(a.buf);
    return rc;
}

static int number(const char *s, double *out)
{
    if (!s)
        return -1;
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end)
        return -1;
    *out = v;
    return 0;
}

/* The domains of an answer: a list of (domain ...), or a single one. */
static void domains_of(const struct ent_sxp *x, const struct ent_sxp ***out, size_t *n)
{
    *n = 0;
    *out = ent_malloc((x->n + 1) * sizeof **out);
    if (!x->atom && x->n && x->items[0].atom && strcmp(x->items[0].atom, "domain") == 0) {
        (*out)[(*n)++] = x;
        return;
    }
    for (size_t i = 0; !x->atom && i < x->n; i++) {
        const struct ent_sxp *d = &x->items[i];
        if (!d->atom && d->n && d->items[0].atom && strcmp(d->items[0].atom, "domain") == 0)
            (*out)[(*n)++] = d;
    }
}

struct round {
    struct ent_model *m;
    int cpu, mem;
    json_t *issues;
    struct ent_monitor_names names;
};

static int read_node(struct ent_xend_source *src, const char *url, struct round *r,
                     struct ent_error *err)
{
    struct ent_model *m = r->m;
    int cpu = r->cpu, mem = r->mem;
    struct ent_sxp node = {0}, doms = {0};
    const struct ent_sxp **list = NULL;
    size_t n_list = 0;
    int rc = get(src, url, "/xend/node", &node, err);
    if (!rc)
        rc = get(src, url, "/xend/domain?detail=1", &doms, err);
    double cpus = 0, total = 0;
    const char *host = rc ? NULL : ent_sxp_value(&node, "host");
    if (!rc && (!host || number(ent_sxp_value(&node, "nr_cpus"), &cpus) || cpus < 1 ||
                number(ent_sxp_value(&node, "total_memory"), &total) || total < 0))
        rc = ent_error(err, ENT_EPARSE,
                       "xend %s/xend/node: needs (host ...), (nr_cpus ...) and (total_memory ...)",
                       url);
    if (!rc) {
        int n = ent_monitor_add_node(m, &r->names, host, err);
        if (n == ENT_EEXISTS)
            rc = ent_error(err, ENT_EINVALID, "xend %s: node %s reported twice", url, host);
        else if (n < 0)
            rc = n;
        if (rc)
            goto cleanup;
        m->nodes[n].driver = ent_strdup("xen");
        m->nodes[n].attrs = json_pack("{s:s, s:s}", "type", "xen-3", "xend", url);
        m->res[cpu].capacity[n] = (int64_t)(cpus * 100);
        int64_t memory = (int64_t)total;
        domains_of(&doms, &list, &n_list);
        for (size_t i = 0; i < n_list && !rc; i++) {
            const struct ent_sxp *d = list[i];
            const char *name = ent_sxp_value(d, "name"), *domid = ent_sxp_value(d, "domid");
            double dmem = 0, vcpus = 1, cpu_time = 0;
            number(ent_sxp_value(d, "memory"), &dmem);
            number(ent_sxp_value(d, "vcpus"), &vcpus);
            if (!name)
                continue;
            if (strcmp(name, "Domain-0") == 0 || (domid && strcmp(domid, "0") == 0)) {
                memory -= (int64_t)dmem; /* Domain-0's memory is no capacity for VMs */
                continue;
            }
            int v = ent_monitor_add_vm(m, &r->names, r->issues, "xend", name, n, err);
            if (v == ENT_EEXISTS)
                continue;
            if (v < 0) {
                rc = v;
                break;
            }
            m->res[mem].demand[v] = (int64_t)dmem;
            int64_t use = (int64_t)(vcpus * (double)src->cpu_share);
            if (number(ent_sxp_value(d, "cpu_time"), &cpu_time) == 0)
                use = ent_cpu_meter_read(&src->cpu, name, cpu_time, use);
            m->res[cpu].demand[v] = use < 0 ? 0 : use;
            m->vms[v].attrs = json_pack("{s:b}", "active", use > src->active_threshold);
        }
        m->res[mem].capacity[n] = memory < 0 ? 0 : memory;
    }
cleanup:
    ent_free(list);
    ent_sxp_release(&node);
    ent_sxp_release(&doms);
    return rc;
}

int ent_xend_snapshot(struct ent_xend_source *src, struct ent_model *m, json_t **issues,
                      struct ent_error *err)
{
    struct round r = {.m = m, .issues = json_array()};
    ent_monitor_names_init(&r.names);
    r.cpu = ent_model_add_resource(m, "cpu", 0, 0, err);
    r.mem = ent_model_add_resource(m, "memory", 0, 0, err);
    int rc = r.cpu < 0 || r.mem < 0 ? ENT_EINVALID : 0;
    for (size_t i = 0; i < src->n_urls && !rc; i++)
        rc = read_node(src, src->urls[i], &r, err);
    ent_monitor_names_release(&r.names);
    if (!rc)
        rc = ent_model_validate(m, err);
    if (rc) {
        json_decref(r.issues);
        ent_cpu_meter_discard(&src->cpu);
        return rc;
    }
    ent_cpu_meter_commit(&src->cpu);
    *issues = r.issues;
    return 0;
}

static int xend_open(struct ent_monitor *mon, void *arg, struct ent_error *err)
{
    if (!arg)
        return ent_error(err, ENT_EINVALID, "the xend monitor needs its node URLs");
    mon->state = arg;
    return 0;
}

static int xend_snapshot_op(struct ent_monitor *mon, struct ent_model *out, struct ent_error *err)
{
    json_t *issues = NULL;
    int rc = ent_xend_snapshot(mon->state, out, &issues, err);
    json_decref(issues);
    return rc;
}

const struct ent_monitor_ops ent_monitor_xend_ops = {
    .name = "xend",
    .open = xend_open,
    .snapshot = xend_snapshot_op,
};
