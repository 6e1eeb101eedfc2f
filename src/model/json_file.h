/* Reading and writing JSON documents, plain or gzip-compressed (zlib). */
#ifndef ENT_MODEL_JSON_FILE_H
#define ENT_MODEL_JSON_FILE_H

#include "util/error.h"

#include <jansson.h>
#include <stddef.h>

struct ent_error;

/* Largest document accepted (decompressed), to refuse absurd inputs before exhausting memory. */
#define ENT_JSON_MAX_BYTES ((size_t)1 << 31)

/* Parses path (gzip detected by content); errors name the file, line and column. "-" is stdin. */
json_t *ent_json_load_file(const char *path, struct ent_error *err);
/* Parses a buffer; what names the source in messages. */
json_t *ent_json_load_buffer(const char *buf, size_t len, const char *what, struct ent_error *err);
/* Writes doc to path, gzip-compressed when path ends in ".gz"; "-" is stdout. */
ENT_MUST_USE int ent_json_save_file(json_t *doc, const char *path, struct ent_error *err);

#endif
