/* The lab's state files: lab.json and vms/NAME.json. */
#include "lab/lab.h"

#include "config/properties.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/names.h"
#include "util/private_dir.h"
#include "util/str.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *ent_lab_default_dir(void)
{
    static char per_user[ENT_LAB_PATH_MAX];
    const char *dir = getenv("ENTROPY_LAB_DIR"), *runtime = getenv("XDG_RUNTIME_DIR");
    if (dir && *dir)
        return dir;
    if (runtime && *runtime == '/' && strlen(runtime) < sizeof per_user - 20)
        snprintf(per_user, sizeof per_user, "%s/entropy-lab", runtime);
    else /* /tmp is shared: a name of this user's own, checked private before any use */
        snprintf(per_user, sizeof per_user, "/tmp/entropy-lab-%ld", (long)geteuid());
    return per_user;
}

const char *ent_lab_configured_dir(const struct ent_config *c)
{
    const char *dir = ent_config_string(c, "monitor.lab.dir");
    return *dir ? dir : ent_lab_default_dir();
}

int ent_lab_dirs(const char *dir, bool create, struct ent_error *err)
{
    static const char *const subs[] = {"", "/vms", "/run"};
    int rc = 0;
    for (size_t i = 0; i < 3 && !rc; i++) {
        char *path = ent_strdup_printf("%s%s", dir, subs[i]);
        rc = ent_private_dir(path, create, err);
        ent_free(path);
    }
    return rc;
}

void ent_lab_options_default(struct ent_lab_options *o)
{
    *o = (struct ent_lab_options){.nodes = 3,
                                  .vms = 4,
                                  .vm_memory_mb = 64,
                                  .node_memory_mb = 0,
                                  .node_cpus = 4,
                                  .accel = "kvm:tcg"};
}

static int copy_name(char *dst, size_t len, const char *src, const char *what, const char *file,
                     struct ent_error *err)
{
    if (!src || !*src || strlen(src) >= len || strchr(src, '/'))
        return ent_error(err, ENT_EPARSE, "%s: %s missing, too long or holding a '/'", file, what);
    strcpy(dst, src);
    return 0;
}

int ent_lab_parse(struct ent_lab *lab, json_t *doc, const char *path, struct ent_error *err)
{
    json_t *nodes = json_object_get(doc, "nodes");
    const char *accel = json_string_value(json_object_get(doc, "accel"));
    int rc = 0;
    if (!json_is_array(nodes) || !json_array_size(nodes) || json_array_size(nodes) > 1024)
        rc = ent_error(err, ENT_EPARSE, "%s: \"nodes\" is not an array of 1 to 1024 nodes", path);
    if (!rc)
        rc = copy_name(lab->accel, sizeof lab->accel, accel, "\"accel\"", path, err);
    lab->nodes = ent_calloc(json_array_size(nodes) + 1, sizeof *lab->nodes);
    for (size_t i = 0; !rc && i < json_array_size(nodes); i++) {
        json_t *n = json_array_get(nodes, i);
        struct ent_lab_node *ln = &lab->nodes[i];
        rc = copy_name(ln->name, sizeof ln->name, json_string_value(json_object_get(n, "name")),
                       "node name", path, err);
        ln->memory_mb = json_integer_value(json_object_get(n, "memory_mb"));
        json_int_t cpus = json_integer_value(json_object_get(n, "cpus"));
        if (!rc && (ln->memory_mb <= 0 || ln->memory_mb > (INT64_C(1) << 40) || cpus <= 0 ||
                    cpus > 1 << 20))
            rc = ent_error(err, ENT_EPARSE, "%s: node %s needs memory_mb and cpus in range", path,
                           ln->name);
        ln->cpus = (int)cpus;
        lab->n_nodes = i + 1;
    }
    if (rc)
        ent_lab_release(lab);
    return rc;
}

