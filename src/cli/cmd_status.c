/* entropy status: what the running daemon is doing, from its UNIX socket. */
#include "cli/cli.h"
#include "config/layout.h"
#include "config/properties.h"
#include "daemon/status.h"
#include "util/error.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long long num(const json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

/* HA: the role, the leader, the standbys, the lease. */
static void print_ha(const json_t *ha)
{
    if (!json_is_object(ha))
        return;
    const json_t *lease = json_object_get(ha, "lease"), *standbys = json_object_get(ha, "standbys");
    const char *leader = json_string_value(json_object_get(ha, "leader"));
    printf("ha: %s is %s; leader %s; lease %.1f s of %lld s left; standbys:",
           json_string_value(json_object_get(ha, "name")),
           json_string_value(json_object_get(ha, "role")), leader ? leader : "(none)",
           json_number_value(json_object_get(lease, "left")), num(lease, "ttl"));
    for (size_t i = 0; i < json_array_size(standbys); i++)
        printf(" %s", json_string_value(json_array_get(standbys, i)));
    printf("%s\n", json_array_size(standbys) ? "" : " none");
    const char *error = json_string_value(json_object_get(ha, "error"));
    if (error)
        printf("ha: etcd: %s\n", error);
}

/* Keys a reload changed that the daemon reads at start only. */
static void print_restart_needed(const json_t *names)
{
    if (!json_array_size(names))
        return;
    printf("restart needed for:");
    size_t i;
    const json_t *name;
    json_array_foreach(names, i, name)
    {
        printf(" %s", json_string_value(name));
    }
    printf(" (changed in the file, read when the daemon starts)\n");
}

static void print_human(json_t *doc)
{
    json_t *cluster = json_object_get(doc, "cluster"), *last = json_object_get(doc, "last_round");
    json_t *plan = json_object_get(doc, "plan");
    printf("entropy daemon: pid %lld, %s, round %lld (config %s)\n", num(doc, "pid"),
           json_string_value(json_object_get(doc, "state")), num(doc, "round"),
           json_string_value(json_object_get(doc, "config")));
    print_ha(json_object_get(doc, "ha"));
    print_restart_needed(json_object_get(doc, "restart_needed"));
    if (json_is_object(cluster))
        printf("cluster: %lld nodes, %lld active, %lld VMs\n", num(cluster, "nodes_total"),
               num(cluster, "active_nodes"), num(cluster, "vms"));
    if (json_is_object(last)) {
        if (json_is_true(json_object_get(last, "skipped")))
            printf("last round %lld: nothing done (%s)\n", num(last, "round"),
                   json_string_value(json_object_get(last, "reason")));
        else
            printf("last round %lld: %lld active nodes -> %lld planned (lower bound %lld); %lld "
                   "actions: %lld done, %lld failed, %lld dropped, %lld not started\n",
                   num(last, "round"), num(last, "active_nodes"), num(last, "target_nodes"),
                   num(last, "lower_bound"), num(last, "actions"), num(last, "done"),
                   num(last, "failed"), num(last, "dropped"), num(last, "not_started"));
    }
    json_t *power = json_object_get(doc, "power");
    if (json_is_object(power)) {
        printf("power: %.1f W now, %.1f W with every node on; %.3f kWh since start, %.3f kWh "
               "with every node on\n",
               json_number_value(json_object_get(power, "watts")),
               json_number_value(json_object_get(power, "watts_all_on")),
               json_number_value(json_object_get(power, "kwh")),
               json_number_value(json_object_get(power, "kwh_all_on")));
        size_t i;
        json_t *n;
        json_array_foreach(json_object_get(power, "nodes"), i, n)
        {
            printf("  %-16s %s%s\n", json_string_value(json_object_get(n, "node")),
                   json_string_value(json_object_get(n, "state")),
                   json_is_true(json_object_get(n, "boot_failed")) ? " (its last boot failed)"
                                                                   : "");
        }
    }
    size_t k;
    json_t *e;
    json_array_foreach(json_object_get(doc, "failover"), k, e)
    {
        char *vms = json_dumps(json_object_get(e, "vms"), JSON_COMPACT);
        const char *detail = json_string_value(json_object_get(e, "detail"));
        printf("node %s: %s (%s); it ran %s\n", json_string_value(json_object_get(e, "node")),
               json_string_value(json_object_get(e, "health")), detail ? detail : "",
               vms ? vms : "[]");
        free(vms); /* jansson's */
    }
    json_t *autostart = json_object_get(doc, "autostart");
    if (num(autostart, "booting") || num(autostart, "no_room") ||
        json_array_size(json_object_get(autostart, "waiting")))
        printf("boots: %lld this round, %lld waiting for room, %zu booted and not yet seen\n",
               num(autostart, "booting"), num(autostart, "no_room"),
               json_array_size(json_object_get(autostart, "waiting")));
    json_t *actions = json_object_get(plan, "actions");
    if (json_array_size(actions)) {
        size_t i;
        json_t *a;
        printf("plan of round %lld:\n", num(plan, "round"));
        json_array_foreach(actions, i, a)
        {
            const char *vm = json_string_value(json_object_get(a, "vm"));
            const char *from = json_string_value(json_object_get(a, "from"));
            const char *to = json_string_value(json_object_get(a, "to"));
            printf("  %-12s %-16s %s -> %s: %s\n", json_string_value(json_object_get(a, "kind")),
                   vm ? vm : "", from ? from : "-", to ? to : "-",
                   json_string_value(json_object_get(a, "status")));
        }
    }
}

int ent_cmd_status(int argc, char **argv)
{
    static const struct option longopts[] = {{"json", no_argument, NULL, 'j'},
                                             {"config", required_argument, NULL, 'c'},
                                             {"socket", required_argument, NULL, 's'},
                                             {NULL, 0, NULL, 0}};
    const char *config = ent_config_default_file(), *socket_path = NULL;
    int as_json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (c == 'j')
            as_json = 1;
        else if (c == 'c')
            config = optarg;
        else if (c == 's')
            socket_path = optarg;
        else
            return ent_cli_fail("status", "bad option (see entropy status --help)");
    }
    if (optind != argc)
        return ent_cli_fail("status", "unexpected argument \"%s\"", argv[optind]);
    struct ent_error err;
    ent_error_init(&err);
    struct ent_config cfg;
    ent_config_init(&cfg);
    if (!socket_path && ent_config_load(&cfg, config, &err)) {
        ent_config_release(&cfg);
        return ent_cli_fail("status", "%s", err.msg);
    }
    json_t *doc;
    int rc = ent_status_query(socket_path ? socket_path : ent_config_string(&cfg, "daemon.socket"),
                              5.0, &doc, &err);
    ent_config_release(&cfg);
    if (rc) {
        fprintf(stderr, "entropy status: %s\n", err.msg);
        return ENT_EXIT_NO;
    }
    if (as_json) {
        json_dumpf(doc, stdout, JSON_COMPACT);
        fputc('\n', stdout);
    } else {
        print_human(doc);
    }
    json_decref(doc);
    return ENT_EXIT_OK;
}
