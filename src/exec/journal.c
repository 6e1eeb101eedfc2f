/* The journal in SQLite. */
#include "exec/journal.h"

#include "exec/internal.h"

#include "model/model.h"
#include "model/plan.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *const SCHEMA =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=FULL;"
    "CREATE TABLE IF NOT EXISTS rounds("
    "  id INTEGER PRIMARY KEY, started REAL NOT NULL, ended REAL, state TEXT NOT NULL,"
    "  summary TEXT, figures TEXT);"
    "CREATE TABLE IF NOT EXISTS actions("
    "  round INTEGER NOT NULL REFERENCES rounds(id), idx INTEGER NOT NULL, kind TEXT NOT NULL,"
    "  vm TEXT, src TEXT, dst TEXT, planned_start INTEGER, planned_end INTEGER,"
    "  state TEXT NOT NULL, started REAL, ended REAL, detail TEXT, PRIMARY KEY(round, idx));"
    "CREATE TABLE IF NOT EXISTS maintenance("
    "  target TEXT PRIMARY KEY, power_off INTEGER NOT NULL, reason TEXT, started REAL NOT NULL,"
    "  ended REAL);"
    "CREATE TABLE IF NOT EXISTS fencing("
    "  node TEXT PRIMARY KEY, health TEXT NOT NULL, since REAL NOT NULL, vms TEXT, detail TEXT,"
    "  by_admin INTEGER NOT NULL DEFAULT 0);";

static int fail(struct ent_journal *j, const char *what, struct ent_error *err)
{
    int sys = j->db ? sqlite3_system_errno(j->db) : 0; /* the cause SQLite's words leave out */
    return ent_error(err, ENT_EIO, "journal %s: %s: %s%s%s", j->path, what,
                     j->db ? sqlite3_errmsg(j->db) : "not open", sys ? ": " : "",
                     sys ? strerror(sys) : "");
}

/* A journal with a damaged page would fail every round later: refused now, saying what to do. */
static int check_integrity(struct ent_journal *j, struct ent_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(j->db, "PRAGMA quick_check(1)", -1, &st, NULL);
    const unsigned char *verdict = NULL;
    if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        verdict = sqlite3_column_text(st, 0);
    if (verdict && strcmp((const char *)verdict, "ok") == 0) {
        sqlite3_finalize(st);
        return 0;
    }
    rc = ent_error(err, ENT_EPARSE,
                   "journal %s is damaged (%s): nothing can be recovered from it reliably; move "
                   "it aside (its rounds are history) and start again",
                   j->path, verdict ? (const char *)verdict : sqlite3_errmsg(j->db));
    sqlite3_finalize(st);
    return rc;
}

/* Whether the rounds table has its figures column. */
static bool has_figures(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    bool found = false;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info('rounds') WHERE name = 'figures'",
                           -1, &st, NULL) == SQLITE_OK)
        found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

int ent_journal_open(struct ent_journal *j, const char *path, struct ent_error *err)
{
    memset(j, 0, sizeof *j);
    j->path = ent_strdup(path);
    if (ent_mkdir_parents(path))
        return ent_error(err, ENT_EIO, "journal %s: cannot create its directory", path);
    sqlite3 *db = NULL;
    /* Never through a symbolic link, never another user's file. */
    if (sqlite3_open_v2(path, &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW,
                        NULL) != SQLITE_OK) {
        j->db = db;
        int rc = fail(j, "open", err);
        ent_journal_close(j);
        return rc;
    }
    j->db = db;
    struct stat st;
    if (lstat(path, &st) == 0 && (!S_ISREG(st.st_mode) || st.st_uid != geteuid())) {
        int rc = ent_error(err, ENT_EINVALID,
                           "journal %s: not a regular file of this user's (uid %ld): refused", path,
                           (long)geteuid());
        ent_journal_close(j);
        return rc;
    }
    chmod(path, 0640); /* what ran where, and why it failed: its owner and group only */
    sqlite3_busy_timeout(db, 5000);
    int rc = check_integrity(j, err);
    if (!rc && sqlite3_exec(db, SCHEMA, NULL, NULL, NULL) != SQLITE_OK)
        rc = fail(j, "schema", err);
    if (!rc && !has_figures(db) && /* a journal from before the round figures */
        sqlite3_exec(db, "ALTER TABLE rounds ADD COLUMN figures TEXT", NULL, NULL, NULL) !=
            SQLITE_OK)
        rc = fail(j, "schema", err);
    if (rc)
        ent_journal_close(j);
    return rc;
}

