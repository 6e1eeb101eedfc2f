/* entropy monitor: what Entropy sees of the cluster, so that an administrator can check it. */
#include "cli/cli.h"
#include "config/properties.h"
#include "model/btrplace.h"
#include "model/json_file.h"
#include "model/model.h"
#include "monitor/ganglia.h"
#include "monitor/ganglia_xml.h"
#include "monitor/libvirt.h"
#include "monitor/sources.h"
#include "monitor/xend.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"

#include <getopt.h>
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
        json_array_append_new(
            nodes, json_pack("{s:s, s:O?, s:s?, s:O?, s:I, s:I, s:o}", "name", m->nodes[n].name,
                             "type", a ? json_object_get(a, "type") : NULL, "driver",
                             m->nodes[n].driver, "ip", a ? json_object_get(a, "ip") : NULL,
                             "memory_mb", (json_int_t)m->res[mem].capacity[n], "cpu",
                             (json_int_t)m->res[cpu].capacity[n], "vms", list));
    }
    for (size_t v = 0; v < m->n_vms; v++) {
        json_t *a = m->vms[v].attrs;
        json_array_append_new(vms,
                              json_pack("{s:s, s:s, s:I, s:I, s:O?, s:O?}", "name", m->vms[v].name,
                                        "node", m->nodes[m->map.vm_host[v]].name, "memory_mb",
                                        (json_int_t)m->res[mem].demand[v], "cpu",
                                        (json_int_t)m->res[cpu].demand[v], "active",
                                        a ? json_object_get(a, "active") : NULL, "reported",
                                        a ? json_object_get(a, "reported") : NULL));
    }
    json_decref(by_node);
    return json_pack("{s:s, s:o, s:o, s:O}", "source", source, "nodes", nodes, "vms", vms, "issues",
                     issues);
}

