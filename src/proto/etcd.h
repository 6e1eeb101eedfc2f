/* etcd's v3 API through its JSON gateway (POST /v3/...; keys and values base64, 64-bit numbers
 * as strings), with libcurl and jansson: no gRPC stack. Several endpoints (the members of one
 * cluster): a call goes to the one that answered last, and on to the next when it does not
 * answer, so that the loss of a member is not the loss of etcd. */
#ifndef ENT_PROTO_ETCD_H
#define ENT_PROTO_ETCD_H

#include "util/error.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ent_etcd {
    char **endpoints; /* http://HOST:PORT, no trailing slash */
    size_t n, current;
    double timeout; /* seconds per request to one endpoint */
};

/* endpoints: URLs separated by blanks or commas (http or https). ENT_EINVALID naming a bad one. */
ENT_MUST_USE int ent_etcd_init(struct ent_etcd *e, const char *endpoints, double timeout,
                               struct ent_error *err);
void ent_etcd_release(struct ent_etcd *e);

/* A lease of ttl seconds: its ID. */
ENT_MUST_USE int ent_etcd_lease_grant(struct ent_etcd *e, long ttl, int64_t *lease,
                                      struct ent_error *err);
/* Renews lease: *ttl is what it has left, 0 when it has expired or was revoked. */
ENT_MUST_USE int ent_etcd_lease_keepalive(struct ent_etcd *e, int64_t lease, long *ttl,
                                          struct ent_error *err);
ENT_MUST_USE int ent_etcd_lease_revoke(struct ent_etcd *e, int64_t lease, struct ent_error *err);

/* key = value, bound to lease when it is not 0 (the key goes with the lease). */
ENT_MUST_USE int ent_etcd_put(struct ent_etcd *e, const char *key, const char *value, int64_t lease,
                              struct ent_error *err);

/* A key as etcd holds it. */
struct ent_etcd_kv {
    char *key, *value;
    int64_t create_revision, mod_revision, lease;
};
void ent_etcd_kv_clear(struct ent_etcd_kv *kv);
void ent_etcd_kvs_free(struct ent_etcd_kv *kvs, size_t n);

/* The keys from key on: key alone, or with prefix every key that starts with key; with since,
 * only those changed after revision since. *revision (may be NULL): the store's revision the
 * answer reflects. */
ENT_MUST_USE int ent_etcd_range(struct ent_etcd *e, const char *key, bool prefix, int64_t since,
                                struct ent_etcd_kv **out, size_t *n, int64_t *revision,
                                struct ent_error *err);

/* A range answer's text (what ent_etcd_range reads): its keys (a key or value that is not base64
 * text is left out) and the store's revision. ENT_EPARSE when it is not a JSON object. */
ENT_MUST_USE int ent_etcd_read_range(const char *text, size_t len, struct ent_etcd_kv **out,
                                     size_t *n, int64_t *revision, struct ent_error *err);

/* Creates key = value bound to lease when no such key exists (a transaction comparing its
 * create revision with 0). *created says whether this call did; either way *holder is the key
 * as it is now (ent_etcd_kv_clear frees its strings). */
ENT_MUST_USE int ent_etcd_create(struct ent_etcd *e, const char *key, const char *value,
                                 int64_t lease, bool *created, struct ent_etcd_kv *holder,
                                 struct ent_error *err);

/* key = value (bound to lease when not 0), only while guard's create revision is guard_rev (a
 * transaction): *held is false, and nothing written, when guard is gone or was created again. */
ENT_MUST_USE int ent_etcd_put_guarded(struct ent_etcd *e, const char *guard, int64_t guard_rev,
                                      const char *key, const char *value, int64_t lease, bool *held,
                                      struct ent_error *err);

/* The keys in [from, to) deleted, only while guard's create revision is guard_rev. */
ENT_MUST_USE int ent_etcd_delete_guarded(struct ent_etcd *e, const char *guard, int64_t guard_rev,
                                         const char *from, const char *to, bool *held,
                                         struct ent_error *err);

#endif
