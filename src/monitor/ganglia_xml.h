/* Gmond / gmetad XML, read as a stream (expat): only the hosts and the few metrics Entropy uses
 * are kept, never the document as a tree, so a dump of 10,000 hosts costs little. */
#ifndef ENT_MONITOR_GANGLIA_XML_H
#define ENT_MONITOR_GANGLIA_XML_H

#include <stddef.h>
#include <stdint.h>

struct ent_error;

/* What a dump may hold: more hosts, or a longer metric value (container.vms of 10,000 VMs is
 * about 650 KB), and the dump is refused naming the line. */
#define ENT_GANGLIA_MAX_HOSTS 200000
#define ENT_GANGLIA_MAX_VALUE 4194304

/* The metrics Entropy reads: the container.* of the seed documents' gmetric script on nodes, and
 * a VM's own gmond metrics when it reports as a host. */
#define ENT_GANGLIA_METRICS(X)                                                                     \
    X(CONTAINER_MEM_TOTAL, "container.mem_total")                                                  \
    X(CONTAINER_CPU_NUM, "container.cpu_num")                                                      \
    X(CONTAINER_VMS, "container.vms")                                                              \
    X(CONTAINER_TYPE, "container.type")                                                            \
    X(CONTAINER_DRIVER, "container.driver.migration")                                              \
    X(MEM_TOTAL, "mem_total")                                                                      \
    X(CPU_NUM, "cpu_num")                                                                          \
    X(CPU_IDLE, "cpu_idle")                                                                        \
    X(LOAD_ONE, "load_one")

enum ent_ganglia_metric {
#define ENT_GM_ENUM(e, name) ENT_GM_##e,
    ENT_GANGLIA_METRICS(ENT_GM_ENUM)
#undef ENT_GM_ENUM
        ENT_GM_COUNT
};

struct ent_ganglia_host {
    char *name, *ip;
    long tn, tmax;           /* host heartbeat: seconds since last heard, expected period */
    char *val[ENT_GM_COUNT]; /* NULL when the host does not report the metric */
    long metric_tn[ENT_GM_COUNT], metric_tmax[ENT_GM_COUNT];
};

struct ent_ganglia_dump {
    struct ent_ganglia_host *hosts;
    size_t n_hosts, cap_hosts;
};

struct ent_ganglia_parser;

/* A parser fed piece by piece (what a socket gives); `what` names the source in messages. */
struct ent_ganglia_parser *ent_ganglia_parser_new(struct ent_ganglia_dump *out, const char *what);
/* Feeds len bytes; last marks the end of the document. Returns 0 or ENT_EPARSE with the line. */
int ent_ganglia_parser_feed(struct ent_ganglia_parser *p, const char *buf, size_t len, int last,
                            struct ent_error *err);
void ent_ganglia_parser_free(struct ent_ganglia_parser *p);

/* Parses a whole document in memory. */
int ent_ganglia_parse(const char *buf, size_t len, const char *what, struct ent_ganglia_dump *out,
                      struct ent_error *err);
void ent_ganglia_dump_init(struct ent_ganglia_dump *d);
void ent_ganglia_dump_release(struct ent_ganglia_dump *d);
const char *ent_ganglia_metric_name(enum ent_ganglia_metric m);

#endif
