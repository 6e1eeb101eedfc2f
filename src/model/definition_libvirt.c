/* libvirt domain XML (virsh dumpxml), read with libxml2 without a network, a DTD or entities:
 * name, memory (with its unit), vcpu, disks and Entropy's metadata element
 * <entropy:vm xmlns:entropy="urn:entropy:vm" autostart="yes" priority="10"/>. */
#include "model/definition.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/names.h"
#include "util/number.h"
#include "util/str.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>
#include <strings.h>

#define ENTROPY_NS "urn:entropy:vm"

/* Whether text is a whole number in [lo, hi]; then *out holds it. */
static bool whole(const char *text, double lo, double hi, int64_t *out)
{
    double v = 0;
    if (!text || !ent_number_in(text, lo, hi, &v) || v != (double)(int64_t)v)
        return false;
    *out = (int64_t)v;
    return true;
}

static bool named(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static const xmlNode *child(const xmlNode *parent, const char *name)
{
    for (const xmlNode *c = parent->children; c; c = c->next)
        if (named(c, name))
            return c;
    return NULL;
}

/* An attribute's value or NULL (free with xmlFree). */
static char *attr(const xmlNode *n, const char *name)
{
    return (char *)xmlGetProp(n, (const xmlChar *)name);
}

static char *text_of(const xmlNode *n)
{
    return n ? (char *)xmlNodeGetContent(n) : NULL;
}

/* libvirt's memory units (docs: formatdomain, "memory"), as the MB they hold. */
static const struct {
    const char *unit;
    double mb;
} units[] = {
    {"b", 1.0 / 1048576},
    {"bytes", 1.0 / 1048576},
    {"KB", 1000.0 / 1048576},
    {"k", 1.0 / 1024},
    {"KiB", 1.0 / 1024},
    {"MB", 1e6 / 1048576},
    {"M", 1},
    {"MiB", 1},
    {"GB", 1e9 / 1048576},
    {"G", 1024},
    {"GiB", 1024},
    {"TB", 1e12 / 1048576},
    {"T", 1048576},
    {"TiB", 1048576},
};

static int memory_mb(const xmlNode *dom, const char *path, int64_t *out, struct ent_error *err)
{
    const xmlNode *mem = child(dom, "memory");
    if (!mem)
        return ent_error(err, ENT_EINVALID, "%s: line %d: <domain> has no <memory>", path,
                         dom->line);
    char *unit = attr(mem, "unit");
    char *value = text_of(mem);
    double per = -1;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(unit ? unit : "KiB", units[i].unit) == 0)
            per = units[i].mb;
    int64_t amount = 0;
    int rc = 0;
    if (per < 0)
        rc = ent_error(err, ENT_EINVALID, "%s: line %d: <memory> has an unknown unit", path,
                       mem->line);
    else if (!whole(value, 1, 1e18, &amount) || (double)amount * per > (double)(INT64_C(1) << 30))
        rc = ent_error(err, ENT_EINVALID, "%s: line %d: <memory> is not a size from 1 MB to 1 PB",
                       path, mem->line);
    else /* at least 1 MB: a guest of a few KiB still takes room */
        *out =
            (int64_t)((double)amount * per + 0.5) > 0 ? (int64_t)((double)amount * per + 0.5) : 1;
    xmlFree(unit);
    xmlFree(value);
    return rc;
}

static int vcpus(const xmlNode *dom, const char *path, int64_t *out, struct ent_error *err)
{
    const xmlNode *v = child(dom, "vcpu");
    *out = 1;
    if (!v)
        return 0;
    char *value = text_of(v);
    int rc = !whole(value, 1, 4096, out)
                 ? ent_error(err, ENT_EINVALID, "%s: line %d: <vcpu> is not a count from 1 to 4096",
                             path, v->line)
                 : 0;
    xmlFree(value);
    return rc;
}

/* The disk's source as one string: a path, or PROTOCOL://NAME for network storage. */
static char *disk_source(const xmlNode *src, const char *type)
{
    if (!src)
        return NULL;
    static const char *const path_attrs[] = {"file", "dev", "dir", NULL};
    for (size_t i = 0; path_attrs[i]; i++) {
        char *v = attr(src, path_attrs[i]);
        if (v) {
            char *s = ent_strdup(v);
            xmlFree(v);
            return s;
        }
    }
    char *protocol = attr(src, "protocol"), *name = attr(src, "name");
    char *pool = attr(src, "pool"), *volume = attr(src, "volume");
    char *s = NULL;
    if (strcmp(type, "network") == 0)
        s = ent_strdup_printf("%s://%s", protocol ? protocol : "network", name ? name : "");
    else if (pool || volume) /* a storage pool's volume: where it lies is the pool's affair */
        s = ent_strdup_printf("pool %s volume %s", pool ? pool : "?", volume ? volume : "?");
    xmlFree(protocol);
    xmlFree(name);
    xmlFree(pool);
    xmlFree(volume);
    return s;
}

