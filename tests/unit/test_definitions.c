/* model/definition*.c and monitor/definitions.c: Xen domain configuration files (the seed's DVD
 * Store domain as written) and libvirt domain XML into definitions; shared and local disks;
 * autostart from the file or from auto/; every malformed file refused naming it; a directory read
 * with its bad files reported and the rest kept; definitions merged into a snapshot. */
#include "helpers.h"

#include "model/definition.h"
#include "monitor/definitions.h"
#include "util/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef ENT_TEST_DATA
#define ENT_TEST_DATA "tests/data"
#endif

static int parse_file(const char *path, struct ent_vm_definition *d, struct ent_error *err)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char buf[8192];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    int format = ent_definition_format_of(path);
    assert_true(format >= 0);
    return ent_definition_parse((enum ent_definition_format)format, buf, len, path, d, err);
}

static void test_seed_domain_file(void **state)
{
    (void)state;
    struct ent_vm_definition d;
    struct ent_error err;
    ent_error_init(&err);
    assert_int_equal(parse_file(ENT_TEST_DATA "/definitions/dvdstore.cfg", &d, &err), 0);
    assert_string_equal(d.name, "NFS-DVDStore");
    assert_int_equal(d.memory_mb, 512);
    assert_int_equal(d.vcpus, 1);
    assert_int_equal(d.format, ENT_DEFINITION_XEN);
    /* The NFS root is its only storage, on the network: it may start anywhere. */
    assert_int_equal(d.n_disks, 1);
    assert_true(d.disks[0].network);
    ent_definition_classify(&d, "");
    assert_null(d.local_disk);
    /* What xend needs to create it, as written (either quote). */
    assert_string_equal(json_string_value(json_object_get(d.config, "kernel")),
                        "/boot/vmlinuz-2.6-xenU");
    assert_string_equal(json_string_value(json_object_get(d.config, "nfs_server")), "192.168.1.1");
    assert_string_equal(json_string_value(json_array_get(json_object_get(d.config, "vif"), 0)),
                        "mac=00:16:3e:00:00:11, bridge=xenbr0");
    assert_null(json_object_get(d.config, "disk")); /* commented out */
    ent_definition_release(&d);
}

static void test_xen_disks_shared_or_local(void **state)
{
    (void)state;
    struct ent_vm_definition d;
    struct ent_error err;
    ent_error_init(&err);
    assert_int_equal(parse_file(ENT_TEST_DATA "/definitions/batch.cfg", &d, &err), 0);
    assert_int_equal(d.vcpus, 4);
    assert_int_equal(d.priority, -5);
    assert_int_equal(d.n_disks, 2);
    assert_string_equal(d.disks[0].source, "/srv/shared/batch.img");
    assert_string_equal(d.disks[0].target, "xvda");
    assert_false(d.disks[0].network);
    assert_true(d.disks[1].network); /* reached by block-iscsi */
    ent_definition_classify(&d, "/srv/shared");
    assert_null(d.local_disk);
    ent_definition_classify(&d, "/srv/shared/");
    assert_null(d.local_disk);
    /* A prefix is a directory: /srv/sha is not /srv/shared's parent. */
    ent_definition_classify(&d, "/srv/sha /nfs");
    assert_string_equal(d.local_disk, "/srv/shared/batch.img");
    ent_definition_classify(&d, "");
    assert_string_equal(d.local_disk, "/srv/shared/batch.img");
    ent_definition_release(&d);

    const char *phy = "name = \"old\"\nmemory = 256\ndisk = [ 'phy:hda1,hda1,w' ]\n"
                      "entropy_autostart = 1\n";
    assert_int_equal(ent_definition_parse_xen(phy, strlen(phy), "old.cfg", &d, &err), 0);
    assert_true(d.autostart);
    assert_int_equal(d.memory_mb, 256);
    ent_definition_classify(&d, "/");
    assert_string_equal(d.local_disk, "hda1"); /* a device of the node itself */
    ent_definition_release(&d);
}

