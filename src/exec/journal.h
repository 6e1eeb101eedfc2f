/* The journal: every round, its plan and every action's state, in SQLite (WAL, synchronous
 * FULL), written before and after each action runs. After a crash the unfinished actions are
 * read back and reconciled with what monitoring sees; none is ever replayed. */
#ifndef ENT_EXEC_JOURNAL_H
#define ENT_EXEC_JOURNAL_H

#include "util/error.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ent_error;
struct ent_model;
struct ent_plan;
struct ent_action_outcome;

/* Where the journal's rows are copied as they are written (HA: etcd). key is TABLE/KEY... by the
 * table's primary key ("rounds/000000000042", "actions/000000000042/3", "maintenance/rack1",
 * "fencing/node-7": round numbers zero-padded so that keys sort as rounds do), value the row as
 * a JSON object of its columns, or "null" for a row deleted. A put that fails rolls the write
 * back: what the mirror does not hold did not happen. */
struct ent_journal_mirror {
    int (*put)(void *arg, const char *key, const char *value, struct ent_error *err);
    void *arg;
};

struct ent_journal_change; /* journal_mirror.c */

struct ent_journal {
    void *db;                                /* sqlite3 * */
    char *path;                              /* for messages */
    const struct ent_journal_mirror *mirror; /* NULL: none */
    struct ent_journal_change *changes;      /* of the write under way */
    size_t n_changes, cap_changes;
};

/* Rows as a mirror holds them (keys and values as put) written into the journal, each replacing
 * the row of its key ("null" deleting it), in one transaction, the mirror not called. A key of
 * an unknown table or a value that is not a row of it is an error naming the key. */
ENT_MUST_USE int ent_journal_import(struct ent_journal *j, const char *const *keys,
                                    const char *const *values, size_t n, struct ent_error *err);

/* An action a crash left unfinished. */
struct ent_journal_entry {
    int64_t round;
    int64_t index;
    char kind[32], vm[128], from[128], to[128], state[32];
};

ENT_MUST_USE int ent_journal_open(struct ent_journal *j, const char *path, struct ent_error *err);
void ent_journal_close(struct ent_journal *j);

/* A new round (its id in *round), then its plan (every action "pending"). */
ENT_MUST_USE int ent_journal_round_begin(struct ent_journal *j, int64_t *round,
                                         struct ent_error *err);
ENT_MUST_USE int ent_journal_plan(struct ent_journal *j, int64_t round, const struct ent_model *m,
                                  const struct ent_plan *plan, struct ent_error *err);
/* An action's state: "running" before the driver is called, then "done", "failed", "dropped",
 * "not started"; detail: the error or the figures. */
ENT_MUST_USE int ent_journal_action(struct ent_journal *j, int64_t round, size_t index,
                                    const char *state, const char *detail, struct ent_error *err);
/* A power action of the loop (kind "bootNode" or "shutdownNode" on node), recorded "running"
 * before the power driver is called, then ended with ent_journal_action. Power actions of a round
 * are numbered from ENT_JOURNAL_POWER_INDEX, after any plan's actions. */
#define ENT_JOURNAL_POWER_INDEX 1000000000
ENT_MUST_USE int ent_journal_power(struct ent_journal *j, int64_t round, size_t index,
                                   const char *kind, const char *node, struct ent_error *err);
/* figures: the round's numbers as a JSON object (may be NULL), for its history. */
ENT_MUST_USE int ent_journal_round_end(struct ent_journal *j, int64_t round, const char *state,
                                       const char *summary, const char *figures,
                                       struct ent_error *err);
/* Recommend mode (loop.mode): a round's plan waits for approval. The round is marked
 * recommended; entropy plan approve and the API's POST /api/v1/plan/approve approve it (round < 0:
 * the latest that waits; *approved: which), ENT_ENOTFOUND when no such plan waits; the daemon
 * reads the round's state, and at the end of its wait settles it: *approved, or superseded (an
 * approval that comes at the same moment wins or loses whole, in one statement). */
