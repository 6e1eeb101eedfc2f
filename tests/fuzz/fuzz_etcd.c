/* libFuzzer target: what etcd (or anything on its port) may answer to a range request, read as
 * the HA journal reads it, and the rows it holds imported into a journal as a new leader imports
 * its predecessor's (keys of unknown tables, rows that are not rows, "null" deletions), then read
 * back as it reads them (unfinished actions, maintenance). */
#include "exec/journal.h"
#include "proto/etcd.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/str.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/entropy-fuzz-etcd-XXXXXX";

static void remove_files(void)
{
    static const char *const files[] = {"journal.db", "journal.db-wal", "journal.db-shm",
                                        "journal.db-journal"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char *path = ent_strdup_printf("%s/%s", dir, files[i]);
        unlink(path);
        ent_free(path);
    }
}

static void remove_dir(void)
{
    remove_files();
    rmdir(dir);
}

/* A journal of its own for each input (a new leader's is empty or its own), in one directory
 * made for the run and removed at its end. */
static int journal_open(struct ent_journal *j)
{
    static int made; /* 0 not tried, 1 made, -1 failed */
    if (made == 0) {
        made = mkdtemp(dir) ? 1 : -1;
        if (made == 1)
            atexit(remove_dir);
    }
    struct ent_error err;
    char *path = ent_strdup_printf("%s/journal.db", dir);
    int rc = made == 1 ? ent_journal_open(j, path, &err) : -1;
    ent_free(path);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ent_etcd_kv *kvs = NULL;
    size_t n = 0;
    int64_t revision;
    struct ent_error err;
    struct ent_journal journal;
    if (size > 100000 || ent_etcd_read_range((const char *)data, size, &kvs, &n, &revision, &err))
        return 0;
    if (journal_open(&journal)) {
        ent_etcd_kvs_free(kvs, n);
        return 0;
    }
    const char **keys = ent_calloc(n + 1, sizeof *keys),
               **values = ent_calloc(n + 1, sizeof *values);
    for (size_t i = 0; i < n; i++) {
        keys[i] = kvs[i].key;
        values[i] = kvs[i].value;
    }
    if (ent_journal_import(&journal, keys, values, n, &err) == 0) { /* read as a new leader does */
        struct ent_journal_entry *unfinished = NULL;
        struct ent_maintenance *maintenance = NULL;
        size_t n_rows = 0;
        if (ent_journal_unfinished(&journal, &unfinished, &n_rows, &err) == 0)
            ent_free(unfinished);
        if (ent_journal_maintenance_list(&journal, &maintenance, &n_rows, &err) == 0)
            ent_free(maintenance);
    }
    ent_free(keys);
    ent_free(values);
    ent_etcd_kvs_free(kvs, n);
    ent_journal_close(&journal);
    remove_files(); /* the next input's journal starts empty */
    return 0;
}
