/* entropy monitor: what Entropy sees of the cluster, so that an administrator can check it. */
#include "cli/cli.h"
#include "config/properties.h"
#include "model/btrplace.h"
#include "model/json_file.h"
#include "model/model.h"
#include "monitor/ganglia.h"
#include "monitor/ganglia_xml.h"
#include "monitor/libvirt.h"
#include "monitor/monitor.h"
#include "monitor/xend.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The snapshot as administrators read it: nodes with their VMs, VMs with their demands. */
static json_t *snapshot_json(const struct ent_model *m, const char *source, json_t *issues)
{
    int cpu = ent_model_resource_index(m, "cpu"), mem = ent_model_resource_index(m, "memory");
    json_t *nodes = json_array(), *vms = json_array();
    json_t *by_node = ent_model_vms_by_node(m);
    for (size_t n = 0; n < m->n_nodes; n++) {
        json_t *list = json_incref(json_array_get(by_node, n));
        json_t *a = m->nodes[n].attrs;
        json_array_append_new(nodes, json_pack("{s:s, s:O?, s:s?, s:O?, s:I, s:I, s:s?, s:o}",
                                               "name", m->nodes[n].name, "type",
                                               a ? json_object_get(a, "type") : NULL, "driver",
                                               m->nodes[n].driver, "ip",
                                               a ? json_object_get(a, "ip") : NULL, "memory_mb",
                                               (json_int_t)m->res[mem].capacity[n], "cpu",
                                               (json_int_t)m->res[cpu].capacity[n], "enclosure",
                                               m->nodes[n].enclosure, "vms", list));
    }
    for (size_t v = 0; v < m->n_vms; v++) {
        json_t *a = m->vms[v].attrs;
        int32_t host = m->map.vm_host[v];
        json_t *vm =
            json_pack("{s:s, s:s?, s:s, s:I, s:I, s:O?, s:O?, s:O?}", "name", m->vms[v].name,
                      "node", host >= 0 ? m->nodes[host].name : NULL, "state",
                      ent_vm_state_name((enum ent_vm_state)m->map.vm_state[v]), "memory_mb",
                      (json_int_t)m->res[mem].demand[v], "cpu", (json_int_t)m->res[cpu].demand[v],
                      "active", a ? json_object_get(a, "active") : NULL, "reported",
                      a ? json_object_get(a, "reported") : NULL, "sized_by",
                      a ? json_object_get(a, "sized_by") : NULL);
        /* What its definition says (vm.definitions). */
        static const char *const from_definition[] = {ENT_VM_ATTR_DEFINITION, ENT_VM_ATTR_AUTOSTART,
                                                      ENT_VM_ATTR_PRIORITY, ENT_VM_ATTR_LOCAL_DISK,
                                                      NULL};
        for (size_t k = 0; a && from_definition[k]; k++)
            if (json_object_get(a, from_definition[k]))
                json_object_set(vm, from_definition[k], json_object_get(a, from_definition[k]));
        json_array_append_new(vms, vm);
    }
    json_decref(by_node);
    return json_pack("{s:s, s:o, s:o, s:O}", "source", source, "nodes", nodes, "vms", vms, "issues",
                     issues);
}

static const struct option longopts[] = {{"ganglia", required_argument, NULL, 'g'},
                                         {"ganglia-file", required_argument, NULL, 'f'},
                                         {"query", required_argument, NULL, 'q'},
                                         {"timeout", required_argument, NULL, 't'},
                                         {"btrplace", no_argument, NULL, 'b'},
                                         {"dom0-mb", required_argument, NULL, 'd'},
                                         {"vm-memory", required_argument, NULL, 'm'},
                                         {"vm-cpu", required_argument, NULL, 'c'},
                                         {"active-threshold", required_argument, NULL, 'a'},
                                         {"xend", required_argument, NULL, 'x'},
                                         {"libvirt", required_argument, NULL, 'l'},
                                         {"sample", required_argument, NULL, 's'},
                                         {"config", required_argument, NULL, 'C'},
                                         {NULL, 0, NULL, 0}};

