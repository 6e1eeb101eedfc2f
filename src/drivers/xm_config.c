/* xm create's conversion of a domain configuration file into xend's SXP (Xen 3.x create.py:
 * preprocess_ip, preprocess_nfs, configure_image, configure_disks, configure_vifs, make_config). */
#include "drivers/xm_config.h"

#include "model/definition.h"
#include "proto/sxp.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/str.h"

#include <string.h>

static const char *setting(const struct ent_vm_definition *def, const char *key)
{
    return json_string_value(json_object_get(def->config, key));
}

/* (key value) when the file sets key. */
static void pair(struct ent_str *out, const char *key, const char *value)
{
    if (!value || !value[0])
        return;
    ent_str_addf(out, " (%s ", key);
    ent_sxp_add_atom(out, value);
    ent_str_addf(out, ")");
}

/* (image (linux (kernel ..) (ramdisk ..) (ip ..) (root ..) (args ..) (vcpus ..))). */
static void image(struct ent_str *out, const struct ent_vm_definition *def)
{
    const char *builder = setting(def, "builder");
    ent_str_addf(out, " (image (");
    ent_sxp_add_atom(out, builder && builder[0] ? builder : "linux");
    pair(out, "kernel", setting(def, "kernel"));
    pair(out, "ramdisk", setting(def, "ramdisk"));
    const char *ip = setting(def, "ip"), *nfs_server = setting(def, "nfs_server");
    if (ip && ip[0]) { /* preprocess_ip: IP:NFS-SERVER:GATEWAY:NETMASK:HOSTNAME:eth0:off */
        const char *gw = setting(def, "gateway"), *mask = setting(def, "netmask");
        const char *host = setting(def, "hostname");
        char *line =
            ent_strdup_printf("%s:%s:%s:%s:%s:eth0:off", ip, nfs_server ? nfs_server : "1.2.3.4",
                              gw ? gw : "", mask ? mask : "", host ? host : "");
        pair(out, "ip", line);
        ent_free(line);
    }
    const char *root = setting(def, "root");
    if (root && strncmp(root, "root=", 5) == 0)
        root += 5;
    pair(out, "root", root);
    const char *nfs_root = setting(def, "nfs_root"), *extra = setting(def, "extra");
    if (nfs_root && nfs_root[0]) { /* preprocess_nfs */
        char *args =
            ent_strdup_printf("nfsroot=%s:%s %s", nfs_server, nfs_root, extra ? extra : "");
        pair(out, "args", args);
        ent_free(args);
    } else {
        pair(out, "args", extra);
    }
    char vcpus[24];
    snprintf(vcpus, sizeof vcpus, "%lld", (long long)def->vcpus);
    pair(out, "vcpus", vcpus);
    ent_str_addf(out, "))");
}

/* (device (vbd (uname phy:hda1) (dev hda1) (mode w) [(backend B)])): xm's positional form. */
static int disks(struct ent_str *out, const struct ent_vm_definition *def, struct ent_error *err)
{
    static const char *const fields[] = {"uname", "dev", "mode", "backend"};
    size_t i;
    json_t *spec;
    json_array_foreach(json_object_get(def->config, "disk"), i, spec)
    {
        char *copy = ent_strdup(json_string_value(spec)), *save = NULL;
        char *parts[5] = {0};
        size_t n = 0;
        for (char *p = strtok_r(copy, ",", &save); p && n < 5; p = strtok_r(NULL, ",", &save))
            parts[n++] = p;
        bool positional = n == 3 || n == 4;
        for (size_t k = 0; k < n && positional; k++)
            positional = !strchr(parts[k], '=');
        if (!positional) {
            ent_free(copy);
            return ent_error(err, ENT_EUNSUPPORTED,
                             "%s: disk[%zu] is not in xm's form UNAME,DEV,MODE (xl's key=value "
                             "form is not something xend 3.x creates from)",
                             def->path, i);
        }
        ent_str_addf(out, " (device (vbd");
        for (size_t k = 0; k < n; k++)
            pair(out, fields[k], parts[k]);
        ent_str_addf(out, "))");
        ent_free(copy);
    }
    return 0;
}

