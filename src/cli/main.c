/* `entropy COMMAND ...`: one program, subcommands from one table. */
#include "cli/cli.h"
#include "daemon/plugins.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmd_help(int argc, char **argv);

static const struct ent_command commands[] = {
    {"solve", "compute a target configuration and a plan for a BtrPlace instance",
     "usage: entropy solve INSTANCE [-o PLAN]\n"
     "                     [--objective consolidate|repair|balance|energy]\n"
     "                     [--time-limit S] [--seed N] [--demand-model observed|entropy]\n"
     "                     [--active-threshold N] [--cpu-share N] [--write-instance FILE]\n"
     "                     [--planner parallel|pools|sequential] [--gantt FILE.svg]\n"
     "                     [--shutdown-empty] [--bandwidth MB/s] [--dirty-rate MB/s]\n"
     "                     [--node-concurrency N] [--max-concurrency N]\n"
     "                     [--evacuate NODE|ENCLOSURE,...]\n"
     "\n"
     "Reads INSTANCE (BtrPlace JSON, plain or .gz), decides a target configuration that\n"
     "satisfies its constraints, plans the actions to reach it, and prints one JSON line of\n"
     "figures. The plan is written to PLAN (BtrPlace JSON; .gz compresses) when -o is given.\n"
     "\n"
     "  -o, --output PLAN     where to write the plan (\"-\" for stdout)\n"
     "  --objective NAME      consolidate: fewest online nodes hosting running VMs (default);\n"
     "                        repair: make the constraints hold with few moves;\n"
     "                        balance: repair, then spread the CPU load (relieve the most\n"
     "                        loaded node while that lowers the peak);\n"
     "                        energy: the least predicted power (node attributes wattsIdle,\n"
     "                        wattsPeak, linear in CPU use), then the cheapest change; with\n"
     "                        no power model, fewest nodes\n"
     "  --time-limit S        seconds the solver may use (default 10, 0.001 to 86400)\n"
     "  --seed N              seed for randomised choices (default 1); a seed gives one answer\n"
     "                        unless the time limit cuts the search\n"
     "  --demand-model NAME   observed: CPU demands as given (default); entropy: a VM whose CPU\n"
     "                        use is above --active-threshold (default 10) is active and needs\n"
     "                        --cpu-share per vCPU (VM attribute \"vcpus\", default 1; 0 keeps\n"
     "                        its use), an inactive one needs memory only\n"
     "  --write-instance FILE the instance as the solver saw it (after the demand model), to\n"
     "                        check the plan against: entropy check FILE PLAN\n"
     "  --planner NAME        parallel: every action as soon as it can run (default);\n"
     "                        pools: Entropy 1's successive pools; sequential: one at a time\n"
     "  --gantt FILE.svg      a Gantt chart of the plan\n"
     "  --shutdown-empty      shut down, at the end, the nodes the plan empties\n"
     "  --bandwidth MB/s      of a node's link, for migration times (default 125)\n"
     "  --dirty-rate MB/s     a VM's page dirtying, unless its attribute dirtyRate says\n"
     "                        (default 5)\n"
     "  --node-concurrency N  migrations at once through one node's link (default 2)\n"
     "  --max-concurrency N   migrations at once in the cluster (default 0: no limit)\n"
     "  --evacuate LIST       empty these nodes, or the nodes of these enclosures (node\n"
     "                        attribute \"enclosure\"), for an intervention: each gets an\n"
     "                        offline constraint, so every VM moves off it within the other\n"
     "                        constraints and capacity\n"
     "\n"
     "The JSON line gives, for consolidate and energy, the lower bound on nodes and the gap\n"
     "to it, the time to the first and to the best answer, and what the search did; for\n"
     "every objective the predicted watts before and after (watts_before, watts: the node\n"
     "count when no node has a power model), and for energy the bound on watts.\n"
     "\n"
     "Exit status: 0 a plan was found, 1 no solution or no executable plan, 2 bad input.\n",
     ent_cmd_solve},
    {"check", "validate a plan against an instance, independently of the solver",
     "usage: entropy check INSTANCE PLAN\n"
     "\n"
     "Replays PLAN's actions in time order from INSTANCE's configuration and checks that each\n"
     "is legal in the state it meets, that every node's capacity holds for every resource at\n"
     "every instant (a migrating VM counts on its source and its destination), and that the\n"
     "final state satisfies the instance's constraints. Prints one JSON object: valid,\n"
     "violations, online_nodes_used, migrations, moved_memory, makespan, mttr (sum of action\n"
     "end times), unchecked_constraints.\n"
     "\n"
     "Exit status: 0 valid, 1 invalid, 2 bad input.\n",
     ent_cmd_check},
    {"demo", "run the control loop on a built-in simulated cluster",
     "usage: entropy demo [--rounds N] [--nodes N] [--vms N] [--seed N]\n"
     "                    [--objective consolidate|repair|balance|energy]\n"
     "                    [--failure-rate P]\n"
     "                    [--log FILE] [--quiet] [--trace DIR|FILE]\n"
     "\n"
     "Runs monitor -> decide -> plan -> execute for a bounded number of rounds on a simulated\n"
     "cluster (default 16 nodes of 4 CPUs / 8 GiB, 48 VMs of 512-2048 MB) whose VM loads\n"
     "change between rounds. Prints a line per round and a summary, logs every round to FILE.\n"
     "\n"
     "  --rounds N        rounds to run (default 10, 1 to 100000)\n"
     "  --nodes N         simulated nodes (default 16)\n"
     "  --vms N           simulated VMs (default 48)\n"
     "  --seed N          seed of the simulation (default 42)\n"
     "  --objective NAME  consolidate (default), repair, balance or energy\n"
     "  --failure-rate P  probability that a migration fails, 0 to 1 (default 0)\n"
     "  --log FILE        log file (default logs/entropy.log)\n"
     "  --quiet           no line per round, only the summary\n"
     "  --trace DIR|FILE  replay a utilisation trace (as entropy simulate reads it): its VMs,\n"
     "                    round k at sample k (from the start again past the end), on\n"
     "                    enough nodes for them (a third as many) unless --nodes says\n",
     ent_cmd_demo},
    {"simulate", "replay a utilisation trace through policies: energy, SLA, migrations",
     "usage: entropy simulate --trace DIR|FILE [--preset cloudsim-planetlab]\n"
     "                        [--policy P[,P...]] [--step S] [--hosts N] [--seed N]\n"
     "                        [--solver-time S] [--solver-levels N] [--ceiling F]\n"
     "                        [--min-gain N] [--failure-rate P] [-o OUT]...\n"
     "\n"
     "Replays a trace on a simulated cluster in simulated time (a day in seconds): the\n"
     "start placement (power-aware best-fit decreasing at full CPU), then at each sample the\n"
     "policy's decision, planned by Entropy's planner and timed by its cost model. The trace\n"
     "is a folder with one file per VM and one CPU sample in percent per line (the PlanetLab\n"
     "traces; --step S seconds apart, default the preset's 300), or a CSV file of\n"
     "time,vm,cpu,mem lines. Prints per policy the energy (kWh), SLATAH, PDM, SLAV, ESV,\n"
     "migrations and host shutdowns (docs/simulation.md defines them).\n"
     "\n"
     "  --policy P       one or more of entropy, entropy-energy, lr-mmt-1.2, thr-mmt-0.8,\n"
     "                   none (default: all, side by side)\n"
     "  --hosts N        hosts instead of the preset's 800\n"
     "  --solver-time S  the decision engine's time limit per sample, a safety net (default 2)\n"
     "  --solver-levels N  its anytime levels per sample (default 2): the figures depend on\n"
     "                   the seed alone, not on the machine's speed\n"
     "  --ceiling F      Entropy's policies fill hosts to this share of their CPU (0.9)\n"
     "  --min-gain N     hosts a consolidation must free to be done (default 2)\n"
     "  --failure-rate P chance that a migration Entropy's executor runs fails (injected, 0)\n"
     "  -o OUT           OUT.json (a policies array), OUT.csv (every interval) or OUT.svg (a\n"
     "                   chart of active hosts, power and SLA); may repeat\n"
     "\n"
     "Exit status: 0 done, 2 bad input (a malformed trace names its file and line).\n",
     ent_cmd_simulate},
    {"monitor", "show what a monitoring source reports, as Entropy sees it",
     "usage: entropy monitor (--ganglia HOST[:PORT] [--query PATH] | --ganglia-file FILE |\n"
     "                        --xend URL[,URL...] | --libvirt [NAME=]URI ... |\n"
     "                        --config FILE)\n"
     "                       [--timeout S] [--btrplace] [--dom0-mb N] [--vm-memory MB]\n"
     "                       [--sample S]\n"
     "                       [--vm-cpu N] [--active-threshold N]\n"
     "\n"
     "Reads gmond's XML dump (port 8649 by default: the whole document on connect) or gmetad's\n"
     "(8651; 8652 with --query PATH), and prints the snapshot as JSON: nodes (hosts reporting\n"
     "container.mem_total, container.cpu_num, container.vms, container.type and\n"
     "container.driver.migration), their VMs (the names in container.vms, demands from their\n"
     "own gmond when they report as hosts, else --vm-memory / --vm-cpu), and the issues found\n"
     "(a host missing metrics, a lost node, a VM on two nodes). --btrplace prints the snapshot as\n"
     "a BtrPlace instance instead. --xend reads each node's xend (Xen 3.x, e.g.\n"
     "http://node-1:8000): GET /xend/node and /xend/domain?detail=1; Domain-0 is no VM and its\n"
     "memory is taken out of the node's; a node that does not answer fails the snapshot.\n"
     "--libvirt, once per node, opens a read-only connection (qemu+ssh://node-1/system,\n"
     "xen:///system, test:///default, ...): capacity from virNodeGetInfo, VMs from\n"
     "virConnectGetAllDomainStats; the node is NAME, else the URI's host, else its hostname.\n"
     "CPU use is measured between two rounds: --sample S takes a first one S seconds before.\n"
     "--config reads the monitor.* keys of an entropy.properties file (options given as well\n"
     "override them).\n"
     "\n"
     "  --timeout S           for the whole exchange (default 10)\n"
     "  --dom0-mb N           subtract N MB (Domain-0) from Xen nodes' memory; 0 (the default)\n"
     "                        when the publishing script already did, as Entropy's does\n"
     "  --vm-memory MB        a VM that does not report on its own (default 1024)\n"
     "  --vm-cpu N            its CPU demand in hundredths of a core, and a vCPU's before its\n"
     "                        use is measured (xend, libvirt) (default 100)\n"
     "  --active-threshold N  CPU use above which a VM is active (default 10)\n"
     "\n"
     "Exit status: 0, or 2 when the source is down, slow or sends garbage.\n",
     ent_cmd_monitor},
    {"lab", "a local lab of real QEMU micro-VMs, consolidated by live migration",
     "usage: entropy lab up [--nodes N] [--vms M] [--memory MB] [--node-memory MB]\n"
     "                      [--node-cpus N] [--accel kvm|tcg|kvm:tcg] [--dir DIR]\n"
     "       entropy lab status [--dir DIR]\n"
     "       entropy lab round [--dry-run] [--sequential] [--max-parallel N]\n"
     "                         [--node-concurrency N] [--bandwidth MB/s] [--max-downtime MS]\n"
     "                         [--timeout S] [--dir DIR]\n"
     "       entropy lab migrate VM NODE [--bandwidth MB/s] [--max-downtime MS] [--timeout S]\n"
     "       entropy lab down [--dir DIR]\n"
     "\n"
     "up starts M QEMU micro-VMs (disk-less, -nodefaults, KVM where /dev/kvm works, else TCG)\n"
     "spread round-robin over N logical nodes (lab-1 ... lab-N) with a configured capacity,\n"
     "and prints the lab as status does. Each VM is one QEMU process with a QMP socket; the\n"
     "lab is a monitor source (\"lab\") and its nodes are driven by the QMP driver.\n"
     "round runs one control-loop round on it: monitor, decide, plan, and execute with real\n"
     "live migrations (a new QEMU with -incoming on the destination, migrate over loopback,\n"
     "the source ended once the destination runs), and prints what was done as JSON, with\n"
     "each migration's total time, downtime and bytes. migrate moves one VM by hand.\n"
     "down stops every QEMU the lab started and removes its directory.\n"
     "\n"
     "  --dir DIR            the lab's state (default $ENTROPY_LAB_DIR, else\n"
     "                       $XDG_RUNTIME_DIR/entropy-lab, else /tmp/entropy-lab-UID; yours "
     "alone)\n"
     "  --nodes N            logical nodes (default 3, up to 64)\n"
     "  --vms M              VMs (default 4, up to 256)\n"
     "  --memory MB          memory of each VM (default 64)\n"
     "  --node-memory MB     capacity of each node (default: four VMs' memory)\n"
     "  --node-cpus N        CPUs of each node (default 4; a VM needs 1 per vCPU)\n"
     "  --dry-run            decide and plan, migrate nothing\n"
     "  --sequential         run the plan's actions one at a time (to compare)\n"
     "  --max-parallel N     actions running at once (default 32)\n"
     "  --node-concurrency N actions at once touching one node (default 2, 0: no limit)\n"
     "  --bandwidth MB/s     QEMU max-bandwidth of a migration (default: QEMU's)\n"
     "  --max-downtime MS    QEMU downtime-limit (default: QEMU's, 300 ms)\n"
     "  --timeout S          a migration taking longer is cancelled (default 600)\n"
     "\n"
     "Exit status: 0 done, 1 an action or the migration failed (the VM stays running on\n"
     "its source), 2 bad usage or no lab.\n",
     ent_cmd_lab},
    {"migrate", "live-migrate one VM by hand through a driver, with its figures",
     "usage: entropy migrate VM FROM TO (--libvirt NODES | --xend NODES | --xl NODES |\n"
     "                                    --lab DIR) [--bandwidth MB/s] [--max-downtime MS]\n"
     "                                    [--timeout S] [--relocation-port N] [--ssh CMD]\n"
     "                                    [--migrate-uris NAME=URI...]\n"
     "\n"
     "Runs the driver's whole migration (prepare, perform, finish, or abort) and prints one\n"
     "JSON object: migrated, seconds, downtime_ms (null when the hypervisor does not say),\n"
     "bytes; or the error and where the VM is now (node, state, copies).\n"
     "\n"
     "  --libvirt NODES      NAME=URI ... (blank-separated): each node's libvirtd; the source's\n"
     "                       libvirtd migrates peer to peer to the destination's URI\n"
     "  --migrate-uris ...   NAME=URI ...: the URI the source's libvirtd uses to reach NAME\n"
     "                       (default: NAME's URI in --libvirt)\n"
     "  --xend NODES         URL or NAME=URL ...: each node's xend (http://node:8000)\n"
     "  --xl NODES           NAME or NAME=SSH-HOST ...: xl migrate runs over ssh on FROM\n"
     "  --lab DIR            the local lab (entropy lab), through QMP\n"
     "  --bandwidth MB/s     the migration's bandwidth limit (libvirt, QMP)\n"
     "  --max-downtime MS    the longest pause at the end of the copy (libvirt, QMP)\n"
     "  --timeout S          cancel (libvirt, QMP) or give up (xend, xl) after S (default 600)\n"
     "  --relocation-port N  the destination's xend-relocation-port (default 8002)\n"
     "  --ssh CMD            the ssh command for xl (default \"ssh -o BatchMode=yes\")\n"
     "\n"
     "Exit status: 0 migrated, 1 the migration failed (the VM stays on FROM), 2 bad usage.\n",
     ent_cmd_migrate},
    {"daemon", "the control loop as a daemon (bin/controlLoop.sh starts it)",
     "usage: entropy daemon [--config FILE] [--pid-file FILE] [--rounds N]\n"
     "\n"
     "Runs a round every loop.period seconds: monitor, decide, plan, execute, as FILE\n"
     "(default config/entropy.properties when the working directory has one, else\n"
     "/etc/entropy/entropy.properties) says; logs to daemon.log, records every round, plan\n"
     "and action in the journal (daemon.journal) and serves its status on daemon.socket.\n"
     "A file with an unknown key or a bad value is refused, naming the line. On start, the\n"
     "actions a crash left unfinished are reconciled with what monitoring sees (none is\n"
     "replayed). SIGTERM or SIGINT: no new action starts, those in flight finish, then it\n"
     "exits (the cluster coherent). SIGHUP: the log is reopened and the file read again.\n"
     "\n"
     "  --config FILE    the configuration (entropy config --defaults lists every key)\n"
     "  --pid-file FILE  write the pid there; refuse to start while its process lives\n"
     "  --rounds N       stop after N rounds (tests)\n"
     "\n"
     "It runs in the foreground; bin/controlLoop.sh start detaches it.\n",
     ent_cmd_daemon},
    {"status", "what the running daemon is doing (its socket)",
     "usage: entropy status [--json] [--config FILE | --socket PATH]\n"
     "\n"
     "Asks the daemon over its UNIX socket (daemon.socket of FILE, default\n"
     "config/entropy.properties, else /etc/entropy/entropy.properties) and prints its state,\n"
     "the cluster (nodes, active nodes, VMs), the last round and the plan in progress with\n"
     "each action's status; --json prints the daemon's document as it is.\n"
     "\n"
     "Exit status: 0 the daemon answered, 1 no daemon answers, 2 bad usage.\n",
     ent_cmd_status},
    {"power", "switch nodes on or off, or ask their power state, through their BMC",
     "usage: entropy power NODE... on|off|status [--config FILE] [--timeout S]\n"
     "\n"
     "Through the power driver that power.nodes of FILE (default config/entropy.properties,\n"
     "else /etc/entropy/entropy.properties) gives each node (IPMI, Wake-on-LAN, an\n"
     "administrator's command): on and off ask for the change, then wait until the node\n"
     "reports it (up to power.timeout, or --timeout S); status asks. One line per node:\n"
     "\"NODE: on\", \"NODE: off\" or \"NODE: unknown (why)\".\n"
     "A driver that cannot tell the state (Wake-on-LAN) says so after the packet is sent.\n"
     "\n"
     "Exit status: 0 every node did, 1 a node refused or did not reach the state, 2 bad input\n"
     "(a bad configuration, a node without a power driver).\n",
     ent_cmd_power},
    {"maintenance", "empty nodes or enclosures for an intervention (the daemon does it)",
     "usage: entropy maintenance start TARGET... [--power-off] [--reason TEXT] [--config FILE]\n"
     "       entropy maintenance end TARGET... [--config FILE]\n"
     "       entropy maintenance status [--json] [--config FILE]\n"
     "\n"
     "A TARGET is a node, or an enclosure (enclosure.NAME of FILE: all its nodes). start\n"
     "records it in the daemon's journal (daemon.journal of FILE, default\n"
     "config/entropy.properties, else /etc/entropy/entropy.properties); from its next round the "
     "daemon empties those nodes, every\n"
     "VM moved off within the placement constraints and capacity, and with --power-off\n"
     "powers each off once monitoring sees it empty (its power driver, power.nodes). end lets\n"
     "them take VMs again, booting those it powered off. status lists what is in maintenance\n"
     "with the daemon's progress (VMs left), or why it cannot proceed. The journal keeps it\n"
     "all: a restart of the daemon resumes.\n"
     "\n"
     "Exit status: 0 recorded, 1 end of a target not in maintenance, 2 bad input.\n",
     ent_cmd_maintenance},
    {"node", "the failover state of nodes lost with VMs; confirm one dead, or clear it",
     "usage: entropy node status [--json] [--config FILE]\n"
     "       entropy node confirm-dead NODE... [--config FILE]\n"
     "       entropy node clear NODE... [--config FILE]\n"
     "\n"
     "A node that hosted VMs and that monitoring loses for failover.after rounds is fenced by\n"
     "the daemon: powered off through its power driver and confirmed off. Without a power\n"
     "driver, confirm-dead is the administrator's word that it is off (powered off, unplugged):\n"
     "from its next round the daemon restarts elsewhere the VMs it ran that have definitions on\n"
     "shared storage (vm.definitions). Never confirm a node that may still run its VMs: they\n"
     "would run twice. A fenced node that comes back is kept out of every placement, its copies\n"
     "of VMs restarted elsewhere paused, until clear. status lists the nodes not seen with\n"
     "their health (suspected, fencing, fenced, returned), what they ran and why; the word is\n"
     "recorded in the daemon's journal (daemon.journal of FILE, default\n"
     "config/entropy.properties, else /etc/entropy/entropy.properties).\n"
     "\n"
     "Exit status: 0 recorded, 2 bad input or a journal that cannot be written.\n",
     ent_cmd_node},
    {"plan", "approve the plan a daemon in recommend mode waits with",
     "usage: entropy plan approve [ROUND] [--config FILE]\n"
     "\n"
     "With loop.mode = recommend the daemon executes no plan of its own accord: each round's\n"
     "plan is shown (entropy status, GET /api/v1/plan) and waits for approval until the next\n"
     "round begins, which supersedes it. approve approves the plan of ROUND (default: the latest\n"
     "that waits), through the daemon's journal (daemon.journal of FILE, default\n"
     "config/entropy.properties, else /etc/entropy/entropy.properties); the daemon executes it "
     "when every VM it moves is still where\n"
     "the round found it, else drops it as stale. The API's POST /api/v1/plan/approve does the\n"
     "same.\n"
     "\n"
     "Exit status: 0 approved, 1 no such plan waits, 2 bad input or a journal that cannot be\n"
     "written.\n",
     ent_cmd_plan},
    {"config", "list the configuration keys, or check a configuration file",
     "usage: entropy config --defaults [--installed] | --markdown | --man | FILE\n"
     "\n"
     "--defaults prints the documented file with every key at its default (what\n"
     "config/entropy.properties holds; with --installed, what the installed\n"
     "/etc/entropy/entropy.properties holds: the paths of the installed layout); --markdown the\n"
     "same as a table (docs/configuration.md), --man as the man page entropy.properties(5).\n"
     "FILE is read as the daemon reads it and its values\n"
     "printed as JSON with the line that set each (0: the default); an unknown key, a value out\n"
     "of range, a key set twice or a malformed \\uXXXX escape is an error naming the\n"
     "line (exit 2).\n",
     ent_cmd_config},
    {"help", "show the commands, or one command's help",
     "usage: entropy help [COMMAND | --man]\n"
     "\n"
     "--man writes this manual as the man page entropy(1).\n",
     cmd_help},
};