int ent_lab_open(struct ent_lab *lab, const char *dir, struct ent_error *err)
{
    memset(lab, 0, sizeof *lab);
    if (strlen(dir) >= sizeof lab->dir - 40)
        return ent_error(err, ENT_EINVALID, "lab directory path too long: %s", dir);
    snprintf(lab->dir, sizeof lab->dir, "%s", dir);
    int rc = ent_lab_dirs(dir, false, err);
    if (rc == ENT_ENOTFOUND)
        return ent_error(err, ENT_ENOTFOUND, "no lab in %s (is a lab up? entropy lab up)", dir);
    if (rc)
        return rc;
    char path[ENT_LAB_PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/lab.json", dir);
    json_error_t jerr;
    json_t *doc = json_load_file(path, 0, &jerr);
    if (!doc)
        return ent_error(err, access(path, F_OK) ? ENT_ENOTFOUND : ENT_EPARSE,
                         "%s: %s (is a lab up? entropy lab up)", path, jerr.text);
    rc = ent_lab_parse(lab, doc, path, err);
    json_decref(doc);
    return rc;
}

void ent_lab_release(struct ent_lab *lab)
{
    if (!lab)
        return;
    ent_free(lab->nodes);
    lab->nodes = NULL;
    lab->n_nodes = 0;
}

const struct ent_lab_node *ent_lab_node(const struct ent_lab *lab, const char *name)
{
    for (size_t i = 0; i < lab->n_nodes; i++)
        if (strcmp(lab->nodes[i].name, name) == 0)
            return &lab->nodes[i];
    return NULL;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int ent_lab_vm_names(const struct ent_lab *lab, char ***names, size_t *n, struct ent_error *err)
{
    char path[ENT_LAB_PATH_MAX + 8];
    snprintf(path, sizeof path, "%s/vms", lab->dir);
    *names = NULL;
    *n = 0;
    DIR *d = opendir(path);
    if (!d)
        return ent_error(err, ENT_EIO, "%s: %s", path, strerror(errno));
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len <= 5 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *names = ent_reallocarray(*names, cap, sizeof **names);
        }
        (*names)[*n] = ent_strdup(e->d_name);
        (*names)[(*n)++][len - 5] = '\0';
    }
    closedir(d);
    if (*n)
        qsort(*names, *n, sizeof **names, cmp_names);
    return 0;
}

void ent_lab_names_free(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ent_free(names[i]);
    ent_free(names);
}

int ent_lab_vm_parse(json_t *doc, const char *path, struct ent_lab_vm *vm, struct ent_error *err)
{
    memset(vm, 0, sizeof *vm);
    int rc = copy_name(vm->name, sizeof vm->name, json_string_value(json_object_get(doc, "name")),
                       "\"name\"", path, err);
    if (!rc)
        rc = copy_name(vm->node, sizeof vm->node, json_string_value(json_object_get(doc, "node")),
                       "\"node\"", path, err);
    const char *qmp = json_string_value(json_object_get(doc, "qmp"));
    if (!rc && (!qmp || strlen(qmp) >= sizeof vm->qemu.qmp))
        rc = ent_error(err, ENT_EPARSE, "%s: \"qmp\" missing or too long", path);
    if (rc)
        return rc;
    strcpy(vm->qemu.qmp, qmp);
    json_int_t mem = json_integer_value(json_object_get(doc, "memory_mb"));
    json_int_t vcpus = json_integer_value(json_object_get(doc, "vcpus"));
    json_int_t pid = json_integer_value(json_object_get(doc, "pid"));
    json_int_t gen = json_integer_value(json_object_get(doc, "generation"));
    if (mem <= 0 || mem > (INT64_C(1) << 30) || vcpus <= 0 || vcpus > 1024 || pid <= 0 ||
        pid > INT32_MAX || gen < 0 || gen > INT32_MAX)
        return ent_error(err, ENT_EPARSE,
                         "%s: memory_mb, vcpus, pid and generation must be positive and sane",
                         path);
    vm->memory_mb = mem;
    vm->vcpus = (int)vcpus;
    vm->qemu.pid = (pid_t)pid;
    vm->qemu.generation = (unsigned)gen;
    return 0;
}

int ent_lab_vm_read(const struct ent_lab *lab, const char *name, struct ent_lab_vm *vm,
                    struct ent_error *err)
{
    memset(vm, 0, sizeof *vm);
    if (!ent_name_ok(name)) /* a file name in the lab's directory: never a path of its own */
        return ent_error(err, ENT_EINVALID, "lab: not a valid VM name: %s", name);
    char path[ENT_LAB_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/vms/%s.json", lab->dir, name);
    json_error_t jerr;
    json_t *doc = json_load_file(path, 0, &jerr);
    if (!doc)
        return ent_error(err, ENT_EPARSE, "%s: %s", path, jerr.text);
    int rc = ent_lab_vm_parse(doc, path, vm, err);
    json_decref(doc);
    return rc;
}

int ent_lab_vm_write(const struct ent_lab *lab, const struct ent_lab_vm *vm, struct ent_error *err)
{
    char path[ENT_LAB_PATH_MAX + 64], tmp[ENT_LAB_PATH_MAX + 72];
    snprintf(path, sizeof path, "%s/vms/%s.json", lab->dir, vm->name);
    snprintf(tmp, sizeof tmp, "%s.new", path);
    json_t *doc = json_pack("{s:s, s:s, s:I, s:i, s:I, s:i, s:s}", "name", vm->name, "node",
                            vm->node, "memory_mb", (json_int_t)vm->memory_mb, "vcpus", vm->vcpus,
                            "pid", (json_int_t)vm->qemu.pid, "generation", (int)vm->qemu.generation,
                            "qmp", vm->qemu.qmp);
    int rc = json_dump_file(doc, tmp, JSON_INDENT(2));
    json_decref(doc);
    if (rc || rename(tmp, path))
        return ent_error(err, ENT_EIO, "%s: cannot write: %s", path, strerror(errno));
    return 0;
}
