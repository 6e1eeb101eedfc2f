/* Parse time of a gmond dump as large as a big site's: N hosts (default 10,000) listing VMs
 * (default 50,000 in all), parsed in 64 KiB pieces as from a socket, then made a snapshot; beside
 * it, expat alone on the same bytes with no handler (the floor). Two dumps: hosts publishing only
 * what the seed documents' script sends to a gmond without modules (the container.* metrics),
 * and hosts also carrying a dozen of gmond's usual metrics. Figures only.
 * usage: bench_ganglia [HOSTS VMS] */
#include "model/model.h"
#include "monitor/ganglia_snapshot.h"
#include "monitor/ganglia_xml.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"

#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void metric(FILE *f, const char *name, const char *val, const char *type)
{
    fprintf(f,
            "<METRIC NAME=\"%s\" VAL=\"%s\" TYPE=\"%s\" UNITS=\"\" TN=\"3\" TMAX=\"60\" "
            "DMAX=\"0\" SLOPE=\"both\">\n<EXTRA_DATA>\n<EXTRA_ELEMENT NAME=\"GROUP\" "
            "VAL=\"entropy\"/>\n</EXTRA_DATA>\n</METRIC>\n",
            name, val, type);
}

static void run(size_t hosts, size_t vms, size_t n_usual);

int main(int argc, char **argv)
{
    size_t hosts = argc > 2 ? strtoul(argv[1], NULL, 10) : 10000;
    size_t vms = argc > 2 ? strtoul(argv[2], NULL, 10) : 50000;
    if (!hosts)
        return 2;
    struct ent_error err;
    ent_log_open(NULL, ENT_LOG_ERROR, &err);
    run(hosts, vms, 0);
    run(hosts, vms, 12);
    return 0;
}

static double expat_alone(const char *buf, size_t len)
{
    double best = 1e9;
    for (int rep = 0; rep < 3; rep++) {
        XML_Parser x = XML_ParserCreate(NULL);
        double t0 = ent_now();
        for (size_t off = 0; off < len; off += 65536) {
            size_t n = len - off < 65536 ? len - off : 65536;
            XML_Parse(x, buf + off, (int)n, off + n == len);
        }
        double t = ent_now() - t0;
        XML_ParserFree(x);
        best = t < best ? t : best;
    }
    return best;
}

static void run(size_t hosts, size_t vms, size_t n_usual)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fprintf(f, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" standalone=\"yes\"?>\n"
               "<GANGLIA_XML VERSION=\"3.7.2\" SOURCE=\"gmond\">\n<CLUSTER NAME=\"big\" "
               "LOCALTIME=\"1\" OWNER=\"o\" LATLONG=\"l\" URL=\"u\">\n");
    static const char *const usual[] = {"load_one",  "load_five", "cpu_user",   "cpu_system",
                                        "cpu_wio",   "mem_free",  "mem_cached", "bytes_in",
                                        "bytes_out", "pkts_in",   "pkts_out",   "disk_free"};
    size_t next_vm = 0;
    for (size_t h = 0; h < hosts; h++) {
        fprintf(f,
                "<HOST NAME=\"node-%05zu\" IP=\"10.%zu.%zu.%zu\" REPORTED=\"1\" TN=\"3\" "
                "TMAX=\"20\" DMAX=\"0\" LOCATION=\"rack\" GMOND_STARTED=\"1\" TAGS=\"\">\n",
                h, h / 65536 % 256, h / 256 % 256, h % 256);
        for (size_t k = 0; k < n_usual && k < sizeof usual / sizeof *usual; k++)
            metric(f, usual[k], "42.5", "float");
        metric(f, "container.mem_total", "67108864", "uint32");
        metric(f, "container.cpu_num", "32", "uint8");
        metric(f, "container.type", "xen-3.3", "string");
        metric(f, "container.driver.migration", "xen", "string");
        size_t share = vms / hosts + (h < vms % hosts);
        char list[8192];
        size_t used = 0;
        list[0] = '\0';
        for (size_t k = 0; k < share && used + 16 < sizeof list; k++)
            used += (size_t)snprintf(list + used, sizeof list - used, "%svm-%06zu", k ? " " : "",
                                     next_vm++);
        metric(f, "container.vms", list, "string");
        fputs("</HOST>\n", f);
    }
    fputs("</CLUSTER>\n</GANGLIA_XML>\n", f);
    fclose(f);

    struct ent_error err;
    double best_parse = 1e9, best_snap = 1e9;
    size_t n_nodes = 0, n_vms = 0;
    for (int rep = 0; rep < 5; rep++) {
        struct ent_ganglia_dump dump;
        ent_ganglia_dump_init(&dump);
        double t0 = ent_now();
        struct ent_ganglia_parser *p = ent_ganglia_parser_new(&dump, "bench");
        int rc = 0;
        for (size_t off = 0; off < len && !rc; off += 65536) {
            size_t n = len - off < 65536 ? len - off : 65536;
            rc = ent_ganglia_parser_feed(p, buf + off, n, off + n == len, &err);
        }
        ent_ganglia_parser_free(p);
        double t1 = ent_now();
        if (rc) {
            fprintf(stderr, "bench_ganglia: %s\n", err.msg);
            exit(1);
        }
        struct ent_ganglia_options o;
        ent_ganglia_options_default(&o);
        struct ent_model m;
        ent_model_init(&m);
        json_t *issues = NULL;
        if (ent_ganglia_snapshot(&dump, &o, &m, &issues, &err)) {
            fprintf(stderr, "bench_ganglia: %s\n", err.msg);
            exit(1);
        }
        double t2 = ent_now();
        n_nodes = m.n_nodes;
        n_vms = m.n_vms;
        if (t1 - t0 < best_parse)
            best_parse = t1 - t0;
        if (t2 - t1 < best_snap)
            best_snap = t2 - t1;
        json_decref(issues);
        ent_model_release(&m);
        ent_ganglia_dump_release(&dump);
    }
    printf("gmond dump, %s: %zu hosts, %zu VMs listed, %.1f MB of XML\n",
           n_usual ? "container.* and 12 usual metrics a host" : "container.* metrics only", hosts,
           vms, (double)len / 1e6);
    printf("  parse (streaming, 64 KiB pieces): %.1f ms (best of 5); expat alone: %.1f ms\n",
           best_parse * 1000, expat_alone(buf, len) * 1000);
    printf("  snapshot: %zu nodes, %zu VMs in %.1f ms (best of 5)\n", n_nodes, n_vms,
           best_snap * 1000);
    free(buf);
}
