/* The enclosure tree. */
#include "model/enclosure.h"

#include "config/properties.h"
#include "model/model.h"
#include "util/alloc.h"
#include "util/names.h"
#include "util/str.h"

#include <string.h>

#define PREFIX "enclosure."

void ent_enclosures_init(struct ent_enclosures *e)
{
    memset(e, 0, sizeof *e);
    ent_namemap_init(&e->by_name);
    ent_namemap_init(&e->holder);
}

void ent_enclosures_release(struct ent_enclosures *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->len; i++) {
        for (size_t k = 0; k < e->items[i].n_members; k++)
            ent_free(e->items[i].members[k]);
        ent_free(e->items[i].members);
        ent_free(e->items[i].name);
    }
    ent_free(e->items);
    ent_free(e->path);
    ent_namemap_release(&e->by_name);
    ent_namemap_release(&e->holder);
    ent_enclosures_init(e);
}

int32_t ent_enclosures_find(const struct ent_enclosures *e, const char *name)
{
    return ent_namemap_get(&e->by_name, name);
}

/* The members of one key's value, each a plain name. */
static int add_members(struct ent_enclosure *enc, const char *value, const char *where,
                       struct ent_error *err)
{
    for (const char *p = value; *p;) {
        p += strspn(p, " \t,");
        size_t len = strcspn(p, " \t,");
        if (!len)
            break;
        char *name = ent_strndup(p, len);
        if (!ent_name_ok(name)) {
            struct ent_str q = ENT_STR_INIT;
            int rc = ent_error(err, ENT_EINVALID, "%s: \"%s\" is not a node or enclosure name",
                               where, ent_name_quote(name, &q));
            ent_str_release(&q);
            ent_free(name);
            return rc;
        }
        enc->members = ent_reallocarray(enc->members, enc->n_members + 1, sizeof *enc->members);
        enc->members[enc->n_members++] = name;
        p += len;
    }
    return 0;
}

/* Where enclosure i is set, "FILE:LINE". */
static char *where_of(const struct ent_enclosures *e, size_t i)
{
    return ent_strdup_printf("%s:%d", e->path, e->items[i].line);
}

/* Each member in one place only (indexed by member), parents set, a member listed twice
 * refused. */
static int link_parents(struct ent_enclosures *e, struct ent_error *err)
{
    for (size_t i = 0; i < e->len; i++)
        ent_namemap_put(&e->by_name, e->items[i].name, (int32_t)i);
    for (size_t i = 0; i < e->len; i++)
        for (size_t k = 0; k < e->items[i].n_members; k++) {
            const char *name = e->items[i].members[k];
            int32_t j = ent_namemap_get(&e->holder, name);
            if (j >= 0) {
                char *where = where_of(e, i);
                int rc = ent_error(err, ENT_EINVALID,
                                   "%s: %s is already in enclosure %s (line %d): a member belongs "
                                   "to one enclosure",
                                   where, name, e->items[j].name, e->items[j].line);
                ent_free(where);
                return rc;
            }
            ent_namemap_put(&e->holder, name, (int32_t)i);
            int32_t child = ent_enclosures_find(e, name);
            if (child >= 0)
                e->items[child].parent = (int32_t)i;
        }
    return 0;
}

/* No enclosure within itself. */
static int check_cycles(const struct ent_enclosures *e, struct ent_error *err)
{
    for (size_t i = 0; i < e->len; i++) {
        int32_t up = e->items[i].parent;
        for (size_t steps = 0; up >= 0 && steps <= e->len; steps++, up = e->items[up].parent)
            if ((size_t)up == i) {
                char *where = where_of(e, i);
                int rc = ent_error(err, ENT_EINVALID,
                                   "%s: enclosure %s holds itself (a cycle through %s)", where,
                                   e->items[i].name, e->items[e->items[i].parent].name);
                ent_free(where);
                return rc;
            }
    }
    return 0;
}

int ent_enclosures_configure(struct ent_enclosures *e, const struct ent_config *c,
                             struct ent_error *err)
{
    ent_enclosures_release(e);
    e->path = ent_strdup(c->path ? c->path : "configuration");
    int rc = 0;
    const struct ent_config_entry *entry;
    for (size_t i = 0; !rc && (entry = ent_config_family(c, PREFIX, i)); i++) {
        e->items = ent_reallocarray(e->items, e->len + 1, sizeof *e->items);
        struct ent_enclosure *enc = &e->items[e->len++];
        *enc = (struct ent_enclosure){ent_strdup(entry->key + strlen(PREFIX)), NULL, 0, entry->line,
                                      -1};
        char *where = where_of(e, e->len - 1);
        rc = add_members(enc, entry->value, where, err);
        if (!rc && enc->n_members == 0)
            rc = ent_error(err, ENT_EINVALID, "%s: enclosure %s holds nothing", where, enc->name);
        ent_free(where);
    }
    if (!rc)
        rc = link_parents(e, err);
    if (!rc)
        rc = check_cycles(e, err);
    if (rc)
        ent_enclosures_release(e);
    return rc;
}

int ent_enclosures_check_nodes(const struct ent_enclosures *e, const struct ent_model *m,
                               struct ent_error *err)
{
    struct ent_namemap nodes;
    ent_namemap_init(&nodes);
    for (size_t n = 0; n < m->n_nodes; n++)
        if (m->nodes[n].name)
            ent_namemap_put(&nodes, m->nodes[n].name, (int32_t)n);
    int rc = 0;
    for (size_t i = 0; i < e->len && !rc; i++)
        for (size_t k = 0; k < e->items[i].n_members && !rc; k++) {
            const char *name = e->items[i].members[k];
            if (ent_enclosures_find(e, name) < 0 && ent_namemap_get(&nodes, name) < 0) {
                char *where = where_of(e, i);
                rc = ent_error(err, ENT_EINVALID,
                               "%s: %s (in enclosure %s) is neither a node monitoring shows nor an "
                               "enclosure",
                               where, name, e->items[i].name);
                ent_free(where);
            }
        }
    ent_namemap_release(&nodes);
    return rc;
}

const char *ent_enclosures_of(const struct ent_enclosures *e, const char *node)
{
    int32_t i = ent_namemap_get(&e->holder, node);
    return i < 0 ? NULL : e->items[i].name;
}

void ent_enclosures_apply(const struct ent_enclosures *e, struct ent_model *m)
{
    for (size_t n = 0; n < m->n_nodes; n++) {
        const char *enc = m->nodes[n].name ? ent_enclosures_of(e, m->nodes[n].name) : NULL;
        if (!enc)
            continue;
        ent_free(m->nodes[n].enclosure);
        m->nodes[n].enclosure = ent_strdup(enc);
    }
}

int ent_enclosures_within(const struct ent_enclosures *e, const char *node, const char *target)
{
    if (strcmp(node, target) == 0)
        return 1;
    const char *enc = ent_enclosures_of(e, node);
    for (size_t steps = 0; enc && steps <= e->len; steps++) {
        if (strcmp(enc, target) == 0)
            return 1;
        int32_t i = ent_enclosures_find(e, enc);
        enc = i >= 0 && e->items[i].parent >= 0 ? e->items[e->items[i].parent].name : NULL;
    }
    return 0;
}