static void read_disks(const xmlNode *dom, struct ent_vm_definition *d)
{
    const xmlNode *devices = child(dom, "devices");
    for (const xmlNode *n = devices ? devices->children : NULL; n; n = n->next) {
        if (!named(n, "disk"))
            continue;
        char *type = attr(n, "type");
        char *source = disk_source(child(n, "source"), type ? type : "file");
        const xmlNode *t = child(n, "target");
        char *target = t ? attr(t, "dev") : NULL;
        if (source) { /* a CD-ROM drive without a medium holds nothing */
            ENT_GROW(d->disks, d->cap_disks, d->n_disks);
            d->disks[d->n_disks++] = (struct ent_vm_disk){
                .source = source,
                .target = target ? ent_strdup(target) : NULL,
                .network = type && strcmp(type, "network") == 0,
                .shareable = child(n, "shareable") != NULL,
            };
        }
        xmlFree(type);
        xmlFree(target);
    }
}

static int read_metadata(const xmlNode *dom, const char *path, struct ent_vm_definition *d,
                         struct ent_error *err)
{
    const xmlNode *meta = child(dom, "metadata");
    for (const xmlNode *n = meta ? meta->children : NULL; n; n = n->next) {
        if (!named(n, "vm") || !n->ns || !n->ns->href ||
            strcmp((const char *)n->ns->href, ENTROPY_NS) != 0)
            continue;
        char *autostart = attr(n, "autostart"), *priority = attr(n, "priority");
        int rc = 0;
        if (autostart && strcmp(autostart, "yes") != 0 && strcmp(autostart, "no") != 0)
            rc = ent_error(err, ENT_EINVALID, "%s: line %d: autostart must be yes or no", path,
                           n->line);
        else if (priority && !whole(priority, -1000000, 1000000, &d->priority))
            rc = ent_error(err, ENT_EINVALID,
                           "%s: line %d: priority must be a whole number from -1000000 to 1000000",
                           path, n->line);
        d->autostart = d->file_autostart = autostart && strcmp(autostart, "yes") == 0;
        xmlFree(autostart);
        xmlFree(priority);
        return rc;
    }
    return 0;
}

static int read_domain(const xmlNode *dom, const char *path, struct ent_vm_definition *d,
                       struct ent_error *err)
{
    if (!named(dom, "domain"))
        return ent_error(err, ENT_EINVALID, "%s: line %d: the root element is not <domain>", path,
                         dom->line);
    char *name = text_of(child(dom, "name"));
    int rc = 0;
    if (!name)
        rc = ent_error(err, ENT_EINVALID, "%s: line %d: <domain> has no <name>", path, dom->line);
    else if (!ent_name_ok(name)) {
        struct ent_str q = ENT_STR_INIT;
        rc = ent_error(err, ENT_EINVALID, "%s: name \"%s\" is not a VM name", path,
                       ent_name_quote(name, &q));
        ent_str_release(&q);
    } else
        d->name = ent_strdup(name);
    xmlFree(name);
    if (!rc)
        rc = memory_mb(dom, path, &d->memory_mb, err);
    if (!rc)
        rc = vcpus(dom, path, &d->vcpus, err);
    if (!rc)
        rc = read_metadata(dom, path, d, err);
    if (!rc)
        read_disks(dom, d);
    return rc;
}

int ent_definition_parse_libvirt(const char *text, size_t len, const char *path,
                                 struct ent_vm_definition *out, struct ent_error *err)
{
    *out = (struct ent_vm_definition){.format = ENT_DEFINITION_LIBVIRT, .path = ent_strdup(path)};
    xmlParserCtxtPtr ctxt = NULL;
    xmlDocPtr doc = NULL;
    int rc = 0;
    if (len > ENT_DEFINITION_MAX_BYTES) {
        rc = ent_error(err, ENT_EINVALID, "%s: larger than %d bytes", path,
                       ENT_DEFINITION_MAX_BYTES);
        goto cleanup;
    }
    ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        rc = ent_error(err, ENT_ENOMEM, "%s: out of memory", path);
        goto cleanup;
    }
    /* No network, no entity substitution, no DTD loading, and no message of libxml2's own on
     * stderr: the error is ours to report. */
    doc = xmlCtxtReadMemory(ctxt, text, (int)len, NULL, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) {
        const xmlError *e = xmlCtxtGetLastError(ctxt);
        struct ent_str q = ENT_STR_INIT;
        char msg[160] = "";
        if (e && e->message)
            snprintf(msg, sizeof msg, "%s", e->message);
        msg[strcspn(msg, "\n")] = '\0';
        rc = ent_error(err, ENT_EPARSE, "%s: line %d: malformed XML: %s", path, e ? e->line : 0,
                       ent_name_quote(msg, &q));
        ent_str_release(&q);
        goto cleanup;
    }
    if (doc->intSubset || doc->extSubset) {
        rc = ent_error(err, ENT_EPARSE, "%s: a DOCTYPE is refused (domain XML has none)", path);
        goto cleanup;
    }
    const xmlNode *root = xmlDocGetRootElement(doc);
    rc = root ? read_domain(root, path, out, err)
              : ent_error(err, ENT_EPARSE, "%s: no root element", path);
    if (!rc)
        out->xml = ent_strndup(text, len);
cleanup:
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    if (rc)
        ent_definition_release(out);
    return rc;
}
