/* High availability on etcd (ha.*): several daemons, one leader. Each daemon holds a lease of
 * ha.lease_ttl seconds, renewed by a thread of its own a third of the TTL apart, and registers
 * under PREFIX/members/NAME with it; the one whose transaction creates PREFIX/leader (bound to
 * its lease) leads until the lease goes. Only the leader runs rounds; the others stand by and
 * campaign at each renewal.
 *
 * Fencing: the leader counts its lease from the moment it sent the last renewal etcd granted,
 * so it believes itself leader for less long than etcd keeps the lease; past that, or when
 * etcd cannot be reached, it starts nothing. Each action start is a transaction comparing the
 * leader key's create revision with the one this daemon created: a leader that lost its lease
 * (paused, partitioned) and whose key another daemon has made again cannot record a start, so
 * the executor does not start it (write-ahead). */
#ifndef ENT_DAEMON_HA_H
#define ENT_DAEMON_HA_H

#include "util/error.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ent_config;
struct ent_ha;
struct ent_status;

/* *out NULL when ha.etcd.endpoints is empty (no HA: this daemon leads alone). Starts the
 * thread, which keeps status's "ha" up to date (status may be NULL); etcd need not answer yet.
 * A bad key is an error naming it. */
ENT_MUST_USE int ent_ha_start(struct ent_ha **out, const struct ent_config *c,
                              struct ent_status *status, struct ent_error *err);
struct ent_etcd;
/* The etcd client and the key prefix (ending in '/', ent_free it) that the ha.* keys of c name;
 * *prefix NULL when HA is off. A bad key is an error naming it. */
ENT_MUST_USE int ent_ha_etcd(const struct ent_config *c, struct ent_etcd *etcd, char **prefix,
                             struct ent_error *err);
/* Resigns (revokes the lease, so that a standby takes over at once) and stops the thread. */
void ent_ha_stop(struct ent_ha *ha);

/* Leader, with a lease that has not run out by this daemon's count. */
bool ent_ha_leads(struct ent_ha *ha);
/* How many times this daemon has become leader (a new term each time). */
long ent_ha_terms(struct ent_ha *ha);
/* Records in etcd that action index of round starts, only while this daemon's leader key is
 * the one it created; ENT_EINVALID "not the leader" otherwise (nothing written). */
ENT_MUST_USE int ent_ha_guard_start(struct ent_ha *ha, long round, size_t index, const char *what,
                                    struct ent_error *err);
/* value written at PREFIX + suffix (bound to this daemon's lease with with_lease), only while
 * this daemon leads and its leader key is the one it created (a transaction); ENT_EINVALID "not
 * the leader" otherwise, nothing written. */
ENT_MUST_USE int ent_ha_write(struct ent_ha *ha, const char *suffix, const char *value,
                              bool with_lease, struct ent_error *err);
/* The keys in [PREFIX + from, PREFIX + to) deleted, only while this daemon leads. */
ENT_MUST_USE int ent_ha_delete(struct ent_ha *ha, const char *from, const char *to,
                               struct ent_error *err);
struct ent_etcd_kv;
/* The keys under PREFIX + suffix (changed after revision since, when since is not 0), and the
 * revision the answer reflects (may be NULL); free with ent_etcd_kvs_free. */
ENT_MUST_USE int ent_ha_read(struct ent_ha *ha, const char *suffix, int64_t since,
                             struct ent_etcd_kv **kvs, size_t *n, int64_t *revision,
                             struct ent_error *err);
const char *ent_ha_prefix(const struct ent_ha *ha);

/* The status's "ha" object: role (leader or standby), leading (the same as a boolean), leader (its
 * ha.name, null when none is known), name, standbys, lease {id, ttl, left}, etcd {endpoint, error}.
 */
json_t *ent_ha_status(struct ent_ha *ha);

#endif