static void test_libvirt_domains(void **state)
{
    (void)state;
    struct ent_vm_definition d;
    struct ent_error err;
    ent_error_init(&err);
    assert_int_equal(parse_file(ENT_TEST_DATA "/definitions/web.xml", &d, &err), 0);
    assert_string_equal(d.name, "web");
    assert_int_equal(d.memory_mb, 2048);
    assert_int_equal(d.vcpus, 2);
    assert_true(d.autostart);
    assert_int_equal(d.priority, 10);
    assert_int_equal(d.n_disks, 1); /* the empty CD-ROM drive holds nothing */
    ent_definition_classify(&d, "/srv/shared");
    assert_null(d.local_disk);
    assert_non_null(strstr(d.xml, "<name>web</name>"));
    ent_definition_release(&d);

    assert_int_equal(parse_file(ENT_TEST_DATA "/definitions/db.xml", &d, &err), 0);
    assert_int_equal(d.memory_mb, 1024); /* KiB when no unit is given */
    assert_int_equal(d.vcpus, 1);
    assert_false(d.autostart);
    ent_definition_classify(&d, "/srv/shared");
    assert_string_equal(d.local_disk, "/dev/vg0/db");
    ent_definition_release(&d);

    const char *net = "<domain><name>n</name><memory unit='MiB'>300</memory><devices>"
                      "<disk type='network'><source protocol='rbd' name='pool/n'/></disk>"
                      "<disk type='file'><source file='/var/lib/n.img'/><shareable/></disk>"
                      "</devices></domain>";
    assert_int_equal(ent_definition_parse_libvirt(net, strlen(net), "n.xml", &d, &err), 0);
    assert_int_equal(d.memory_mb, 300);
    assert_string_equal(d.disks[0].source, "rbd://pool/n");
    ent_definition_classify(&d, "");
    assert_null(d.local_disk);
    ent_definition_release(&d);
}

