/* BtrPlace JSON plans: {"origin": model, "actions": [{"id": "migrateVM", "vm", "from", "to",
 * "start", "end"}, ...]}. Entropy adds "bypass": true on migrations through a pivot node. */
#ifndef ENT_MODEL_PLAN_JSON_H
#define ENT_MODEL_PLAN_JSON_H

#include <jansson.h>

struct ent_error;
struct ent_model;
struct ent_mapping;
struct ent_plan;

/* Reads the "actions" of doc into plan (initialised, empty); ids resolve against m.
 * The origin, if any, is compared by the caller (see ent_plan_origin_matches). */
int ent_plan_read_json(struct ent_plan *plan, json_t *doc, const struct ent_model *m,
                       const char *what, struct ent_error *err);
/* Whether doc's "origin" (when present) describes the same mapping as m's; the detail goes to err.
 */
int ent_plan_origin_matches(json_t *doc, const struct ent_model *m, const char *what,
                            struct ent_error *err);
json_t *ent_plan_to_json(const struct ent_plan *plan, const struct ent_model *m);

#endif
