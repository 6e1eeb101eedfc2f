/* exec/journal.c on a real SQLite file: a round, its plan and every action's state survive a
 * reopen; what a crash left unfinished is listed, resolved, and the open rounds closed; a file
 * that is not a journal is refused naming it. */
#include "helpers.h"

#include "exec/journal.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define INSTANCE                                                                                   \
    "{\"model\": {\"mapping\": {\"onlineNodes\": {\"0\": {\"runningVMs\": [0, 1], "                \
    "\"sleepingVMs\": []}, \"1\": {\"runningVMs\": [], \"sleepingVMs\": []}}, "                    \
    "\"offlineNodes\": [], \"readyVMs\": []}, \"views\": [{\"id\": \"shareableResource\", "        \
    "\"rcId\": \"memory\", \"defConsumption\": 10, \"defCapacity\": 100, \"nodes\": {}, "          \
    "\"vms\": {}}]}, \"constraints\": [], \"objective\": null}"

#define PLAN                                                                                       \
    "{\"actions\": [{\"id\": \"migrateVM\", \"vm\": 0, \"from\": 0, \"to\": 1, \"start\": 0, "     \
    "\"end\": 3}, {\"id\": \"migrateVM\", \"vm\": 1, \"from\": 0, \"to\": 1, \"start\": 3, "       \
    "\"end\": 6}]}"

static void test_unfinished_actions_survive_a_reopen(void **state)
{
    (void)state;
    char dir[] = "/tmp/entropy-journal-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/journal.db", dir);
    struct ent_model *m = load_instance(INSTANCE);
    struct ent_plan plan;
    load_plan(&plan, m, PLAN);
    struct ent_journal j;
    struct ent_error err;
    ent_error_init(&err);
    int64_t round = -1;
    assert_int_equal(ent_journal_open(&j, path, &err), 0);
    assert_int_equal(ent_journal_round_begin(&j, &round, &err), 0);
    assert_int_equal(ent_journal_plan(&j, round, m, &plan, &err), 0);
    assert_int_equal(ent_journal_action(&j, round, 0, "running", "", &err), 0);
    assert_int_equal(ent_journal_action(&j, round, 0, "done", "3 s", &err), 0);
    assert_int_equal(ent_journal_action(&j, round, 1, "running", "", &err), 0);
    ent_journal_close(&j); /* a crash: the round never ends */

    assert_int_equal(ent_journal_open(&j, path, &err), 0);
    struct ent_journal_entry *e = NULL;
    size_t n = 0;
    assert_int_equal(ent_journal_unfinished(&j, &e, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(e[0].index, 1);
    assert_string_equal(e[0].kind, "migrateVM");
    assert_string_equal(e[0].state, "running");
    assert_int_equal(ent_journal_resolve(&j, &e[0], "done", "found on its destination", &err), 0);
    free(e);
    assert_int_equal(ent_journal_close_open_rounds(&j, &err), 0);
    e = NULL;
    assert_int_equal(ent_journal_unfinished(&j, &e, &n, &err), 0);
    assert_int_equal(n, 0);
    free(e);
    ent_journal_close(&j);
    ent_plan_release(&plan);
    free_instance(m);
    unlink(path);
    char wal[80];
    snprintf(wal, sizeof wal, "%s-wal", path);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", path);
    unlink(wal);
    rmdir(dir);
}

/* A journal from before the rounds' figures gets the column; the history reads them back,
 * oldest first, the round under way included. */
static void test_history_and_an_older_journal(void **state)
{
    (void)state;
    char dir[] = "/tmp/entropy-journal-XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/j.db", dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TABLE rounds(id INTEGER PRIMARY KEY, started REAL NOT "
                                  "NULL, ended REAL, state TEXT NOT NULL, summary TEXT);"
                                  "INSERT INTO rounds VALUES(1, 10, 11, 'done', 'old');",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    struct ent_journal j;
    struct ent_error err;
    assert_int_equal(ent_journal_open(&j, path, &err), 0);
    int64_t round;
    assert_int_equal(ent_journal_round_begin(&j, &round, &err), 0);
    assert_int_equal(round, 2);
    assert_int_equal(ent_journal_round_end(&j, round, "done", "new", "{\"nodes\": 7}", &err), 0);
    assert_int_equal(ent_journal_round_begin(&j, &round, &err), 0);
    json_t *h;
    assert_int_equal(ent_journal_history(path, 2, &h, &err), 0);
    assert_int_equal(json_array_size(h), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(h, 0), "round")), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(h, 0), "nodes")), 7);
    assert_string_equal(json_string_value(json_object_get(json_array_get(h, 1), "state")),
                        "running");
    json_decref(h);
    assert_int_equal(ent_journal_history(path, 10, &h, &err), 0);
    assert_int_equal(json_array_size(h), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(h, 0), "summary")), "old");
    json_decref(h);
    ent_journal_close(&j);
    char missing[80];
    snprintf(missing, sizeof missing, "%s/none.db", dir);
    assert_int_not_equal(ent_journal_history(missing, 5, &h, &err), 0);
    assert_non_null(strstr(err.msg, "none.db"));
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* Recommend mode: the latest recommended round is approved once; a plan superseded cannot be
 * approved; an approval that came first wins the settling. */
