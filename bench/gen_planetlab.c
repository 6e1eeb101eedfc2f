/* PlanetLab-derived instances from the CoMon traces shipped with CloudSim. */
#include "gen.h"

#include "model/model.h"
#include "util/alloc.h"
#include "util/error.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Utilisation (percent) of each trace file at step; names sorted as CloudSim lists them. */
static int read_traces(const char *day, int step, int **util, size_t *n, struct ent_error *err)
{
    DIR *dir = opendir(day);
    if (!dir)
        return ent_error(err, ENT_EIO, "%s: cannot open the trace folder", day);
    char **names = NULL;
    size_t len = 0, cap = 0;
    struct dirent *d;
    while ((d = readdir(dir))) {
        if (d->d_name[0] == '.')
            continue;
        ENT_GROW(names, cap, len);
        names[len++] = ent_strdup(d->d_name);
    }
    closedir(dir);
    qsort(names, len, sizeof *names, cmp_str);
    *util = ent_malloc((len + 1) * sizeof **util);
    int rc = 0;
    for (size_t i = 0; i < len; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", day, names[i]);
        FILE *f = fopen(path, "r");
        int value = -1;
        for (int s = 0; f && s <= step; s++)
            if (fscanf(f, "%d", &value) != 1)
                value = -1;
        if (f)
            fclose(f);
        if (value < 0 || value > 100) {
            rc = ent_error(err, ENT_EPARSE, "%s: no utilisation at step %d", path, step);
            break;
        }
        (*util)[i] = value;
    }
    for (size_t i = 0; i < len; i++)
        ent_free(names[i]);
    ent_free(names);
    *n = len;
    return rc;
}

int ent_gen_planetlab(struct ent_model *m, const char *day, size_t hosts, int step,
                      enum ent_gen_start start, struct ent_error *err)
{
    static const int64_t vm_mips[] = {2500, 2000, 1000, 500};
    static const int64_t vm_mem[] = {870, 1740, 1740, 613};
    int *util = NULL, *before = NULL;
    size_t n_vms = 0, n_before = 0;
    int rc = read_traces(day, step, &util, &n_vms, err);
    if (!rc)
        rc = read_traces(day, step > 0 ? step - 1 : 0, &before, &n_before, err);
    if (rc) {
        ent_free(util);
        ent_free(before);
        return rc;
    }
    int cpu = ent_model_add_resource(m, "cpu", 0, 0, err);
    int mem = ent_model_add_resource(m, "memory", 4096, 0, err);
    for (size_t h = 0; h < hosts; h++) {
        char name[32];
        snprintf(name, sizeof name, "host-%04zu", h);
        int i = ent_model_add_node(m, (int64_t)h, name, ENT_NODE_ONLINE, err);
        m->res[cpu].capacity[i] = h % 2 == 0 ? 2 * 1860 : 2 * 2660;
    }
    int64_t *used_cpu = ent_calloc(hosts, sizeof *used_cpu), *used_mem = ent_calloc(hosts, 8);
    int64_t *cap_mem = ent_malloc(hosts * sizeof *cap_mem);
    for (size_t h = 0; h < hosts; h++)
        cap_mem[h] = 4096;
    /* The previous step's placement: first-fit to 70 % of the hosts, more when the VMs need it. */
    int32_t *host = ent_malloc((n_vms + 1) * sizeof *host);
    for (double fill = start == ENT_GEN_PREVIOUS_ROUND ? 0.7 : 1.0;; fill += 0.05) {
        size_t next = 0, v = 0;
        memset(used_cpu, 0, hosts * sizeof *used_cpu);
        memset(used_mem, 0, hosts * sizeof *used_mem);
        for (; v < n_vms; v++) {
            size_t type = v * 4 / n_vms; /* four contiguous blocks */
            int64_t c = (util[v] * vm_mips[type] + 99) / 100;
            int64_t c_then = (before[v] * vm_mips[type] + 99) / 100;
            host[v] = ent__gen_first_fit(used_cpu, used_mem, m->res[cpu].capacity, cap_mem, hosts,
                                         start == ENT_GEN_PREVIOUS_ROUND ? c_then : c, vm_mem[type],
                                         fill, &next);
            if (start == ENT_GEN_ROUND_ROBIN)
                next = (next + 1) % hosts;
            if (host[v] < 0)
                break;
        }
        if (v == n_vms)
            break;
        if (fill > 1.0) {
            rc =
                ent_error(err, ENT_EINFEASIBLE, "%s step %d: VM %zu fits on no host", day, step, v);
            break;
        }
    }
    for (size_t v = 0; v < n_vms && !rc; v++) {
        size_t type = v * 4 / n_vms;
        char name[48];
        snprintf(name, sizeof name, "vm-%04zu", v);
        int i = ent_model_add_vm(m, (int64_t)v, name, ENT_VM_RUNNING, host[v], err);
        m->res[cpu].demand[i] = (util[v] * vm_mips[type] + 99) / 100;
        m->res[mem].demand[i] = vm_mem[type];
    }
    ent_free(host);
    ent_free(cap_mem);
    ent_free(before);
    ent_free(used_cpu);
    ent_free(used_mem);
    ent_free(util);
    return rc;
}
