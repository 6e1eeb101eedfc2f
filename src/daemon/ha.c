/* High availability on etcd: the lease, the election, the guarded starts (see ha.h). */
#include "daemon/ha.h"

#include "config/properties.h"
#include "daemon/status.h"
#include "proto/etcd.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/names.h"
#include "util/str.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct ent_ha {
    struct ent_etcd etcd; /* under etcd_lock: the thread and the executor's guard share it */
    pthread_mutex_t etcd_lock;
    char *name, *prefix, *leader_key, *member_key;
    long ttl;
    struct ent_status *status;
    pthread_t thread;
    atomic_bool stop;
    pthread_mutex_t lock; /* what follows */
    int64_t lease;
    double lease_until; /* ent_now(): this daemon's count of its lease */
    bool leader;
    int64_t leader_rev; /* the create revision of the leader key this daemon made */
    long terms;
    char *leader_name; /* as etcd says, NULL when none */
    json_t *standbys;  /* names */
    char error[320];   /* the last etcd failure, "" when the last tick went well */
};

/* A margin under the lease: the daemon stops believing in it before etcd lets it go. */
static double margin(long ttl)
{
    return ttl * 0.2 > 0.5 ? ttl * 0.2 : 0.5;
}

static void set_error(struct ent_ha *ha, const char *what, const struct ent_error *err)
{
    pthread_mutex_lock(&ha->lock);
    if (!ha->error[0])
        ent_warn("ha: %s: %s", what, err->msg);
    snprintf(ha->error, sizeof ha->error, "%s: %.280s", what, err->msg);
    pthread_mutex_unlock(&ha->lock);
}

static void lose(struct ent_ha *ha, const char *why)
{
    pthread_mutex_lock(&ha->lock);
    if (ha->leader)
        ent_warn("ha: %s is no longer the leader: %s; it starts no action", ha->name, why);
    ha->leader = false;
    pthread_mutex_unlock(&ha->lock);
}

/* The lease: granted when there is none, else renewed. 0, or an etcd error. */
static int hold_lease(struct ent_ha *ha, struct ent_error *err)
{
    double sent = ent_now();
    int64_t lease = ha->lease;
    long left = 0;
    int rc;
    pthread_mutex_lock(&ha->etcd_lock);
    if (!lease) {
        rc = ent_etcd_lease_grant(&ha->etcd, ha->ttl, &lease, err);
        if (!rc) {
            left = ha->ttl;
            char *me = ent_strdup_printf("{\"name\":\"%s\",\"pid\":%ld}", ha->name, (long)getpid());
            rc = ent_etcd_put(&ha->etcd, ha->member_key, me, lease, err);
            ent_free(me);
        }
    } else {
        rc = ent_etcd_lease_keepalive(&ha->etcd, lease, &left, err);
    }
    pthread_mutex_unlock(&ha->etcd_lock);
    if (rc)
        return rc;
    if (left <= 0) {
        lose(ha, "its lease expired");
        lease = 0;
    }
    pthread_mutex_lock(&ha->lock);
    ha->lease = lease;
    ha->lease_until = lease ? sent + (double)left - margin(ha->ttl) : 0;
    pthread_mutex_unlock(&ha->lock);
    return 0;
}

/* Leader: the key still ours. Standby: a campaign (create the key if nobody holds it). */
static int elect(struct ent_ha *ha, struct ent_error *err)
{
    struct ent_etcd_kv holder = {0};
    bool created = false;
    pthread_mutex_lock(&ha->etcd_lock);
    int rc =
        ent_etcd_create(&ha->etcd, ha->leader_key, ha->name, ha->lease, &created, &holder, err);
    pthread_mutex_unlock(&ha->etcd_lock);
    if (rc)
        return rc;
    pthread_mutex_lock(&ha->lock);
    bool was = ha->leader;
    bool mine = holder.lease == ha->lease && strcmp(holder.value, ha->name) == 0;
    /* The key made with this daemon's lease is its own whatever its count said meanwhile: no
     * other can have led since (the key goes only with the lease). */
    bool again = !created && mine && !(was && holder.create_revision == ha->leader_rev);
    if (created || mine) {
        ha->leader = true;
        if (created || again) {
            ha->leader_rev = holder.create_revision;
            ha->terms++;
            ent_info("ha: %s is the leader (term %ld, revision %" PRId64 ", lease %ld s)", ha->name,
                     ha->terms, ha->leader_rev, ha->ttl);
        }
    } else {
        if (was)
            ent_warn("ha: %s is no longer the leader: the leader key changed", ha->name);
        ha->leader = false;
    }
    ent_free(ha->leader_name);
    ha->leader_name = ent_name_ok(holder.value) ? ent_strdup(holder.value) : NULL;
    pthread_mutex_unlock(&ha->lock);
    ent_etcd_kv_clear(&holder);
    return 0;
}

