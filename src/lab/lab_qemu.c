/* QEMU instances of lab VMs: started daemonized (the start returns once QEMU is set up and its
 * QMP socket listens), stopped by QMP quit or, failing that, by signal to the pid of its own pid
 * file. */
#include "lab/lab.h"

#include "proto/qmp_client.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/str.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char *qemu_binary(void)
{
    const char *q = getenv("ENTROPY_QEMU");
    return q && *q ? q : "qemu-system-x86_64";
}

static void instance_path(const struct ent_lab *lab, const char *vm, unsigned gen, const char *ext,
                          char *out, size_t len)
{
    snprintf(out, len, "%s/run/%s.g%u.%s", lab->dir, vm, gen, ext);
}

/* Whether /proc/PID/cmdline holds needle (the instance's own socket path). */
static bool cmdline_names(pid_t pid, const char *needle)
{
    char path[64], buf[8192];
    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return false;
    for (ssize_t i = 0; i < n; i++)
        if (!buf[i])
            buf[i] = ' ';
    buf[n] = '\0';
    return strstr(buf, needle) != NULL;
}

bool ent_lab_qemu_alive(const struct ent_lab_instance *inst)
{
    return inst->pid > 0 && cmdline_names(inst->pid, inst->qmp);
}

static int read_pid(const char *path, pid_t *pid)
{
    FILE *f = fopen(path, "r");
    long v = 0;
    int ok = f && fscanf(f, "%ld", &v) == 1 && v > 0;
    if (f)
        fclose(f);
    *pid = ok ? (pid_t)v : 0;
    return ok ? 0 : -1;
}

