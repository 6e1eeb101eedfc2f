/* The journal's rows copied to a mirror as they are written, and read back (see journal.h). */
#define SQLITE_ENABLE_PREUPDATE_HOOK 1 /* Debian's libsqlite3 is built with it */
#include "exec/internal.h"

#include "util/alloc.h"
#include "util/names.h"
#include "util/str.h"

#include <inttypes.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

/* Each table the journal mirrors and its primary key's columns, in key order: the table's first
 * columns, as journal.c's schema declares them (rounds' id is the rowid itself). */
static const struct {
    const char *table;
    int n_key;
    const char *key[2];
} tables[] = {
    {"rounds", 1, {"id", NULL}},
    {"actions", 2, {"round", "idx"}},
    {"maintenance", 1, {"target", NULL}},
    {"fencing", 1, {"node", NULL}},
};
#define N_TABLES (sizeof tables / sizeof *tables)

struct ent_journal_change {
    size_t table;
    char *key;     /* TABLE/KEY... */
    int64_t rowid; /* the row after the change; -1 deleted */
};

static int table_index(const char *name)
{
    for (size_t i = 0; i < N_TABLES; i++)
        if (strcmp(tables[i].table, name) == 0)
            return (int)i;
    return -1;
}

/* A key column's value as it goes in a key: numbers zero-padded (rounds sort), text as is. */
static void add_key_part(struct ent_str *key, sqlite3_value *v)
{
    if (sqlite3_value_type(v) == SQLITE_INTEGER)
        ent_str_addf(key, "/%012" PRId64, (int64_t)sqlite3_value_int64(v));
    else
        ent_str_addf(key, "/%s", (const char *)sqlite3_value_text(v));
}

static void on_preupdate(void *arg, sqlite3 *db, int op, const char *database, const char *table,
                         sqlite3_int64 old_rowid, sqlite3_int64 new_rowid)
{
    struct ent_journal *j = arg;
    int t = table_index(table);
    if (t < 0 || strcmp(database, "main") != 0)
        return;
    struct ent_str key = ENT_STR_INIT;
    ent_str_addf(&key, "%s", table);
    int64_t rowid = op == SQLITE_DELETE ? old_rowid : new_rowid;
    for (int k = 0; k < tables[t].n_key; k++) {
        sqlite3_value *v = NULL;
        if (strcmp(tables[t].key[k], "id") == 0)
            ent_str_addf(&key, "/%012" PRId64, rowid);
        else if ((op == SQLITE_DELETE ? sqlite3_preupdate_old(db, k, &v)
                                      : sqlite3_preupdate_new(db, k, &v)) == SQLITE_OK &&
                 v)
            add_key_part(&key, v);
    }
    if (j->n_changes == j->cap_changes) {
        j->cap_changes = j->cap_changes ? 2 * j->cap_changes : 8;
        j->changes = ent_reallocarray(j->changes, j->cap_changes, sizeof *j->changes);
    }
    j->changes[j->n_changes++] = (struct ent_journal_change){
        (size_t)t, ent_strdup(ent_str_cstr(&key)), op == SQLITE_DELETE ? -1 : new_rowid};
    ent_str_release(&key);
}

int ent__journal_mirror_begin(struct ent_journal *j, struct ent_error *err)
{
    if (sqlite3_exec(j->db, "SAVEPOINT mirror", NULL, NULL, NULL) != SQLITE_OK)
        return ent_error(err, ENT_EIO, "journal %s: savepoint: %s", j->path, sqlite3_errmsg(j->db));
    sqlite3_preupdate_hook(j->db, on_preupdate, j);
    return 0;
}