static void test_malformed_refused_naming_the_file(void **state)
{
    (void)state;
    static const char *const bad[][2] = {
        {"syntax.cfg", "syntax.cfg:2: config parsing error"},
        {"noname.cfg", "noname.cfg: no name"},
        {"badname.cfg", "badname.cfg: name \"a;reboot\" is not a VM name"},
        {"memory.cfg", "memory.cfg: memory must be a whole number"},
        {"disk.cfg", "disk.cfg: disk[0] is not a disk specification"},
        {"unclosed.xml", "unclosed.xml: line 4: malformed XML"},
        {"entities.xml", "entities.xml: "},
        {"root.xml", "root.xml: line 1: the root element is not <domain>"},
        {"unit.xml", "unit.xml: line 1: <memory> has an unknown unit"},
        {"negative.xml", "negative.xml: line 1: <memory> is not a size"},
        {"noname.xml", "noname.xml: line 1: <domain> has no <name>"},
        {"autostart.xml", "autostart.xml: line 1: autostart must be yes or no"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char path[256];
        snprintf(path, sizeof path, "%s/malformed-definitions/%s", ENT_TEST_DATA, bad[i][0]);
        struct ent_vm_definition d;
        struct ent_error err;
        ent_error_init(&err);
        assert_int_not_equal(parse_file(path, &d, &err), 0);
        if (!strstr(err.msg, bad[i][1]))
            fail_msg("%s: got \"%s\", want \"%s\"", bad[i][0], err.msg, bad[i][1]);
        assert_null(d.name);
        assert_int_equal(d.n_disks, 0);
    }
    /* Not text: a NUL inside, and a file too large. */
    struct ent_vm_definition d;
    struct ent_error err;
    ent_error_init(&err);
    assert_int_equal(ent_definition_parse_xen("name = \"a\"\0x", 12, "nul.cfg", &d, &err),
                     ENT_EPARSE);
    size_t big = ENT_DEFINITION_MAX_BYTES + 1;
    char *huge = ent_calloc(big, 1);
    memset(huge, ' ', big);
    assert_int_equal(ent_definition_parse(ENT_DEFINITION_LIBVIRT, huge, big, "huge.xml", &d, &err),
                     ENT_EINVALID);
    ent_free(huge);
}

static void test_directory(void **state)
{
    (void)state;
    struct ent_vm_definitions defs;
    struct ent_error err;
    ent_error_init(&err);
    ent_vm_definitions_init(&defs);
    json_t *issues = json_array();
    assert_int_equal(ent_definitions_load(ENT_TEST_DATA "/definitions", "/srv/shared", &defs, NULL,
                                          issues, &err),
                     0);
    assert_int_equal(json_array_size(issues), 0);
    assert_int_equal(defs.len, 4);
    /* In file name order; auto/dvdstore.cfg marks the seed's domain autostart. */
    assert_string_equal(defs.items[0].name, "batch");
    assert_string_equal(defs.items[1].name, "db");
    assert_true(ent_vm_definitions_find(&defs, "NFS-DVDStore")->autostart);
    assert_false(ent_vm_definitions_find(&defs, "batch")->autostart);
    assert_string_equal(ent_vm_definitions_find(&defs, "db")->local_disk, "/dev/vg0/db");
    assert_null(ent_vm_definitions_find(&defs, "nobody"));
    ent_vm_definitions_release(&defs);

    /* Every bad file is reported, naming it; none stops the others. */
    ent_vm_definitions_init(&defs);
    json_array_clear(issues);
    assert_int_equal(
        ent_definitions_load(ENT_TEST_DATA "/malformed-definitions", "", &defs, NULL, issues, &err),
        0);
    assert_int_equal(defs.len, 0);
    assert_int_equal(json_array_size(issues), 12);
    ent_vm_definitions_release(&defs);

    /* A directory that cannot be read is an error, naming it. */
    ent_vm_definitions_init(&defs);
    assert_int_equal(ent_definitions_load("/nonexistent/defs", "", &defs, NULL, issues, &err),
                     ENT_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent/defs"));
    ent_vm_definitions_release(&defs);
    json_decref(issues);
}

static void write_text(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_a_name_defined_twice_keeps_the_first(void **state)
{
    (void)state;
    char dir[] = "/tmp/ent-defs-XXXXXX";
    assert_non_null(mkdtemp(dir));
    write_text(dir, "a.cfg", "name = \"twin\"\nmemory = 100\n");
    write_text(dir, "b.xml", "<domain><name>twin</name><memory unit='M'>200</memory></domain>");
    write_text(dir, "notes.txt", "not a definition");
    write_text(dir, "bad\nname.cfg", "name = \"other\"\nmemory = 100\n");
    struct ent_vm_definitions defs;
    struct ent_error err;
    ent_error_init(&err);
    ent_vm_definitions_init(&defs);
    json_t *issues = json_array();
    assert_int_equal(ent_definitions_load(dir, "", &defs, NULL, issues, &err), 0);
    assert_int_equal(defs.len, 1);
    assert_int_equal(defs.items[0].memory_mb, 100);
    assert_int_equal(json_array_size(issues), 2);
    /* A file name with a newline never reaches a message raw. */
    assert_non_null(strstr(json_string_value(json_array_get(issues, 1)),
                           "/bad\\x0aname.cfg: a file name with unprintable bytes, skipped"));
    assert_null(ent_vm_definitions_find(&defs, "other"));
    assert_non_null(strstr(json_string_value(json_array_get(issues, 0)), "b.xml: VM twin is "
                                                                         "already defined by"));
    ent_vm_definitions_release(&defs);
    json_decref(issues);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* A snapshot with node n1 running "web" (memory 1000, not its defined 2048) and "db". */
static void snapshot(struct ent_model *m, int *mem, int *cpu)
{
    struct ent_error err;
    ent_error_init(&err);
    ent_model_init(m);
    *cpu = ent_model_add_resource(m, "cpu", 0, 0, &err);
    *mem = ent_model_add_resource(m, "memory", 0, 0, &err);
    assert_int_equal(ent_model_add_node(m, 0, "n1", ENT_NODE_ONLINE, &err), 0);
    m->res[*mem].capacity[0] = 8192;
    m->res[*cpu].capacity[0] = 400;
    assert_int_equal(ent_model_add_vm(m, 7, "web", ENT_VM_RUNNING, 0, &err), 0);
    assert_int_equal(ent_model_add_vm(m, 9, "db", ENT_VM_RUNNING, 0, &err), 1);
    m->res[*mem].demand[0] = 1000;
    m->res[*mem].demand[1] = 1024;
}

static void test_merged_into_the_snapshot(void **state)
{
    (void)state;
    struct ent_definitions_input in;
    ent_definitions_input_init(&in);
    in.dir = ent_strdup(ENT_TEST_DATA "/definitions");
    in.shared_paths = ent_strdup("/srv/shared");
    in.vm_cpu = 50;
    struct ent_model m;
    int mem, cpu;
    snapshot(&m, &mem, &cpu);
    json_t *issues = json_array();
    struct ent_error err;
    ent_error_init(&err);
    assert_int_equal(ent_definitions_input_apply(&in, &m, mem, cpu, issues, &err), 0);
    /* The two defined VMs that run nowhere are ready, sized by their files. */
    assert_int_equal(m.n_vms, 4);
    int32_t batch = ent_model_vm_index(&m, 10), dvd = ent_model_vm_index(&m, 11);
    assert_string_equal(m.vms[batch].name, "batch");
    assert_int_equal(m.map.vm_state[batch], ENT_VM_READY);
    assert_int_equal(m.map.vm_host[batch], -1);
    assert_int_equal(m.res[mem].demand[batch], 1024);
    assert_int_equal(m.res[cpu].demand[batch], 4 * 50);
    assert_string_equal(m.vms[dvd].name, "NFS-DVDStore");
    assert_true(json_is_true(json_object_get(m.vms[dvd].attrs, ENT_VM_ATTR_AUTOSTART)));
    /* Running ones carry their definition; a size that differs and a local disk are reported,
     * and the VM on a local disk stays where it is. */
    assert_true(json_is_true(json_object_get(m.vms[0].attrs, ENT_VM_ATTR_AUTOSTART)));
    assert_int_equal(json_integer_value(json_object_get(m.vms[0].attrs, ENT_VM_ATTR_PRIORITY)), 10);
    assert_string_equal(json_string_value(json_object_get(m.vms[1].attrs, ENT_VM_ATTR_LOCAL_DISK)),
                        "/dev/vg0/db");
    assert_int_equal(json_array_size(issues), 2);
    assert_non_null(strstr(json_string_value(json_array_get(issues, 0)),
                           "VM db: disk /dev/vg0/db is not on shared storage"));
    assert_non_null(strstr(json_string_value(json_array_get(issues, 1)),
                           "VM web: " ENT_TEST_DATA "/definitions/web.xml defines 2048 MB"));
    assert_int_equal(m.constraints.len, 1);
    assert_int_equal(m.constraints.items[0].kind, ENT_CK_ROOT);
    assert_int_equal(m.constraints.items[0].vms[0], 1);
    assert_int_equal(ent_model_validate(&m, &err), 0);
    ent_model_release(&m);

    /* The directory gone (NFS down): the last reading is kept, and that is said. */
    ent_free(in.dir);
    in.dir = ent_strdup("/nonexistent/defs");
    snapshot(&m, &mem, &cpu);
    json_array_clear(issues);
    assert_int_equal(ent_definitions_input_apply(&in, &m, mem, cpu, issues, &err), 0);
    assert_int_equal(m.n_vms, 4);
    assert_non_null(strstr(json_string_value(json_array_get(issues, 0)),
                           "/nonexistent/defs: No such file or directory (the last reading is "
                           "kept)"));
    ent_model_release(&m);
    json_decref(issues);
    ent_definitions_input_release(&in);
}

/* A file read again only when it changed: the unchanged one is taken over from the last reading,
 * the edited one read anew, a malformed one reported each round. */
static void test_unchanged_files_not_read_again(void **state)
{
    (void)state;
    char dir[] = "/tmp/ent-defs-XXXXXX";
    assert_non_null(mkdtemp(dir));
    write_text(dir, "a.cfg", "name = \"a\"\nmemory = 100\n");
    write_text(dir, "b.cfg", "name = \"b\"\nmemory = 100\n");
    write_text(dir, "c.cfg", "name = \"c\"\nmemory = [ 'x', 'y' @ ]\n");
    struct ent_definitions_input in;
    ent_definitions_input_init(&in);
    in.dir = ent_strdup(dir);
    json_t *issues = json_array();
    struct ent_error err;
    ent_error_init(&err);
    struct ent_model m;
    int mem, cpu;
    snapshot(&m, &mem, &cpu);
    assert_int_equal(ent_definitions_input_apply(&in, &m, mem, cpu, issues, &err), 0);
    assert_int_equal(in.defs.len, 2);
    const char *a_name = in.defs.items[0].name;
    assert_int_equal(json_array_size(issues), 1);
    assert_non_null(strstr(json_string_value(json_array_get(issues, 0)), "c.cfg:2: config "
                                                                         "parsing error"));
    ent_model_release(&m);

    write_text(dir, "b.cfg", "name = \"b\"\nmemory = 2000\n");
    snapshot(&m, &mem, &cpu);
    json_array_clear(issues);
    assert_int_equal(ent_definitions_input_apply(&in, &m, mem, cpu, issues, &err), 0);
    assert_ptr_equal(in.defs.items[0].name, a_name); /* taken over, not parsed again */
    assert_int_equal(ent_vm_definitions_find(&in.defs, "b")->memory_mb, 2000);
    assert_int_equal(json_array_size(issues), 1); /* still said, from the last reading */
    assert_non_null(strstr(json_string_value(json_array_get(issues, 0)), "c.cfg:2: config "
                                                                         "parsing error"));
    ent_model_release(&m);
    json_decref(issues);
    ent_definitions_input_release(&in);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    ent_log_open(NULL, ENT_LOG_ERROR, NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_domain_file),
        cmocka_unit_test(test_xen_disks_shared_or_local),
        cmocka_unit_test(test_libvirt_domains),
        cmocka_unit_test(test_malformed_refused_naming_the_file),
        cmocka_unit_test(test_directory),
        cmocka_unit_test(test_a_name_defined_twice_keeps_the_first),
        cmocka_unit_test(test_merged_into_the_snapshot),
        cmocka_unit_test(test_unchanged_files_not_read_again),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
