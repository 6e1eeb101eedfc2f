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
                                .timeout = o->timeout};
    int rc = ent_driver_migrate(drv, &mig, &err);
    json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:b}", "driver", drv->ops->name, "vm", vm, "from",
                            from, "to", to, "migrated", !rc);
    if (rc) {
        json_object_set_new(doc, "error", json_string(err.msg));
        struct ent_vm_place place;
        if (drv->ops->locate_vm && !drv->ops->locate_vm(drv, vm, from, to, &place, NULL))
            json_object_set_new(doc, "now",
                                json_pack("{s:s?, s:s, s:i}", "node",
                                          place.node[0] ? place.node : NULL, "state", place.state,
                                          "copies", place.copies));
    } else {
        json_object_set_new(doc, "seconds", json_real(mig.seconds));
        json_object_set_new(doc, "downtime_ms",
                            mig.downtime >= 0 ? json_real(mig.downtime * 1000) : json_null());
        json_object_set_new(doc, "bytes", json_integer(mig.bytes));
        json_object_set_new(doc, "dirty_rate_mbs", json_real(mig.dirty_rate));
    }
    ent_error_init(&err);
    int prc = ent_json_save_file(doc, "-", &err);
    json_decref(doc);
    if (prc)
        return ent_cli_fail("migrate", "%s", err.msg);
    return rc ? ENT_EXIT_NO : ENT_EXIT_OK;
}

int ent_cmd_migrate(int argc, char **argv)
{
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
    struct ent_exec_options o;
    ent_exec_options_default(&o);
    const char *driver = NULL, *spec = NULL, *ssh = NULL, *migrate_uris = NULL;
    double num, port = 8002;
    int c, choices = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_XEND:
        case OPT_LIBVIRT:
        case OPT_XL:
        case OPT_LAB:
            driver = c == OPT_XEND      ? "xend"
                     : c == OPT_LIBVIRT ? "libvirt"
                     : c == OPT_XL      ? "xl"
                                        : "qmp";
            spec = optarg;
            choices++;
            break;
        case OPT_BW:
            if (ent_cli_number("migrate", "--bandwidth", optarg, 0.01, 1e6, &o.bandwidth))
                return ENT_EXIT_INPUT;
            break;
        case OPT_DT:
            if (ent_cli_key_number("migrate", "--max-downtime", "migration.max_downtime_ms", optarg,
                                   &num))
                return ENT_EXIT_INPUT;
            o.max_downtime = num / 1000;
            break;
        case OPT_TO:
            if (ent_cli_key_number("migrate", "--timeout", "migration.timeout", optarg, &o.timeout))
                return ENT_EXIT_INPUT;
            break;
        case OPT_PORT:
            if (ent_cli_key_number("migrate", "--relocation-port", "driver.xend.relocation_port",
                                   optarg, &port))
                return ENT_EXIT_INPUT;
            break;
        case OPT_SSH:
            ssh = optarg;
            break;
        case OPT_MURIS:
            migrate_uris = optarg;
            break;
        default:
            return ent_cli_fail("migrate", "bad option (see entropy migrate --help)");
        }
    }
    if (argc - optind != 3 || choices != 1)
        return ent_cli_fail("migrate", "expects VM FROM TO and one of --xend, --libvirt, --xl "
                                       "or --lab");
    struct ent_error err;
    ent_error_init(&err);
    ent_log_open(NULL, ENT_LOG_WARN, &err);
    struct ent_xend_driver_config xend = {.nodes = spec, .relocation_port = (int)port};
    struct ent_libvirt_driver_config lv = {.nodes = spec, .migrate_uris = migrate_uris};
    struct ent_xl_driver_config xl = {.nodes = spec, .ssh = ssh};
    void *arg = strcmp(driver, "xend") == 0      ? (void *)&xend
                : strcmp(driver, "libvirt") == 0 ? (void *)&lv
                : strcmp(driver, "xl") == 0      ? (void *)&xl
                                                 : (void *)spec;
    struct ent_driver drv;
    if (ent_driver_open(&drv, driver, arg, &err))
        return ent_cli_fail("migrate", "%s", err.msg);
    int rc = ent_cli_migrate(&drv, argv[optind], argv[optind + 1], argv[optind + 2], &o);
    ent_driver_close(&drv);
    return rc;
}
