/* The xl driver: xl over ssh on the node concerned. */
#include "drivers/xl.h"

#include "config/properties.h"
#include "drivers/driver.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/run.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

#define XL_ARGS_MAX 24

struct xl_node {
    char *name, *host;
};

struct xl_driver {
    struct xl_node *nodes;
    size_t n;
    char *ssh_words; /* the ssh command, split in place */
    char *ssh_argv[XL_ARGS_MAX];
    int ssh_argc;
    struct ent_xl_driver_config conf;
};

static void xl_close(struct ent_driver *drv)
{
    struct xl_driver *x = drv->state;
    if (!x)
        return;
    for (size_t i = 0; i < x->n; i++) {
        ent_free(x->nodes[i].name);
        ent_free(x->nodes[i].host);
    }
    ent_free(x->nodes);
    ent_free(x->ssh_words);
    ent_free(x);
    drv->state = NULL;
}

static int xl_open(struct ent_driver *drv, void *arg, struct ent_error *err)
{
    const struct ent_xl_driver_config *conf = arg;
    if (!conf || !conf->nodes)
        return ent_error(err, ENT_EINVALID, "the xl driver needs its nodes");
    struct xl_driver *x = ent_calloc(1, sizeof *x);
    drv->state = x;
    x->conf = *conf;
    if (x->conf.timeout <= 0)
        x->conf.timeout = 60;
    x->ssh_words = ent_strdup(conf->ssh && *conf->ssh ? conf->ssh : "ssh -o BatchMode=yes");
    char *save = NULL;
    for (char *w = strtok_r(x->ssh_words, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        if (x->ssh_argc == XL_ARGS_MAX - 8) {
            xl_close(drv);
            return ent_error(err, ENT_EINVALID, "xl driver: the ssh command has too many words");
        }
        x->ssh_argv[x->ssh_argc++] = w;
    }
    char *list = ent_strdup(conf->nodes);
    for (char *s = strtok_r(list, " \t,", &save); s; s = strtok_r(NULL, " \t,", &save)) {
        char *eq = strchr(s, '=');
        if (eq)
            *eq = '\0';
        x->nodes = ent_reallocarray(x->nodes, x->n + 1, sizeof *x->nodes);
        x->nodes[x->n++] = (struct xl_node){ent_strdup(s), ent_strdup(eq ? eq + 1 : s)};
    }
    ent_free(list);
    if (!x->ssh_argc || !x->n) {
        xl_close(drv);
        return ent_error(err, ENT_EINVALID, "xl driver: no ssh command or no node");
    }
    return 0;
}

static const char *host_of(const struct xl_driver *x, const char *node)
{
    for (size_t i = 0; node && i < x->n; i++)
        if (strcmp(x->nodes[i].name, node) == 0)
            return x->nodes[i].host;
    return NULL;
}

/* ssh HOST xl WORDS... ; a non-zero exit is an error quoting what xl printed last. */
static int xl(const struct xl_driver *x, const char *node, double timeout, const char *const *words,
              struct ent_error *err)
{
    const char *host = host_of(x, node);
    if (!host)
        return ent_error(err, ENT_ENOTFOUND, "xl driver: no ssh host for node %s",
                         node ? node : "(none)");
    char *argv[XL_ARGS_MAX];
    int n = 0, first_quoted;
    for (int i = 0; i < x->ssh_argc; i++)
        argv[n++] = x->ssh_argv[i];
    argv[n++] = (char *)host;
    argv[n++] = (char *)"xl";
    /* ssh joins what follows the host into one command for the remote shell: every word is
     * quoted for it, so that no name from monitoring is ever read as shell syntax there. */
    first_quoted = n;
    for (int i = 0; words[i] && n < XL_ARGS_MAX - 1; i++)
        argv[n++] = ent_shell_quote(words[i]);
    argv[n] = NULL;
    char out[1024];
    int status;
    int rc = ent_run(argv, timeout, out, sizeof out, &status, err);
    for (int i = first_quoted; i < n; i++)
        ent_free(argv[i]);
    if (rc)
        return ent_error_prefix(err, "xl %s on %s", words[0], node);
    if (status != 0) {
        size_t len = strlen(out);
        while (len && (out[len - 1] == '\n' || out[len - 1] == ' '))
            out[--len] = '\0';
        const char *last = strrchr(out, '\n');
        return ent_error(err, ENT_EDRIVER, "xl %s on %s exited with %d: %s", words[0], node, status,
                         last     ? last + 1
                         : out[0] ? out
                                  : "(nothing printed)");
    }
    return 0;
}

static int xl_perform(struct ent_driver *drv, struct ent_migration *mig, struct ent_error *err)
{
    struct xl_driver *x = drv->state;
    const char *dest = host_of(x, mig->to);
    if (!dest)
        return ent_error(err, ENT_ENOTFOUND, "xl driver: no ssh host for node %s", mig->to);
    const char *words[] = {"migrate", mig->vm, dest, NULL};
    double t0 = ent_now();
    int rc = xl(x, mig->from, mig->timeout > 0 ? mig->timeout : 0, words, err);
    mig->seconds = ent_now() - t0;
    mig->downtime = -1; /* xl does not say */
    mig->bytes = -1;
    return rc;
}

/* DIR/VM.EXT on the node (a new string), dir falling back to def. */
static char *image(const char *dir, const char *def, const char *vm, const char *ext)
{
    return ent_strdup_printf("%s/%s.%s", dir ? dir : def, vm, ext);
}

static int xl_shutdown(struct ent_driver *drv, const char *vm, const char *node,
                       struct ent_error *err)
{
    struct xl_driver *x = drv->state;
    const char *words[] = {"shutdown", "-w", vm, NULL};
    return xl(x, node, x->conf.timeout, words, err);
}

static int xl_suspend(struct ent_driver *drv, const char *vm, const char *node,
                      struct ent_error *err)
{
    struct xl_driver *x = drv->state;
    char *file = image(x->conf.save_dir, "/var/lib/xen/save", vm, "chk");
    const char *words[] = {"save", vm, file, NULL};
    int rc = xl(x, node, x->conf.timeout, words, err);
    ent_free(file);
    return rc;
}

static int xl_resume(struct ent_driver *drv, const char *vm, const char *node,
                     struct ent_error *err)
{
    struct xl_driver *x = drv->state;
    char *file = image(x->conf.save_dir, "/var/lib/xen/save", vm, "chk");
    const char *words[] = {"restore", file, NULL};
    int rc = xl(x, node, x->conf.timeout, words, err);
    ent_free(file);
    return rc;
}

static int xl_boot(struct ent_driver *drv, const char *vm, const char *node, struct ent_error *err)
{
    struct xl_driver *x = drv->state;
    char *file = image(x->conf.config_dir, "/etc/xen", vm, "cfg");
    const char *words[] = {"create", file, NULL};
    int rc = xl(x, node, x->conf.timeout, words, err);
    ent_free(file);
    return rc;
}

static int xl_locate(struct ent_driver *drv, const char *vm, const char *from, const char *to,
                     struct ent_vm_place *out, struct ent_error *err)
{
    struct xl_driver *x = drv->state;
    memset(out, 0, sizeof *out);
    const char *nodes[2] = {from, to};
    const char *words[] = {"domid", vm, NULL};
    for (int i = 0; i < 2; i++) {
        if (!nodes[i] || xl(x, nodes[i], x->conf.timeout, words, NULL))
            continue;
        if (!out->copies++) {
            snprintf(out->node, sizeof out->node, "%s", nodes[i]);
            snprintf(out->state, sizeof out->state, "present");
        }
    }
    if (!out->copies)
        snprintf(out->state, sizeof out->state, "on neither node");
    (void)err;
    return 0;
}

static bool xl_configured(const struct ent_config *c, const struct ent_monitor *mon)
{
    return *ent_config_string(c, "driver.xl.nodes");
}

static int xl_configure(struct ent_driver *drv, const struct ent_config *c,
                        const struct ent_monitor *mon, struct ent_error *err)
{
    if (!xl_configured(c, mon))
        return ent_error(err, ENT_EINVALID, "%s: the xl driver needs driver.xl.nodes", c->path);
    struct ent_xl_driver_config conf = {.nodes = ent_config_string(c, "driver.xl.nodes"),
                                        .ssh = ent_config_string(c, "driver.xl.ssh")};
    return xl_open(drv, &conf, err);
}

static const char *const xl_keys[] = {"driver.xl.nodes", "driver.xl.ssh", NULL};

const struct ent_driver_ops ent_driver_xl_ops = {
    .keys = xl_keys,
    .configured = xl_configured,
    .configure = xl_configure,
    .name = "xl",
    .open = xl_open,
    .close = xl_close,
    .migrate_perform = xl_perform,
    .boot_vm = xl_boot,
    .shutdown_vm = xl_shutdown,
    .suspend_vm = xl_suspend,
    .resume_vm = xl_resume,
    .locate_vm = xl_locate,
};
