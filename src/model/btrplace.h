/* BtrPlace JSON instances: {"model": {mapping, attributes, views}, "constraints": [...],
 * "objective": {...}}. Constraints and views Entropy does not interpret are kept and written back.
 */
#ifndef ENT_MODEL_BTRPLACE_H
#define ENT_MODEL_BTRPLACE_H

#include "util/error.h"

#include <jansson.h>

struct ent_error;
struct ent_model;
struct ent_mapping;

/* Reads a "model" object into m (initialised, empty). Messages start with what. */
ENT_MUST_USE int ent_btrplace_read_model(struct ent_model *m, json_t *model, const char *what,
                                         struct ent_error *err);
/* Reads an instance document: model, constraints (optional) and objective (optional). */
ENT_MUST_USE int ent_btrplace_read_instance(struct ent_model *m, json_t *doc, const char *what,
                                            struct ent_error *err);
/* Loads an instance file (plain or gzip) and validates it. */
ENT_MUST_USE int ent_btrplace_load_instance(struct ent_model *m, const char *path,
                                            struct ent_error *err);

/* The "model" object of m with map as its mapping (m->map when map is NULL). */
json_t *ent_btrplace_model_json(const struct ent_model *m, const struct ent_mapping *map);
/* The whole instance document of m. */
json_t *ent_btrplace_instance_json(const struct ent_model *m);

#endif
