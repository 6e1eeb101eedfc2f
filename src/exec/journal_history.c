/* The rounds' history read back from the journal, for the HTTP API: a read-only connection of
 * its own (SQLite's WAL lets it read while the daemon writes), opened per request. */
#include "exec/journal.h"

#include "util/error.h"

#include <sqlite3.h>

static json_t *column_json(sqlite3_stmt *st, int col)
{
    switch (sqlite3_column_type(st, col)) {
    case SQLITE_INTEGER:
        return json_integer(sqlite3_column_int64(st, col));
    case SQLITE_FLOAT:
        return json_real(sqlite3_column_double(st, col));
    case SQLITE_TEXT:
        return json_string((const char *)sqlite3_column_text(st, col));
    default:
        return json_null();
    }
}

/* One row: its columns, and the figures (a JSON object) merged in when they parse. */
static json_t *round_json(sqlite3_stmt *st)
{
    static const char *const names[] = {"round", "started", "ended", "state", "summary"};
    json_t *row = json_object();
    for (int c = 0; c < 5; c++)
        json_object_set_new(row, names[c], column_json(st, c));
    const unsigned char *figures = sqlite3_column_text(st, 5);
    json_t *f = figures ? json_loads((const char *)figures, 0, NULL) : NULL;
    if (json_is_object(f))
        json_object_update(row, f);
    json_decref(f);
    return row;
}

int ent_journal_history(const char *path, long last, json_t **out, struct ent_error *err)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    *out = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW, NULL) !=
            SQLITE_OK ||
        sqlite3_busy_timeout(db, 2000) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT id, started, ended, state, summary, figures FROM rounds "
                           "ORDER BY id DESC LIMIT ?",
                           -1, &st, NULL) != SQLITE_OK) {
        int rc = ent_error(err, ENT_EIO, "journal %s: %s", path, db ? sqlite3_errmsg(db) : "open");
        sqlite3_finalize(st);
        sqlite3_close(db);
        return rc;
    }
    sqlite3_bind_int64(st, 1, last);
    json_t *rounds = json_array();
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        json_array_insert_new(rounds, 0, round_json(st)); /* oldest first */
    int rc = step == SQLITE_DONE
                 ? 0
                 : ent_error(err, ENT_EIO, "journal %s: %s", path, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (rc)
        json_decref(rounds);
    else
        *out = rounds;
    return rc;
}
