/* The `entropy` command's subcommands. Exit codes: 0 success, 1 a negative answer (invalid plan,
 * no solution), 2 bad usage or bad input. */
#ifndef ENT_CLI_CLI_H
#define ENT_CLI_CLI_H

#include "util/names.h"

#include <stddef.h>
#include <stdio.h>

enum { ENT_EXIT_OK = 0, ENT_EXIT_NO = 1, ENT_EXIT_INPUT = 2 };

struct ent_command {
    const char *name;
    const char *summary;
    const char *usage; /* the full --help text */
    int (*run)(int argc, char **argv);
};

int ent_cmd_check(int argc, char **argv);
int ent_cmd_solve(int argc, char **argv);
int ent_cmd_demo(int argc, char **argv);
int ent_cmd_monitor(int argc, char **argv);
int ent_cmd_config(int argc, char **argv);
int ent_cmd_lab(int argc, char **argv);
int ent_cmd_migrate(int argc, char **argv);
int ent_cmd_daemon(int argc, char **argv);
int ent_cmd_status(int argc, char **argv);
int ent_cmd_power(int argc, char **argv);
int ent_cmd_maintenance(int argc, char **argv);
int ent_cmd_node(int argc, char **argv);
int ent_cmd_plan(int argc, char **argv);
int ent_cmd_simulate(int argc, char **argv);

struct ent_driver;
struct ent_exec_options;
/* One migration through drv, printed as JSON (figures, or the error and where the VM is now). */
int ent_cli_migrate(struct ent_driver *drv, const char *vm, const char *from, const char *to,
                    const struct ent_exec_options *o);

/* The man page entropy(1) from the command table. */
void ent_cli_write_man(FILE *out, const struct ent_command *commands, size_t n);

/* Prints "entropy CMD: message" to stderr and returns ENT_EXIT_INPUT. */
int ent_cli_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Parses a decimal number within [min, max] or fails naming the option. */
int ent_cli_number(const char *cmd, const char *opt, const char *text, double min, double max,
                   double *out);
/* "OPT: \"value\" is not a, b or c" with the names of a registry; returns ENT_EXIT_INPUT. */
int ent_cli_fail_choice(const char *cmd, const char *opt, const char *value,
                        ent_name_at_fn name_at);
/* The same within the range of configuration key (an option that sets what the key sets takes
 * the key's range: one table, config/config_keys.c). */
int ent_cli_key_number(const char *cmd, const char *opt, const char *key, const char *text,
                       double *out);

struct ent_config;
struct ent_journal;
/* Each of names is a node (or enclosure) name, or it fails naming the first that is not. */
int ent_cli_check_names(const char *cmd, char *const *names, int n);
/* Loads the configuration file path into cfg (initialised here) and opens the daemon's journal
 * (daemon.journal) in j, through which commands talk to the daemon (with HA on etcd, brought up
 * to date from etcd and written there too); or fails saying why (cfg is then released). */
int ent_cli_open_journal(const char *cmd, const char *path, struct ent_config *cfg,
                         struct ent_journal *j);
/* Closes what ent_cli_open_journal opened. */
void ent_cli_close_journal(struct ent_config *cfg, struct ent_journal *j);

#endif
