/* The power driver registry, the per-node power set and the dispatch of an action. */
#include "drivers/power.h"

#include "config/properties.h"
#include "util/alloc.h"
#include "util/registry.h"
#include "util/str.h"

#include <string.h>

static struct ent_registry registry = {.what = "power driver"};

int ent_power_register(const struct ent_power_ops *ops, struct ent_error *err)
{
    if (!ops->name || !ops->scheme || !ops->parse)
        return ent_error(err, ENT_EINVALID, "power driver without name, scheme or parse");
    return ent_registry_add(&registry, ops->name, ops, err);
}

const struct ent_power_ops *ent_power_at(size_t i)
{
    return ent_registry_at(&registry, i);
}

const char *ent_power_name_at(size_t i)
{
    const struct ent_power_ops *ops = ent_power_at(i);
    return ops ? ops->name : NULL;
}

const char *ent_power_state_name(enum ent_power_state s)
{
    static const char *const names[] = {
        [ENT_POWER_UNKNOWN] = "unknown", [ENT_POWER_ON] = "on", [ENT_POWER_OFF] = "off"};
    return names[s];
}

void ent_power_set_init(struct ent_power_set *set)
{
    memset(set, 0, sizeof *set);
    set->settings.ipmitool = "ipmitool";
    set->settings.ipmi_cipher_suite = 3;
    set->settings.timeout = 30;
}

static void release_node(struct ent_power_node *n)
{
    for (size_t w = 0; w < n->n_ways; w++)
        if (n->ways[w].ops->release)
            n->ways[w].ops->release(n->ways[w].target);
    n->n_ways = 0;
}

void ent_power_set_release(struct ent_power_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->len; i++)
        release_node(&set->nodes[i]);
    ent_free(set->nodes);
    set->nodes = NULL;
    set->len = 0;
}

static const struct ent_power_node *named(const struct ent_power_set *set, const char *node)
{
    for (size_t i = 0; i < set->len; i++)
        if (strcmp(set->nodes[i].name, node) == 0)
            return &set->nodes[i];
    return NULL;
}

const struct ent_power_node *ent_power_set_find(const struct ent_power_set *set, const char *node)
{
    const struct ent_power_node *n = named(set, node);
    return n ? n : named(set, "*");
}

/* One URI of a node into way. */
static int parse_uri(const char *uri, size_t len, struct ent_power_way *way, struct ent_error *err)
{
    char *text = ent_strndup(uri, len);
    int rc = ENT_EINVALID;
    struct ent_str forms = ENT_STR_INIT;
    for (size_t i = 0; ent_power_at(i); i++) {
        const struct ent_power_ops *ops = ent_power_at(i);
        ent_str_addf(&forms, "%s%s", i ? ", " : "", ops->form);
        if (strncmp(text, ops->scheme, strlen(ops->scheme)) == 0) {
            way->ops = ops;
            rc = ops->parse(text + strlen(ops->scheme), &way->target, err);
            if (rc)
                ent_error_prefix(err, "%s", ops->name);
            goto done;
        }
    }
    ent_error(err, ENT_EINVALID, "not a power URI (%s)", ent_str_cstr(&forms));
done:
    ent_str_release(&forms);
    ent_free(text);
    return rc;
}

/* "NODE=URI[,URI]" of length len into n. */
static int parse_entry(const char *entry, size_t len, struct ent_power_node *n,
                       struct ent_error *err)
{
    const char *eq = memchr(entry, '=', len);
    memset(n, 0, sizeof *n);
    if (!eq || eq == entry || (size_t)(eq - entry) > ENT_NAME_MAX)
        return ent_error(err, ENT_EINVALID, "expected NODE=URI");
    memcpy(n->name, entry, (size_t)(eq - entry));
    if (strcmp(n->name, "*") != 0 && !ent_name_ok(n->name))
        return ent_error(err, ENT_EINVALID, "the node name is not plain (letters, digits, ._-+:@)");
    const char *p = eq + 1, *end = entry + len;
    while (p < end) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma ? comma : end;
        if (n->n_ways == ENT_POWER_WAYS) {
            release_node(n);
            return ent_error(err, ENT_EINVALID, "at most %d URIs per node", ENT_POWER_WAYS);
        }
        int rc = parse_uri(p, (size_t)(stop - p), &n->ways[n->n_ways], err);
        if (rc) {
            release_node(n);
            return rc;
        }
        n->n_ways++;
        p = comma ? comma + 1 : end;
    }
    if (n->n_ways == 0)
        return ent_error(err, ENT_EINVALID, "expected NODE=URI");
    return 0;
}

int ent_power_set_parse(struct ent_power_set *set, const char *spec, struct ent_error *err)
{
    size_t old = set->len;
    for (const char *p = spec; *p;) {
        p += strspn(p, " \t");
        size_t len = strcspn(p, " \t");
        if (!len)
            break;
        struct ent_power_node n;
        int rc = parse_entry(p, len, &n, err);
        if (!rc && named(set, n.name)) {
            release_node(&n);
            rc = ent_error(err, ENT_EINVALID, "node %s is given twice", n.name);
        }
        if (rc) {
            struct ent_str entry = ENT_STR_INIT;
            char *raw = ent_strndup(p, len < 120 ? len : 120);
            ent_error_prefix(err, "power.nodes entry \"%s\"", ent_name_quote(raw, &entry));
            ent_free(raw);
            ent_str_release(&entry);
            while (set->len > old)
                release_node(&set->nodes[--set->len]);
            return rc;
        }
        set->nodes = ent_reallocarray(set->nodes, set->len + 1, sizeof *set->nodes);
        set->nodes[set->len++] = n;
        p += len;
    }
    return 0;
}

int ent_power_set_configure(struct ent_power_set *set, const struct ent_config *c,
                            struct ent_error *err)
{
    set->settings.ipmi_password_file = ent_config_string(c, "power.ipmi.password_file");
    set->settings.ipmi_cipher_suite = (int)ent_config_number(c, "power.ipmi.cipher_suite");
    set->settings.ipmi_soft_off = strcmp(ent_config_string(c, "power.ipmi.off"), "soft") == 0;
    set->settings.timeout = ent_config_number(c, "power.timeout");
    int rc = ent_power_set_parse(set, ent_config_string(c, "power.nodes"), err);
    if (rc)
        return ent_error_prefix(err, "%s", c->path ? c->path : "configuration");
    return 0;
}

bool ent_power_can(const struct ent_power_set *set, const char *node, enum ent_power_action action)
{
    const struct ent_power_node *n = ent_power_set_find(set, node);
    for (size_t w = 0; n && w < n->n_ways; w++)
        if (n->ways[w].ops->act[action])
            return true;
    return false;
}

int ent_power_act(const struct ent_power_set *set, const char *node, enum ent_power_action action,
                  enum ent_power_state *state, struct ent_error *err)
{
    static const char *const verbs[] = {"power on", "power off", "tell the power state of"};
    *state = ENT_POWER_UNKNOWN;
    const struct ent_power_node *n = ent_power_set_find(set, node);
    if (!n)
        return ent_error(err, ENT_ENOTFOUND, "no power driver for this node (power.nodes)");
    for (size_t w = 0; w < n->n_ways; w++) {
        const struct ent_power_way *way = &n->ways[w];
        if (way->ops->act[action])
            return way->ops->act[action](way->target, node, &set->settings, state, err);
    }
    return ent_error(err, ENT_EUNSUPPORTED, "%s cannot %s a node", n->ways[0].ops->name,
                     verbs[action]);
}