static void test_recommendations(void **state)
{
    (void)state;
    char dir[] = "/tmp/entropy-journal-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/journal.db", dir);
    struct ent_journal j;
    struct ent_error err;
    assert_int_equal(ent_journal_open(&j, path, &err), 0);
    int64_t r1, r2, approved = 0;
    bool was_approved = true;
    assert_int_equal(ent_journal_approve(&j, -1, &approved, &err), ENT_ENOTFOUND);
    assert_int_equal(ent_journal_round_begin(&j, &r1, &err), 0);
    assert_int_equal(ent_journal_recommend(&j, r1, &err), 0);
    assert_int_equal(ent_journal_settle_recommendation(&j, r1, &was_approved, &err), 0);
    assert_false(was_approved); /* nobody approved: superseded */
    assert_int_equal(ent_journal_approve(&j, r1, &approved, &err), ENT_ENOTFOUND);
    assert_int_equal(ent_journal_round_begin(&j, &r2, &err), 0);
    assert_int_equal(ent_journal_recommend(&j, r2, &err), 0);
    assert_int_equal(ent_journal_approve(&j, -1, &approved, &err), 0);
    assert_int_equal(approved, r2);
    char said[32];
    assert_int_equal(ent_journal_round_state(&j, r2, said, sizeof said, &err), 0);
    assert_string_equal(said, "approved");
    assert_int_equal(ent_journal_approve(&j, r2, &approved, &err), ENT_ENOTFOUND); /* once */
    assert_int_equal(ent_journal_settle_recommendation(&j, r2, &was_approved, &err), 0);
    assert_true(was_approved);
    assert_int_equal(ent_journal_round_state(&j, r2, said, sizeof said, &err), 0);
    assert_string_equal(said, "approved");
    assert_int_equal(ent_journal_round_state(&j, r2 + 5, said, sizeof said, &err), ENT_ENOTFOUND);
    ent_journal_close(&j);
    unlink(path);
    rmdir(dir);
}

/* A mirror that keeps what it is given (the last value of each key), or refuses. */
struct kept {
    char *keys[64], *values[64];
    size_t n;
    bool refuse;
};

static int keep(void *arg, const char *key, const char *value, struct ent_error *err)
{
    struct kept *k = arg;
    if (k->refuse)
        return ent_error(err, ENT_EIO, "mirror down");
    for (size_t i = 0; i < k->n; i++)
        if (strcmp(k->keys[i], key) == 0) {
            free(k->values[i]);
            k->values[i] = strdup(value);
            return 0;
        }
    assert_true(k->n < 64);
    k->keys[k->n] = strdup(key);
    k->values[k->n++] = strdup(value);
    return 0;
}

static void remove_journal(const char *path)
{
    char other[96];
    unlink(path);
    snprintf(other, sizeof other, "%s-wal", path);
    unlink(other);
    snprintf(other, sizeof other, "%s-shm", path);
    unlink(other);
}

/* Every row a write changes reaches the mirror (deletions as null); another journal that imports
 * them holds the same plan, maintenance and fencing; a mirror that refuses undoes the write. */
