/* Evacuations as offline constraints. */
#include "model/evacuate.h"

#include "model/constraint.h"
#include "model/enclosure.h"
#include "model/model.h"
#include "util/alloc.h"
#include "util/names.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

/* Whether node n is target, by name (by id for a node without one: BtrPlace's own nodes), or lies
 * within it. */
static int targeted(const struct ent_model *m, size_t n, const char *target,
                    const struct ent_enclosures *enc)
{
    const char *name = m->nodes[n].name;
    char id[32];
    if (!name) {
        snprintf(id, sizeof id, "%lld", (long long)m->nodes[n].id);
        name = id;
    }
    if (strcmp(name, target) == 0)
        return 1;
    if (enc && ent_enclosures_within(enc, name, target))
        return 1;
    return m->nodes[n].enclosure && strcmp(m->nodes[n].enclosure, target) == 0;
}

int ent_model_evacuate(struct ent_model *m, const char *target, const struct ent_enclosures *enc,
                       unsigned char *chosen, struct ent_error *err)
{
    int count = 0;
    for (size_t n = 0; n < m->n_nodes; n++) {
        if (!targeted(m, n, target, enc))
            continue;
        ent_constraint_set_add_one(&m->constraints, ENT_CK_OFFLINE, -1, (int32_t)n);
        if (chosen)
            chosen[n] = 1;
        count++;
    }
    if (count == 0) {
        struct ent_str q = ENT_STR_INIT;
        int rc = ent_error(err, ENT_ENOTFOUND, "no node or enclosure named \"%s\"",
                           ent_name_quote(target, &q));
        ent_str_release(&q);
        return rc;
    }
    return count;
}
