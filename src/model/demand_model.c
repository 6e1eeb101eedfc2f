/* Entropy's active / inactive demand model. */
#include "model/demand_model.h"

#include "model/model.h"
#include "util/error.h"

int ent_model_cpu_resource(const struct ent_model *m)
{
    static const char *const names[] = {"cpu", "uCpu", "cpus"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        int r = ent_model_resource_index(m, names[i]);
        if (r >= 0)
            return r;
    }
    return -1;
}

int ent_demand_model_apply(struct ent_model *m, const struct ent_demand_model *dm,
                           struct ent_error *err)
{
    int cpu = ent_model_cpu_resource(m);
    if (cpu < 0)
        return ent_error(err, ENT_EINVALID,
                         "the demand model needs a CPU resource (cpu, uCpu or cpus)");
    int active = 0;
    int64_t *demand = m->res[cpu].demand;
    for (size_t v = 0; v < m->n_vms; v++) {
        if (demand[v] <= dm->active_threshold) {
            demand[v] = 0;
            continue;
        }
        active++;
        if (dm->share_per_vcpu > 0) {
            json_t *vcpus = m->vms[v].attrs ? json_object_get(m->vms[v].attrs, "vcpus") : NULL;
            int64_t n = json_is_integer(vcpus) && json_integer_value(vcpus) > 0
                            ? json_integer_value(vcpus)
                            : 1;
            demand[v] = dm->share_per_vcpu * n;
        }
    }
    return active;
}
