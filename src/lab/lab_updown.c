/* Bringing a lab up and down. */
#include "lab/lab.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/log.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_lab_json(const char *dir, const struct ent_lab_options *o, int64_t node_memory,
                          struct ent_error *err)
{
    json_t *nodes = json_array();
    for (size_t n = 0; n < o->nodes; n++) {
        char name[ENT_LAB_NAME_MAX];
        snprintf(name, sizeof name, "lab-%zu", n + 1);
        json_array_append_new(nodes, json_pack("{s:s, s:I, s:i}", "name", name, "memory_mb",
                                               (json_int_t)node_memory, "cpus", o->node_cpus));
    }
    json_t *doc = json_pack("{s:o, s:s}", "nodes", nodes, "accel", o->accel);
    char path[ENT_LAB_PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/lab.json", dir);
    int rc = json_dump_file(doc, path, JSON_INDENT(2));
    json_decref(doc);
    return rc ? ent_error(err, ENT_EIO, "%s: cannot write", path) : 0;
}

int ent_lab_up(const char *dir, const struct ent_lab_options *o, struct ent_error *err)
{
    if (o->nodes < 1 || o->nodes > 64 || o->vms > 256 || o->vm_memory_mb < 16 ||
        o->vm_memory_mb > 4096 || o->node_cpus < 1)
        return ent_error(err, ENT_EINVALID,
                         "lab: 1 to 64 nodes, up to 256 VMs of 16 to 4096 MB, nodes of 1 CPU or "
                         "more");
    int64_t node_memory = o->node_memory_mb ? o->node_memory_mb : 4 * o->vm_memory_mb;
    size_t per_node = (o->vms + o->nodes - 1) / o->nodes;
    if ((int64_t)per_node * o->vm_memory_mb > node_memory)
        return ent_error(err, ENT_EINVALID,
                         "lab: %zu VMs of %lld MB per node do not fit in %lld MB nodes", per_node,
                         (long long)o->vm_memory_mb, (long long)node_memory);
    char path[ENT_LAB_PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/lab.json", dir);
    if (access(path, F_OK) == 0)
        return ent_error(err, ENT_EEXISTS, "a lab is already up in %s (entropy lab down first)",
                         dir);
    struct ent_lab lab;
    int rc = ent_lab_dirs(dir, true, err);
    if (!rc)
        rc = write_lab_json(dir, o, node_memory, err);
    if (!rc)
        rc = ent_lab_open(&lab, dir, err);
    if (rc)
        return rc;
    for (size_t v = 0; !rc && v < o->vms; v++) {
        struct ent_lab_vm vm = {.memory_mb = o->vm_memory_mb, .vcpus = 1};
        snprintf(vm.name, sizeof vm.name, "vm-%zu", v + 1);
        snprintf(vm.node, sizeof vm.node, "%s", lab.nodes[v % lab.n_nodes].name);
        rc = ent_lab_qemu_start(&lab, &vm, vm.node, 1, false, &vm.qemu, err);
        if (!rc)
            rc = ent_lab_vm_write(&lab, &vm, err);
        if (rc)
            ent_lab_qemu_stop(&vm.qemu);
    }
    ent_lab_release(&lab);
    if (rc) {
        struct ent_error down;
        ent_error_init(&down);
        if (ent_lab_down(dir, &down))
            ent_log_error("lab up failed, and so did cleaning up: %s", down.msg);
        return rc;
    }
    return 0;
}

/* Every live instance, the current ones and any left by a migration that was cut short. */
static void stop_instances(const char *dir)
{
    struct ent_lab_instance *all;
    size_t n;
    if (ent_lab_instances(dir, NULL, &all, &n))
        return;
    for (size_t i = 0; i < n; i++)
        ent_lab_qemu_stop(&all[i]);
    ent_free(all);
}

static void remove_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char path[ENT_LAB_PATH_MAX + 300];
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
}

int ent_lab_down(const char *dir, struct ent_error *err)
{
    char path[ENT_LAB_PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/lab.json", dir);
    if (access(path, F_OK) != 0)
        return ent_error(err, ENT_ENOTFOUND, "no lab in %s", dir);
    int rc = ent_lab_dirs(dir, false, err); /* nothing is deleted through another's link */
    if (rc)
        return rc;
    stop_instances(dir);
    /* Only what the lab wrote: run/ and vms/ are its own, of the directory only lab.json. */
    const char *subs[] = {"/run", "/vms"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s%s", dir, subs[i]);
        remove_files(path);
        rmdir(path);
    }
    snprintf(path, sizeof path, "%s/lab.json", dir);
    unlink(path);
    if (rmdir(dir) && errno != ENOENT)
        ent_warn("lab down: %s is left, not empty: %s", dir, strerror(errno));
    return 0;
}
