/* The objective registry. A new objective is one file defining its struct ent_objective and one
 * row here. */
#include "solve/solve.h"

#include <string.h>

static const struct ent_objective *const objectives[] = {
    &ent_objective_consolidate,
    &ent_objective_repair,
    &ent_objective_balance,
    &ent_objective_energy,
};

#define N_OBJECTIVES (sizeof objectives / sizeof *objectives)

const struct ent_objective *ent_objective_at(size_t i)
{
    return i < N_OBJECTIVES ? objectives[i] : NULL;
}

const struct ent_objective *ent_objective_find(const char *name)
{
    for (size_t i = 0; i < N_OBJECTIVES; i++)
        if (strcmp(name, objectives[i]->name) == 0)
            return objectives[i];
    return NULL;
}

const char *ent_objective_name_at(size_t i)
{
    return i < N_OBJECTIVES ? objectives[i]->name : NULL;
}
