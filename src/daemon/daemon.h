/* The control-loop daemon (entropy daemon): rounds every loop.period seconds, a journal, a
 * status socket; SIGTERM or SIGINT: no new action starts, the running ones finish, then it exits;
 * SIGHUP: the log is reopened and the configuration reloaded (kept as it was when the new file
 * is wrong). */
#ifndef ENT_DAEMON_DAEMON_H
#define ENT_DAEMON_DAEMON_H

struct ent_error;

struct ent_daemon_options {
    const char *config;   /* config/entropy.properties */
    const char *pid_file; /* NULL for none */
    long rounds;          /* stop after this many rounds, 0 for never (tests) */
};

/* Returns 0 after a requested stop, a negative code when it cannot start (err says why). */
int ent_daemon_run(const struct ent_daemon_options *o, struct ent_error *err);

#endif
