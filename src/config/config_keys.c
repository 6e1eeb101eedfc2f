/* Every configuration key, its default, its range and what it does: the one table from which
 * the daemon, `entropy monitor --config` and config/entropy.properties all come. */
#include "config/properties.h"
#include "model/plan.h"

/* The longest path a UNIX socket may have (sun_path holds 108 bytes with the final NUL). */
#define ENT_SOCKET_PATH_MAX 107

#define ENT_STRINGIFY_(x) #x
#define ENT_STRINGIFY(x)  ENT_STRINGIFY_(x)

#define NUM(name, def, lo, hi, doc)                                                                \
    {                                                                                              \
        name, ENT_CFG_NUMBER, def, lo, hi, NULL, doc, NULL, false, AT_START                        \
    }
/* A whole number (a port, a count, MB): 80.7 is refused. */
#define INT(name, def, lo, hi, doc)                                                                \
    {                                                                                              \
        name, ENT_CFG_NUMBER, def, lo, hi, NULL, doc, NULL, true, AT_START                         \
    }
/* A number that command-line options set too: they take the range of this row. */
#define NUMCLI(name, def, lo, hi, options, doc)                                                    \
    {                                                                                              \
        name, ENT_CFG_NUMBER, def, lo, hi, NULL, doc, options, false, AT_START                     \
    }
#define INTCLI(name, def, lo, hi, options, doc)                                                    \
    {                                                                                              \
        name, ENT_CFG_NUMBER, def, lo, hi, NULL, doc, options, true, AT_START                      \
    }
/* A file's path; relative, it is taken from the configuration's base directory (the directory
 * holding config/, or the file's own when it is not in a directory named config). */
#define PATH(name, def, doc)                                                                       \
    {                                                                                              \
        name, ENT_CFG_PATH, def, 0, 0, NULL, doc, NULL, false, AT_START                            \
    }
/* A path that may not be empty, of at most maxlen bytes once resolved (0: no limit). */
#define NEEDED_PATH(name, def, maxlen, doc)                                                        \
    {                                                                                              \
        name, ENT_CFG_PATH, def, 1, maxlen, NULL, doc, NULL, false, AT_START                       \
    }
#define STR(name, def, doc)                                                                        \
    {                                                                                              \
        name, ENT_CFG_STRING, def, 0, 0, NULL, doc, NULL, false, AT_START                          \
    }
#define CHOICE(name, def, choices, doc)                                                            \
    {                                                                                              \
        name, ENT_CFG_CHOICE, def, 0, 0, choices, doc, NULL, false, AT_START                       \
    }

/* Keys PREFIX.NAME, as many as the file sets (name "enclosure.NAME"); example is what the
 * defaults file shows, commented out. */
#define FAMILY(name, example, doc)                                                                 \
    {                                                                                              \
        name, ENT_CFG_FAMILY, example, 0, 0, NULL, doc, NULL, false, AT_START                      \
    }

/* Whether the rows below are read when the daemon starts only, a reload (SIGHUP) keeping the
 * running value: no, but for the daemon's own files, its API and HA, the last rows. */
#define AT_START false

