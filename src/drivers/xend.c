/* The xend driver: xend's HTTP interface, as xm uses it (SrvDomain op=migrate, op=shutdown,
 * op=save; SrvDomainDir op=restore). The form carries the fields of every Xen 3 version (2.0 and
 * 3.0: resource; 3.2 on: port, node, ssl); xend's FormFn reads those it knows. */
#include "drivers/xend.h"

#include "config/properties.h"
#include "drivers/driver.h"
#include "drivers/xm_config.h"
#include "model/definition.h"
#include "monitor/issues.h"
#include "monitor/monitor.h"
#include "proto/sxp.h"
#include "proto/xend_http.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"
#include "util/str.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

struct xend_node {
    char *name, *url, *host; /* host: how other nodes reach it (the URL's host) */
};

struct xend_driver {
    struct xend_node *nodes;
    size_t n;
    struct ent_xend_driver_config conf;
};

static int add_node(struct xend_driver *x, const char *spec, struct ent_error *err)
{
    const char *eq = strchr(spec, '=');
    const char *url = eq ? eq + 1 : spec;
    char *host = ent_url_host(url); /* libcurl's parse: no userinfo, IPv6 unbracketed */
    if (!host || !*host) {
        char *shown = ent_url_without_password(url);
        ent_error(err, ENT_EINVALID, "xend driver: \"%s\" is not an http://HOST:PORT URL", shown);
        ent_free(shown);
        ent_free(host);
        return err->code;
    }
    char *name = NULL;
    if (eq) {
        name = ent_malloc((size_t)(eq - spec) + 1);
        memcpy(name, spec, (size_t)(eq - spec));
        name[eq - spec] = '\0';
    } else {
        struct ent_sxp node;
        int rc = ent_xend_call(url, "/xend/node", NULL, x->conf.timeout, &node, err);
        const char *named = rc ? NULL : ent_sxp_value(&node, "host");
        if (!rc && !named) {
            char *shown = ent_url_without_password(url);
            rc = ent_error(err, ENT_EPARSE, "xend %s/xend/node: no (host ...)", shown);
            ent_free(shown);
        }
        if (!rc)
            name = ent_strdup(named);
        ent_sxp_release(&node);
        if (rc) {
            ent_free(host);
            return rc;
        }
    }
    x->nodes = ent_reallocarray(x->nodes, x->n + 1, sizeof *x->nodes);
    x->nodes[x->n++] = (struct xend_node){name, ent_strdup(url), host};
    return 0;
}

static void xend_close(struct ent_driver *drv)
{
    struct xend_driver *x = drv->state;
    for (size_t i = 0; x && i < x->n; i++) {
        ent_free(x->nodes[i].name);
        ent_free(x->nodes[i].url);
        ent_free(x->nodes[i].host);
    }
    if (x)
        ent_free(x->nodes);
    ent_free(x);
}

static int xend_open(struct ent_driver *drv, void *arg, struct ent_error *err)
{
    const struct ent_xend_driver_config *conf = arg;
    if (!conf || !conf->nodes)
        return ent_error(err, ENT_EINVALID, "the xend driver needs its nodes' URLs");
    struct xend_driver *x = ent_calloc(1, sizeof *x);
    x->conf = *conf;
    if (x->conf.relocation_port <= 0)
        x->conf.relocation_port = 8002;
    if (x->conf.timeout <= 0)
        x->conf.timeout = 10;
    drv->state = x;
    char *list = ent_strdup(conf->nodes), *save = NULL;
    int rc = 0;
    for (char *s = strtok_r(list, " \t,", &save); s && !rc; s = strtok_r(NULL, " \t,", &save))
        rc = add_node(x, s, err);
    ent_free(list);
    if (!rc && !x->n)
        rc = ent_error(err, ENT_EINVALID, "the xend driver has no node URL");
    if (rc) {
        xend_close(drv);
        drv->state = NULL;
    }
    return rc;
}

static const struct xend_node *find(const struct xend_driver *x, const char *name,
                                    struct ent_error *err)
{
    for (size_t i = 0; name && i < x->n; i++)
        if (strcmp(x->nodes[i].name, name) == 0)
            return &x->nodes[i];
    ent_error(err, ENT_ENOTFOUND, "no xend URL for node %s", name ? name : "(none)");
    return NULL;
}

/* POST op=... to /xend/domain/VM (or /xend/domain when vm is NULL). */
static int post(const struct xend_node *node, const char *vm, const char *form, double timeout,
                struct ent_error *err)
{
    char *esc = vm ? curl_easy_escape(NULL, vm, 0) : NULL;
    char *path = ent_strdup_printf("/xend/domain%s%s", esc ? "/" : "", esc ? esc : "");
    curl_free(esc);
    struct ent_sxp answer;
    int rc = ent_xend_call(node->url, path, form, timeout, &answer, err);
    if (!rc)
        ent_sxp_release(&answer);
    ent_free(path);
    return rc;
}

