/* Ganglia over TCP (or from a file), fed to the streaming parser, then made a snapshot. */
#include "monitor/ganglia.h"

#include "config/properties.h"
#include "model/model.h"
#include "monitor/ganglia_xml.h"
#include "monitor/issues.h"
#include "monitor/monitor.h"
#include "monitor/vm_sizes.h"
#include "proto/deadline_io.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void ent_ganglia_source_default(struct ent_ganglia_source *s)
{
    memset(s, 0, sizeof *s);
    s->host = "127.0.0.1";
    s->port = 8649;
    s->timeout = 10;
    ent_ganglia_options_default(&s->opts);
}

void ent_ganglia_source_release(struct ent_ganglia_source *s)
{
    if (!s)
        return;
    ent_vm_sizes_free(s->sizes);
    s->sizes = NULL;
}

/* Connects within the deadline; returns the socket or -1 with the reason in err. */
static int connect_to(const struct ent_ganglia_source *src, double deadline, const char *what,
                      struct ent_error *err)
{
    int gai = 0;
    int fd = ent_io_connect_tcp(src->host, src->port, deadline, &gai);
    if (fd < 0 && gai)
        ent_error(err, ENT_EIO, "%s: %s", what, gai_strerror(gai));
    else if (fd < 0)
        ent_error(err, ENT_EIO, "%s: cannot connect: %s", what, strerror(errno));
    return fd;
}

int ent_ganglia_fetch(const struct ent_ganglia_source *src, struct ent_ganglia_dump *out,
                      struct ent_error *err)
{
    char what[300];
    if (src->file)
        snprintf(what, sizeof what, "%s", src->file);
    else
        snprintf(what, sizeof what, "ganglia %s:%d", src->host, src->port);
    double deadline = ent_now() + src->timeout;
    /* Non-blocking, so that a FIFO (or a terminal) with nothing to say meets the deadline too. */
    int fd = src->file ? open(src->file, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
                       : connect_to(src, deadline, what, err);
    if (fd < 0)
        return src->file ? ent_error(err, ENT_EIO, "%s: cannot open: %s", what, strerror(errno))
                         : err->code;
    int rc = 0;
    if (src->query) {
        char line[1024];
        int n = snprintf(line, sizeof line, "%s\n", src->query);
        if (n >= (int)sizeof line || ent_io_send_all(fd, line, (size_t)n, deadline))
            rc = ent_error(err, ENT_EIO, "%s: cannot send the query", what);
    }
    struct ent_ganglia_parser *p = ent_ganglia_parser_new(out, what);
    char buf[65536];
    size_t total = 0;
    while (!rc) {
        ssize_t n = ent_io_read(fd, buf, sizeof buf, deadline);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == ETIMEDOUT) {
            rc = ent_error(err, ENT_ETIMEOUT, "%s: no complete answer within %.1f s", what,
                           src->timeout);
            break;
        }
        if (n < 0) {
            rc = ent_error(err, ENT_EIO, "%s: read error: %s", what, strerror(errno));
            break;
        }
        total += (size_t)n;
        if (total > ENT_GANGLIA_MAX_BYTES) { /* a flooding peer costs a failed round, not RAM */
            rc = ent_error(err, ENT_EINVALID, "%s: more than %d MiB: refused", what,
                           ENT_GANGLIA_MAX_BYTES >> 20);
            break;
        }
        if (total == 0 && n == 0) {
            rc = ent_error(err, ENT_EPARSE, "%s: empty answer", what);
            break;
        }
        rc = ent_ganglia_parser_feed(p, buf, (size_t)n, n == 0, err);
        if (n == 0)
            break;
    }
    ent_ganglia_parser_free(p);
    close(fd);
    if (rc)
        ent_ganglia_dump_release(out);
    return rc;
}