/* The sources' settings: the configuration file's, then the options'. */
struct monitor_args {
    struct ent_ganglia_source ganglia;
    struct ent_xend_source xend;
    struct ent_libvirt_source lv;
    struct ent_config config;
    const char *config_path;
    bool source_option; /* a source given as an option replaces the file's */
    char host[256];
    double sample;
    int btrplace;
};

static void args_init(struct monitor_args *a)
{
    memset(a, 0, sizeof *a);
    ent_ganglia_source_default(&a->ganglia);
    ent_xend_source_init(&a->xend);
    ent_libvirt_source_init(&a->lv);
    ent_config_init(&a->config);
}

static void args_release(struct monitor_args *a)
{
    ent_ganglia_source_release(&a->ganglia);
    ent_xend_source_release(&a->xend);
    ent_libvirt_source_release(&a->lv);
    ent_config_release(&a->config);
}

/* --config first, whatever its place: the options given with it override it. */
static int read_config(struct monitor_args *a, int argc, char **argv)
{
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        a->source_option |= c == 'g' || c == 'f' || c == 'x' || c == 'l';
        if (c == 'C')
            a->config_path = optarg;
    }
    opterr = 1;
    if (!a->config_path)
        return 0;
    struct ent_error err;
    ent_error_init(&err);
    if (ent_config_load(&a->config, a->config_path, &err))
        return ent_cli_fail("monitor", "%s", err.msg);
    bool endpoints = !a->source_option;
    const char *source = ent_config_string(&a->config, "monitor.source");
    ent_ganglia_source_configure(&a->ganglia, &a->config,
                                 endpoints && strcmp(source, "ganglia") == 0);
    ent_xend_source_configure(&a->xend, &a->config, endpoints && strcmp(source, "xend") == 0);
    ent_libvirt_source_configure(&a->lv, &a->config, endpoints && strcmp(source, "libvirt") == 0);
    return 0;
}

static int ganglia_option(struct monitor_args *a, const char *arg)
{
    const char *colon = strrchr(arg, ':');
    size_t len = colon ? (size_t)(colon - arg) : strlen(arg);
    if (len == 0 || len >= sizeof a->host)
        return ent_cli_fail("monitor", "--ganglia: \"%s\" is not HOST[:PORT]", arg);
    memcpy(a->host, arg, len);
    a->host[len] = '\0';
    a->ganglia.host = a->host;
    double num;
    if (colon &&
        ent_cli_key_number("monitor", "--ganglia", "monitor.ganglia.port", colon + 1, &num))
        return ENT_EXIT_INPUT;
    if (colon)
        a->ganglia.port = (int)num;
    return 0;
}

/* A number option into an int64_t setting, within its configuration key's range. */
static int key_option(const char *opt, const char *key, const char *arg, int64_t *out)
{
    double num;
    if (ent_cli_key_number("monitor", opt, key, arg, &num))
        return ENT_EXIT_INPUT;
    *out = (int64_t)num;
    return 0;
}

static int parse_option(struct monitor_args *a, int c)
{
    struct ent_ganglia_options *o = &a->ganglia.opts;
    switch (c) {
    case 'C':
        return 0;
    case 'g':
        return ganglia_option(a, optarg);
    case 'f':
        a->ganglia.file = optarg;
        return 0;
    case 'q':
        a->ganglia.query = optarg;
        return 0;
    case 't':
        return ent_cli_key_number("monitor", "--timeout", "monitor.timeout", optarg,
                                  &a->ganglia.timeout)
                   ? ENT_EXIT_INPUT
                   : 0;
    case 'b':
        a->btrplace = 1;
        return 0;
    case 'd':
        return key_option("--dom0-mb", "monitor.dom0_memory_mb", optarg, &o->dom0_memory_mb);
    case 'm':
        return key_option("--vm-memory", "monitor.vm_memory_mb", optarg, &o->vm_memory_mb);
    case 'c':
        return key_option("--vm-cpu", "monitor.vm_cpu", optarg, &o->vm_cpu);
    case 'a':
        return key_option("--active-threshold", "monitor.active_threshold", optarg,
                          &o->active_threshold);
    case 'x':
        ent_xend_source_add(&a->xend, optarg);
        return 0;
    case 'l':
        ent_libvirt_source_add(&a->lv, optarg);
        return 0;
    case 's':
        return ent_cli_number("monitor", "--sample", optarg, 0, 3600, &a->sample) ? ENT_EXIT_INPUT
                                                                                  : 0;
    default:
        return ent_cli_fail("monitor", "bad option (see entropy monitor --help)");
    }
}

