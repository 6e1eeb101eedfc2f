/* Inside the planners: what they share. */
#ifndef ENT_PLAN_INTERNAL_H
#define ENT_PLAN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

struct ent_error;
struct ent_model;
struct ent_move;

/* The error for moves that can neither run nor be unblocked. */
int ent__plan_unexecutable(const struct ent_model *m, const struct ent_move *moves, size_t n,
                           const uint8_t *done, size_t left, struct ent_error *err);

#endif