/* The other daemons registered (members/NAME), for the status. */
static int members(struct ent_ha *ha, struct ent_error *err)
{
    struct ent_etcd_kv *kvs = NULL;
    size_t n = 0;
    char *prefix = ent_strdup_printf("%smembers/", ha->prefix);
    pthread_mutex_lock(&ha->etcd_lock);
    int rc = ent_etcd_range(&ha->etcd, prefix, true, 0, &kvs, &n, NULL, err);
    pthread_mutex_unlock(&ha->etcd_lock);
    if (!rc) {
        json_t *names = json_array();
        for (size_t i = 0; i < n; i++) {
            const char *name = kvs[i].key + strlen(prefix);
            pthread_mutex_lock(&ha->lock);
            bool leader = ha->leader_name && strcmp(name, ha->leader_name) == 0;
            pthread_mutex_unlock(&ha->lock);
            if (ent_name_ok(name) && !leader)
                json_array_append_new(names, json_string(name));
        }
        pthread_mutex_lock(&ha->lock);
        json_decref(ha->standbys);
        ha->standbys = names;
        pthread_mutex_unlock(&ha->lock);
        ent_etcd_kvs_free(kvs, n);
    }
    ent_free(prefix);
    return rc;
}

static void tick(struct ent_ha *ha)
{
    struct ent_error err;
    ent_error_init(&err);
    if (hold_lease(ha, &err)) {
        set_error(ha, "lease", &err);
        pthread_mutex_lock(&ha->lock);
        bool out = ent_now() >= ha->lease_until;
        pthread_mutex_unlock(&ha->lock);
        if (out)
            lose(ha, "etcd does not renew its lease");
        return;
    }
    if (ha->lease && elect(ha, &err)) {
        set_error(ha, "election", &err);
        return;
    }
    if (members(ha, &err)) {
        set_error(ha, "members", &err);
        return;
    }
    pthread_mutex_lock(&ha->lock);
    if (ha->error[0])
        ent_info("ha: etcd answers again");
    ha->error[0] = '\0';
    pthread_mutex_unlock(&ha->lock);
}

static void *run(void *arg)
{
    struct ent_ha *ha = arg;
    double every = ha->ttl / 3.0 < 0.2 ? 0.2 : ha->ttl / 3.0;
    while (!atomic_load(&ha->stop)) {
        double next = ent_now() + every;
        tick(ha);
        if (ha->status)
            ent_status_set(ha->status, "ha", ent_ha_status(ha));
        while (!atomic_load(&ha->stop) && ent_now() < next)
            ent_sleep(0.05);
    }
    return NULL;
}

/* This daemon leads by its own count of its lease; called with the lock held. */
static bool leading(const struct ent_ha *ha)
{
    return ha->leader && ha->lease && ent_now() < ha->lease_until;
}

bool ent_ha_leads(struct ent_ha *ha)
{
    pthread_mutex_lock(&ha->lock);
    bool leads = leading(ha);
    pthread_mutex_unlock(&ha->lock);
    return leads;
}

long ent_ha_terms(struct ent_ha *ha)
{
    pthread_mutex_lock(&ha->lock);
    long terms = ha->terms;
    pthread_mutex_unlock(&ha->lock);
    return terms;
}

/* The leader key's revision and the lease of the term this daemon leads, or an error when it
 * does not lead. */
static int term(struct ent_ha *ha, int64_t *rev, int64_t *lease, struct ent_error *err)
{
    pthread_mutex_lock(&ha->lock);
    bool leads = leading(ha);
    *rev = ha->leader_rev;
    *lease = ha->lease;
    pthread_mutex_unlock(&ha->lock);
    return leads ? 0
                 : ent_error(err, ENT_EINVALID, "ha: %s is not the leader (or its lease ran out)",
                             ha->name);
}

/* The outcome of a transaction guarded by the leader key: etcd's error, or the leadership lost
 * when the key was not this daemon's any more (nothing written). */
