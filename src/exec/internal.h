/* The exec folder's internals. */
#ifndef ENT_EXEC_INTERNAL_H
#define ENT_EXEC_INTERNAL_H

#include "exec/journal.h"

#include <stdbool.h>

/* journal_mirror.c, around each journal write when a mirror is set: before it, a savepoint and
 * the rows it changes collected (SQLite's pre-update hook); after it, each changed row given to
 * the mirror in order, the write rolled back when it failed (ok false) or the mirror refused. */
int ent__journal_mirror_begin(struct ent_journal *j, struct ent_error *err);
int ent__journal_mirror_end(struct ent_journal *j, bool ok, struct ent_error *err);

#endif