/* (device (vif (mac ..) (bridge ..) ...)) from 'mac=..., bridge=...' (preprocess_vifs). */
static int vifs(struct ent_str *out, const struct ent_vm_definition *def, struct ent_error *err)
{
    static const char *const keys[] = {"type",    "mac", "be_mac",  "bridge", "script",
                                       "backend", "ip",  "vifname", NULL};
    size_t i;
    json_t *spec;
    json_array_foreach(json_object_get(def->config, "vif"), i, spec)
    {
        char *copy = ent_strdup(json_string_value(spec)), *save = NULL;
        struct ent_str vif = ENT_STR_INIT;
        int rc = 0;
        for (char *p = strtok_r(copy, ",", &save); p && !rc; p = strtok_r(NULL, ",", &save)) {
            p += strspn(p, " \t");
            char *eq = strchr(p, '=');
            size_t klen = eq ? (size_t)(eq - p) : 0;
            while (klen && (p[klen - 1] == ' ' || p[klen - 1] == '\t'))
                klen--;
            size_t k = 0;
            while (keys[k] && (strlen(keys[k]) != klen || strncmp(p, keys[k], klen) != 0))
                k++;
            if (!eq || !keys[k]) {
                if (p[strspn(p, " \t")] == '\0') /* vif = [ '' ]: one interface, defaults */
                    continue;
                rc = ent_error(err, ENT_EUNSUPPORTED, "%s: vif[%zu] has a setting xm refuses",
                               def->path, i);
                break;
            }
            char *value = eq + 1 + strspn(eq + 1, " \t");
            value[strcspn(value, " \t")] = '\0';
            pair(&vif, keys[k], value);
        }
        if (!rc)
            ent_str_addf(out, " (device (vif%s))", ent_str_cstr(&vif));
        ent_str_release(&vif);
        ent_free(copy);
        if (rc)
            return rc;
    }
    return 0;
}

char *ent_xm_config_sxp(const struct ent_vm_definition *def, struct ent_error *err)
{
    if (def->format != ENT_DEFINITION_XEN || !def->config) {
        ent_error(err, ENT_EUNSUPPORTED, "%s: xend creates domains from Xen configuration files",
                  def->path);
        return NULL;
    }
    const char *kernel = setting(def, "kernel"), *bootloader = setting(def, "bootloader");
    const char *nfs_root = setting(def, "nfs_root"), *nfs_server = setting(def, "nfs_server");
    if (!(kernel && kernel[0]) && !(bootloader && bootloader[0])) {
        ent_error(err, ENT_EINVALID, "%s: no kernel and no bootloader", def->path);
        return NULL;
    }
    if (nfs_root && nfs_root[0] && !(nfs_server && nfs_server[0])) {
        ent_error(err, ENT_EINVALID, "%s: nfs_root without nfs_server", def->path);
        return NULL;
    }
    struct ent_str out = ENT_STR_INIT;
    char memory[24];
    snprintf(memory, sizeof memory, "%lld", (long long)def->memory_mb);
    ent_str_addf(&out, "(vm");
    pair(&out, "name", def->name);
    pair(&out, "memory", memory);
    static const char *const plain[] = {"maxmem",   "uuid",       "on_poweroff", "on_reboot",
                                        "on_crash", "bootloader", NULL};
    for (size_t i = 0; plain[i]; i++)
        pair(&out, plain[i], setting(def, plain[i]));
    char vcpus[24];
    snprintf(vcpus, sizeof vcpus, "%lld", (long long)def->vcpus);
    pair(&out, "vcpus", vcpus);
    image(&out, def);
    if (disks(&out, def, err) || vifs(&out, def, err)) {
        ent_str_release(&out);
        return NULL;
    }
    ent_str_addf(&out, ")");
    return ent_str_take(&out);
}
