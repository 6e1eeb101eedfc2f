/* After a crash: the journal's unfinished actions reconciled with what monitoring sees. Nothing is
 * replayed: a migration that was in flight either happened (the VM is on its destination) or did
 * not (on its source); an action that had not started is abandoned; the next round re-plans. */
#ifndef ENT_DAEMON_RECOVER_H
#define ENT_DAEMON_RECOVER_H

struct ent_autostart;
struct ent_driver_set;
struct ent_error;
struct ent_journal;
struct ent_monitor;

/* Logs what it finds; returns how many actions were reconciled, or a negative code. A boot that
 * was in flight (autostart, a failover restart) and whose VM monitoring does not show is
 * remembered in boots (may be NULL) as booted, not yet seen: never booted again by the loop
 * until it is seen (never twice). */
int ent_daemon_recover(struct ent_journal *j, struct ent_monitor *mon,
                       struct ent_driver_set *drivers, struct ent_autostart *boots,
                       struct ent_error *err);

#endif