/* The source chosen and its settings, the common ones handed to every source. */
static const char *chosen(struct monitor_args *a, void **arg)
{
    struct ent_ganglia_options *o = &a->ganglia.opts;
    a->xend.poll = a->lv.poll = (struct ent_poll_settings){.timeout = a->ganglia.timeout,
                                                           .cpu_share = o->vm_cpu,
                                                           .active_threshold = o->active_threshold};
    *arg = NULL;
    if (a->lv.nodes.len)
        return *arg = &a->lv, "libvirt";
    if (a->xend.n_urls)
        return *arg = &a->xend, "xend";
    bool from_file = a->config_path && !a->source_option &&
                     strcmp(ent_config_string(&a->config, "monitor.source"), "ganglia") == 0;
    if (a->host[0] || a->ganglia.file || from_file)
        return *arg = &a->ganglia, "ganglia";
    return NULL;
}

/* One snapshot into m; with --sample (CPU use is a cpu.time delta) a first one SECONDS before. */
static int take(struct ent_monitor *mon, double sample, struct ent_model *m, struct ent_error *err)
{
    if (sample > 0) {
        int rc = ent_monitor_snapshot(mon, m, err);
        ent_model_release(m);
        ent_model_init(m);
        if (rc)
            return rc;
        ent_sleep(sample);
    }
    return ent_monitor_snapshot(mon, m, err);
}

static int print_snapshot(struct monitor_args *a, const char *name, void *arg)
{
    struct ent_error err;
    ent_error_init(&err);
    ent_log_open(NULL, ENT_LOG_ERROR, &err); /* issues go into the JSON, not to stderr twice */
    struct ent_monitor mon;
    struct ent_model m;
    ent_model_init(&m);
    int status = ENT_EXIT_INPUT;
    int rc = ent_monitor_open(&mon, name, arg, &err);
    if (!rc && a->config_path) { /* the file's reserve, enclosures and definitions, as the
                                    daemon applies them */
        mon.memory_reserve_mb = (int64_t)ent_config_number(&a->config, "monitor.memory_reserve_mb");
        rc = ent_enclosures_configure(&mon.enclosures, &a->config, &err);
        ent_definitions_input_configure(&mon.definitions, &a->config);
    }
    if (!rc)
        rc = take(&mon, strcmp(name, "libvirt") == 0 ? a->sample : 0, &m, &err);
    if (rc) {
        fprintf(stderr, "entropy monitor: %s\n", err.msg);
    } else {
        char source[300];
        ent_monitor_describe(&mon, source, sizeof source);
        json_t *doc =
            a->btrplace ? ent_btrplace_instance_json(&m) : snapshot_json(&m, source, mon.issues);
        status = ent_json_save_file(doc, "-", &err) ? ENT_EXIT_INPUT : ENT_EXIT_OK;
        json_decref(doc);
    }
    ent_monitor_close(&mon);
    ent_model_release(&m);
    return status;
}

int ent_cmd_monitor(int argc, char **argv)
{
    struct monitor_args a;
    args_init(&a);
    int rc = read_config(&a, argc, argv), c;
    optind = 1;
    while (!rc && (c = getopt_long(argc, argv, "", longopts, NULL)) != -1)
        rc = parse_option(&a, c);
    void *arg;
    const char *name = rc ? NULL : chosen(&a, &arg);
    if (!rc && (optind != argc || !name))
        rc = ent_cli_fail("monitor", "expects --ganglia HOST[:PORT], --ganglia-file FILE, "
                                     "--xend URL, --libvirt URI or --config FILE naming a source");
    if (!rc)
        rc = print_snapshot(&a, name, arg);
    args_release(&a);
    return rc;
}
