/* entropy power NODE... on|off|status: a node's power by hand, through the driver power.nodes
 * gives it; one line per node, "NODE: on", "NODE: off" or "NODE: unknown (why)". */
#include "cli/cli.h"
#include "config/layout.h"
#include "config/properties.h"
#include "daemon/plugins.h"
#include "drivers/power.h"
#include "util/clock.h"
#include "util/names.h"
#include "util/str.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#define POLL_SECONDS 0.5

static const char *const verbs[] = {
    [ENT_POWER_DO_ON] = "on", [ENT_POWER_DO_OFF] = "off", [ENT_POWER_DO_STATUS] = "status"};

/* Waits until node reports want, within the set's timeout; the state last seen. */
static enum ent_power_state wait_for(const struct ent_power_set *set, const char *node,
                                     enum ent_power_state want, struct ent_error *err)
{
    double end = ent_now() + set->settings.timeout;
    enum ent_power_state seen = ENT_POWER_UNKNOWN;
    for (;;) {
        if (ent_power_act(set, node, ENT_POWER_DO_STATUS, &seen, err) || seen == want)
            return seen;
        if (ent_now() + POLL_SECONDS > end) {
            ent_error(err, ENT_ETIMEOUT, "still %s after %.0f s", ent_power_state_name(seen),
                      set->settings.timeout);
            return ENT_POWER_UNKNOWN;
        }
        ent_sleep(POLL_SECONDS);
    }
}

/* One node: its line printed; 0, or the exit status it calls for. */
static int one(const struct ent_power_set *set, const char *node, enum ent_power_action action)
{
    struct ent_error err;
    ent_error_init(&err);
    if (!ent_name_ok(node)) {
        struct ent_str q = ENT_STR_INIT;
        printf("%s: unknown (not a node name)\n", ent_name_quote(node, &q));
        ent_str_release(&q);
        return ENT_EXIT_INPUT;
    }
    enum ent_power_state state = ENT_POWER_UNKNOWN;
    int rc = ent_power_act(set, node, action, &state, &err);
    if (rc) {
        printf("%s: unknown (%s)\n", node, err.msg);
        return rc == ENT_ENOTFOUND || rc == ENT_EINVALID ? ENT_EXIT_INPUT : ENT_EXIT_NO;
    }
    if (action != ENT_POWER_DO_STATUS) {
        enum ent_power_state want = action == ENT_POWER_DO_ON ? ENT_POWER_ON : ENT_POWER_OFF;
        state = wait_for(set, node, want, &err);
        if (state == ENT_POWER_UNKNOWN && err.code == ENT_EUNSUPPORTED) {
            printf("%s: unknown (asked to power %s; its driver cannot tell the state)\n", node,
                   verbs[action]);
            return ENT_EXIT_OK;
        }
    }
    if (state == ENT_POWER_UNKNOWN) {
        printf("%s: unknown (%s)\n", node, err.msg);
        return ENT_EXIT_NO;
    }
    printf("%s: %s\n", node, ent_power_state_name(state));
    return ENT_EXIT_OK;
}

int ent_cmd_power(int argc, char **argv)
{
    static const struct option longopts[] = {{"config", required_argument, NULL, 'c'},
                                             {"timeout", required_argument, NULL, 't'},
                                             {NULL, 0, NULL, 0}};
    const char *config = ent_config_default_file(), *timeout = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (c == 'c')
            config = optarg;
        else if (c == 't')
            timeout = optarg;
        else
            return ent_cli_fail("power", "bad option (see entropy power --help)");
    }
    if (argc - optind < 2)
        return ent_cli_fail("power", "expects NODE... on|off|status (see entropy power --help)");
    const char *verb = argv[argc - 1];
    size_t action = 0;
    while (action < 3 && strcmp(verb, verbs[action]) != 0)
        action++;
    if (action == 3)
        return ent_cli_fail("power", "the last argument is on, off or status, not \"%s\"",
                            argv[argc - 1]);
    double seconds = 0;
    if (timeout && ent_cli_key_number("power", "--timeout", "power.timeout", timeout, &seconds))
        return ENT_EXIT_INPUT;
    ent_plugins_init();
    struct ent_error err;
    ent_error_init(&err);
    struct ent_config cfg;
    ent_config_init(&cfg);
    struct ent_power_set set;
    ent_power_set_init(&set);
    int status = ENT_EXIT_OK;
    if (ent_config_load(&cfg, config, &err) || ent_power_set_configure(&set, &cfg, &err)) {
        status = ent_cli_fail("power", "%s", err.msg);
    } else {
        if (timeout)
            set.settings.timeout = seconds;
        for (int i = optind; i < argc - 1; i++) {
            int rc = one(&set, argv[i], (enum ent_power_action)action);
            if (rc > status)
                status = rc;
        }
    }
    ent_power_set_release(&set);
    ent_config_release(&cfg);
    return status;
}
