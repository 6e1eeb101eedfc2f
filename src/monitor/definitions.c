/* The definitions directory, read every round and merged into the snapshot. */
#include "monitor/definitions.h"

#include "config/properties.h"
#include "model/model.h"
#include "monitor/issues.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/log.h"
#include "util/names.h"
#include "util/str.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SOURCE "definitions"

void ent_definitions_input_init(struct ent_definitions_input *in)
{
    *in = (struct ent_definitions_input){0};
    ent_vm_definitions_init(&in->defs);
}

void ent_definitions_input_release(struct ent_definitions_input *in)
{
    if (!in)
        return;
    ent_free(in->dir);
    ent_free(in->shared_paths);
    ent_vm_definitions_release(&in->defs);
    json_decref(in->reported);
    json_decref(in->failed);
    *in = (struct ent_definitions_input){0};
}

void ent_definitions_input_configure(struct ent_definitions_input *in, const struct ent_config *c)
{
    const char *dir = ent_config_string(c, "vm.definitions");
    in->dir = dir && dir[0] ? ent_strdup(dir) : NULL;
    in->shared_paths = ent_strdup(ent_config_string(c, "vm.shared_storage"));
    in->vm_cpu = (int64_t)ent_config_number(c, "monitor.vm_cpu");
}

/* Which version of dir/name is there now (follows a link, as reading does), NULL when none. */
static char *stamp_of(int dirfd, const char *name)
{
    struct stat st;
    if (fstatat(dirfd, name, &st, 0) != 0)
        return NULL;
    return ent_strdup_printf("%llu:%llu:%lld:%lld.%09ld", (unsigned long long)st.st_dev,
                             (unsigned long long)st.st_ino, (long long)st.st_size,
                             (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

/* Whether every byte of s is printable ASCII. */
static bool printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            return false;
    return true;
}

/* Whether dir/sub holds an entry called name (a link to the file, or a copy). */
static bool listed_in(int dirfd, const char *sub, const char *name)
{
    char path[PATH_MAX];
    struct stat st;
    return (size_t)snprintf(path, sizeof path, "%s/%s", sub, name) < sizeof path &&
           fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* The last reading of path when the file has not changed since: taken from the cache (d), or
 * its error again (returned, in err); 1 when the file is to be read. */
static int from_cache(struct ent_definitions_cache *cache, struct ent_namemap *by_path,
                      const char *path, const char *stamp, struct ent_vm_definition *d,
                      struct ent_error *err)
{
    if (!cache || !stamp)
        return 1;
    json_t *failed = json_object_get(cache->failed, path);
    const char *was = json_string_value(json_object_get(failed, "stamp"));
    if (was && strcmp(was, stamp) == 0)
        return ent_error(err, ENT_EINVALID, "%s",
                         json_string_value(json_object_get(failed, "error")));
    int32_t i = ent_namemap_get(by_path, path);
    struct ent_vm_definition *old = i >= 0 ? &cache->defs.items[i] : NULL;
    if (!old || !old->stamp || strcmp(old->stamp, stamp) != 0)
        return 1;
    *d = *old; /* taken: the old list no longer holds it */
    *old = (struct ent_vm_definition){.path = ent_strdup(d->path)};
    return 0;
}

struct reading {
    int dirfd;
    const char *dir, *shared_paths;
    struct ent_vm_definitions *defs;
    struct ent_definitions_cache *cache;
    struct ent_namemap cached_by_path;
    json_t *failed, *issues;
};

static void load_one(struct reading *rd, const char *name)
{
    struct ent_error err;
    ent_error_init(&err);
    char *path = ent_strdup_printf("%s/%s", rd->dir, name);
    char *stamp = stamp_of(rd->dirfd, name);
    struct ent_vm_definition d = {0};
    int rc = from_cache(rd->cache, &rd->cached_by_path, path, stamp, &d, &err);
    if (rc == 1) {
        rc = ent_definition_load_file(path, &d, &err);
        if (!rc) {
            d.stamp = stamp;
            stamp = NULL;
        } else if (stamp) {
            json_object_set_new(rd->failed, path,
                                json_pack("{s:s, s:s}", "stamp", stamp, "error", err.msg));
        }
    } else if (rc) {
        json_object_set_new(rd->failed, path,
                            json_pack("{s:s, s:s}", "stamp", stamp, "error", err.msg));
    }
    if (!rc) {
        d.autostart = d.file_autostart || listed_in(rd->dirfd, "auto", name) ||
                      listed_in(rd->dirfd, "autostart", name);
        ent_definition_classify(&d, rd->shared_paths);
        rc = ent_vm_definitions_add(rd->defs, &d, &err);
    }
    if (rc)
        json_array_append_new(rd->issues, json_string(err.msg));
    ent_free(stamp);
    ent_free(path);
}

int ent_definitions_load(const char *dir, const char *shared_paths, struct ent_vm_definitions *defs,
                         struct ent_definitions_cache *cache, json_t *issues, struct ent_error *err)
{
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct dirent **names = NULL;
    int n = dirfd < 0 ? -1 : scandirat(dirfd, ".", &names, NULL, alphasort);
    if (n < 0) {
        int rc = ent_error(err, ENT_EIO, "%s: %s", dir, strerror(errno));
        if (dirfd >= 0)
            close(dirfd);
        return rc;
    }
    struct reading rd = {.dirfd = dirfd,
                         .dir = dir,
                         .shared_paths = shared_paths,
                         .defs = defs,
                         .cache = cache,
                         .failed = json_object(),
                         .issues = issues};
    ent_namemap_init(&rd.cached_by_path);
    for (size_t i = 0; cache && i < cache->defs.len; i++)
        ent_namemap_put(&rd.cached_by_path, cache->defs.items[i].path, (int32_t)i);
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        if (name[0] == '.' || ent_definition_format_of(name) < 0) {
            /* not a definition */
        } else if (!printable(name)) { /* it would reach messages and the log */
            struct ent_str q = ENT_STR_INIT;
            ent_str_addf(&q, "%s/", dir);
            json_array_append_new(issues,
                                  json_sprintf("%s: a file name with unprintable bytes, skipped",
                                               ent_name_quote(name, &q)));
            ent_str_release(&q);
        } else {
            load_one(&rd, name);
        }
        free(names[i]); /* scandir's, from libc */
    }
    free(names);
    close(dirfd);
    ent_namemap_release(&rd.cached_by_path);
    if (cache) {
        json_decref(cache->failed);
        cache->failed = rd.failed;
    } else {
        json_decref(rd.failed);
    }
    return 0;
}

/* Reports message under the source; logged the first round it is seen only. */
static void report(struct ent_definitions_input *in, json_t *seen, json_t *issues, const char *msg)
{
    if (!json_object_get(in->reported, msg))
        ent_warn("%s: %s", SOURCE, msg);
    json_object_set_new(seen, msg, json_true());
    json_array_append_new(issues, json_string(msg));
}

static void reportf(struct ent_definitions_input *in, json_t *seen, json_t *issues, const char *fmt,
                    ...) __attribute__((format(printf, 4, 5)));
static void reportf(struct ent_definitions_input *in, json_t *seen, json_t *issues, const char *fmt,
                    ...)
{
    struct ent_str s = ENT_STR_INIT;
    va_list ap;
    va_start(ap, fmt);
    ent_str_vaddf(&s, fmt, ap);
    va_end(ap);
    report(in, seen, issues, ent_str_cstr(&s));
    ent_str_release(&s);
}

static void set_attrs(struct ent_vm *vm, const struct ent_vm_definition *d)
{
    if (!vm->attrs)
        vm->attrs = json_object();
    json_object_set_new(vm->attrs, ENT_VM_ATTR_DEFINITION, json_string(d->path));
    json_object_set_new(vm->attrs, ENT_VM_ATTR_AUTOSTART, json_boolean(d->autostart));
    json_object_set_new(vm->attrs, ENT_VM_ATTR_PRIORITY, json_integer(d->priority));
    if (d->local_disk)
        json_object_set_new(vm->attrs, ENT_VM_ATTR_LOCAL_DISK, json_string(d->local_disk));
}

/* A defined VM monitoring shows: its definition's attributes; a size that differs, or a local
 * disk (the VM stays where it is), is reported. */
static void merge_running(struct ent_definitions_input *in, struct ent_model *m, int32_t v,
                          const struct ent_vm_definition *d, int mem, json_t *seen, json_t *issues)
{
    set_attrs(&m->vms[v], d);
    int64_t seen_mb = m->res[mem].demand[v];
    if (m->map.vm_state[v] == ENT_VM_RUNNING &&
        (seen_mb * 100 < d->memory_mb * 99 || seen_mb * 99 > d->memory_mb * 100))
        reportf(in, seen, issues,
                "VM %s: %s defines %lld MB of memory, monitoring sees %lld MB (monitoring's is "
                "used)",
                d->name, d->path, (long long)d->memory_mb, (long long)seen_mb);
    if (d->local_disk && m->map.vm_host[v] >= 0) {
        struct ent_str q = ENT_STR_INIT; /* a path from the file: never raw in a log line */
        reportf(in, seen, issues,
                "VM %s: disk %s is not on shared storage (vm.shared_storage): it "
                "stays on its node",
                d->name, ent_name_quote(d->local_disk, &q));
        ent_str_release(&q);
        ent_monitor_pin_vm(m, v);
    }
}

/* A defined VM that runs nowhere: ready, sized by its file. */
static int add_ready(struct ent_definitions_input *in, struct ent_model *m,
                     const struct ent_vm_definition *d, int64_t id, int mem, int cpu, json_t *seen,
                     json_t *issues, struct ent_error *err)
{
    int v = ent_model_add_vm(m, id, d->name, ENT_VM_READY, -1, err);
    if (v < 0)
        return v;
    m->res[mem].demand[v] = d->memory_mb;
    m->res[cpu].demand[v] = d->vcpus * in->vm_cpu;
    set_attrs(&m->vms[v], d);
    if (d->local_disk && d->autostart) {
        struct ent_str q = ENT_STR_INIT;
        reportf(in, seen, issues,
                "VM %s: disk %s is not on shared storage (vm.shared_storage): Entropy does not "
                "choose a node for it",
                d->name, ent_name_quote(d->local_disk, &q));
        ent_str_release(&q);
    }
    return 0;
}

int ent_definitions_input_apply(struct ent_definitions_input *in, struct ent_model *m, int mem,
                                int cpu, json_t *issues, struct ent_error *err)
{
    if (!in->dir)
        return 0;
    json_t *seen = json_object(), *load_issues = json_array();
    struct ent_vm_definitions fresh;
    struct ent_error why;
    ent_error_init(&why);
    ent_vm_definitions_init(&fresh);
    struct ent_definitions_cache cache = {.defs = in->defs, .failed = in->failed};
    if (ent_definitions_load(in->dir, in->shared_paths, &fresh, &cache, load_issues, &why) == 0) {
        ent_vm_definitions_release(&in->defs); /* what the reading did not take over */
        in->defs = fresh;
        in->failed = cache.failed;
        in->loaded = true;
    } else {
        ent_vm_definitions_release(&fresh);
        reportf(in, seen, issues, "%s (%s)", why.msg,
                in->loaded ? "the last reading is kept" : "no definition known yet");
    }
    size_t i;
    json_t *msg;
    json_array_foreach(load_issues, i, msg) report(in, seen, issues, json_string_value(msg));
    json_decref(load_issues);

    /* By name: the VMs this source put in the snapshot. */
    struct ent_namemap vms;
    ent_namemap_init(&vms);
    int64_t next_id = 0;
    for (size_t v = 0; v < m->n_vms; v++) {
        if (m->vms[v].name)
            ent_namemap_put(&vms, m->vms[v].name, (int32_t)v);
        next_id = m->vms[v].id >= next_id ? m->vms[v].id + 1 : next_id;
    }
    int rc = 0;
    for (size_t k = 0; k < in->defs.len && !rc; k++) {
        const struct ent_vm_definition *d = &in->defs.items[k];
        int32_t v = ent_namemap_get(&vms, d->name);
        if (v >= 0)
            merge_running(in, m, v, d, mem, seen, issues);
        else
            rc = add_ready(in, m, d, next_id++, mem, cpu, seen, issues, err);
    }
    ent_namemap_release(&vms);
    json_decref(in->reported);
    in->reported = seen;
    return rc;
}