ENT_MUST_USE int ent_journal_recommend(struct ent_journal *j, int64_t round, struct ent_error *err);
ENT_MUST_USE int ent_journal_approve(struct ent_journal *j, int64_t round, int64_t *approved,
                                     struct ent_error *err);
ENT_MUST_USE int ent_journal_round_state(struct ent_journal *j, int64_t round, char *state,
                                         size_t size, struct ent_error *err);
ENT_MUST_USE int ent_journal_settle_recommendation(struct ent_journal *j, int64_t round,
                                                   bool *approved, struct ent_error *err);
/* The last rounds of the journal at path (at most last, oldest first), read through a read-only
 * connection of its own (the HTTP API's threads): id, started, ended (Unix times), state,
 * summary and the figures. */
ENT_MUST_USE int ent_journal_history(const char *path, long last, json_t **out,
                                     struct ent_error *err);

/* The actions of rounds that never ended, still "pending" or "running". */
ENT_MUST_USE int ent_journal_unfinished(struct ent_journal *j, struct ent_journal_entry **out,
                                        size_t *n, struct ent_error *err);
/* Marks an unfinished action with what reconciliation found, and its round interrupted. */
ENT_MUST_USE int ent_journal_resolve(struct ent_journal *j, const struct ent_journal_entry *e,
                                     const char *state, const char *detail, struct ent_error *err);
/* Ends every round left open (after reconciliation). */
ENT_MUST_USE int ent_journal_close_open_rounds(struct ent_journal *j, struct ent_error *err);

/* Maintenance: targets (nodes or enclosures) to empty, recorded by entropy maintenance and
 * read by the daemon every round, so that a restart resumes them. */
struct ent_maintenance {
    char target[128];
    bool power_off;
    char reason[256];
    double started, ended; /* wall-clock times; ended 0 while it lasts */
};
ENT_MUST_USE int ent_journal_maintenance_start(struct ent_journal *j, const char *target,
                                               bool power_off, const char *reason,
                                               struct ent_error *err);
/* ENT_ENOTFOUND when target is not in maintenance. */
ENT_MUST_USE int ent_journal_maintenance_end(struct ent_journal *j, const char *target,
                                             struct ent_error *err);
/* Every maintenance recorded, those ended too (free *out with ent_free). */
ENT_MUST_USE int ent_journal_maintenance_list(struct ent_journal *j, struct ent_maintenance **out,
                                              size_t *n, struct ent_error *err);

/* Fencing (daemon/failover.h): the health of nodes lost with VMs (fencing, fenced, returned), kept
 * so that a restarted daemon goes on; entropy node writes an administrator's word there
 * ("confirmed": the node is dead; "cleared": it is healthy again) for the daemon's next round. */
struct ent_fencing {
    char node[128];
    char health[32];
    double since; /* wall-clock time */
    char *vms;    /* a JSON array of the VMs it ran */
    char detail[512];
    bool by_admin;
};
ENT_MUST_USE int ent_journal_fencing_set(struct ent_journal *j, const char *node,
                                         const char *health, const char *vms, const char *detail,
                                         bool by_admin, struct ent_error *err);
/* An administrator's word on node ("confirmed" or "cleared"), keeping what the daemon recorded
 * of it (the VMs it ran). */
ENT_MUST_USE int ent_journal_fencing_word(struct ent_journal *j, const char *node, const char *word,
                                          struct ent_error *err);
ENT_MUST_USE int ent_journal_fencing_forget(struct ent_journal *j, const char *node,
                                            struct ent_error *err);
/* Every row (free with ent_journal_fencing_free). */
ENT_MUST_USE int ent_journal_fencing_list(struct ent_journal *j, struct ent_fencing **out,
                                          size_t *n, struct ent_error *err);
void ent_journal_fencing_free(struct ent_fencing *rows, size_t n);

#endif
