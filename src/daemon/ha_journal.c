/* The journal kept in etcd when HA is on (see ha_journal.h). */
#include "daemon/ha_journal.h"

#include "daemon/ha.h"
#include "proto/etcd.h"
#include "util/alloc.h"
#include "util/log.h"
#include "util/str.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JOURNAL "journal/"

static int leader_put(void *arg, const char *key, const char *value, struct ent_error *err)
{
    struct ent_ha_journal *hj = arg;
    char *suffix = ent_strdup_printf(JOURNAL "%s", key);
    int rc = ent_ha_write(hj->ha, suffix, value, false, err);
    ent_free(suffix);
    return rc;
}

void ent_ha_journal_attach(struct ent_ha_journal *hj, struct ent_ha *ha, long keep,
                           struct ent_journal *j)
{
    *hj = (struct ent_ha_journal){.ha = ha, .mirror = {leader_put, hj}, .keep = keep};
    j->mirror = &hj->mirror;
}

/* The rounds and their actions before the last keep of newest, out of etcd. */
static void prune(struct ent_ha_journal *hj, long newest)
{
    if (newest <= hj->keep)
        return;
    struct ent_error err;
    ent_error_init(&err);
    for (int t = 0; t < 2; t++) {
        const char *table = t ? "actions/" : "rounds/";
        char from[64], to[64];
        snprintf(from, sizeof from, JOURNAL "%s", table);
        snprintf(to, sizeof to, JOURNAL "%s%012ld", table, newest - hj->keep);
        if (ent_ha_delete(hj->ha, from, to, &err))
            ent_warn("ha: old rounds stay in etcd: %s", err.msg);
    }
}

/* The newest round among kvs' keys (PREFIX JOURNAL rounds/NNN), 0 when none. */
static long newest_round(const char *prefix, const struct ent_etcd_kv *kvs, size_t n)
{
    char *rounds = ent_strdup_printf("%s" JOURNAL "rounds/", prefix);
    size_t len = strlen(rounds);
    long newest = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(kvs[i].key, rounds, len) == 0 && atol(kvs[i].key + len) > newest)
            newest = atol(kvs[i].key + len);
    ent_free(rounds);
    return newest;
}

/* kvs (keys under prefix JOURNAL) into j. */
static int import(struct ent_journal *j, const char *prefix, struct ent_etcd_kv *kvs, size_t n,
                  struct ent_error *err)
{
    const char **keys = ent_calloc(n + 1, sizeof *keys),
               **values = ent_calloc(n + 1, sizeof *values);
    size_t len = strlen(prefix) + strlen(JOURNAL);
    for (size_t i = 0; i < n; i++) {
        keys[i] = kvs[i].key + len;
        values[i] = kvs[i].value;
    }
    int rc = ent_journal_import(j, keys, values, n, err);
    ent_free(keys);
    ent_free(values);
    return rc;
}

int ent_ha_journal_sync(struct ent_ha_journal *hj, struct ent_journal *j, bool whole,
                        struct ent_error *err)
{
    struct ent_etcd_kv *kvs = NULL;
    size_t n = 0;
    int64_t revision = 0;
    int rc = ent_ha_read(hj->ha, JOURNAL, whole ? 0 : hj->revision, &kvs, &n, &revision, err);
    if (!rc)
        rc = import(j, ent_ha_prefix(hj->ha), kvs, n, err);
    if (!rc) {
        if (whole || n)
            ent_info("ha: %zu journal row(s) from etcd%s", n, whole ? " (a new term)" : "");
        hj->revision = revision;
        long newest = newest_round(ent_ha_prefix(hj->ha), kvs, n);
        if (newest > hj->newest) {
            hj->newest = newest;
            prune(hj, newest);
        }
    }
    ent_etcd_kvs_free(kvs, n);
    return rc;
}

struct ent_ha_admin {
    pthread_mutex_t lock; /* the API's threads share the client */
    struct ent_etcd etcd;
    char *prefix;
    struct ent_journal_mirror mirror;
};

static int admin_put(void *arg, const char *key, const char *value, struct ent_error *err)
{
    struct ent_ha_admin *a = arg;
    char *full = ent_strdup_printf("%s" JOURNAL "%s", a->prefix, key);
    pthread_mutex_lock(&a->lock);
    int rc = ent_etcd_put(&a->etcd, full, value, 0, err);
    pthread_mutex_unlock(&a->lock);
    ent_free(full);
    return rc ? ent_error_prefix(err, "ha: ") : 0;
}

int ent_ha_admin_open(struct ent_ha_admin **out, const struct ent_config *c, struct ent_error *err)
{
    *out = NULL;
    struct ent_ha_admin *a = ent_calloc(1, sizeof *a);
    int rc = ent_ha_etcd(c, &a->etcd, &a->prefix, err);
    if (rc || !a->prefix) {
        ent_etcd_release(&a->etcd);
        ent_free(a);
        return rc;
    }
    pthread_mutex_init(&a->lock, NULL);
    a->mirror = (struct ent_journal_mirror){admin_put, a};
    *out = a;
    return 0;
}

int ent_ha_admin_attach(struct ent_ha_admin *a, struct ent_journal *j, struct ent_error *err)
{
    struct ent_etcd_kv *kvs = NULL;
    size_t n = 0;
    char *key = ent_strdup_printf("%s" JOURNAL, a->prefix);
    pthread_mutex_lock(&a->lock);
    int rc = ent_etcd_range(&a->etcd, key, true, 0, &kvs, &n, NULL, err);
    pthread_mutex_unlock(&a->lock);
    if (!rc)
        rc = import(j, a->prefix, kvs, n, err);
    ent_etcd_kvs_free(kvs, n);
    ent_free(key);
    if (rc)
        return ent_error_prefix(err, "ha: the journal from etcd: ");
    j->mirror = &a->mirror;
    return 0;
}

void ent_ha_admin_close(struct ent_ha_admin *a)
{
    if (!a)
        return;
    pthread_mutex_destroy(&a->lock);
    ent_etcd_release(&a->etcd);
    ent_free(a->prefix);
    ent_free(a);
}
