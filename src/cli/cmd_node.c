/* entropy node status|confirm-dead|clear: the failover state of nodes lost with VMs, and an
 * administrator's word on them, recorded in the daemon's journal (daemon.journal), which the
 * daemon reads every round (daemon/failover.h). */
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
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *verb, *word, *said;
} verbs[] = {
    {"confirm-dead", "confirmed",
     "confirmed dead: fenced from the daemon's next round, its VMs "
     "restarted elsewhere"},
    {"clear", "cleared", "cleared: back in service from the daemon's next round"},
};

/* What the journal records, and what the running daemon says of each node. */
static int show(struct ent_journal *j, const struct ent_config *cfg, bool as_json)
{
    struct ent_fencing *rows;
    size_t n;
    struct ent_error err;
    ent_error_init(&err);
    if (ent_journal_fencing_list(j, &rows, &n, &err))
        return ent_cli_fail("node", "%s", err.msg);
    json_t *doc = NULL, *out = json_array();
    json_t *live = !ent_status_query(ent_config_string(cfg, "daemon.socket"), 5.0, &doc, &err)
                       ? json_object_get(doc, "failover")
                       : NULL;
    size_t k;
    json_t *e;
    json_array_foreach(live, k, e) json_array_append(out, e);
    for (size_t i = 0; i < n; i++) {
        bool shown = false;
        json_array_foreach(live, k, e) shown |=
            strcmp(json_string_value(json_object_get(e, "node")), rows[i].node) == 0;
        if (!shown)
            json_array_append_new(out, json_pack("{s:s, s:s, s:o, s:s, s:b}", "node", rows[i].node,
                                                 "health", rows[i].health, "vms",
                                                 json_loads(rows[i].vms, 0, NULL), "detail",
                                                 rows[i].detail, "by_admin", rows[i].by_admin));
    }
    if (as_json) {
        json_dumpf(out, stdout, JSON_COMPACT);
        fputc('\n', stdout);
    } else {
        if (!json_array_size(out))
            printf("every node is seen (no node lost with VMs)\n");
        json_array_foreach(out, k, e)
        {
            char *vms = json_dumps(json_object_get(e, "vms"), JSON_COMPACT);
            const char *detail = json_string_value(json_object_get(e, "detail"));
            printf("%s: %s%s%s; it ran %s\n", json_string_value(json_object_get(e, "node")),
                   json_string_value(json_object_get(e, "health")), detail && *detail ? ": " : "",
                   detail ? detail : "", vms ? vms : "[]");
            free(vms); /* jansson's */
        }
    }
    json_decref(out);
    json_decref(doc);
    ent_journal_fencing_free(rows, n);
    return ENT_EXIT_OK;
}

int ent_cmd_node(int argc, char **argv)
{
    static const struct option longopts[] = {{"config", required_argument, NULL, 'c'},
                                             {"json", no_argument, NULL, 'j'},
                                             {NULL, 0, NULL, 0}};
    const char *config = ent_config_default_file();
    bool as_json = false;
    int c;
    optind = 1;
    if (argc < 2)
        return ent_cli_fail("node", "expects status, confirm-dead or clear (see entropy node "
                                    "--help)");
    const char *verb = argv[1];
    int which = -1;
    for (size_t i = 0; i < sizeof verbs / sizeof *verbs; i++)
        if (strcmp(verb, verbs[i].verb) == 0)
            which = (int)i;
    if (which < 0 && strcmp(verb, "status") != 0)
        return ent_cli_fail("node", "expects status, confirm-dead or clear (see entropy node "
                                    "--help)");
    while ((c = getopt_long(argc - 1, argv + 1, "", longopts, NULL)) != -1) {
        if (c == 'c')
            config = optarg;
        else if (c == 'j')
            as_json = true;
        else
            return ent_cli_fail("node", "bad option (see entropy node --help)");
    }
    char **nodes = argv + 1 + optind;
    int n_nodes = argc - 1 - optind;
    if (which < 0 ? n_nodes != 0 : n_nodes < 1)
        return ent_cli_fail("node", "%s", which < 0 ? "status takes no node" : "expects NODE...");
    struct ent_config cfg;
    struct ent_journal j;
    struct ent_error err;
    ent_error_init(&err);
    int status = ent_cli_check_names("node", nodes, n_nodes);
    if (status || (status = ent_cli_open_journal("node", config, &cfg, &j)) != 0)
        return status;
    if (which < 0) {
        status = show(&j, &cfg, as_json);
    } else {
        for (int i = 0; i < n_nodes; i++) {
            if (ent_journal_fencing_word(&j, nodes[i], verbs[which].word, &err)) {
                printf("%s: %s\n", nodes[i], err.msg);
                status = ENT_EXIT_INPUT;
            } else {
                printf("%s: %s\n", nodes[i], verbs[which].said);
            }
        }
    }
    ent_cli_close_journal(&cfg, &j);
    return status;
}