void ent_journal_close(struct ent_journal *j)
{
    if (!j)
        return;
    if (j->db)
        sqlite3_close(j->db);
    j->db = NULL;
    ent_free(j->path);
    j->path = NULL;
    ent_free(j->changes);
    j->changes = NULL;
    j->n_changes = j->cap_changes = 0;
}

/* Prepares sql, binds the values given as a format of 'i' (int64), 'd' (double), 's' (text or
 * NULL), steps it to the end. */
static int run(struct ent_journal *j, const char *sql, const char *types, struct ent_error *err,
               ...)
{
    sqlite3_stmt *st;
    int mrc = j->mirror ? ent__journal_mirror_begin(j, err) : 0;
    if (mrc)
        return mrc;
    if (sqlite3_prepare_v2(j->db, sql, -1, &st, NULL) != SQLITE_OK) {
        int rc = fail(j, "prepare", err);
        if (j->mirror)
            (void)ent__journal_mirror_end(j, false, err);
        return rc;
    }
    va_list ap;
    va_start(ap, err);
    for (int i = 0; types[i]; i++) {
        if (types[i] == 'i')
            sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
        else if (types[i] == 'd')
            sqlite3_bind_double(st, i + 1, va_arg(ap, double));
        else
            sqlite3_bind_text(st, i + 1, va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
    }
    va_end(ap);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        ;
    sqlite3_finalize(st);
    bool ok = rc == SQLITE_DONE;
    rc = ok ? 0 : fail(j, "write", err);
    if (j->mirror && (mrc = ent__journal_mirror_end(j, ok, err)) && !rc)
        rc = mrc;
    return rc;
}

int ent_journal_round_begin(struct ent_journal *j, int64_t *round, struct ent_error *err)
{
    int rc =
        run(j, "INSERT INTO rounds(started, state) VALUES(?, 'running')", "d", err, ent_wall_now());
    *round = rc ? -1 : sqlite3_last_insert_rowid(j->db);
    return rc;
}

int ent_journal_plan(struct ent_journal *j, int64_t round, const struct ent_model *m,
                     const struct ent_plan *plan, struct ent_error *err)
{
    if (sqlite3_exec(j->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return fail(j, "begin", err);
    int rc = 0;
    for (size_t i = 0; !rc && i < plan->len; i++) {
        const struct ent_action *a = &plan->actions[i];
        int32_t dst = a->to >= 0 ? a->to : a->node;
        rc = run(j,
                 "INSERT INTO actions(round, idx, kind, vm, src, dst, planned_start, planned_end,"
                 " state) VALUES(?, ?, ?, ?, ?, ?, ?, ?, 'pending')",
                 "iissssii", err, round, (int64_t)i, ent_action_kind_name(a->kind),
                 a->vm >= 0 ? m->vms[a->vm].name : NULL,
                 a->from >= 0 ? m->nodes[a->from].name : NULL, dst >= 0 ? m->nodes[dst].name : NULL,
                 (int64_t)a->start, (int64_t)a->end);
    }
    if (rc || sqlite3_exec(j->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
        return rc ? rc : fail(j, "commit", err);
    }
    return 0;
}

int ent_journal_action(struct ent_journal *j, int64_t round, size_t index, const char *state,
                       const char *detail, struct ent_error *err)
{
    if (strcmp(state, "running") == 0)
        return run(j, "UPDATE actions SET state = ?, started = ? WHERE round = ? AND idx = ?",
                   "sdii", err, state, ent_wall_now(), round, (int64_t)index);
    return run(j, "UPDATE actions SET state = ?, ended = ?, detail = ? WHERE round = ? AND idx = ?",
               "sdsii", err, state, ent_wall_now(), detail, round, (int64_t)index);
}

int ent_journal_power(struct ent_journal *j, int64_t round, size_t index, const char *kind,
                      const char *node, struct ent_error *err)
{
    return run(j,
               "INSERT INTO actions(round, idx, kind, dst, state, started) "
               "VALUES(?, ?, ?, ?, 'running', ?)",
               "iissd", err, round, (int64_t)index, kind, node, ent_wall_now());
}

int ent_journal_round_end(struct ent_journal *j, int64_t round, const char *state,
                          const char *summary, const char *figures, struct ent_error *err)
{
    return run(j, "UPDATE rounds SET ended = ?, state = ?, summary = ?, figures = ? WHERE id = ?",
               "dsssi", err, ent_wall_now(), state, summary, figures, round);
}

static void copy_column(sqlite3_stmt *st, int col, char *out, size_t len)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    snprintf(out, len, "%s", t ? (const char *)t : "");
}

int ent_journal_unfinished(struct ent_journal *j, struct ent_journal_entry **out, size_t *n,
                           struct ent_error *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(j->db,
                           "SELECT a.round, a.idx, a.kind, a.vm, a.src, a.dst, a.state FROM "
                           "actions a JOIN rounds r ON r.id = a.round WHERE r.ended IS NULL AND "
                           "a.state IN ('pending', 'running') ORDER BY a.round, a.idx",
                           -1, &st, NULL) != SQLITE_OK)
        return fail(j, "read", err);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = ent_reallocarray(*out, cap, sizeof **out);
        }
        struct ent_journal_entry *e = &(*out)[(*n)++];
        e->round = sqlite3_column_int64(st, 0);
        e->index = sqlite3_column_int64(st, 1);
        copy_column(st, 2, e->kind, sizeof e->kind);
        copy_column(st, 3, e->vm, sizeof e->vm);
        copy_column(st, 4, e->from, sizeof e->from);
        copy_column(st, 5, e->to, sizeof e->to);
        copy_column(st, 6, e->state, sizeof e->state);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        ent_free(*out);
        *out = NULL;
        *n = 0;
        return fail(j, "read", err);
    }
    return 0;
}

