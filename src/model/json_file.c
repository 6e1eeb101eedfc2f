/* JSON documents on disk; zlib's gzread reads plain files as they are, so one path serves both. */
#include "model/json_file.h"

#include "util/alloc.h"
#include "util/error.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

json_t *ent_json_load_buffer(const char *buf, size_t len, const char *what, struct ent_error *err)
{
    json_error_t jerr;
    json_t *doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc)
        ent_error(err, ENT_EPARSE, "%s: line %d, column %d: %s", what, jerr.line, jerr.column,
                  jerr.text);
    return doc;
}

/* The whole stream into *buf (of *len bytes); 0, or the error naming path. */
static int read_all(gzFile gz, const char *path, char **buf, size_t *len, struct ent_error *err)
{
    size_t cap = 1 << 20;
    *buf = ent_malloc(cap);
    *len = 0;
    for (;;) {
        if (*len == cap) {
            if (cap >= ENT_JSON_MAX_BYTES)
                return ent_error(err, ENT_EINVALID, "%s: larger than 2 GiB, refused", path);
            cap *= 2;
            *buf = ent_reallocarray(*buf, cap, 1);
        }
        int n = gzread(gz, *buf + *len, (unsigned)(cap - *len));
        if (n < 0) {
            int zerr;
            const char *msg = gzerror(gz, &zerr);
            size_t plen = strlen(path); /* zlib puts the path in front of its message */
            if (strncmp(msg, path, plen) == 0 && strncmp(msg + plen, ": ", 2) == 0)
                msg += plen + 2;
            return ent_error(err, ENT_EIO, "%s: read error: %s", path,
                             zerr == Z_ERRNO ? strerror(errno) : msg);
        }
        if (n == 0)
            break;
        *len += (size_t)n;
    }
    int zerr;
    gzerror(gz, &zerr);
    if (zerr == Z_BUF_ERROR) /* a gzip stream cut short, or missing its CRC trailer */
        return ent_error(err, ENT_EPARSE,
                         "%s: truncated: the compressed data ends before its end (%zu bytes "
                         "read)",
                         path, *len);
    return *len ? 0 : ent_error(err, ENT_EPARSE, "%s: empty file", path);
}

json_t *ent_json_load_file(const char *path, struct ent_error *err)
{
    int fd = strcmp(path, "-") == 0 ? dup(STDIN_FILENO) : -1;
    gzFile gz = fd >= 0 ? gzdopen(fd, "rb") : gzopen(path, "rb");
    if (!gz) {
        ent_error(err, ENT_EIO, "%s: cannot open: %s", path, errno ? strerror(errno) : "zlib");
        return NULL;
    }
    gzbuffer(gz, 1 << 17);
    char *buf = NULL;
    size_t len = 0;
    json_t *doc =
        read_all(gz, path, &buf, &len, err) ? NULL : ent_json_load_buffer(buf, len, path, err);
    gzclose(gz);
    ent_free(buf);
    return doc;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

int ent_json_save_file(json_t *doc, const char *path, struct ent_error *err)
{
    char *text = json_dumps(doc, JSON_COMPACT);
    if (!text)
        return ent_error(err, ENT_ENOMEM, "%s: cannot serialise JSON", path);
    size_t len = strlen(text);
    int rc = 0;
    if (strcmp(path, "-") == 0) {
        if (fwrite(text, 1, len, stdout) != len || fputc('\n', stdout) == EOF)
            rc = ent_error(err, ENT_EIO, "stdout: write error");
    } else if (ends_with(path, ".gz")) {
        gzFile gz = gzopen(path, "wb");
        if (!gz)
            rc = ent_error(err, ENT_EIO, "%s: cannot create: %s", path, strerror(errno));
        else if (gzwrite(gz, text, (unsigned)len) != (int)len || gzclose(gz) != Z_OK)
            rc = ent_error(err, ENT_EIO, "%s: write error", path);
    } else {
        FILE *f = fopen(path, "w");
        if (!f)
            rc = ent_error(err, ENT_EIO, "%s: cannot create: %s", path, strerror(errno));
        else {
            int bad = fwrite(text, 1, len, f) != len || fputc('\n', f) == EOF;
            if (fclose(f) != 0 || bad)
                rc = ent_error(err, ENT_EIO, "%s: write error", path);
        }
    }
    free(text); /* allocated by jansson */
    return rc;
}
