/* Xen domain configuration files (xm/xl: `name = value`, strings in either quotes, numbers, lists,
 * `#` comments), read with Xen's own parser (libxlutil), disks with its disk specification parser.
 * Entropy's own keys: entropy_autostart (0|1) and entropy_priority (a whole number); a link in
 * the definitions directory's auto/ (Xen's /etc/xen/auto) marks autostart too. */
#include "model/definition.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/names.h"
#include "util/str.h"

#include <errno.h>
#include <libxlutil.h>
#include <stdio.h>
#include <string.h>

/* The settings a driver needs to create the domain (xend's SXP, xl create), kept as given. */
static const char *const kept_keys[] = {
    "name",    "memory",  "maxmem",     "vcpus",       "kernel",     "ramdisk",  "extra", "root",
    "ip",      "netmask", "gateway",    "hostname",    "nfs_server", "nfs_root", "vif",   "disk",
    "builder", "type",    "bootloader", "on_poweroff", "on_reboot",  "on_crash", "uuid",  NULL,
};

/* The report libxlutil writes its messages to, gathered for the error. */
struct report {
    char *text;
    size_t len;
    FILE *f;
};

static void report_end(struct report *r)
{
    if (r->f)
        fclose(r->f);
    free(r->text); /* open_memstream's buffer is libc's */
    *r = (struct report){0};
}

/* The report's first line, without its end of line, for a message. */
static const char *first_line(struct report *r)
{
    if (!r->f || fflush(r->f) != 0 || !r->text)
        return "";
    r->text[strcspn(r->text, "\n")] = '\0';
    /* It quotes the file near the error: nothing unprintable reaches a log line. */
    for (char *c = r->text; *c; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
            *c = '?';
    return r->text;
}

static int keep_value(const XLU_Config *cfg, const char *key, json_t *config)
{
    const char *s = NULL;
    if (xlu_cfg_get_string(cfg, key, &s, 1) == 0)
        return json_object_set_new(config, key, json_string(s));
    XLU_ConfigList *list = NULL;
    int n = 0;
    if (xlu_cfg_get_list(cfg, key, &list, &n, 1) != 0)
        return 0;
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
        const char *item = xlu_cfg_get_listitem(list, i);
        if (item) /* nested lists are not settings Entropy passes on */
            json_array_append_new(items, json_string(item));
    }
    return json_object_set_new(config, key, items);
}

static int number(const XLU_Config *cfg, const char *key, long lo, long hi, long def, long *out,
                  const char *path, struct ent_error *err)
{
    int rc = xlu_cfg_get_bounded_long(cfg, key, lo, hi, out, 1);
    if (rc == ESRCH) {
        *out = def;
        return 0;
    }
    return rc ? ent_error(err, ENT_EINVALID, "%s: %s must be a whole number from %ld to %ld", path,
                          key, lo, hi)
              : 0;
}

static int read_disk(XLU_Config *cfg, const char *spec, struct ent_vm_definition *d,
                     const char *path, size_t index, struct ent_error *err)
{
    libxl_device_disk disk;
    libxl_device_disk_init(&disk);
    int rc = 0;
    if (xlu_disk_parse(cfg, 1, &spec, &disk) != 0) {
        rc = ent_error(err, ENT_EPARSE, "%s: disk[%zu] is not a disk specification", path, index);
        goto cleanup;
    }
    if (!disk.pdev_path || !disk.pdev_path[0]) /* an empty CD-ROM drive */
        goto cleanup;
    ENT_GROW(d->disks, d->cap_disks, d->n_disks);
    struct ent_vm_disk *k = &d->disks[d->n_disks];
    *k = (struct ent_vm_disk){.source = ent_strdup(disk.pdev_path),
                              .target = disk.vdev ? ent_strdup(disk.vdev) : NULL,
                              /* block-iscsi, block-nbd, block-drbd: the script reaches it */
                              .network = disk.script != NULL};
    d->n_disks++;
cleanup:
    libxl_device_disk_dispose(&disk);
    return rc;
}