static int guarded(struct ent_ha *ha, int rc, bool held, struct ent_error *err)
{
    if (rc)
        return ent_error_prefix(err, "ha: etcd does not take the write: ");
    if (held)
        return 0;
    lose(ha, "another daemon holds the leader key");
    return ent_error(err, ENT_EINVALID, "ha: %s is no longer the leader (another holds the key)",
                     ha->name);
}

int ent_ha_write(struct ent_ha *ha, const char *suffix, const char *value, bool with_lease,
                 struct ent_error *err)
{
    int64_t rev, lease;
    int rc = term(ha, &rev, &lease, err);
    if (rc)
        return rc;
    char *key = ent_strdup_printf("%s%s", ha->prefix, suffix);
    bool held = false;
    pthread_mutex_lock(&ha->etcd_lock);
    rc = ent_etcd_put_guarded(&ha->etcd, ha->leader_key, rev, key, value, with_lease ? lease : 0,
                              &held, err);
    pthread_mutex_unlock(&ha->etcd_lock);
    ent_free(key);
    return guarded(ha, rc, held, err);
}

int ent_ha_delete(struct ent_ha *ha, const char *from, const char *to, struct ent_error *err)
{
    int64_t rev, lease;
    int rc = term(ha, &rev, &lease, err);
    if (rc)
        return rc;
    char *f = ent_strdup_printf("%s%s", ha->prefix, from),
         *t = ent_strdup_printf("%s%s", ha->prefix, to);
    bool held = false;
    pthread_mutex_lock(&ha->etcd_lock);
    rc = ent_etcd_delete_guarded(&ha->etcd, ha->leader_key, rev, f, t, &held, err);
    pthread_mutex_unlock(&ha->etcd_lock);
    ent_free(f);
    ent_free(t);
    return guarded(ha, rc, held, err);
}

int ent_ha_read(struct ent_ha *ha, const char *suffix, int64_t since, struct ent_etcd_kv **kvs,
                size_t *n, int64_t *revision, struct ent_error *err)
{
    char *key = ent_strdup_printf("%s%s", ha->prefix, suffix);
    pthread_mutex_lock(&ha->etcd_lock);
    int rc = ent_etcd_range(&ha->etcd, key, true, since, kvs, n, revision, err);
    pthread_mutex_unlock(&ha->etcd_lock);
    ent_free(key);
    return rc;
}

const char *ent_ha_prefix(const struct ent_ha *ha)
{
    return ha->prefix;
}

int ent_ha_guard_start(struct ent_ha *ha, long round, size_t index, const char *what,
                       struct ent_error *err)
{
    /* One key per daemon, the last start it made (bound to its lease: it goes with it). */
    char *suffix = ent_strdup_printf("started/%s", ha->name);
    json_t *record = json_pack("{s:s, s:I, s:I, s:f}", "what", what, "round", (json_int_t)round,
                               "index", (json_int_t)index, "at", ent_wall_now());
    char *value = json_dumps(record, JSON_COMPACT);
    json_decref(record);
    int rc = ent_ha_write(ha, suffix, value, true, err);
    free(value); /* jansson's */
    ent_free(suffix);
    return rc ? ent_error_prefix(err, "not started: ") : 0;
}

json_t *ent_ha_status(struct ent_ha *ha)
{
    pthread_mutex_lock(&ha->etcd_lock);
    const char *endpoint = ha->etcd.endpoints[ha->etcd.current]; /* the strings stay */
    pthread_mutex_unlock(&ha->etcd_lock);
    pthread_mutex_lock(&ha->lock);
    bool leads = leading(ha);
    double left = ha->lease ? ha->lease_until + margin(ha->ttl) - ent_now() : 0;
    char id[32];
    snprintf(id, sizeof id, "%" PRIx64, (uint64_t)ha->lease);
    json_t *leader = leads             ? json_string(ha->name)
                     : ha->leader_name ? json_string(ha->leader_name)
                                       : json_null();
    json_t *doc = json_pack(
        "{s:s, s:b, s:o, s:s, s:O, s:{s:o, s:I, s:f}, s:I, s:{s:s, s:o}}", "role",
        leads ? "leader" : "standby", "leading", leads, "leader", leader, "name", ha->name,
        "standbys", ha->standbys, "lease", "id", ha->lease ? json_string(id) : json_null(), "ttl",
        (json_int_t)ha->ttl, "left", left > 0 ? left : 0.0, "terms", (json_int_t)ha->terms, "etcd",
        "endpoint", endpoint, "error", ha->error[0] ? json_string(ha->error) : json_null());
    pthread_mutex_unlock(&ha->lock);
    return doc;
}