int ent_journal_resolve(struct ent_journal *j, const struct ent_journal_entry *e, const char *state,
                        const char *detail, struct ent_error *err)
{
    return run(j, "UPDATE actions SET state = ?, detail = ? WHERE round = ? AND idx = ?", "ssii",
               err, state, detail, e->round, e->index);
}

int ent_journal_close_open_rounds(struct ent_journal *j, struct ent_error *err)
{
    return run(j,
               "UPDATE rounds SET ended = ?, state = 'interrupted', summary = 'reconciled after "
               "a restart' WHERE ended IS NULL",
               "d", err, ent_wall_now());
}

int ent_journal_recommend(struct ent_journal *j, int64_t round, struct ent_error *err)
{
    return run(j, "UPDATE rounds SET state = 'recommended' WHERE id = ?", "i", err, round);
}

int ent_journal_approve(struct ent_journal *j, int64_t round, int64_t *approved,
                        struct ent_error *err)
{
    int rc = run(j,
                 "UPDATE rounds SET state = 'approved' WHERE state = 'recommended' AND id = "
                 "(CASE WHEN ? < 0 THEN (SELECT max(id) FROM rounds WHERE state = 'recommended') "
                 "ELSE ? END)",
                 "ii", err, round, round);
    if (!rc && sqlite3_changes(j->db) == 0)
        return round < 0 ? ent_error(err, ENT_ENOTFOUND, "no plan awaits approval")
                         : ent_error(err, ENT_ENOTFOUND,
                                     "round %lld: no plan awaits approval (executed, superseded "
                                     "or never recommended)",
                                     (long long)round);
    if (!rc)
        *approved = round;
    if (!rc && round < 0) { /* which one: the latest approved */
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(j->db, "SELECT max(id) FROM rounds WHERE state = 'approved'", -1,
                               &st, NULL) != SQLITE_OK)
            return fail(j, "read", err);
        if (sqlite3_step(st) == SQLITE_ROW)
            *approved = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    return rc;
}

int ent_journal_round_state(struct ent_journal *j, int64_t round, char *state, size_t size,
                            struct ent_error *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(j->db, "SELECT state FROM rounds WHERE id = ?", -1, &st, NULL) !=
        SQLITE_OK)
        return fail(j, "read", err);
    sqlite3_bind_int64(st, 1, round);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        copy_column(st, 0, state, size);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return 0;
    return rc == SQLITE_DONE
               ? ent_error(err, ENT_ENOTFOUND, "round %lld is not in the journal", (long long)round)
               : fail(j, "read", err);
}

int ent_journal_settle_recommendation(struct ent_journal *j, int64_t round, bool *approved,
                                      struct ent_error *err)
{
    int rc = run(j, "UPDATE rounds SET state = 'superseded' WHERE id = ? AND state = 'recommended'",
                 "i", err, round);
    *approved = !rc && sqlite3_changes(j->db) == 0;
    return rc;
}