static int read_settings(XLU_Config *cfg, const char *path, struct ent_vm_definition *d,
                         struct ent_error *err)
{
    const char *name = NULL;
    if (xlu_cfg_get_string(cfg, "name", &name, 1) != 0)
        return ent_error(err, ENT_EINVALID, "%s: no name = \"...\"", path);
    if (!ent_name_ok(name)) {
        struct ent_str q = ENT_STR_INIT;
        int rc = ent_error(err, ENT_EINVALID, "%s: name \"%s\" is not a VM name", path,
                           ent_name_quote(name, &q));
        ent_str_release(&q);
        return rc;
    }
    d->name = ent_strdup(name);
    long memory = 0, vcpus = 0, autostart = 0, priority = 0;
    int rc = number(cfg, "memory", 1, 1L << 30, 128, &memory, path, err);
    if (!rc)
        rc = number(cfg, "vcpus", 1, 4096, 1, &vcpus, path, err);
    if (!rc)
        rc = number(cfg, "entropy_autostart", 0, 1, 0, &autostart, path, err);
    if (!rc)
        rc = number(cfg, "entropy_priority", -1000000, 1000000, 0, &priority, path, err);
    if (rc)
        return rc;
    d->memory_mb = memory;
    d->vcpus = vcpus;
    d->autostart = d->file_autostart = autostart != 0;
    d->priority = priority;

    XLU_ConfigList *disks = NULL;
    int n = 0;
    if (xlu_cfg_get_list(cfg, "disk", &disks, &n, 1) == 0) {
        for (int i = 0; i < n && !rc; i++) {
            const char *spec = xlu_cfg_get_listitem(disks, i);
            rc = spec ? read_disk(cfg, spec, d, path, (size_t)i, err)
                      : ent_error(err, ENT_EPARSE, "%s: disk[%d] is not a string", path, i);
        }
    }
    /* An NFS root (the seed's root = "/dev/nfs", nfs_root) is reached over the network. */
    const char *nfs_root = NULL;
    if (!rc && xlu_cfg_get_string(cfg, "nfs_root", &nfs_root, 1) == 0) {
        ENT_GROW(d->disks, d->cap_disks, d->n_disks);
        d->disks[d->n_disks++] = (struct ent_vm_disk){
            .source = ent_strdup(nfs_root), .target = ent_strdup("nfs root"), .network = true};
    }
    d->config = json_object();
    for (size_t i = 0; !rc && kept_keys[i]; i++)
        if (keep_value(cfg, kept_keys[i], d->config) != 0)
            rc = ent_error(err, ENT_ENOMEM, "%s: out of memory", path);
    return rc;
}

int ent_definition_parse_xen(const char *text, size_t len, const char *path,
                             struct ent_vm_definition *out, struct ent_error *err)
{
    *out = (struct ent_vm_definition){.format = ENT_DEFINITION_XEN, .path = ent_strdup(path)};
    struct report rep = {0};
    XLU_Config *cfg = NULL;
    int rc = 0;
    if (len > ENT_DEFINITION_MAX_BYTES) {
        rc = ent_error(err, ENT_EINVALID, "%s: larger than %d bytes", path,
                       ENT_DEFINITION_MAX_BYTES);
        goto cleanup;
    }
    if (memchr(text, '\0', len)) {
        rc = ent_error(err, ENT_EPARSE, "%s: holds a NUL byte", path);
        goto cleanup;
    }
    rep.f = open_memstream(&rep.text, &rep.len);
    cfg = rep.f ? xlu_cfg_init(rep.f, path) : NULL;
    if (!cfg) {
        rc = ent_error(err, ENT_ENOMEM, "%s: out of memory", path);
        goto cleanup;
    }
    if (xlu_cfg_readdata(cfg, text, (int)len) != 0) {
        const char *why = first_line(&rep);
        rc = ent_error(err, ENT_EPARSE, "%s", why[0] ? why : "malformed");
        if (!why[0])
            ent_error_prefix(err, "%s", path);
        goto cleanup;
    }
    rc = read_settings(cfg, path, out, err);
cleanup:
    if (cfg)
        xlu_cfg_destroy(cfg);
    report_end(&rep);
    if (rc)
        ent_definition_release(out);
    return rc;
}