/* Row rowid of table as a JSON object of its columns (text; NULL when it is gone). */
static char *row_json(sqlite3 *db, const char *table, int64_t rowid)
{
    char *sql = ent_strdup_printf("SELECT * FROM %s WHERE rowid = ?", table);
    sqlite3_stmt *st = NULL;
    char *text = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, rowid);
        if (sqlite3_step(st) == SQLITE_ROW) {
            json_t *row = json_object();
            for (int c = 0; c < sqlite3_column_count(st); c++) {
                const char *name = sqlite3_column_name(st, c);
                switch (sqlite3_column_type(st, c)) {
                case SQLITE_INTEGER:
                    json_object_set_new(row, name, json_integer(sqlite3_column_int64(st, c)));
                    break;
                case SQLITE_FLOAT:
                    json_object_set_new(row, name, json_real(sqlite3_column_double(st, c)));
                    break;
                case SQLITE_NULL:
                    json_object_set_new(row, name, json_null());
                    break;
                default:
                    json_object_set_new(row, name,
                                        json_string((const char *)sqlite3_column_text(st, c)));
                }
            }
            char *dumped = json_dumps(row, JSON_COMPACT | JSON_SORT_KEYS);
            text = ent_strdup(dumped);
            free(dumped); /* jansson's */
            json_decref(row);
        }
    }
    sqlite3_finalize(st);
    ent_free(sql);
    return text;
}

static void clear_changes(struct ent_journal *j)
{
    for (size_t i = 0; i < j->n_changes; i++)
        ent_free(j->changes[i].key);
    j->n_changes = 0;
}

int ent__journal_mirror_end(struct ent_journal *j, bool ok, struct ent_error *err)
{
    sqlite3_preupdate_hook(j->db, NULL, NULL);
    int rc = 0;
    for (size_t i = 0; ok && !rc && i < j->n_changes; i++) {
        const struct ent_journal_change *c = &j->changes[i];
        char *value = c->rowid < 0 ? NULL : row_json(j->db, tables[c->table].table, c->rowid);
        rc = j->mirror->put(j->mirror->arg, c->key, value ? value : "null", err);
        ent_free(value);
    }
    clear_changes(j);
    if (!ok || rc)
        sqlite3_exec(j->db, "ROLLBACK TO mirror", NULL, NULL, NULL);
    sqlite3_exec(j->db, "RELEASE mirror", NULL, NULL, NULL);
    return rc;
}

/* The table of key (TABLE/...), -1 when it is none of the mirrored. */
static int table_of_key(const char *key)
{
    size_t len = strcspn(key, "/");
    for (size_t i = 0; i < N_TABLES; i++)
        if (strlen(tables[i].table) == len && strncmp(tables[i].table, key, len) == 0)
            return (int)i;
    return -1;
}

/* Binds a JSON value to parameter i: numbers, text, null; anything else refused. */
static bool bind_json(sqlite3_stmt *st, int i, const json_t *v)
{
    if (json_is_integer(v))
        return sqlite3_bind_int64(st, i, json_integer_value(v)) == SQLITE_OK;
    if (json_is_real(v))
        return sqlite3_bind_double(st, i, json_real_value(v)) == SQLITE_OK;
    if (json_is_string(v))
        return sqlite3_bind_text(st, i, json_string_value(v), -1, SQLITE_TRANSIENT) == SQLITE_OK;
    return json_is_null(v) && sqlite3_bind_null(st, i) == SQLITE_OK;
}

/* The row of key replaced by value (a JSON object of the table's columns). */
static int import_row(struct ent_journal *j, int t, const char *shown, const char *value,
                      struct ent_error *err)
{
    json_error_t jerr;
    json_t *row = json_loads(value, 0, &jerr);
    struct ent_str cols = ENT_STR_INIT, marks = ENT_STR_INIT;
    const char *name;
    json_t *v;
    int rc = json_is_object(row) ? 0 : ent_error(err, ENT_EPARSE, "%s: not a JSON object", shown);
    json_object_foreach(row, name, v)
    {
        if (strspn(name, "abcdefghijklmnopqrstuvwxyz_") != strlen(name) || !*name) {
            struct ent_str quoted = ENT_STR_INIT;
            rc = ent_error(err, ENT_EINVALID, "%s: \"%s\" is no column", shown,
                           ent_name_quote(name, &quoted));
            ent_str_release(&quoted);
            break;
        }
        ent_str_addf(&cols, "%s%s", cols.len ? ", " : "", name);
        ent_str_addf(&marks, "%s?", marks.len ? ", " : "");
    }
    char *sql = ent_strdup_printf("INSERT OR REPLACE INTO %s(%s) VALUES(%s)", tables[t].table,
                                  ent_str_cstr(&cols), ent_str_cstr(&marks));
    sqlite3_stmt *st = NULL;
    if (!rc && sqlite3_prepare_v2(j->db, sql, -1, &st, NULL) != SQLITE_OK)
        rc = ent_error(err, ENT_EINVALID, "%s: %s", shown, sqlite3_errmsg(j->db));
    int i = 1;
    json_object_foreach(row, name, v)
    {
        if (rc || !bind_json(st, i++, v))
            rc = rc ? rc : ent_error(err, ENT_EINVALID, "%s: column %s: not a value", shown, name);
    }
    if (!rc && sqlite3_step(st) != SQLITE_DONE)
        rc = ent_error(err, ENT_EINVALID, "%s: %s", shown, sqlite3_errmsg(j->db));
    sqlite3_finalize(st);
    ent_free(sql);
    ent_str_release(&cols);
    ent_str_release(&marks);
    json_decref(row);
    return rc;
}