const struct ent_config_key ent_config_keys[] = {
    CHOICE("monitor.source", "sim", "sim|ganglia|xend|libvirt|lab",
           "Where the cluster is read: a simulated cluster inside the daemon (no outside service), "
           "Ganglia (gmond or gmetad), each node's xend (Xen 3.x), each node's libvirt, or the "
           "local lab of QEMU micro-VMs (entropy lab up)."),
    NUMCLI("monitor.timeout", "10", 0.001, 3600, "monitor --timeout",
           "Seconds a source has to answer; past it the round is skipped."),
    STR("monitor.ganglia.host", "localhost", "gmond or gmetad to read."),
    INTCLI("monitor.ganglia.port", "8649", 1, 65535, "monitor --ganglia",
           "8649: gmond's XML dump; 8651: gmetad's; 8652: gmetad's interactive port (with "
           "monitor.ganglia.query)."),
    STR("monitor.ganglia.query", "", "Path asked on gmetad's interactive port, e.g. /cluster."),
    PATH("monitor.ganglia.file", "", "A saved XML dump to read instead of the network (tests)."),
    NUM("monitor.ganglia.liveness", "4", 1, 1000,
        "A host silent for more than this many times its TMAX is lost."),
    CHOICE("monitor.ganglia.sizing", "hypervisor", "hypervisor|defaults",
           "How a VM that does not report to Ganglia as a host is sized. hypervisor: from the "
           "xend or libvirtd that runs it (driver.xend.urls or monitor.xend.urls, "
           "driver.libvirt.uris or monitor.libvirt.uris), asked once a round; a VM none of them "
           "knows, or with none configured, gets monitor.vm_memory_mb and monitor.vm_cpu, and "
           "the round says so. defaults: always those two."),
    INTCLI(
        "monitor.dom0_memory_mb", "0", 0, 1e9, "monitor --dom0-mb",
        "MB subtracted from a Xen node's container.mem_total for Domain-0; 0 when the publishing "
        "script already did (the seed script does)."),
    INTCLI("monitor.vm_memory_mb", "1024", 1, 1e9, "monitor --vm-memory",
           "Memory of a VM that neither reports to Ganglia as a host nor is known to a hypervisor "
           "(monitor.ganglia.sizing)."),
    INTCLI("monitor.vm_cpu", "100", 0, 1e9, "monitor --vm-cpu",
           "CPU demand (hundredths of a core) of such a VM, and of a VM's vCPU before its use is "
           "measured (xend, libvirt)."),
    INT("monitor.memory_reserve_mb", "64", 0, 1e6,
        "MB of every node's memory kept free for live migrations: taken out of its capacity, so "
        "that no plan fills a node to the last MB (xend's balloon driver then refuses every "
        "migration off it: 'I need 2048 KiB but only have 0')."),
    INTCLI("monitor.active_threshold", "10", 0, 1e9, "monitor --active-threshold",
           "CPU use (hundredths of a core) above which a VM is active."),
    STR("monitor.xend.urls", "",
        "Each node's xend, comma-separated: http://node-1:8000,http://node-2:8000"),
    STR("monitor.libvirt.uris", "",
        "Each node's libvirt, space-separated, [NAME=]URI: node-1=qemu+ssh://node-1/system"),
    PATH("monitor.lab.dir", "",
         "The lab's directory (monitor.source = lab); empty: $ENTROPY_LAB_DIR, else "
         "$XDG_RUNTIME_DIR/entropy-lab, else /tmp/entropy-lab-UID, as entropy lab. It must be "
         "the user's own and writable by no one else."),
    INTCLI("monitor.sim.nodes", "16", 1, 100000, "demo --nodes",
           "Nodes of the simulated cluster (4 CPUs, 8 GiB)."),
    INTCLI("monitor.sim.vms", "48", 0, 1000000, "demo --vms",
           "VMs of the simulated cluster (512 to 2048 MB)."),
    INT("monitor.sim.seed", "42", 0, 1e15, "Seed of the simulated cluster's loads."),
    NUM("monitor.sim.action_seconds", "0", 0, 3600,
        "Wall-clock seconds each simulated migration takes (0: instantly)."),
    NUM("monitor.sim.power_seconds", "0", 0, 3600,
        "Wall-clock seconds a simulated node takes to boot or to shut down (power driver sim:)."),
    PATH("vm.definitions", "",
         "A directory of VM definitions, one VM per file, read every round: Xen domain "
         "configuration files (*.cfg, xm/xl syntax) and libvirt domain XML (*.xml, virsh "
         "dumpxml). A defined VM that runs nowhere is known as ready; autostart ones are booted "
         "(loop.autostart). Autostart: an entry of the same name in DIR/auto or DIR/autostart, "
         "entropy_autostart = 1 (Xen), <entropy:vm xmlns:entropy=\"urn:entropy:vm\" "
         "autostart=\"yes\" priority=\"N\"/> in <metadata> (libvirt). Empty: none."),
    STR("vm.shared_storage", "",
        "Directories on storage every node reaches (NFS, a cluster file system), "
        "space-separated. A disk is shared when it lies below one, is network storage (libvirt "
        "type='network', a Xen disk reached by a script such as block-iscsi, an NFS root) or is "
        "<shareable/>; a VM with another disk stays on its node and is never started elsewhere."),
    CHOICE("driver.default", "auto", "auto|sim|qmp|libvirt|xend|xl",
           "The driver of nodes that no rule below names. auto: the source's own (sim: sim, lab: "
           "qmp, xend: xend, libvirt: libvirt; ganglia: container.driver.migration, xen and xen3 "
           "meaning xend, kvm and qemu meaning libvirt)."),
    STR("driver.map", "",
        "Drivers by container.driver.migration value, space-separated VALUE=DRIVER: "
        "xen=xl kvm=libvirt"),
    STR("driver.nodes", "", "Drivers of given nodes, space-separated NODE=DRIVER: node-7=xl"),
    STR("driver.libvirt.uris", "",
        "Each node's libvirt for migrations, [NAME=]URI space-separated; empty: "
        "monitor.libvirt.uris."),
    STR("driver.libvirt.migrate_uris", "",
        "NAME=URI: how a source's libvirtd reaches NAME for a peer-to-peer migration; empty: the "
        "node's URI."),
    STR("driver.xend.urls", "", "Each node's xend, [NAME=]URL; empty: monitor.xend.urls."),
    INTCLI("driver.xend.relocation_port", "8002", 1, 65535, "migrate --relocation-port",
           "The destination's xend-relocation-port (xend-config.sxp)."),
    STR("driver.xl.nodes", "", "Nodes reached by ssh for xl, NAME or NAME=SSH-HOST."),
    STR("driver.xl.ssh", "ssh -o BatchMode=yes", "The ssh command the xl driver runs."),
    NUM("loop.period", "60", 1, 86400,
        "Seconds from the start of a round to the start of the next; a round that overruns is "
        "followed at once by the next, never by two."),
    CHOICE("loop.objective", "consolidate", "consolidate|balance|repair|energy|none",
           "consolidate: fewest nodes, then fewest moves; balance: the placement rules made to "
           "hold, then the CPU load spread (the most loaded node relieved while that lowers the "
           "peak); repair: only make the placement rules hold; energy: the least predicted power "
           "(node attributes wattsIdle and wattsPeak), then fewest moves; none: monitor and log, "
           "decide nothing."),
    NUMCLI("loop.time_limit", "10", 0.01, 3600, "solve --time-limit",
           "Seconds the solver may use per round: while a gap to the lower bound remains, it "
           "searches for all of them (the best answer found by then is used)."),
    CHOICE("loop.dry_run", "no", "no|yes",
           "yes: decide and plan every round, log the plan, execute nothing."),
    CHOICE("loop.mode", "automatic", "automatic|recommend",
           "automatic: each round's plan is executed. recommend: each round's plan waits for "
           "approval (entropy plan approve, or POST /api/v1/plan/approve) until the next round "
           "begins, which supersedes it; an approved plan is executed when the VMs it moves are "
           "still where it found them, else dropped as stale (as Watcher's recommended action "
           "plans, DRS's manual level)."),
    CHOICE(
        "loop.power_off_empty", "no", "no|yes",
        "yes: power off nodes monitoring has seen empty for power.min_idle seconds, beyond "
        "power.spare_nodes, through their power driver (power.nodes), and boot offline ones when "
        "spares run short or the VMs no longer fit; with no power.nodes, "
        "the node shutdowns are planned after the migrations that empty them, through the "
        "migration drivers that can."),
    STR("power.nodes", "",
        "How each node is powered on and off, space-separated NODE=URI[,URI]: "
        "ipmi://USER@HOST[:PORT] (IPMI 2.0 over LAN, through ipmitool), "
        "wol://MAC[@BROADCAST[:PORT]] (Wake-on-LAN: boot only), command:///PATH (PATH "
        "on|off|status NODE, run without a shell), sim: (the simulated cluster). A second URI "
        "serves what the first cannot; NODE * serves every node not named: "
        "node-3=wol://52:54:00:12:34:56,command:///usr/local/sbin/node-off *=sim:"),
    PATH("power.ipmi.password_file", "",
         "The BMC password (first line, at most 20 bytes), in a file of the daemon's user of mode "
         "0600 or tighter (refused otherwise); ipmitool reads it itself: the password never "
         "appears in a command line, a log or entropy status."),
    INT("power.ipmi.cipher_suite", "3", 0, 17,
        "The RMCP+ cipher suite (ipmitool -C): 3 (AES-128, HMAC-SHA1) is the one BMCs commonly "
        "accept; 17 (HMAC-SHA256) for BMCs that require it."),
    CHOICE("power.ipmi.off", "soft", "soft|hard",
           "soft: an ACPI shutdown the node's system carries out (a BMC refuses it while the "
           "system has not announced it can); hard: the power cut at once."),
    INT("power.spare_nodes", "1", 0, 1e6,
        "Empty online nodes kept on when loop.power_off_empty = yes: capacity for bursts (the "
        "largest in memory are kept)."),
    NUM("power.min_idle", "300", 0, 86400,
        "Seconds monitoring must have seen a node empty before it is powered off: a load that "
        "oscillates does not switch nodes off and on."),
    NUM("power.shutdown_timeout", "600", 1, 86400,
        "Seconds a node has to go off after it was powered off; one that monitoring still shows "
        "online past it is counted on again (and logged)."),
    NUM("power.boot_timeout", "600", 1, 86400,
        "Seconds a booted node has to appear online in monitoring; past it the boot is reported "
        "and the node not booted again until it is seen online."),
    NUMCLI("power.timeout", "30", 1, 3600, "power --timeout",
           "Seconds a power driver call may take (the program is killed past it), and that "
           "entropy power waits for a node to reach the state asked."),
    INT("loop.max_migrations", "0", 0, 1e6,
        "Migrations a round may start in all (0: no cap); the plan is cut to them, what they "
        "depend on kept, the rest left for the next rounds."),
    INT("loop.max_migrations_per_node", "0", 0, 1e6,
        "Migrations a round may start from or to one node (0: no cap)."),
    INT("loop.vm_cooldown_rounds", "0", 0, 1e6,
        "A VM moved is pinned where it runs for this many rounds (0: never), unless that leaves "
        "no placement (a constraint, an overload or an evacuation needs it moved)."),
    INT("loop.min_gain_nodes", "0", 0, 1e6,
        "A consolidation (or energy) round that would free fewer nodes than this moves nothing "
        "but repairs (constraint violations, overloads, evacuations): a load that oscillates "
        "around a threshold does not move VMs back and forth. 0: any gain."),
    NUM("loop.min_gain_watts", "0", 0, 1e9,
        "The same in watts saved by the power model (node attributes wattsIdle, wattsPeak; 1 W "
        "a node without one): a round saving less does only the repairs. 0: any gain."),
    STR("loop.window", "",
        "When the loop may consolidate, comma-separated DAY[-DAY] HH:MM-HH:MM in local time "
        "(Mon-Fri 22:00-06:00, Sat 00:00-24:00); outside, only repairs run (constraint "
        "violations, overloads, evacuations). Empty: always."),
    CHOICE("loop.autostart", "yes", "yes|no",
           "Boot the VMs of vm.definitions marked autostart that run nowhere, placed by the "
           "decision (capacity, constraints, objective), the higher entropy priority first when "
           "not all fit. A VM the loop booted is not booted again until monitoring has shown it "
           "running."),
    INT("failover.after", "3", 0, 1000,
        "Rounds a node that hosted VMs may be lost to monitoring (Ganglia past its liveness, "
        "its libvirtd or xend unreachable, offline) before it is fenced: powered off through its "
        "power driver and confirmed off, then its VMs with definitions on shared storage "
        "restarted elsewhere by priority. Without a power driver, fencing waits for entropy node "
        "confirm-dead NODE. 0: never fenced by Entropy, only on an administrator's word. Until "
        "then the VMs it ran are never booted elsewhere."),
    INT("loop.avoid_rounds", "3", 0, 1000,
        "Rounds a node is no destination after an action to it failed (0: never avoided), so "
        "that a node that keeps refusing does not make every round fail the same way."),
    INTCLI("migration.node_concurrency", ENT_STRINGIFY(ENT_DEFAULT_NODE_CONCURRENCY), 1, 64,
           "solve --node-concurrency",
           "Migrations at once through one node (planned, and enforced when executing)."),
    INT("migration.max_parallel", "32", 1, 1024, "Actions running at once in the whole cluster."),
    NUM("migration.bandwidth", "0", 0, 1e6,
        "MB/s a migration may use (QMP, libvirt); also the planner's link speed. 0: the "
        "hypervisor's default, and 125 for planning."),
    INTCLI("migration.max_downtime_ms", "0", 0, 60000, "migrate --max-downtime, lab --max-downtime",
           "Longest pause at the end of a migration (QMP, libvirt); 0: the hypervisor's default."),
    NUMCLI("migration.timeout", "600", 1, 86400, "migrate --timeout, lab --timeout",
           "Seconds a migration may take before it is cancelled (QMP, libvirt) or given up (xend, "
           "xl); its VM is then looked for and the next round re-plans."),
    FAMILY("enclosure.NAME", "node-001 node-002 node-003",
           "An enclosure (a chassis, a rack) and what it holds, space-separated: nodes, or other "
           "enclosures, the parent naming its children (enclosure.rack1 = chassis1 chassis2, "
           "enclosure.chassis1 = node1 node2 node3). A member that is neither a node nor an "
           "enclosure, a cycle, or a member of two enclosures is refused, naming the line."),
#undef AT_START
#define AT_START true
    NEEDED_PATH(
        "daemon.log", "logs/entropy.log", 0,
        "The log file (a relative path, like every path here, is from the configuration's base: "
        "the directory that holds config/); reopened on SIGHUP."),
    NEEDED_PATH("daemon.journal", "var/journal.db", 0,
                "The SQLite journal of rounds, plans and actions (WAL), read back after a crash."),
    NEEDED_PATH("daemon.socket", "run/entropy.sock", ENT_SOCKET_PATH_MAX,
                "The UNIX socket entropy status talks to."),
    STR("api.listen", "",
        "Where the daemon serves its HTTP API (docs/api.md): HOST:PORT, [IPv6]:PORT, or PORT "
        "alone for 127.0.0.1:PORT (loopback: expose it on purpose, behind the token). Empty: no "
        "API."),
    PATH("api.token_file", "",
         "The bearer token the API asks of every request that changes something (first line, at "
         "most 128 bytes), in a file of the daemon's user of mode 0600 or tighter (refused "
         "otherwise); never logged. Empty: the API only reads."),
    STR("ha.etcd.endpoints", "",
        "etcd's client URLs (http://HOST:2379 ..., blank- or comma-separated, the members of one "
        "cluster) for high availability (docs/ha.md): the daemons that name the same etcd and "
        "ha.etcd.prefix elect one leader, which alone runs rounds; the others stand by. Empty: "
        "no HA, this daemon leads alone."),
    INT("ha.lease_ttl", "10", 2, 600,
        "Seconds of the leader's etcd lease: a standby takes over this long (plus a round) after "
        "the leader dies; a leader that cannot renew it stops starting actions before then."),
    STR("ha.name", "",
        "This daemon's name among the HA daemons (letters, digits, ._-+:@). Empty: the machine's "
        "hostname."),
    INT("ha.keep_rounds", "100", 1, 1e6,
        "Rounds whose journal rows (the round, its plan and actions) etcd keeps: a successor "
        "needs the last ones; older rows stay in each daemon's own journal."),
    STR("ha.etcd.prefix", "/entropy/",
        "Where in etcd the daemons of one cluster keep their keys (leader, members/, started/): "
        "another prefix, another cluster."),
    PATH("api.tls_cert", "",
         "The API's certificate (PEM, the chain after it): with api.tls_key, the API speaks HTTPS "
         "only. Empty: plain HTTP (keep api.listen on loopback then)."),
    PATH("api.tls_key", "",
         "The private key of api.tls_cert (PEM, unencrypted), in a file of the daemon's user of "
         "mode 0600 or tighter (refused otherwise); never logged."),
    PATH("api.web_root", "web",
         "The directory of the web dashboard's files (index.html, dashboard.js, dashboard.css), "
         "read once at start and served at / by the API; missing files are a warning in the "
         "log, the API serves without the dashboard. Empty: no dashboard."),
};
#undef AT_START

const size_t ent_config_n_keys = sizeof ent_config_keys / sizeof ent_config_keys[0];