static void release(struct ent_ha *ha)
{
    ent_etcd_release(&ha->etcd);
    pthread_mutex_destroy(&ha->etcd_lock);
    pthread_mutex_destroy(&ha->lock);
    ent_free(ha->name);
    ent_free(ha->prefix);
    ent_free(ha->leader_key);
    ent_free(ha->member_key);
    ent_free(ha->leader_name);
    json_decref(ha->standbys);
    ent_free(ha);
}

/* ha.name, or this machine's hostname. */
static char *own_name(const struct ent_config *c, struct ent_error *err)
{
    char host[256] = "";
    const char *name = ent_config_string(c, "ha.name");
    if (!*name && gethostname(host, sizeof host - 1) == 0)
        name = host;
    if (!ent_name_ok(name)) {
        ent_error(err, ENT_EINVALID,
                  "ha.name: \"%.64s\" is not a name (letters, digits, ._-+:@; at most %d)", name,
                  ENT_NAME_MAX);
        return NULL;
    }
    return ent_strdup(name);
}

int ent_ha_etcd(const struct ent_config *c, struct ent_etcd *etcd, char **prefix,
                struct ent_error *err)
{
    *etcd = (struct ent_etcd){0};
    *prefix = NULL;
    const char *endpoints = ent_config_string(c, "ha.etcd.endpoints");
    if (!*endpoints)
        return 0;
    const char *p = ent_config_string(c, "ha.etcd.prefix");
    if (p[0] != '/' || strpbrk(p, " \t\n"))
        return ent_error(err, ENT_EINVALID, "ha.etcd.prefix: \"%.64s\" does not start with /", p);
    double ttl = ent_config_number(c, "ha.lease_ttl");
    int rc = ent_etcd_init(etcd, endpoints, ttl / 4.0 < 2 ? ttl / 4.0 : 2, err);
    if (!rc)
        *prefix = ent_strdup_printf("%s%s", p, p[strlen(p) - 1] == '/' ? "" : "/");
    return rc;
}

int ent_ha_start(struct ent_ha **out, const struct ent_config *c, struct ent_status *status,
                 struct ent_error *err)
{
    *out = NULL;
    struct ent_ha *ha = ent_calloc(1, sizeof *ha);
    pthread_mutex_init(&ha->etcd_lock, NULL);
    pthread_mutex_init(&ha->lock, NULL);
    ha->ttl = (long)ent_config_number(c, "ha.lease_ttl");
    ha->standbys = json_array();
    int rc = ent_ha_etcd(c, &ha->etcd, &ha->prefix, err);
    if (rc || !ha->prefix) { /* a bad key, or no HA */
        release(ha);
        return rc;
    }
    if (!(ha->name = own_name(c, err))) {
        release(ha);
        return ENT_EINVALID;
    }
    ha->leader_key = ent_strdup_printf("%sleader", ha->prefix);
    ha->member_key = ent_strdup_printf("%smembers/%s", ha->prefix, ha->name);
    ha->status = status;
    if (pthread_create(&ha->thread, NULL, run, ha) != 0) {
        release(ha);
        return ent_error(err, ENT_ENOMEM, "ha: cannot start its thread");
    }
    ent_info("ha: %s campaigns through etcd (%zu endpoint(s), prefix %s, lease %ld s)", ha->name,
             ha->etcd.n, ha->prefix, ha->ttl);
    *out = ha;
    return 0;
}

void ent_ha_stop(struct ent_ha *ha)
{
    if (!ha)
        return;
    atomic_store(&ha->stop, true);
    pthread_join(ha->thread, NULL);
    if (ha->lease) { /* resign: a standby need not wait for the lease to run out */
        struct ent_error err;
        ent_error_init(&err);
        if (ent_etcd_lease_revoke(&ha->etcd, ha->lease, &err))
            ent_warn("ha: cannot give the lease back (%s): it runs out in %ld s", err.msg, ha->ttl);
        else if (ha->leader)
            ent_info("ha: %s resigns the leadership", ha->name);
    }
    release(ha);
}