static int xend_perform(struct ent_driver *drv, struct ent_migration *mig, struct ent_error *err)
{
    struct xend_driver *x = drv->state;
    const struct xend_node *from = find(x, mig->from, err), *to = find(x, mig->to, err);
    if (!from || !to)
        return ENT_ENOTFOUND;
    char *dest = curl_easy_escape(NULL, to->host, 0);
    char *form =
        ent_strdup_printf("op=migrate&destination=%s&live=1&resource=0&port=%d&node=-1&ssl=0", dest,
                          x->conf.relocation_port);
    curl_free(dest);
    double t0 = ent_now();
    int rc = post(from, mig->vm, form, mig->timeout > 0 ? mig->timeout : 3600, err);
    ent_free(form);
    mig->seconds = ent_now() - t0;
    if (rc == ENT_ETIMEOUT)
        ent_error_prefix(err,
                         "gave up after %.1f s (timeout; xend cannot cancel, it may still "
                         "complete the migration)",
                         mig->seconds);
    mig->downtime = -1; /* xend does not say */
    mig->bytes = -1;    /* nor this */
    return rc;
}

static int simple_op(struct ent_driver *drv, const char *vm, const char *node, const char *form,
                     struct ent_error *err)
{
    struct xend_driver *x = drv->state;
    const struct xend_node *n = find(x, node, err);
    return n ? post(n, vm, form, x->conf.timeout, err) : ENT_ENOTFOUND;
}

static int xend_shutdown(struct ent_driver *drv, const char *vm, const char *node,
                         struct ent_error *err)
{
    return simple_op(drv, vm, node, "op=shutdown&reason=poweroff", err);
}

static int xend_pause(struct ent_driver *drv, const char *vm, const char *node,
                      struct ent_error *err)
{
    return simple_op(drv, vm, node, "op=pause", err);
}

/* op=save of vm on node, or op=restore on node: the image file is the same. */
static int image_op(struct ent_driver *drv, const char *vm, const char *node, const char *op,
                    struct ent_error *err)
{
    const struct xend_driver *x = drv->state;
    char *file = ent_strdup_printf("%s/%s.chk",
                                   x->conf.save_dir ? x->conf.save_dir : "/var/lib/xen/save", vm);
    char *esc = curl_easy_escape(NULL, file, 0);
    char *form = ent_strdup_printf("op=%s&file=%s", op, esc);
    curl_free(esc);
    int rc = simple_op(drv, strcmp(op, "save") == 0 ? vm : NULL, node, form, err);
    ent_free(form);
    ent_free(file);
    return rc;
}

static int xend_suspend(struct ent_driver *drv, const char *vm, const char *node,
                        struct ent_error *err)
{
    return image_op(drv, vm, node, "save", err);
}

static int xend_resume(struct ent_driver *drv, const char *vm, const char *node,
                       struct ent_error *err)
{
    return image_op(drv, vm, node, "restore", err);
}

/* Whether n's xend shows vm (0, its state in state) or says it has no such domain (1). A
 * migration xend has not finished (or gave up on) is there as migrating-VM: found, "migrating".
 * An xend that cannot be asked (down, slow, garbage) is an error in err: never "absent". */
static int look(const struct xend_driver *x, const struct xend_node *n, const char *vm, char *state,
                size_t len, struct ent_error *err)
{
    for (int migrating = 0; migrating < 2; migrating++) {
        char *esc = curl_easy_escape(NULL, vm, 0);
        char *path = ent_strdup_printf("/xend/domain/%s%s", migrating ? "migrating-" : "", esc);
        curl_free(esc);
        struct ent_sxp d;
        int rc = ent_xend_call(n->url, path, NULL, x->conf.timeout, &d, err);
        ent_free(path);
        if (rc == ENT_EDRIVER) /* (xend.err 'Domain ... does not exist') */
            continue;
        if (rc)
            return rc;
        const char *s = ent_sxp_value(&d, "state");
        snprintf(state, len, "%s", migrating ? "migrating" : s ? s : "present");
        ent_sxp_release(&d);
        return 0;
    }
    return 1;
}

static int xend_locate(struct ent_driver *drv, const char *vm, const char *from, const char *to,
                       struct ent_vm_place *out, struct ent_error *err)
{
    struct xend_driver *x = drv->state;
    memset(out, 0, sizeof *out);
    const char *names[2] = {from, to};
    int unasked = 0;
    for (int i = 0; i < 2; i++) {
        const struct xend_node *n = names[i] ? find(x, names[i], NULL) : NULL;
        char state[32];
        int rc = n ? look(x, n, vm, state, sizeof state, err) : 1;
        if (rc < 0)
            unasked = rc;
        if (rc)
            continue;
        if (!out->copies++) {
            snprintf(out->node, sizeof out->node, "%s", n->name);
            snprintf(out->state, sizeof out->state, "%s", state);
        }
    }
    if (!out->copies && unasked) /* not "nowhere": one node could not say */
        return unasked;
    if (!out->copies)
        snprintf(out->state, sizeof out->state, "on neither %s nor %s", from ? from : "-",
                 to ? to : "-");
    return 0;
}

