/* entropy maintenance start|end|status: nodes or enclosures to empty for an intervention. The
 * request is recorded in the daemon's journal (daemon.journal), which the daemon reads every
 * round: it works whether the daemon runs now or starts later, and survives a restart. */
#include "cli/cli.h"
#include "config/layout.h"
#include "config/properties.h"
#include "daemon/status.h"
#include "exec/journal.h"
#include "util/alloc.h"
#include "util/names.h"
#include "util/str.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

struct maintenance_args {
    const char *config, *reason;
    bool power_off, json;
};

static int parse(int argc, char **argv, struct maintenance_args *a)
{
    static const struct option longopts[] = {{"config", required_argument, NULL, 'c'},
                                             {"reason", required_argument, NULL, 'r'},
                                             {"power-off", no_argument, NULL, 'p'},
                                             {"json", no_argument, NULL, 'j'},
                                             {NULL, 0, NULL, 0}};
    *a = (struct maintenance_args){ent_config_default_file(), "", false, false};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (c == 'c')
            a->config = optarg;
        else if (c == 'r')
            a->reason = optarg;
        else if (c == 'p')
            a->power_off = true;
        else if (c == 'j')
            a->json = true;
        else
            return ent_cli_fail("maintenance", "bad option (see entropy maintenance --help)");
    }
    for (const char *p = a->reason; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return ent_cli_fail("maintenance", "--reason: control characters are refused");
    if (strlen(a->reason) > 200)
        return ent_cli_fail("maintenance", "--reason: at most 200 bytes");
    return 0;
}

/* The open maintenances, and what the running daemon says of their progress. */
static int show(struct ent_journal *j, const struct ent_config *cfg, bool as_json)
{
    struct ent_maintenance *list;
    size_t n;
    struct ent_error err;
    ent_error_init(&err);
    if (ent_journal_maintenance_list(j, &list, &n, &err))
        return ent_cli_fail("maintenance", "%s", err.msg);
    json_t *doc = NULL, *progress = NULL;
    if (!ent_status_query(ent_config_string(cfg, "daemon.socket"), 5.0, &doc, &err))
        progress = json_object_get(doc, "maintenance");
    json_t *out = json_array();
    for (size_t i = 0; i < n; i++) {
        if (list[i].ended > 0)
            continue;
        json_t *p = json_object_get(progress, list[i].target);
        json_array_append_new(out,
                              json_pack("{s:s, s:b, s:s, s:f, s:O?}", "target", list[i].target,
                                        "power_off", list[i].power_off, "reason", list[i].reason,
                                        "started", list[i].started, "progress", p));
    }
    if (as_json) {
        json_dumpf(out, stdout, JSON_COMPACT);
        fputc('\n', stdout);
    } else {
        size_t k;
        json_t *e;
        if (!json_array_size(out))
            printf("no node or enclosure is in maintenance\n");
        json_array_foreach(out, k, e)
        {
            json_t *p = json_object_get(e, "progress");
            printf("%s: in maintenance%s%s%s", json_string_value(json_object_get(e, "target")),
                   json_is_true(json_object_get(e, "power_off")) ? ", powered off once empty" : "",
                   *json_string_value(json_object_get(e, "reason")) ? ": " : "",
                   json_string_value(json_object_get(e, "reason")));
            if (json_is_object(p))
                printf("; %s, %lld VM(s) left", json_string_value(json_object_get(p, "state")),
                       (long long)json_integer_value(json_object_get(p, "vms_left")));
            else
                printf("; the daemon has not reported on it");
            putchar('\n');
        }
    }
    json_decref(out);
    json_decref(doc);
    ent_free(list);
    return ENT_EXIT_OK;
}

int ent_cmd_maintenance(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "start") != 0 && strcmp(argv[1], "end") != 0 &&
                     strcmp(argv[1], "status") != 0))
        return ent_cli_fail("maintenance", "expects start, end or status (see entropy "
                                           "maintenance --help)");
    const char *verb = argv[1];
    struct maintenance_args a;
    int status = parse(argc - 1, argv + 1, &a);
    if (status)
        return status;
    char **targets = argv + 1 + optind;
    int n_targets = argc - 1 - optind;
    if (strcmp(verb, "status") == 0 ? n_targets != 0 : n_targets < 1)
        return ent_cli_fail("maintenance", "%s",
                            strcmp(verb, "status") == 0
                                ? "status takes no target"
                                : "expects TARGET... (nodes or enclosures)");
    struct ent_config cfg;
    struct ent_journal j;
    struct ent_error err;
    ent_error_init(&err);
    if ((status = ent_cli_check_names("maintenance", targets, n_targets)) != 0 ||
        (status = ent_cli_open_journal("maintenance", a.config, &cfg, &j)) != 0)
        return status;
    if (strcmp(verb, "status") == 0) {
        status = show(&j, &cfg, a.json);
    } else {
        for (int i = 0; i < n_targets; i++) {
            int rc =
                strcmp(verb, "start") == 0
                    ? ent_journal_maintenance_start(&j, targets[i], a.power_off, a.reason, &err)
                    : ent_journal_maintenance_end(&j, targets[i], &err);
            if (rc)
                printf("%s: %s\n", targets[i], err.msg);
            else
                printf("%s: %s from the daemon's next round\n", targets[i],
                       strcmp(verb, "start") == 0 ? "to be emptied" : "back in service");
            if (rc && status == ENT_EXIT_OK)
                status = rc == ENT_ENOTFOUND ? ENT_EXIT_NO : ENT_EXIT_INPUT;
        }
    }
    ent_cli_close_journal(&cfg, &j);
    return status;
}
