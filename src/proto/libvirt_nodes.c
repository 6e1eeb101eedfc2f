/* The libvirt node list of the configuration. */
#include "proto/libvirt_nodes.h"

#include "util/alloc.h"

#include <libvirt/libvirt.h>
#include <string.h>

/* The host of a URI (driver[+transport]://[user@]host[:port]/path), or NULL when it names none. */
static char *uri_host(const char *uri)
{
    const char *p = strstr(uri, "://");
    if (!p)
        return NULL;
    p += 3;
    size_t len = strcspn(p, "/?");
    const char *at = memchr(p, '@', len);
    if (at) {
        len -= (size_t)(at + 1 - p);
        p = at + 1;
    }
    if (*p == '[') { /* [IPv6] */
        const char *close = memchr(p, ']', len);
        return close ? ent_strndup(p + 1, (size_t)(close - p - 1)) : NULL;
    }
    const char *colon = memchr(p, ':', len);
    if (colon)
        len = (size_t)(colon - p);
    return len ? ent_strndup(p, len) : NULL;
}

static void add_node(struct ent_libvirt_nodes *nodes, const char *spec)
{
    nodes->items = ent_reallocarray(nodes->items, nodes->len + 1, sizeof *nodes->items);
    struct ent_libvirt_node *n = &nodes->items[nodes->len++];
    memset(n, 0, sizeof *n);
    const char *eq = strchr(spec, '='), *scheme = strstr(spec, "://");
    if (eq && (!scheme || eq < scheme)) {
        n->name = ent_strndup(spec, (size_t)(eq - spec));
        n->uri = ent_strdup(eq + 1);
    } else {
        n->name = uri_host(spec);
        n->uri = ent_strdup(spec);
    }
}

void ent_libvirt_nodes_add(struct ent_libvirt_nodes *nodes, const char *specs)
{
    char *list = ent_strdup(specs), *save = NULL;
    for (char *spec = strtok_r(list, " \t", &save); spec; spec = strtok_r(NULL, " \t", &save))
        add_node(nodes, spec);
    ent_free(list);
}

void ent_libvirt_nodes_release(struct ent_libvirt_nodes *nodes)
{
    if (!nodes)
        return;
    for (size_t i = 0; i < nodes->len; i++) {
        if (nodes->items[i].conn)
            virConnectClose(nodes->items[i].conn);
        ent_free(nodes->items[i].name);
        ent_free(nodes->items[i].uri);
    }
    ent_free(nodes->items);
    memset(nodes, 0, sizeof *nodes);
}
