/* How long actions took, per kind: the histograms of the status document (action_times.c). */
#ifndef ENT_DAEMON_ACTION_TIMES_H
#define ENT_DAEMON_ACTION_TIMES_H

#include <jansson.h>

/* Counts an action of kind (migrateVM, bootNode, ...) that ended after seconds into doc's
 * "action_seconds": {"buckets": [upper bounds], "kinds": {KIND: {"counts": [per bucket,
 * cumulative, the last for all], "sum": s, "count": n}}}, Prometheus' histogram shape. */
void ent_action_times_add(json_t *doc, const char *kind, double seconds);

#endif
