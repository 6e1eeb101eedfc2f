/* entropy plan approve [ROUND]: approves the plan a daemon in recommend mode (loop.mode) waits
 * with, through its journal (daemon.journal), which the daemon reads while it waits. */
#include "cli/cli.h"
#include "config/layout.h"
#include "config/properties.h"
#include "exec/journal.h"
#include "util/error.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

int ent_cmd_plan(int argc, char **argv)
{
    static const struct option longopts[] = {{"config", required_argument, NULL, 'c'},
                                             {NULL, 0, NULL, 0}};
    const char *config = ent_config_default_file();
    optind = 1;
    if (argc < 2 || strcmp(argv[1], "approve") != 0)
        return ent_cli_fail("plan", "expects approve (see entropy plan --help)");
    int c;
    while ((c = getopt_long(argc - 1, argv + 1, "", longopts, NULL)) != -1) {
        if (c != 'c')
            return ent_cli_fail("plan", "bad option (see entropy plan --help)");
        config = optarg;
    }
    int n_args = argc - 1 - optind, status = 0;
    int64_t round = -1;
    struct ent_error err;
    ent_error_init(&err);
    if (n_args > 1)
        return ent_cli_fail("plan", "approve takes at most one ROUND");
    double given = 0;
    if (n_args == 1) {
        if (ent_cli_number("plan", "ROUND", argv[1 + optind], 1, 1e15, &given))
            return ENT_EXIT_INPUT;
        if (given != (double)(int64_t)given)
            return ent_cli_fail("plan", "ROUND: a whole round number");
        round = (int64_t)given;
    }
    struct ent_config cfg;
    struct ent_journal j;
    if ((status = ent_cli_open_journal("plan", config, &cfg, &j)) != 0)
        return status;
    int64_t approved = -1;
    if (ent_journal_approve(&j, round, &approved, &err)) {
        printf("%s\n", err.msg);
        status = err.code == ENT_ENOTFOUND ? ENT_EXIT_NO : ENT_EXIT_INPUT;
    } else {
        printf("round %lld: plan approved: the daemon executes it if its VMs have not moved\n",
               (long long)approved);
    }
    ent_cli_close_journal(&cfg, &j);
    return status;
}