int ent_journal_maintenance_start(struct ent_journal *j, const char *target, bool power_off,
                                  const char *reason, struct ent_error *err)
{
    return run(j,
               "INSERT OR REPLACE INTO maintenance(target, power_off, reason, started) "
               "VALUES(?, ?, ?, ?)",
               "sisd", err, target, (int64_t)power_off, reason, ent_wall_now());
}

int ent_journal_maintenance_end(struct ent_journal *j, const char *target, struct ent_error *err)
{
    int rc = run(j, "UPDATE maintenance SET ended = ? WHERE target = ? AND ended IS NULL", "ds",
                 err, ent_wall_now(), target);
    if (!rc && sqlite3_changes(j->db) == 0)
        rc = ent_error(err, ENT_ENOTFOUND, "%s is not in maintenance", target);
    return rc;
}

int ent_journal_maintenance_list(struct ent_journal *j, struct ent_maintenance **out, size_t *n,
                                 struct ent_error *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(j->db,
                           "SELECT target, power_off, reason, started, ended FROM maintenance "
                           "ORDER BY started, target",
                           -1, &st, NULL) != SQLITE_OK)
        return fail(j, "read", err);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        *out = ent_reallocarray(*out, *n + 1, sizeof **out);
        struct ent_maintenance *e = &(*out)[(*n)++];
        copy_column(st, 0, e->target, sizeof e->target);
        e->power_off = sqlite3_column_int64(st, 1) != 0;
        copy_column(st, 2, e->reason, sizeof e->reason);
        e->started = sqlite3_column_double(st, 3);
        e->ended = sqlite3_column_type(st, 4) == SQLITE_NULL ? 0 : sqlite3_column_double(st, 4);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        ent_free(*out);
        *out = NULL;
        *n = 0;
        return fail(j, "read", err);
    }
    return 0;
}

int ent_journal_fencing_set(struct ent_journal *j, const char *node, const char *health,
                            const char *vms, const char *detail, bool by_admin,
                            struct ent_error *err)
{
    return run(j,
               "INSERT OR REPLACE INTO fencing(node, health, since, vms, detail, by_admin) "
               "VALUES(?, ?, ?, ?, ?, ?)",
               "ssdssi", err, node, health, ent_wall_now(), vms ? vms : "[]", detail ? detail : "",
               (int64_t)by_admin);
}

int ent_journal_fencing_word(struct ent_journal *j, const char *node, const char *word,
                             struct ent_error *err)
{
    int rc = run(j, "UPDATE fencing SET health = ?, since = ?, by_admin = 1 WHERE node = ?", "sds",
                 err, word, ent_wall_now(), node);
    if (!rc && sqlite3_changes(j->db) == 0)
        rc = run(j,
                 "INSERT INTO fencing(node, health, since, vms, detail, by_admin) "
                 "VALUES(?, ?, ?, '[]', '', 1)",
                 "ssd", err, node, word, ent_wall_now());
    return rc;
}

int ent_journal_fencing_forget(struct ent_journal *j, const char *node, struct ent_error *err)
{
    return run(j, "DELETE FROM fencing WHERE node = ?", "s", err, node);
}

int ent_journal_fencing_list(struct ent_journal *j, struct ent_fencing **out, size_t *n,
                             struct ent_error *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(j->db,
                           "SELECT node, health, since, vms, detail, by_admin FROM fencing "
                           "ORDER BY node",
                           -1, &st, NULL) != SQLITE_OK)
        return fail(j, "read", err);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        *out = ent_reallocarray(*out, *n + 1, sizeof **out);
        struct ent_fencing *e = &(*out)[(*n)++];
        copy_column(st, 0, e->node, sizeof e->node);
        copy_column(st, 1, e->health, sizeof e->health);
        e->since = sqlite3_column_double(st, 2);
        const unsigned char *vms = sqlite3_column_text(st, 3);
        e->vms = ent_strdup(vms ? (const char *)vms : "[]");
        copy_column(st, 4, e->detail, sizeof e->detail);
        e->by_admin = sqlite3_column_int64(st, 5) != 0;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        ent_journal_fencing_free(*out, *n);
        *out = NULL;
        *n = 0;
        return fail(j, "read", err);
    }
    return 0;
}

void ent_journal_fencing_free(struct ent_fencing *rows, size_t n)
{
    for (size_t i = 0; rows && i < n; i++)
        ent_free(rows[i].vms);
    ent_free(rows);
}
