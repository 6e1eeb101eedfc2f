/* entropy migrate: one live migration through a driver, by hand, with its figures. */
#include "cli/cli.h"
#include "drivers/driver.h"
#include "drivers/libvirt.h"
#include "drivers/xend.h"
#include "drivers/xl.h"
#include "exec/executor.h"
#include "model/json_file.h"
#include "util/error.h"
#include "util/log.h"
#include "util/names.h"
#include "util/str.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

int ent_cli_migrate(struct ent_driver *drv, const char *vm, const char *from, const char *to,
                    const struct ent_exec_options *o)
{
    struct ent_error err;
    ent_error_init(&err);
    struct ent_migration mig = {.vm = vm,
                                .from = from,
                                .to = to,
                                .bandwidth = o->bandwidth,
                                .max_downtime = o->max_downtime,
                                .timeout = o->timeout,
                                .downtime = -1,
                                .bytes = -1};
    int rc = ent_driver_migrate(drv, &mig, &err);
    json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:b}", "driver", drv->ops->name, "vm", vm, "from",
                            from, "to", to, "migrated", !rc);
    if (rc) {
        json_object_set_new(doc, "error", json_string(err.msg));
        struct ent_vm_place place;
        struct ent_error where;
        ent_error_init(&where);
        if (drv->ops->locate_vm && !drv->ops->locate_vm(drv, vm, from, to, &place, &where))
            json_object_set_new(doc, "now",
                                json_pack("{s:s?, s:s, s:i}", "node",
                                          place.node[0] ? place.node : NULL, "state", place.state,
                                          "copies", place.copies));
        else if (drv->ops->locate_vm) /* where it is is unknown, never "nowhere" */
            json_object_set_new(doc, "now_unknown", json_string(where.msg));
    } else {
        json_object_set_new(doc, "seconds", json_real(mig.seconds));
        json_object_set_new(doc, "downtime_ms",
                            mig.downtime >= 0 ? json_real(mig.downtime * 1000) : json_null());
        json_object_set_new(doc, "bytes", mig.bytes >= 0 ? json_integer(mig.bytes) : json_null());
        json_object_set_new(doc, "dirty_rate_mbs", json_real(mig.dirty_rate));
    }
    ent_error_init(&err);
    int prc = ent_json_save_file(doc, "-", &err);
    json_decref(doc);
    if (prc)
        return ent_cli_fail("migrate", "%s", err.msg);
    return rc ? ENT_EXIT_NO : ENT_EXIT_OK;
}

enum {
    OPT_XEND = 256,
    OPT_LIBVIRT,
    OPT_XL,
    OPT_LAB,
    OPT_BW,
    OPT_DT,
    OPT_TO,
    OPT_PORT,
    OPT_SSH,
    OPT_MURIS
};

static const struct option longopts[] = {{"xend", required_argument, NULL, OPT_XEND},
                                         {"libvirt", required_argument, NULL, OPT_LIBVIRT},
                                         {"xl", required_argument, NULL, OPT_XL},
                                         {"lab", required_argument, NULL, OPT_LAB},
                                         {"bandwidth", required_argument, NULL, OPT_BW},
                                         {"max-downtime", required_argument, NULL, OPT_DT},
                                         {"timeout", required_argument, NULL, OPT_TO},
                                         {"relocation-port", required_argument, NULL, OPT_PORT},
                                         {"ssh", required_argument, NULL, OPT_SSH},
                                         {"migrate-uris", required_argument, NULL, OPT_MURIS},
                                         {NULL, 0, NULL, 0}};

struct migrate_args {
    struct ent_exec_options o;
    const char *driver, *spec, *ssh, *migrate_uris;
    double port;
    int choices;
};

static int parse_option(struct migrate_args *a, int c)
{
    double num = 0;
    int rc;
    switch (c) {
    case OPT_XEND:
    case OPT_LIBVIRT:
    case OPT_XL:
    case OPT_LAB:
        a->driver = c == OPT_XEND      ? "xend"
                    : c == OPT_LIBVIRT ? "libvirt"
                    : c == OPT_XL      ? "xl"
                                       : "qmp";
        a->spec = optarg;
        a->choices++;
        return 0;
    case OPT_BW:
        return ent_cli_number("migrate", "--bandwidth", optarg, 0.01, 1e6, &a->o.bandwidth)
                   ? ENT_EXIT_INPUT
                   : 0;
    case OPT_DT:
        rc = ent_cli_key_number("migrate", "--max-downtime", "migration.max_downtime_ms", optarg,
                                &num);
        a->o.max_downtime = num / 1000;
        return rc ? ENT_EXIT_INPUT : 0;
    case OPT_TO:
        return ent_cli_key_number("migrate", "--timeout", "migration.timeout", optarg,
                                  &a->o.timeout)
                   ? ENT_EXIT_INPUT
                   : 0;
    case OPT_PORT:
        return ent_cli_key_number("migrate", "--relocation-port", "driver.xend.relocation_port",
                                  optarg, &a->port)
                   ? ENT_EXIT_INPUT
                   : 0;
    case OPT_SSH:
        a->ssh = optarg;
        return 0;
    case OPT_MURIS:
        a->migrate_uris = optarg;
        return 0;
    default:
        return ent_cli_fail("migrate", "bad option (see entropy migrate --help)");
    }
}

int ent_cmd_migrate(int argc, char **argv)
{
    struct migrate_args a = {.port = 8002};
    ent_exec_options_default(&a.o);
    int c, rc = 0;
    optind = 1;
    while (!rc && (c = getopt_long(argc, argv, "", longopts, NULL)) != -1)
        rc = parse_option(&a, c);
    if (rc)
        return rc;
    if (argc - optind != 3 || a.choices != 1)
        return ent_cli_fail("migrate", "expects VM FROM TO and one of --xend, --libvirt, --xl "
                                       "or --lab");
    for (int i = optind; i < argc; i++)
        if (!ent_name_ok(argv[i])) {
            struct ent_str q = ENT_STR_INIT;
            rc = ent_cli_fail("migrate",
                              "\"%s\" is not a valid name (1 to %d of letters, digits and "
                              "._-+:@)",
                              ent_name_quote(argv[i], &q), ENT_NAME_MAX);
            ent_str_release(&q);
            return rc;
        }
    struct ent_error err;
    ent_error_init(&err);
    ent_log_open(NULL, ENT_LOG_WARN, &err);
    /* Each driver's own settings, as the configuration would give them. */
    struct ent_xend_driver_config xend = {.nodes = a.spec, .relocation_port = (int)a.port};
    struct ent_libvirt_driver_config lv = {.nodes = a.spec, .migrate_uris = a.migrate_uris};
    struct ent_xl_driver_config xl = {.nodes = a.spec, .ssh = a.ssh};
    void *arg = strcmp(a.driver, "xend") == 0      ? (void *)&xend
                : strcmp(a.driver, "libvirt") == 0 ? (void *)&lv
                : strcmp(a.driver, "xl") == 0      ? (void *)&xl
                                                   : (void *)a.spec;
    struct ent_driver drv;
    if (ent_driver_open(&drv, a.driver, arg, &err))
        return ent_cli_fail("migrate", "%s", err.msg);
    rc = ent_cli_migrate(&drv, argv[optind], argv[optind + 1], argv[optind + 2], &a.o);
    ent_driver_close(&drv);
    return rc;
}
