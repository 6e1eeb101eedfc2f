/* entropy daemon: the control loop, as bin/controlLoop.sh starts it. */
#include "cli/cli.h"
#include "config/layout.h"
#include "daemon/daemon.h"
#include "util/error.h"

#include <getopt.h>
#include <stdio.h>

int ent_cmd_daemon(int argc, char **argv)
{
    static const struct option longopts[] = {{"config", required_argument, NULL, 'c'},
                                             {"pid-file", required_argument, NULL, 'p'},
                                             {"rounds", required_argument, NULL, 'r'},
                                             {NULL, 0, NULL, 0}};
    struct ent_daemon_options o = {.config = ent_config_default_file()};
    double num;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'c':
            o.config = optarg;
            break;
        case 'p':
            o.pid_file = optarg;
            break;
        case 'r':
            if (ent_cli_number("daemon", "--rounds", optarg, 1, 1e9, &num))
                return ENT_EXIT_INPUT;
            o.rounds = (long)num;
            break;
        default:
            return ent_cli_fail("daemon", "bad option (see entropy daemon --help)");
        }
    }
    if (optind != argc)
        return ent_cli_fail("daemon", "unexpected argument \"%s\"", argv[optind]);
    struct ent_error err;
    ent_error_init(&err);
    if (ent_daemon_run(&o, &err))
        return ent_cli_fail("daemon", "%s", err.msg);
    return ENT_EXIT_OK;
}
