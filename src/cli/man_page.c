/* entropy(1), written from the command table the help prints (entropy help --man). */
#include "cli/cli.h"
#include "config/layout.h"
#include "util/roff.h"

static const char description[] =
    "Entropy is a consolidation manager for clusters of virtual machines. In a control loop it "
    "monitors the cluster (Ganglia, xend, libvirt, a lab of QEMU micro-VMs, a simulator), "
    "decides a target placement that needs as few nodes as possible and obeys the placement "
    "rules, plans the live migrations that reach it, and runs them through hypervisor drivers; "
    "it powers emptied nodes off and boots them when load returns, empties nodes and "
    "enclosures for maintenance, and restarts the VMs of a dead node elsewhere. It reads and "
    "writes BtrPlace's JSON instances and plans.\n";

static const char files[] =
    "The daemon's state, in the installed layout (entropy.properties(5) names each path): the "
    "journal of rounds, plans and actions in /var/lib/entropy/journal.db, the log in "
    "/var/log/entropy/entropy.log (reopened on SIGHUP, which also reloads the configuration), "
    "the status socket /run/entropy/entropy.sock. In the distribution's layout "
    "(bin/controlLoop.sh), the same under the directory that holds config/.\n";

void ent_cli_write_man(FILE *out, const struct ent_command *commands, size_t n)
{
    ent_roff_header(out, "entropy", 1, "User commands",
                    "consolidation manager for clusters of virtual machines");
    fputs(".SH SYNOPSIS\n.B entropy\n.I COMMAND\n[\n.I ARGS\n]\n.SH DESCRIPTION\n", out);
    ent_roff_text(out, description);
    fputs(".SH COMMANDS\n", out);
    for (size_t i = 0; i < n; i++) {
        fputs(".SS ", out);
        ent_roff_text(out, commands[i].name);
        fputs("\n", out);
        ent_roff_text(out, commands[i].summary);
        fputs(".\n", out);
        ent_roff_block(out, commands[i].usage);
    }
    fputs(".SH EXIT STATUS\n0 success, 1 a negative answer (an invalid plan, no solution, a node "
          "that refused), 2 bad usage or bad input; each command's help says more.\n"
          ".SH FILES\n.TP\n",
          out);
    ent_roff_text(out, ent_config_installed_file());
    fputs("\nThe configuration the commands read without \\-\\-config when the working "
          "directory has no config/entropy.properties.\n.PP\n",
          out);
    ent_roff_text(out, files);
    fputs(".SH SEE ALSO\nentropy.properties(5)\n", out);
}