#define N_COMMANDS (sizeof commands / sizeof *commands)

static const struct ent_command *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static int wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return 1;
    return 0;
}

static void overview(FILE *out)
{
    fprintf(out, "usage: entropy COMMAND [ARGS]\n\nEntropy, a consolidation manager for clusters "
                 "of virtual machines.\n\nCommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nSee `entropy COMMAND --help`.\n");
}

static int cmd_help(int argc, char **argv)
{
    if (argc < 2) {
        overview(stdout);
        return ENT_EXIT_OK;
    }
    if (strcmp(argv[1], "--man") == 0) {
        ent_cli_write_man(stdout, commands, N_COMMANDS);
        return ENT_EXIT_OK;
    }
    const struct ent_command *c = find_command(argv[1]);
    if (!c)
        return ent_cli_fail("help", "unknown command \"%s\"", argv[1]);
    fputs(c->usage, stdout);
    return ENT_EXIT_OK;
}

int main(int argc, char **argv)
{
    ent_plugins_init();
    if (argc < 2) {
        overview(stderr);
        return ENT_EXIT_INPUT;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
        return cmd_help(1, argv);
    const struct ent_command *c = find_command(argv[1]);
    if (!c) {
        fprintf(stderr, "entropy: unknown command \"%s\"\n\n", argv[1]);
        overview(stderr);
        return ENT_EXIT_INPUT;
    }
    if (c->run != cmd_help && wants_help(argc - 1, argv + 1)) {
        fputs(c->usage, stdout);
        return ENT_EXIT_OK;
    }
    return c->run(argc - 1, argv + 1);
}
