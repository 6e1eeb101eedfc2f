/* The error every planner gives when moves can neither run nor be unblocked. */
#include "model/model.h"
#include "model/plan.h"
#include "plan/internal.h"
#include "plan/moves.h"
#include "util/error.h"

int ent__plan_unexecutable(const struct ent_model *m, const struct ent_move *moves, size_t n,
                           const uint8_t *done, size_t left, struct ent_error *err)
{
    char b1[64], b2[64], b3[64];
    size_t k = 0;
    while (k < n && done[k])
        k++;
    return ent_error(err, ENT_EINFEASIBLE,
                     "no executable plan: %zu actions wait for room held by each other (e.g. %s "
                     "of VM %s from %s to %s), no node has room for a bypass, and no VM can be "
                     "suspended to free it",
                     left, ent_action_kind_name(moves[k].kind),
                     ent_vm_label(m, moves[k].vm, b1, sizeof b1),
                     ent_node_label(m, moves[k].from, b2, sizeof b2),
                     ent_node_label(m, moves[k].to, b3, sizeof b3));
}
