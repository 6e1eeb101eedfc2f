/* Migrations the hypervisor goes on with after the loop gave them up (xend cannot cancel one):
 * remembered from the round that gave them up until their driver says they ended, so that the
 * daemon never calls the cluster coherent meanwhile, however far behind monitoring is (the seed's
 * script republishes a node's VMs only every few seconds). */
#include "daemon/in_flight.h"

#include "daemon/loop.h"
#include "drivers/driver.h"
#include "model/model.h"
#include "model/plan.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/log.h"

#include <string.h>

static bool known(const struct ent_loop *loop, const char *vm)
{
    for (size_t i = 0; i < loop->n_in_flight; i++)
        if (strcmp(loop->in_flight[i].vm, vm) == 0)
            return true;
    return false;
}

void ent_in_flight_learn(struct ent_loop *loop, const struct ent_model *m,
                         const struct ent_plan *plan, const struct ent_exec_result *res)
{
    for (size_t i = 0; i < plan->len && i < res->len; i++) {
        const struct ent_action *a = &plan->actions[i];
        if (!res->outcomes[i].in_flight || a->vm < 0 || a->from < 0 || a->to < 0 ||
            !m->vms[a->vm].name || known(loop, m->vms[a->vm].name))
            continue;
        ENT_GROW(loop->in_flight, loop->cap_in_flight, loop->n_in_flight);
        loop->in_flight[loop->n_in_flight++] = (struct ent_in_flight){
            ent_strdup(m->vms[a->vm].name), ent_strdup(m->nodes[a->from].name),
            ent_strdup(m->nodes[a->to].name)};
    }
}

/* Whether f's VM is still migrating, as its source's driver says; true when it cannot tell. */
static bool still_migrating(struct ent_driver_set *drivers, const struct ent_in_flight *f)
{
    struct ent_driver *drv = ent_driver_set_pick(drivers, f->from, NULL);
    if (!drv || !drv->ops->locate_vm)
        return true;
    struct ent_vm_place place;
    struct ent_error err;
    ent_error_init(&err);
    if (drv->ops->locate_vm(drv, f->vm, f->from, f->to, &place, &err)) {
        ent_warn("%s: where its migration from %s stands could not be asked: %s", f->vm, f->from,
                 err.msg);
        return true;
    }
    if (strcmp(place.state, "migrating") == 0)
        return true;
    ent_info("%s: the migration from %s that the hypervisor went on with has ended: %s on %s",
             f->vm, f->from, place.state, place.node[0] ? place.node : "no node");
    return false;
}

static void forget(struct ent_loop *loop, size_t i)
{
    struct ent_in_flight *f = &loop->in_flight[i];
    ent_free(f->vm);
    ent_free(f->from);
    ent_free(f->to);
    *f = loop->in_flight[--loop->n_in_flight];
}

size_t ent_in_flight_ask(struct ent_loop *loop)
{
    for (size_t i = 0; i < loop->n_in_flight;)
        if (still_migrating(loop->drivers, &loop->in_flight[i]))
            i++;
        else
            forget(loop, i);
    return loop->n_in_flight;
}

void ent_in_flight_release(struct ent_loop *loop)
{
    if (!loop)
        return;
    while (loop->n_in_flight)
        forget(loop, 0);
    ent_free(loop->in_flight);
    loop->in_flight = NULL;
    loop->cap_in_flight = 0;
}
