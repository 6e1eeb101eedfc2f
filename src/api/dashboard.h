/* The web dashboard's static files (web/: index.html, dashboard.js, dashboard.css), read once
 * when the API starts and served from memory: no request path ever reaches the file system. */
#ifndef ENT_API_DASHBOARD_H
#define ENT_API_DASHBOARD_H

#include <stddef.h>

struct ent_error;

struct ent_web_file {
    const char *path; /* as requested: "/", "/dashboard.js", ... */
    const char *name; /* in the directory */
    const char *type; /* its content type */
    char *body;       /* NULL when not loaded */
    size_t len;
};

struct ent_dashboard {
    struct ent_web_file files[3];
};

/* Reads the files of dir; a missing or unreadable one is an error naming it (the API then
 * serves no dashboard, and says why at each request for it). */
int ent_dashboard_load(struct ent_dashboard *d, const char *dir, struct ent_error *err);
/* The file served at path, or NULL. */
const struct ent_web_file *ent_dashboard_find(const struct ent_dashboard *d, const char *path);
void ent_dashboard_release(struct ent_dashboard *d);

#endif