static void test_mirror_and_import(void **state)
{
    (void)state;
    char dir[] = "/tmp/entropy-journal-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char a_path[64], b_path[64];
    snprintf(a_path, sizeof a_path, "%s/a.db", dir);
    snprintf(b_path, sizeof b_path, "%s/b.db", dir);
    struct ent_model *m = load_instance(INSTANCE);
    struct ent_plan plan;
    load_plan(&plan, m, PLAN);
    struct kept kept = {0};
    struct ent_journal_mirror mirror = {keep, &kept};
    struct ent_journal a, b;
    struct ent_error err;
    ent_error_init(&err);
    int64_t round = -1;
    assert_int_equal(ent_journal_open(&a, a_path, &err), 0);
    a.mirror = &mirror;
    assert_int_equal(ent_journal_round_begin(&a, &round, &err), 0);
    assert_int_equal(ent_journal_plan(&a, round, m, &plan, &err), 0);
    assert_int_equal(ent_journal_action(&a, round, 0, "running", "", &err), 0);
    assert_int_equal(ent_journal_maintenance_start(&a, "rack1", true, "disks", &err), 0);
    assert_int_equal(ent_journal_fencing_set(&a, "node-7", "fenced", "[\"vm-1\"]", "", false, &err),
                     0);
    assert_int_equal(ent_journal_fencing_set(&a, "node-8", "suspected", "[]", "", false, &err), 0);
    assert_int_equal(ent_journal_fencing_forget(&a, "node-8", &err), 0);
    kept.refuse = true; /* the mirror down: the write does not happen */
    assert_int_not_equal(ent_journal_action(&a, round, 1, "running", "", &err), 0);
    assert_non_null(strstr(err.msg, "mirror down"));
    kept.refuse = false;
    bool seen_null = false;
    for (size_t i = 0; i < kept.n; i++)
        if (strcmp(kept.keys[i], "fencing/node-8") == 0)
            seen_null = strcmp(kept.values[i], "null") == 0;
    assert_true(seen_null);

    assert_int_equal(ent_journal_open(&b, b_path, &err), 0);
    assert_int_equal(ent_journal_import(&b, (const char *const *)kept.keys,
                                        (const char *const *)kept.values, kept.n, &err),
                     0);
    struct ent_journal_entry *e = NULL;
    size_t n = 0;
    assert_int_equal(ent_journal_unfinished(&b, &e, &n, &err), 0);
    assert_int_equal(n, 2); /* action 0 running, action 1 pending (its start undone) */
    assert_string_equal(e[0].state, "running");
    assert_string_equal(e[1].state, "pending");
    free(e);
    struct ent_fencing *f = NULL;
    assert_int_equal(ent_journal_fencing_list(&b, &f, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(f[0].node, "node-7");
    ent_journal_fencing_free(f, n);
    struct ent_maintenance *mt = NULL;
    assert_int_equal(ent_journal_maintenance_list(&b, &mt, &n, &err), 0);
    assert_int_equal(n, 1);
    free(mt);
    const char *bad_keys[] = {"users/1", "rounds/000000000001", "users\n2026 forged line",
                              "rounds/000000000002"};
    const char *bad_values[] = {"{}", "{\"id; DROP\": 1}", "{}", "{\"state\\nforged\": 1}"};
    for (size_t i = 0; i < 4; i++) { /* refused, naming the key and the column quoted */
        assert_int_not_equal(ent_journal_import(&b, &bad_keys[i], &bad_values[i], 1, &err), 0);
        assert_null(strchr(err.msg, '\n'));
    }
    assert_non_null(strstr(err.msg, "state\\x0aforged"));
    ent_journal_close(&a);
    ent_journal_close(&b);
    for (size_t i = 0; i < kept.n; i++) {
        free(kept.keys[i]);
        free(kept.values[i]);
    }
    ent_plan_release(&plan);
    free_instance(m);
    remove_journal(a_path);
    remove_journal(b_path);
    rmdir(dir);
}

static void test_not_a_journal(void **state)
{
    (void)state;
    char path[] = "/tmp/entropy-journal-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char junk[] = "this is not an SQLite database, but it is long enough to look at it...";
    assert_int_equal(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
    close(fd);
    struct ent_journal j;
    struct ent_error err;
    ent_error_init(&err);
    assert_int_not_equal(ent_journal_open(&j, path, &err), 0);
    assert_non_null(strstr(err.msg, path));
    unlink(path);
}

/* A journal with a damaged page is refused when opened (not at every round after "started"),
 * and a journal that cannot be opened says why (the system's reason, not SQLite's alone). */
static void test_damaged_or_unopenable_journal(void **state)
{
    (void)state;
    char dir[] = "/tmp/entropy-journal-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/journal.db", dir);
    struct ent_model *m = load_instance(INSTANCE);
    struct ent_plan plan;
    load_plan(&plan, m, PLAN);
    struct ent_journal j;
    struct ent_error err;
    ent_error_init(&err);
    assert_int_equal(ent_journal_open(&j, path, &err), 0);
    for (int r = 0; r < 50; r++) {
        int64_t round;
        assert_int_equal(ent_journal_round_begin(&j, &round, &err), 0);
        assert_int_equal(ent_journal_plan(&j, round, m, &plan, &err), 0);
    }
    ent_journal_close(&j); /* checkpointed: every page in the main file */
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    char junk[4096];
    memset(junk, 0xAB, sizeof junk);
    assert_int_equal(fseek(f, 2 * 4096, SEEK_SET), 0); /* page 3: a table's b-tree */
    assert_int_equal(fwrite(junk, 1, sizeof junk, f), sizeof junk);
    fclose(f);
    assert_int_not_equal(ent_journal_open(&j, path, &err), 0);
    if (!strstr(err.msg, "is damaged") || !strstr(err.msg, "move it aside"))
        fail_msg("%s", err.msg);
    unlink(path);
    char below[96];
    snprintf(below, sizeof below, "%s/journal.db/below.db", dir); /* under a regular file */
    FILE *plain = fopen(path, "w");
    assert_non_null(plain);
    fclose(plain);
    assert_int_not_equal(ent_journal_open(&j, below, &err), 0);
    if (!strstr(err.msg, "Not a directory"))
        fail_msg("no cause in: %s", err.msg);
    unlink(path);
    rmdir(dir);
    ent_plan_release(&plan);
    free_instance(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unfinished_actions_survive_a_reopen),
        cmocka_unit_test(test_history_and_an_older_journal),
        cmocka_unit_test(test_recommendations),
        cmocka_unit_test(test_mirror_and_import),
        cmocka_unit_test(test_not_a_journal),
        cmocka_unit_test(test_damaged_or_unopenable_journal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