/* The row of key deleted: its key columns from the key's parts (shown: key as messages show it). */
static int delete_row(struct ent_journal *j, int t, const char *key, const char *shown,
                      struct ent_error *err)
{
    char *copy = ent_strdup(key), *save = NULL;
    strtok_r(copy, "/", &save);
    struct ent_str where = ENT_STR_INIT;
    const char *part[2] = {NULL, NULL};
    for (int k = 0; k < tables[t].n_key; k++) {
        part[k] = strtok_r(NULL, "/", &save);
        ent_str_addf(&where, "%s%s = ?", k ? " AND " : "", tables[t].key[k]);
    }
    int rc = 0;
    char *sql = ent_strdup_printf("DELETE FROM %s WHERE %s", tables[t].table, ent_str_cstr(&where));
    sqlite3_stmt *st = NULL;
    if (!part[tables[t].n_key - 1])
        rc = ent_error(err, ENT_EINVALID, "%s: a key without its parts", shown);
    else if (sqlite3_prepare_v2(j->db, sql, -1, &st, NULL) != SQLITE_OK)
        rc = ent_error(err, ENT_EIO, "%s: %s", shown, sqlite3_errmsg(j->db));
    for (int k = 0; !rc && k < tables[t].n_key; k++) {
        char *end = NULL;
        long long n = strtoll(part[k], &end, 10);
        if (*end == '\0' && strcmp(tables[t].key[k], "target") != 0 &&
            strcmp(tables[t].key[k], "node") != 0)
            sqlite3_bind_int64(st, k + 1, n);
        else
            sqlite3_bind_text(st, k + 1, part[k], -1, SQLITE_TRANSIENT);
    }
    if (!rc && sqlite3_step(st) != SQLITE_DONE)
        rc = ent_error(err, ENT_EIO, "%s: %s", shown, sqlite3_errmsg(j->db));
    sqlite3_finalize(st);
    ent_free(sql);
    ent_str_release(&where);
    ent_free(copy);
    return rc;
}

int ent_journal_import(struct ent_journal *j, const char *const *keys, const char *const *values,
                       size_t n, struct ent_error *err)
{
    if (sqlite3_exec(j->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return ent_error(err, ENT_EIO, "journal %s: %s", j->path, sqlite3_errmsg(j->db));
    int rc = 0;
    for (size_t i = 0; !rc && i < n; i++) { /* keys come from etcd: quoted in messages */
        struct ent_str quoted = ENT_STR_INIT;
        const char *shown = ent_name_quote(keys[i], &quoted);
        int t = table_of_key(keys[i]);
        if (t < 0)
            rc = ent_error(err, ENT_EINVALID, "%s: not a journal table's key", shown);
        else if (strcmp(values[i], "null") == 0)
            rc = delete_row(j, t, keys[i], shown, err);
        else
            rc = import_row(j, t, shown, values[i], err);
        ent_str_release(&quoted);
    }
    if (rc || sqlite3_exec(j->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
        return rc ? ent_error_prefix(err, "journal %s: import: ", j->path)
                  : ent_error(err, ENT_EIO, "journal %s: import: %s", j->path,
                              sqlite3_errmsg(j->db));
    }
    return 0;
}
