/* proto/sxp.c: xend's S-expressions, lookups, and malformed input named with its offset. */
#include "helpers.h"

#include "drivers/xm_config.h"
#include "model/definition.h"
#include "proto/sxp.h"
#include "util/alloc.h"
#include "util/str.h"

static int parse(const char *text, struct ent_sxp *x, struct ent_error *err)
{
    return ent_sxp_parse(text, strlen(text), "xend test", x, err);
}

static void test_nested_lists_atoms_and_strings(void **state)
{
    (void)state;
    struct ent_sxp x;
    struct ent_error err;
    ent_error_init(&err);
    assert_int_equal(parse("(node (host n1) (nr_cpus 8) (xen_caps 'xen-3.0-x86_64 hvm')"
                           " (extra \"a \\\"quoted\\\" word\") (empty ()))  \n",
                           &x, &err),
                     0);
    assert_null(x.atom);
    assert_string_equal(ent_sxp_value(&x, "host"), "n1");
    assert_string_equal(ent_sxp_value(&x, "nr_cpus"), "8");
    assert_string_equal(ent_sxp_value(&x, "xen_caps"), "xen-3.0-x86_64 hvm");
    assert_string_equal(ent_sxp_value(&x, "extra"), "a \"quoted\" word");
    assert_null(ent_sxp_value(&x, "empty"));
    assert_null(ent_sxp_value(&x, "missing"));
    assert_non_null(ent_sxp_find(&x, "empty"));
    ent_sxp_release(&x);
}

static void test_malformed_input_is_refused_with_where(void **state)
{
    (void)state;
    static const char *const bad[] = {"(node (host n1)", "(node))", "(a 'unterminated)", "", ")",
                                      "(a) (b)"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct ent_sxp x;
        struct ent_error err;
        ent_error_init(&err);
        assert_int_equal(parse(bad[i], &x, &err), ENT_EPARSE);
        assert_non_null(strstr(err.msg, "xend test"));
    }
}

static void test_depth_is_bounded(void **state)
{
    (void)state;
    char deep[2 * (ENT_SXP_MAX_DEPTH + 2) + 1];
    size_t n = ENT_SXP_MAX_DEPTH + 2;
    memset(deep, '(', n);
    memset(deep + n, ')', n);
    deep[2 * n] = 0;
    struct ent_sxp x;
    struct ent_error err;
    ent_error_init(&err);
    assert_int_equal(parse(deep, &x, &err), ENT_EPARSE);
}

/* Atoms written as xend's reader takes them back, whatever they hold. */
static void test_atoms_written_back(void **state)
{
    (void)state;
    static const char *const atoms[] = {"plain",    "",          "two words",
                                        "(paren)",  "it's",      "back\\slash",
                                        "quote\"d", "tab\there", "mac=00:16:3e:00:00:11"};
    for (size_t i = 0; i < sizeof atoms / sizeof *atoms; i++) {
        struct ent_str out = ENT_STR_INIT;
        ent_str_addf(&out, "(x (k ");
        ent_sxp_add_atom(&out, atoms[i]);
        ent_str_addf(&out, "))");
        struct ent_sxp x;
        struct ent_error err;
        ent_error_init(&err);
        assert_int_equal(parse(ent_str_cstr(&out), &x, &err), 0);
        assert_string_equal(ent_sxp_value(&x, "k") ? ent_sxp_value(&x, "k") : "", atoms[i]);
        ent_sxp_release(&x);
        ent_str_release(&out);
    }
}

static int definition(const char *text, struct ent_vm_definition *d)
{
    struct ent_error err;
    ent_error_init(&err);
    return ent_definition_parse_xen(text, strlen(text), "vm.cfg", d, &err);
}

/* The seed's DVD Store domain as xm create would send it to xend. */
static void test_xm_create_configuration(void **state)
{
    (void)state;
    struct ent_vm_definition d;
    assert_int_equal(definition("kernel = \"/boot/vmlinuz-2.6-xenU\"\nmemory = 512\n"
                                "name = \"NFS-DVDStore\"\n"
                                "vif = [ 'mac=00:16:3e:00:00:11, bridge=xenbr0' ]\n"
                                "ip=\"10.0.0.11\"\nnetmask=\"255.255.255.0\"\n"
                                "root = \"/dev/nfs\"\nnfs_server = '192.168.1.1'\n"
                                "nfs_root = '/dvdstore'\ndisk = [ 'phy:hda1,hda1,w' ]\n",
                                &d),
                     0);
    struct ent_error err;
    ent_error_init(&err);
    char *sxp = ent_xm_config_sxp(&d, &err);
    assert_non_null(sxp);
    assert_string_equal(
        sxp, "(vm (name NFS-DVDStore) (memory 512) (vcpus 1) (image (linux (kernel "
             "/boot/vmlinuz-2.6-xenU) (ip 10.0.0.11:192.168.1.1::255.255.255.0::eth0:off) (root "
             "/dev/nfs) (args 'nfsroot=192.168.1.1:/dvdstore ') (vcpus 1))) (device (vbd (uname "
             "phy:hda1) (dev hda1) (mode w))) (device (vif (mac 00:16:3e:00:00:11) (bridge "
             "xenbr0))))");
    struct ent_sxp x;
    assert_int_equal(parse(sxp, &x, &err), 0); /* and it reads back */
    assert_string_equal(ent_sxp_value(&x, "name"), "NFS-DVDStore");
    ent_sxp_release(&x);
    ent_free(sxp);
    ent_definition_release(&d);

    /* What xend 3.x cannot create from is refused, naming it. */
    static const char *const refused[][2] = {
        {"name = 'a'\nkernel = '/k'\ndisk = [ 'vdev=xvda, target=/img' ]\n", "disk[0]"},
        {"name = 'a'\nmemory = 64\n", "no kernel and no bootloader"},
        {"name = 'a'\nkernel = '/k'\nnfs_root = '/r'\n", "nfs_root without nfs_server"},
        {"name = 'a'\nkernel = '/k'\nvif = [ 'model=e1000' ]\n", "vif[0] has a setting"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        assert_int_equal(definition(refused[i][0], &d), 0);
        assert_null(ent_xm_config_sxp(&d, &err));
        if (!strstr(err.msg, refused[i][1]))
            fail_msg("%s: got \"%s\"", refused[i][0], err.msg);
        ent_definition_release(&d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nested_lists_atoms_and_strings),
        cmocka_unit_test(test_malformed_input_is_refused_with_where),
        cmocka_unit_test(test_depth_is_bounded),
        cmocka_unit_test(test_atoms_written_back),
        cmocka_unit_test(test_xm_create_configuration),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