int ent_cmd_monitor(int argc, char **argv)
{
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
    struct ent_ganglia_source src;
    ent_ganglia_source_default(&src);
    struct ent_xend_source xend;
    ent_xend_source_init(&xend);
    struct ent_libvirt_source lv;
    ent_libvirt_source_init(&lv);
    double sample = 0;
    char host[256] = "";
    int btrplace = 0, c;
    double num;
    /* --config first, whatever its place: the options given with it override it, and a source
     * given as an option replaces the file's. */
    struct ent_config config;
    ent_config_init(&config);
    int source_option = 0;
    const char *config_path = NULL;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        source_option |= c == 'g' || c == 'f' || c == 'x' || c == 'l';
        if (c == 'C')
            config_path = optarg;
    }
    opterr = 1;
    if (config_path) {
        struct ent_error cerr;
        ent_error_init(&cerr);
        if (ent_config_load(&config, config_path, &cerr)) {
            ent_config_release(&config);
            ent_xend_source_release(&xend);
            ent_libvirt_source_release(&lv);
            return ent_cli_fail("monitor", "%s", cerr.msg);
        }
        ent_monitor_apply_config(&config, !source_option, &src, &xend, &lv);
    }
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'C':
            break;
        case 'g': {
            const char *colon = strrchr(optarg, ':');
            size_t len = colon ? (size_t)(colon - optarg) : strlen(optarg);
            if (len == 0 || len >= sizeof host)
                return ent_cli_fail("monitor", "--ganglia: \"%s\" is not HOST[:PORT]", optarg);
            memcpy(host, optarg, len);
            host[len] = '\0';
            src.host = host;
            if (colon && ent_cli_key_number("monitor", "--ganglia port", "monitor.ganglia.port",
                                            colon + 1, &num))
                return ENT_EXIT_INPUT;
            if (colon)
                src.port = (int)num;
            break;
        }
        case 'f':
            src.file = optarg;
            break;
        case 'q':
            src.query = optarg;
            break;
        case 't':
            if (ent_cli_key_number("monitor", "--timeout", "monitor.timeout", optarg, &src.timeout))
                return ENT_EXIT_INPUT;
            break;
        case 'b':
            btrplace = 1;
            break;
        case 'd':
            if (ent_cli_key_number("monitor", "--dom0-mb", "monitor.dom0_memory_mb", optarg, &num))
                return ENT_EXIT_INPUT;
            src.opts.dom0_memory_mb = (int64_t)num;
            break;
        case 'm':
            if (ent_cli_key_number("monitor", "--vm-memory", "monitor.vm_memory_mb", optarg, &num))
                return ENT_EXIT_INPUT;
            src.opts.vm_memory_mb = (int64_t)num;
            break;
        case 'c':
            if (ent_cli_key_number("monitor", "--vm-cpu", "monitor.vm_cpu", optarg, &num))
                return ENT_EXIT_INPUT;
            src.opts.vm_cpu = (int64_t)num;
            break;
        case 'a':
            if (ent_cli_key_number("monitor", "--active-threshold", "monitor.active_threshold",
                                   optarg, &num))
                return ENT_EXIT_INPUT;
            src.opts.active_threshold = (int64_t)num;
            break;
        case 'x':
            ent_xend_source_add(&xend, optarg);
            break;
        case 'l':
            ent_libvirt_source_add(&lv, optarg);
            break;
        case 's':
            if (ent_cli_number("monitor", "--sample", optarg, 0, 3600, &sample))
                return ENT_EXIT_INPUT;
            break;
        default:
            return ent_cli_fail("monitor", "bad option (see entropy monitor --help)");
        }
    }
    int chosen = host[0] || src.file || xend.n_urls || lv.nodes.len ||
                 (config_path && !source_option &&
                  strcmp(ent_config_string(&config, "monitor.source"), "ganglia") == 0);
    if (optind != argc || !chosen) {
        ent_config_release(&config);
        ent_xend_source_release(&xend);
        ent_libvirt_source_release(&lv);
        return ent_cli_fail("monitor",
                            "expects --ganglia HOST[:PORT], --ganglia-file FILE, "
                            "--xend URL, --libvirt URI or --config FILE naming a source");
    }
    xend.timeout = lv.timeout = src.timeout;
    xend.cpu_share = lv.cpu_share = src.opts.vm_cpu;
    xend.active_threshold = lv.active_threshold = src.opts.active_threshold;

    struct ent_error err;
    ent_error_init(&err);
    ent_log_open(NULL, ENT_LOG_ERROR, &err); /* issues go into the JSON, not to stderr twice */
    struct ent_ganglia_dump dump;
    ent_ganglia_dump_init(&dump);
    struct ent_model m;
    ent_model_init(&m);
    json_t *issues = NULL;
    int status = ENT_EXIT_INPUT;
    int failed;
    if (lv.nodes.len) {
        /* CPU use is a cpu.time delta: with --sample, a first round SECONDS before. */
        failed = sample > 0 && ent_libvirt_snapshot(&lv, &m, &issues, &err);
        if (!failed && sample > 0) {
            json_decref(issues);
            issues = NULL;
            ent_model_release(&m);
            ent_model_init(&m);
            ent_sleep(sample);
        }
        failed = failed || ent_libvirt_snapshot(&lv, &m, &issues, &err);
    } else if (xend.n_urls) {
        failed = ent_xend_snapshot(&xend, &m, &issues, &err);
    } else {
        failed = ent_ganglia_fetch(&src, &dump, &err) ||
                 ent_ganglia_snapshot(&dump, &src.opts, &m, &issues, &err);
    }
    if (failed || ent_model_validate(&m, &err)) {
        fprintf(stderr, "entropy monitor: %s\n", err.msg);
        goto cleanup;
    }
    char source[300];
    if (lv.nodes.len)
        snprintf(source, sizeof source, "libvirt %s%s", lv.nodes.items[0].uri,
                 lv.nodes.len > 1 ? ", ..." : "");
    else if (xend.n_urls)
        snprintf(source, sizeof source, "xend %s%s", xend.urls[0], xend.n_urls > 1 ? ", ..." : "");
    else if (src.file)
        snprintf(source, sizeof source, "%s", src.file);
    else
        snprintf(source, sizeof source, "ganglia %s:%d", src.host, src.port);
    json_t *doc = btrplace ? ent_btrplace_instance_json(&m) : snapshot_json(&m, source, issues);
    status = ent_json_save_file(doc, "-", &err) ? ENT_EXIT_INPUT : ENT_EXIT_OK;
    json_decref(doc);
cleanup:
    ent_xend_source_release(&xend);
    ent_libvirt_source_release(&lv);
    ent_config_release(&config);
    json_decref(issues);
    ent_model_release(&m);
    ent_ganglia_dump_release(&dump);
    return status;
}
