/* The dashboard's files, read into memory at start (see dashboard.h). */
#include "api/dashboard.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/file_read.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define MAX_FILE (1 << 20) /* bytes: the dashboard's files are a few KiB */

static const struct ent_web_file files[] = {
    {"/", "index.html", "text/html; charset=utf-8", NULL, 0},
    {"/dashboard.js", "dashboard.js", "text/javascript; charset=utf-8", NULL, 0},
    {"/dashboard.css", "dashboard.css", "text/css; charset=utf-8", NULL, 0},
};

int ent_dashboard_load(struct ent_dashboard *d, const char *dir, struct ent_error *err)
{
    memcpy(d->files, files, sizeof files);
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, files[i].name);
        if (ent_read_file_whole(path, MAX_FILE, &d->files[i].body, &d->files[i].len) != 0) {
            int e = errno;
            ent_dashboard_release(d);
            return ent_error(err, ENT_EIO, "api.web_root: %s: %s", path,
                             e == EINVAL ? "not a regular file of at most 1 MiB" : strerror(e));
        }
    }
    return 0;
}

const struct ent_web_file *ent_dashboard_find(const struct ent_dashboard *d, const char *path)
{
    for (size_t i = 0; i < sizeof d->files / sizeof *d->files; i++)
        if (d->files[i].body && strcmp(d->files[i].path, path) == 0)
            return &d->files[i];
    return NULL;
}

void ent_dashboard_release(struct ent_dashboard *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < sizeof d->files / sizeof *d->files; i++) {
        ent_free(d->files[i].body);
        d->files[i].body = NULL;
    }
}
