/* The status document in Prometheus' text exposition format (version 0.0.4): one table of the
 * metrics, each a gauge or a counter read from a path in the document. */
#ifndef ENT_API_METRICS_H
#define ENT_API_METRICS_H

#include <jansson.h>

/* The exposition text, to free with ent_free. */
char *ent_api_metrics(const json_t *status);

#endif