/* xm create's two calls: POST /xend/domain op=create with the SXP configuration (xend builds the
 * domain paused), then op=unpause. A domain of that name on any node whose xend answers is left
 * alone: never twice. */
static int xend_create(struct ent_driver *drv, const struct ent_vm_definition *def,
                       const char *node, struct ent_error *err)
{
    struct xend_driver *x = drv->state;
    const struct xend_node *n = find(x, node, err);
    if (!n)
        return ENT_ENOTFOUND;
    for (size_t i = 0; i < x->n; i++) {
        char state[32];
        if (look(x, &x->nodes[i], def->name, state, sizeof state, NULL) == 0)
            return ent_error(err, ENT_EEXISTS, "VM %s is already on %s (%s)", def->name,
                             x->nodes[i].name, state);
    }
    char *sxp = ent_xm_config_sxp(def, err);
    if (!sxp)
        return err->code;
    char *esc = curl_easy_escape(NULL, sxp, 0);
    char *form = ent_strdup_printf("op=create&config=%s", esc);
    curl_free(esc);
    int rc = post(n, NULL, form, x->conf.timeout, err);
    if (!rc)
        rc = post(n, def->name, "op=unpause", x->conf.timeout, err);
    if (rc)
        ent_error_prefix(err, "creating %s on %s", def->name, node);
    ent_free(form);
    ent_free(sxp);
    return rc;
}

static bool xend_configured(const struct ent_config *c, const struct ent_monitor *mon)
{
    return *ent_config_string_or(c, "driver.xend.urls", "monitor.xend.urls");
}

/* Whether url is one of list's ("URL ..." or "NAME=URL ...", blank- or comma-separated). */
static bool lists_url(const char *list, const char *url)
{
    size_t len = strlen(url);
    for (const char *p = list; *p;) {
        p += strspn(p, ENT_NAME_SEPARATORS);
        size_t word = strcspn(p, ENT_NAME_SEPARATORS);
        const char *eq = memchr(p, '=', word), *scheme = strstr(p, "://");
        const char *u = eq && (!scheme || eq < scheme) ? eq + 1 : p;
        if ((size_t)(p + word - u) == len && strncmp(u, url, len) == 0)
            return true;
        p += word;
    }
    return false;
}

/* With xend as the source and driver.xend.urls of its own, every node the source reads must be
 * one the driver reaches: else it would be chosen as a destination nothing can migrate to. */
static int covers_the_source(const struct ent_config *c, const struct ent_monitor *mon,
                             struct ent_error *err)
{
    const char *mine = ent_config_string(c, "driver.xend.urls");
    if (!mon || strcmp(mon->ops->name, "xend") != 0 || !*mine)
        return 0;
    char *list = ent_strdup(ent_config_string(c, "monitor.xend.urls")), *save = NULL;
    int rc = 0;
    for (char *u = strtok_r(list, ENT_NAME_SEPARATORS, &save); u && !rc;
         u = strtok_r(NULL, ENT_NAME_SEPARATORS, &save))
        if (!lists_url(mine, u))
            rc = ent_error(err, ENT_EINVALID,
                           "%s: node %s (monitor.xend.urls) is not in driver.xend.urls: it would "
                           "be chosen as a destination no driver reaches",
                           c->path, u);
    ent_free(list);
    return rc;
}

static int xend_configure(struct ent_driver *drv, const struct ent_config *c,
                          const struct ent_monitor *mon, struct ent_error *err)
{
    if (!xend_configured(c, mon))
        return ent_error(err, ENT_EINVALID, "%s: the xend driver needs driver.xend.urls", c->path);
    int rc = covers_the_source(c, mon, err);
    if (rc)
        return rc;
    struct ent_xend_driver_config conf = {
        .nodes = ent_config_string_or(c, "driver.xend.urls", "monitor.xend.urls"),
        .relocation_port = (int)ent_config_number(c, "driver.xend.relocation_port"),
        .timeout = ent_config_number(c, "monitor.timeout")};
    return xend_open(drv, &conf, err);
}

static const char *const xend_keys[] = {"driver.xend.urls", "driver.xend.relocation_port", NULL};
static const char *const xend_aliases[] = {"xen", "xen3", NULL};

const struct ent_driver_ops ent_driver_xend_ops = {
    .keys = xend_keys,
    .aliases = xend_aliases,
    .configured = xend_configured,
    .configure = xend_configure,
    .name = "xend",
    .open = xend_open,
    .close = xend_close,
    .migrate_perform = xend_perform,
    .shutdown_vm = xend_shutdown,
    .suspend_vm = xend_suspend,
    .pause_vm = xend_pause,
    .resume_vm = xend_resume,
    .locate_vm = xend_locate,
    .create_vm = xend_create,
};
