/* When a planned action may start: once every action that shares a node with it and was planned
 * to end by its start has ended (those freed the room it needs, or moved its VM where it starts
 * from). Per node, the actions touching it are ordered by (end, start, index); an action waits
 * for a prefix of that order on each of its nodes, so waiting is a count, not a list of edges,
 * and the order is one global order seen per node: no cycle. */
#ifndef ENT_EXEC_DEPS_H
#define ENT_EXEC_DEPS_H

#include <stddef.h>
#include <stdint.h>

struct ent_plan;

#define ENT_EXEC_NODES_MAX 3 /* from, to, node */

struct ent_exec_deps {
    size_t n_nodes;
    size_t *start;     /* CSR: node n's actions are order[start[n] .. start[n + 1]) */
    size_t *order;     /* action indexes */
    size_t *done;      /* per node: how many leading entries of its order have ended well */
    unsigned char *ok; /* per action: ended well */
    /* Per action: its distinct nodes and, for each, the prefix it waits for. */
    int32_t (*nodes)[ENT_EXEC_NODES_MAX];
    size_t (*need)[ENT_EXEC_NODES_MAX];
    unsigned char *n_action_nodes;
};

void ent_exec_deps_build(struct ent_exec_deps *d, const struct ent_plan *plan, size_t n_nodes);
void ent_exec_deps_release(struct ent_exec_deps *d);
/* Whether every action action waits for has ended well. */
int ent_exec_deps_ready(const struct ent_exec_deps *d, size_t action);
/* Records that action ended well. */
void ent_exec_deps_done(struct ent_exec_deps *d, size_t action);

#endif