void ent_ganglia_source_configure(struct ent_ganglia_source *s, const struct ent_config *c,
                                  bool endpoints)
{
    s->timeout = ent_config_number(c, "monitor.timeout");
    s->opts.dom0_memory_mb = (int64_t)ent_config_number(c, "monitor.dom0_memory_mb");
    s->opts.vm_memory_mb = (int64_t)ent_config_number(c, "monitor.vm_memory_mb");
    s->opts.vm_cpu = (int64_t)ent_config_number(c, "monitor.vm_cpu");
    s->opts.active_threshold = (int64_t)ent_config_number(c, "monitor.active_threshold");
    s->opts.liveness = ent_config_number(c, "monitor.ganglia.liveness");
    ent_vm_sizes_free(s->sizes);
    s->sizes = ent_vm_sizes_from_config(c);
    if (!endpoints)
        return;
    const char *file = ent_config_string(c, "monitor.ganglia.file");
    const char *query = ent_config_string(c, "monitor.ganglia.query");
    if (*file)
        s->file = file;
    else
        s->host = ent_config_string(c, "monitor.ganglia.host");
    s->port = (int)ent_config_number(c, "monitor.ganglia.port");
    s->query = *query ? query : NULL;
}

/* --- The source -------------------------------------------------------------------------- */

static int ganglia_open(struct ent_monitor *mon, void *arg, struct ent_error *err)
{
    if (!arg)
        return ent_error(err, ENT_EINVALID, "the ganglia monitor needs a source");
    mon->state = arg;
    return 0;
}

static int ganglia_configure(struct ent_monitor *mon, const struct ent_config *c,
                             struct ent_error *err)
{
    struct ent_ganglia_source *src = ent_malloc(sizeof *src);
    ent_ganglia_source_default(src);
    ent_ganglia_source_configure(src, c, true);
    return ganglia_open(mon, src, err);
}

static void ganglia_close(struct ent_monitor *mon)
{
    ent_ganglia_source_release(mon->state);
    ent_free(mon->state);
}

static int ganglia_read(struct ent_monitor *mon, struct ent_monitor_round *r, struct ent_error *err)
{
    const struct ent_ganglia_source *src = mon->state;
    struct ent_ganglia_dump dump;
    ent_ganglia_dump_init(&dump);
    int rc = ent_ganglia_fetch(src, &dump, err);
    struct ent_ganglia_options opts = src->opts;
    opts.sizes = src->sizes;
    if (!rc && src->sizes)
        ent_vm_sizes_fetch(src->sizes, r->issues);
    if (!rc)
        rc = ent_ganglia_read(&dump, &opts, r, err);
    ent_ganglia_dump_release(&dump);
    return rc;
}

/* The CPU-time history of the VMs the hypervisors size goes on across rounds and reloads. */
static void ganglia_settle(struct ent_monitor *mon, bool kept)
{
    ent_vm_sizes_settle(((struct ent_ganglia_source *)mon->state)->sizes, kept);
}

static void ganglia_reload(struct ent_monitor *fresh, struct ent_monitor *old)
{
    ent_vm_sizes_swap_history(((struct ent_ganglia_source *)fresh->state)->sizes,
                              ((struct ent_ganglia_source *)old->state)->sizes);
}

static void ganglia_describe(const struct ent_monitor *mon, char *buf, size_t size)
{
    const struct ent_ganglia_source *src = mon->state;
    if (src->file)
        snprintf(buf, size, "%s", src->file);
    else
        snprintf(buf, size, "ganglia %s:%d", src->host, src->port);
}

static const char *const ganglia_keys[] = {
    "monitor.ganglia.host", "monitor.ganglia.port",     "monitor.ganglia.query",
    "monitor.ganglia.file", "monitor.ganglia.liveness", "monitor.dom0_memory_mb",
    "monitor.vm_memory_mb", "monitor.ganglia.sizing",   NULL};

const struct ent_monitor_ops ent_monitor_ganglia_ops = {
    .name = "ganglia",
    .driver = NULL, /* each node says its own (container.driver.migration) */
    .keys = ganglia_keys,
    .configure = ganglia_configure,
    .open = ganglia_open,
    .read = ganglia_read,
    .settle = ganglia_settle,
    .reload = ganglia_reload,
    .close = ganglia_close,
    .describe = ganglia_describe,
};