bool ent_lab_node_powered(const struct ent_lab *lab, const char *node)
{
    char path[ENT_LAB_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/run/%s.power.pid", lab->dir, node);
    if (access(path, F_OK) != 0)
        return true; /* no power process: always on */
    pid_t pid;
    if (read_pid(path, &pid) || kill(pid, 0) != 0)
        return false;
    char stat[64], text[256] = "";
    snprintf(stat, sizeof stat, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(stat, "r");
    if (f) {
        if (!fgets(text, sizeof text, f))
            text[0] = '\0';
        fclose(f);
    }
    const char *end = strrchr(text, ')');
    return !end || end[1] != ' ' || end[2] != 'Z'; /* a zombie is gone */
}

int ent_lab_qemu_start(const struct ent_lab *lab, const struct ent_lab_vm *vm, const char *node,
                       unsigned gen, bool incoming, struct ent_lab_instance *out,
                       struct ent_error *err)
{
    char pidfile[ENT_LAB_PATH_MAX + 64], logfile[ENT_LAB_PATH_MAX + 64], mem[32], smp[16],
        machine[48], qmp[ENT_LAB_PATH_MAX + 64], chardev[ENT_LAB_PATH_MAX + 96];
    instance_path(lab, vm->name, gen, "pid", pidfile, sizeof pidfile);
    instance_path(lab, vm->name, gen, "log", logfile, sizeof logfile);
    instance_path(lab, vm->name, gen, "sock", qmp, sizeof qmp);
    if (strlen(qmp) >= sizeof out->qmp || strlen(qmp) >= 100)
        return ent_error(err, ENT_EINVALID, "QMP socket path too long: %s", qmp);
    unlink(qmp);
    unlink(pidfile);
    snprintf(mem, sizeof mem, "%lld", (long long)vm->memory_mb);
    snprintf(smp, sizeof smp, "%d", vm->vcpus);
    snprintf(machine, sizeof machine, "pc,accel=%s", lab->accel);
    snprintf(chardev, sizeof chardev, "unix:%s,server=on,wait=off", qmp);
    const char *argv[] = {qemu_binary(), "-name",    vm->name,
                          "-nodefaults", "-display", "none",
                          "-machine",    machine,    "-m",
                          mem,           "-smp",     smp,
                          "-qmp",        chardev,    "-daemonize",
                          "-pidfile",    pidfile,    incoming ? "-incoming" : NULL,
                          "defer",       NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, logfile, O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    pid_t child;
    int rc = posix_spawnp(&child, argv[0], &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc)
        return ent_error(err, ENT_EDRIVER, "cannot run %s: %s", argv[0], strerror(rc));
    int status;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return ent_error(err, ENT_EDRIVER, "QEMU for %s did not start (see %s)", vm->name, logfile);
    memset(out, 0, sizeof *out);
    out->generation = gen;
    snprintf(out->qmp, sizeof out->qmp, "%s", qmp);
    snprintf(out->node, sizeof out->node, "%s", node);
    char nodefile[ENT_LAB_PATH_MAX + 64];
    instance_path(lab, vm->name, gen, "node", nodefile, sizeof nodefile);
    FILE *nf = fopen(nodefile, "w");
    if (nf) {
        fprintf(nf, "%s\n", node);
        fclose(nf);
    }
    if (read_pid(pidfile, &out->pid))
        return ent_error(err, ENT_EDRIVER, "QEMU for %s left no pid in %s", vm->name, pidfile);
    return 0;
}

void ent_lab_qemu_stop(const struct ent_lab_instance *inst)
{
    if (!ent_lab_qemu_alive(inst))
        return;
    struct ent_qmp q;
    if (ent_qmp_connect(&q, inst->qmp, 2.0, NULL) == 0) {
        if (ent_qmp_call(&q, "quit", NULL, NULL, NULL) != 0) {
            /* QEMU may close the socket as it quits; it is killed below if it lingers */
        }
        ent_qmp_close(&q);
    }
    for (double end = ent_now() + 5.0; ent_now() < end; ent_sleep(0.02))
        if (!ent_lab_qemu_alive(inst))
            return;
    if (ent_lab_qemu_alive(inst))
        kill(inst->pid, SIGKILL);
    for (double end = ent_now() + 2.0; ent_now() < end && ent_lab_qemu_alive(inst);)
        ent_sleep(0.02);
}

int ent_lab_instances(const char *dir, const char *vm, struct ent_lab_instance **out, size_t *n)
{
    char run[ENT_LAB_PATH_MAX + 8];
    snprintf(run, sizeof run, "%s/run", dir);
    *out = NULL;
    *n = 0;
    DIR *d = opendir(run);
    if (!d)
        return -1;
    size_t cap = 0, vlen = vm ? strlen(vm) : 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len <= 4 || strcmp(e->d_name + len - 4, ".pid") != 0)
            continue;
        if (vm && (strncmp(e->d_name, vm, vlen) != 0 || strncmp(e->d_name + vlen, ".g", 2) != 0))
            continue;
        struct ent_lab_instance inst = {0};
        char path[ENT_LAB_PATH_MAX + 300];
        int base = (int)(len - 4);
        if (!ent_str_fit(inst.qmp, sizeof inst.qmp, "%s/%.*s.sock", run, base, e->d_name))
            continue; /* not a name the lab gives: its socket path would not fit */
        snprintf(path, sizeof path, "%s/%s", run, e->d_name);
        if (read_pid(path, &inst.pid) || !ent_lab_qemu_alive(&inst))
            continue;
        const char *g = strrchr(e->d_name, 'g');
        inst.generation = g ? (unsigned)strtoul(g + 1, NULL, 10) : 0;
        snprintf(path, sizeof path, "%s/%.*s.node", run, base, e->d_name);
        FILE *f = fopen(path, "r");
        if (f) {
            if (fgets(inst.node, sizeof inst.node, f))
                inst.node[strcspn(inst.node, "\n")] = '\0';
            fclose(f);
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            *out = ent_reallocarray(*out, cap, sizeof **out);
        }
        (*out)[(*n)++] = inst;
    }
    closedir(d);
    return 0;
}
