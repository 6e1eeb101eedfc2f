/* The constraint catalogue in the checker: for each kind, a plan that satisfies it, plans that
 * break it, and for continuous ones a plan that ends right but breaks it on the way. */
#include "helpers.h"

#include "util/alloc.h"
#include "util/prng.h"

#include "plan/planner.h"
#include "solve/solve.h"

/* Nodes 0-3 online (memory 1000, cpu 100; storage A for 0-1, B for 2-3), node 4 offline.
 * VM 0 on node 0, VM 1 on node 1, VM 2 on node 2, VM 3 ready. */
static const char *instance(const char *cpu, const char *constraint)
{
    static char buf[4096];
    snprintf(
        buf, sizeof buf,
        "{\"model\": {\"mapping\": {\"onlineNodes\": {\"0\": {\"runningVMs\": [0]},"
        " \"1\": {\"runningVMs\": [1]}, \"2\": {\"runningVMs\": [2]}, \"3\": {}},"
        " \"offlineNodes\": [4], \"readyVMs\": [3]},"
        " \"attributes\": {\"nodes\": {\"0\": {\"storage\": \"A\"}, \"1\": {\"storage\": \"A\"},"
        " \"2\": {\"storage\": \"B\"}, \"3\": {\"storage\": \"B\"}}},"
        " \"views\": [{\"id\": \"shareableResource\", \"rcId\": \"memory\","
        " \"defCapacity\": 1000, \"vms\": {\"0\": 60, \"1\": 60, \"2\": 30, \"3\": 10}},"
        " {\"id\": \"shareableResource\", \"rcId\": \"cpu\", \"defCapacity\": 100,"
        " \"vms\": {%s}}]}, \"constraints\": [%s]}",
        cpu, constraint);
    return buf;
}

#define CPU "\"0\": 10, \"1\": 10, \"2\": 10, \"3\": 10"
#define MIG(vm, from, to, s, e)                                                                    \
    "{\"id\": \"migrateVM\", \"vm\": " #vm ", \"from\": " #from ", \"to\": " #to                   \
    ", \"start\": " #s ", \"end\": " #e "}"
#define NODE(kind, n, s, e)                                                                        \
    "{\"id\": \"" kind "\", \"node\": " #n ", \"start\": " #s ", \"end\": " #e "}"
#define PLAN0       "{\"actions\": []}"
#define PLAN1(a)    "{\"actions\": [" a "]}"
#define PLAN2(a, b) "{\"actions\": [" a ", " b "]}"

struct row {
    const char *name, *cpu, *constraint, *plan;
    int valid;
};

static const struct row rows[] = {
    /* spread */
    {"spread ok", CPU, "{\"id\": \"spread\", \"vms\": [0, 1]}", PLAN1(MIG(0, 0, 3, 0, 1)), 1},
    {"spread broken", CPU, "{\"id\": \"spread\", \"vms\": [0, 1]}", PLAN1(MIG(0, 0, 1, 0, 1)), 0},
    {"spread discrete, swap in time", CPU, "{\"id\": \"spread\", \"vms\": [0, 1]}",
     PLAN2(MIG(1, 1, 3, 0, 5), MIG(0, 0, 1, 2, 4)), 1},
    {"spread continuous, swap in time", CPU,
     "{\"id\": \"spread\", \"vms\": [0, 1], \"continuous\": true}",
     PLAN2(MIG(1, 1, 3, 0, 5), MIG(0, 0, 1, 2, 4)), 0},
    /* split */
    {"split ok", CPU, "{\"id\": \"split\", \"parts\": [[0], [1]]}", PLAN1(MIG(0, 0, 3, 0, 1)), 1},
    {"split broken", CPU, "{\"id\": \"split\", \"parts\": [[0], [1]]}", PLAN1(MIG(0, 0, 1, 0, 1)),
     0},
    {"split continuous", CPU, "{\"id\": \"split\", \"parts\": [[0], [1]], \"continuous\": true}",
     PLAN2(MIG(1, 1, 3, 0, 5), MIG(0, 0, 1, 2, 4)), 0},
    /* among */
    {"among ok", CPU, "{\"id\": \"among\", \"vms\": [0, 1], \"parts\": [[0, 1], [2, 3]]}",
     PLAN1(MIG(0, 0, 1, 0, 1)), 1},
    {"among broken", CPU, "{\"id\": \"among\", \"vms\": [0, 1], \"parts\": [[0, 1], [2, 3]]}",
     PLAN1(MIG(1, 1, 2, 0, 1)), 0},
    {"among discrete, group change", CPU,
     "{\"id\": \"among\", \"vms\": [0, 1], \"parts\": [[0, 1], [2, 3]]}",
     PLAN2(MIG(0, 0, 2, 0, 2), MIG(1, 1, 3, 0, 2)), 1},
    {"among continuous, group change", CPU,
     "{\"id\": \"among\", \"vms\": [0, 1], \"parts\": [[0, 1], [2, 3]], \"continuous\": true}",
     PLAN2(MIG(0, 0, 2, 0, 2), MIG(1, 1, 3, 0, 2)), 0},
    /* splitAmong */
    {"splitAmong ok", CPU,
     "{\"id\": \"splitAmong\", \"vParts\": [[0], [1]], \"pParts\": [[0], [1]]}", PLAN0, 1},
    {"splitAmong broken", CPU,
     "{\"id\": \"splitAmong\", \"vParts\": [[0], [1]], \"pParts\": [[0], [1]]}",
     PLAN1(MIG(0, 0, 1, 0, 1)), 0},
    {"splitAmong discrete, swap", CPU,
     "{\"id\": \"splitAmong\", \"vParts\": [[0], [1]], \"pParts\": [[0], [1]]}",
     PLAN2(MIG(0, 0, 1, 0, 2), MIG(1, 1, 0, 0, 2)), 1},
    {"splitAmong continuous, swap", CPU,
     "{\"id\": \"splitAmong\", \"vParts\": [[0], [1]], \"pParts\": [[0], [1]], "
     "\"continuous\": true}",
     PLAN2(MIG(0, 0, 1, 0, 2), MIG(1, 1, 0, 0, 2)), 0},
    /* quarantine */
    {"quarantine ok", CPU, "{\"id\": \"quarantine\", \"nodes\": [2]}", PLAN1(MIG(0, 0, 3, 0, 1)),
     1},
    {"quarantine, leaving", CPU, "{\"id\": \"quarantine\", \"nodes\": [2]}",
     PLAN1(MIG(2, 2, 3, 0, 1)), 0},
    {"quarantine, entering", CPU, "{\"id\": \"quarantine\", \"nodes\": [2]}",
     PLAN1(MIG(0, 0, 2, 0, 1)), 0},
    /* overbook */
    {"cpu over capacity", "\"0\": 90, \"1\": 90", "", PLAN1(MIG(1, 1, 0, 0, 1)), 0},
    {"overbook lets it fit", "\"0\": 90, \"1\": 90",
     "{\"id\": \"overbook\", \"node\": 0, \"rc\": \"cpu\", \"ratio\": 2.0}",
     PLAN1(MIG(1, 1, 0, 0, 1)), 1},
    {"overbook too small", "\"0\": 90, \"1\": 90",
     "{\"id\": \"overbook\", \"node\": 0, \"rc\": \"cpu\", \"ratio\": 1.5}",
     PLAN1(MIG(1, 1, 0, 0, 1)), 0},
    /* seq */
    {"seq ok", CPU, "{\"id\": \"seq\", \"vms\": [0, 1]}",
     PLAN2(MIG(0, 0, 3, 0, 2), MIG(1, 1, 3, 2, 4)), 1},
    {"seq broken", CPU, "{\"id\": \"seq\", \"vms\": [0, 1]}",
     PLAN2(MIG(0, 0, 3, 0, 2), MIG(1, 1, 3, 1, 3)), 0},
    /* noDelay */
    {"noDelay ok", CPU, "{\"id\": \"noDelay\", \"vm\": 0}", PLAN1(MIG(0, 0, 3, 0, 1)), 1},
    {"noDelay broken", CPU, "{\"id\": \"noDelay\", \"vm\": 0}", PLAN1(MIG(0, 0, 3, 1, 2)), 0},
    /* storage domains */
    {"storage ok", CPU, "{\"id\": \"storageDomains\"}", PLAN1(MIG(0, 0, 1, 0, 1)), 1},
    {"storage crossed", CPU, "{\"id\": \"storageDomains\"}", PLAN1(MIG(0, 0, 2, 0, 1)), 0},
    {"no storage rule", CPU, "", PLAN1(MIG(0, 0, 2, 0, 1)), 1},
    /* root */
    {"root broken", CPU, "{\"id\": \"root\", \"vm\": 0}",
     PLAN2(MIG(0, 0, 3, 0, 1), MIG(0, 3, 0, 1, 2)), 0},
    {"root ok", CPU, "{\"id\": \"root\", \"vm\": 0}", PLAN1(MIG(1, 1, 3, 0, 1)), 1},
    /* ban, fence: continuous versions see the detour */
    {"ban discrete, detour", CPU, "{\"id\": \"ban\", \"vm\": 0, \"nodes\": [2]}",
     PLAN2(MIG(0, 0, 2, 0, 1), MIG(0, 2, 3, 1, 2)), 1},
    {"ban continuous, detour", CPU,
     "{\"id\": \"ban\", \"vm\": 0, \"nodes\": [2], \"continuous\": true}",
     PLAN2(MIG(0, 0, 2, 0, 1), MIG(0, 2, 3, 1, 2)), 0},
    {"fence discrete, detour", CPU, "{\"id\": \"fence\", \"vm\": 0, \"nodes\": [0, 3]}",
     PLAN2(MIG(0, 0, 2, 0, 1), MIG(0, 2, 3, 1, 2)), 1},
    {"fence continuous, detour", CPU,
     "{\"id\": \"fence\", \"vm\": 0, \"nodes\": [0, 3], \"continuous\": true}",
     PLAN2(MIG(0, 0, 2, 0, 1), MIG(0, 2, 3, 1, 2)), 0},
    /* gather */
    {"gather continuous, gathering where one is", CPU,
     "{\"id\": \"gather\", \"vms\": [0, 1], \"continuous\": true}", PLAN1(MIG(1, 1, 0, 0, 1)), 1},
    {"gather discrete, both move", CPU, "{\"id\": \"gather\", \"vms\": [0, 1]}",
     PLAN2(MIG(0, 0, 3, 0, 1), MIG(1, 1, 3, 0, 1)), 1},
    {"gather continuous, both move", CPU,
     "{\"id\": \"gather\", \"vms\": [0, 1], \"continuous\": true}",
     PLAN2(MIG(0, 0, 3, 0, 1), MIG(1, 1, 3, 0, 1)), 0},
    /* lonely */
    {"lonely broken", CPU, "{\"id\": \"lonely\", \"vms\": [0]}", PLAN1(MIG(1, 1, 0, 0, 1)), 0},
    {"lonely discrete, visit", CPU, "{\"id\": \"lonely\", \"vms\": [0]}",
     PLAN2(MIG(1, 1, 0, 0, 2), MIG(1, 0, 3, 2, 4)), 1},
    {"lonely continuous, visit", CPU, "{\"id\": \"lonely\", \"vms\": [0], \"continuous\": true}",
     PLAN2(MIG(1, 1, 0, 0, 2), MIG(1, 0, 3, 2, 4)), 0},
    /* resourceCapacity, runningCapacity */
    {"resourceCapacity discrete, visit", CPU,
     "{\"id\": \"resourceCapacity\", \"nodes\": [0, 1], \"rc\": \"memory\", \"amount\": 130}",
     PLAN2(MIG(2, 2, 0, 0, 2), MIG(2, 0, 3, 2, 4)), 1},
    {"resourceCapacity continuous, visit", CPU,
     "{\"id\": \"resourceCapacity\", \"nodes\": [0, 1], \"rc\": \"memory\", \"amount\": 130, "
     "\"continuous\": true}",
     PLAN2(MIG(2, 2, 0, 0, 2), MIG(2, 0, 3, 2, 4)), 0},
    {"runningCapacity discrete, relay", CPU,
     "{\"id\": \"runningCapacity\", \"nodes\": [0], \"amount\": 1}",
     PLAN2(MIG(1, 1, 0, 0, 1), MIG(0, 0, 3, 0, 1)), 1},
    {"runningCapacity continuous, relay", CPU,
     "{\"id\": \"runningCapacity\", \"nodes\": [0], \"amount\": 1, \"continuous\": true}",
     PLAN2(MIG(1, 1, 0, 0, 1), MIG(0, 0, 3, 0, 1)), 0},
    /* node and VM states */
    {"maxOnline discrete, swap nodes", CPU,
     "{\"id\": \"maxOnline\", \"nodes\": [0, 1, 2, 3, 4], \"amount\": 4}",
     PLAN2(NODE("bootNode", 4, 0, 1), NODE("shutdownNode", 3, 0, 1)), 1},
    {"maxOnline continuous, swap nodes", CPU,
     "{\"id\": \"maxOnline\", \"nodes\": [0, 1, 2, 3, 4], \"amount\": 4, \"continuous\": true}",
     PLAN2(NODE("bootNode", 4, 0, 1), NODE("shutdownNode", 3, 0, 1)), 0},
    {"online discrete, reboot", CPU, "{\"id\": \"online\", \"node\": 3}",
     PLAN2(NODE("shutdownNode", 3, 0, 1), NODE("bootNode", 3, 1, 2)), 1},
    {"online continuous, reboot", CPU, "{\"id\": \"online\", \"node\": 3, \"continuous\": true}",
     PLAN2(NODE("shutdownNode", 3, 0, 1), NODE("bootNode", 3, 1, 2)), 0},
    {"offline continuous, blink", CPU, "{\"id\": \"offline\", \"node\": 4, \"continuous\": true}",
     PLAN2(NODE("bootNode", 4, 0, 1), NODE("shutdownNode", 4, 1, 2)), 0},
    {"running continuous, restart", CPU, "{\"id\": \"running\", \"vm\": 2, \"continuous\": true}",
     PLAN1("{\"id\": \"shutdownVM\", \"vm\": 2, \"on\": 2, \"start\": 0, \"end\": 1}, "
           "{\"id\": \"bootVM\", \"vm\": 2, \"to\": 2, \"start\": 1, \"end\": 2}"),
     0},
    {"sleeping broken", CPU, "{\"id\": \"sleeping\", \"vm\": 2}", PLAN0, 0},
    {"sleeping ok", CPU, "{\"id\": \"sleeping\", \"vm\": 2}",
     PLAN1("{\"id\": \"suspendVM\", \"vm\": 2, \"from\": 2, \"to\": 2, \"start\": 0, "
           "\"end\": 1}"),
     1},
    {"killed broken", CPU, "{\"id\": \"killed\", \"vm\": 2}", PLAN0, 0},
    {"killed ok", CPU, "{\"id\": \"killed\", \"vm\": 2}",
     PLAN1("{\"id\": \"killVM\", \"vm\": 2, \"on\": 2, \"start\": 0, \"end\": 1}"), 1},
    {"running discrete, restart", CPU, "{\"id\": \"running\", \"vm\": 2}",
     PLAN1("{\"id\": \"shutdownVM\", \"vm\": 2, \"on\": 2, \"start\": 0, \"end\": 1}, "
           "{\"id\": \"bootVM\", \"vm\": 2, \"to\": 2, \"start\": 1, \"end\": 2}"),
     1},
};

static void test_catalogue(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        const struct row *r = &rows[i];
        struct ent_model *m = load_instance(instance(r->cpu, r->constraint));
        struct ent_plan plan;
        load_plan(&plan, m, r->plan);
        struct ent_check_report rep;
        ent_check_report_init(&rep);
        ent_check_plan(m, &plan, &rep);
        if (rep.valid != r->valid || json_object_size(rep.unchecked) != 0) {
            char *text = json_dumps(rep.violations, 0);
            print_error("%s: valid %d, expected %d; unchecked %zu; %s\n", r->name, rep.valid,
                        r->valid, json_object_size(rep.unchecked), text);
            free(text);
            failures++;
        }
        ent_check_report_release(&rep);
        ent_plan_release(&plan);
        free_instance(m);
    }
    assert_int_equal(failures, 0);
}

/* --- The solver repairs each kind ---------------------------------------------------------- */

/* Nodes 0-3 (memory 1000, cpu 100; storage A for 0-1, B for 2-3); VMs 0 and 1 on node 0, VM 2
 * on node 1, VM 3 on node 2, VM 9 ready; memory 100 and cpu 10 each (cpu as given). */
static const char *broken(const char *cpu, const char *constraints)
{
    static char buf[4096];
    snprintf(
        buf, sizeof buf,
        "{\"model\": {\"mapping\": {\"onlineNodes\": {\"0\": {\"runningVMs\": [0, 1]},"
        " \"1\": {\"runningVMs\": [2]}, \"2\": {\"runningVMs\": [3]}, \"3\": {}},"
        " \"readyVMs\": [9]},"
        " \"attributes\": {\"nodes\": {\"0\": {\"storage\": \"A\"}, \"1\": {\"storage\": \"A\"},"
        " \"2\": {\"storage\": \"B\"}, \"3\": {\"storage\": \"B\"}}},"
        " \"views\": [{\"id\": \"shareableResource\", \"rcId\": \"memory\","
        " \"defCapacity\": 1000, \"defConsumption\": 100},"
        " {\"id\": \"shareableResource\", \"rcId\": \"cpu\", \"defCapacity\": 100,"
        " \"defConsumption\": 10, \"vms\": {%s}}]}, \"constraints\": [%s]}",
        cpu, constraints);
    return buf;
}

struct repair_row {
    const char *name, *cpu, *constraints;
};

static const struct repair_row repairs[] = {
    {"spread", "", "{\"id\": \"spread\", \"vms\": [0, 1]}"},
    {"split", "", "{\"id\": \"split\", \"parts\": [[0], [1]]}"},
    {"gather", "", "{\"id\": \"gather\", \"vms\": [2, 3]}"},
    {"among", "", "{\"id\": \"among\", \"vms\": [0, 2], \"parts\": [[0], [1, 2, 3]]}"},
    {"splitAmong", "",
     "{\"id\": \"splitAmong\", \"vParts\": [[0], [1]], \"pParts\": [[0, 1], [2, 3]]}"},
    {"lonely", "", "{\"id\": \"lonely\", \"vms\": [0]}"},
    {"root", "", "{\"id\": \"root\", \"vm\": 0}, {\"id\": \"spread\", \"vms\": [0, 1]}"},
    {"quarantine", "",
     "{\"id\": \"quarantine\", \"nodes\": [3]}, {\"id\": \"spread\", \"vms\": [0, 1]}"},
    {"storageDomains", "", "{\"id\": \"storageDomains\"}, {\"id\": \"spread\", \"vms\": [0, 1]}"},
    {"overbook", "\"2\": 150",
     "{\"id\": \"overbook\", \"node\": 1, \"rc\": \"cpu\", \"ratio\": 1.2}, "
     "{\"id\": \"overbook\", \"node\": 3, \"rc\": \"cpu\", \"ratio\": 2.0}"},
    {"maxOnline", "", "{\"id\": \"maxOnline\", \"nodes\": [0, 1, 2, 3], \"amount\": 2}"},
    {"runningCapacity", "", "{\"id\": \"runningCapacity\", \"nodes\": [0], \"amount\": 1}"},
    {"resourceCapacity", "",
     "{\"id\": \"resourceCapacity\", \"nodes\": [0], \"rc\": \"memory\", \"amount\": 150}"},
    {"ban", "", "{\"id\": \"ban\", \"vm\": 0, \"nodes\": [0]}"},
    {"fence", "", "{\"id\": \"fence\", \"vm\": 0, \"nodes\": [3]}"},
    {"offline", "", "{\"id\": \"offline\", \"node\": 2}"},
    {"running", "", "{\"id\": \"running\", \"vm\": 9}"},
    {"ready", "", "{\"id\": \"ready\", \"vm\": 0}"},
    {"sleeping", "", "{\"id\": \"sleeping\", \"vm\": 2}"},
    {"killed", "", "{\"id\": \"killed\", \"vm\": 3}"},
    {"preserve", "", "{\"id\": \"preserve\", \"vm\": 0, \"rc\": \"cpu\", \"amount\": 95}"},
    /* continuous: the plan itself keeps them */
    {"spread (continuous)", "", "{\"id\": \"spread\", \"vms\": [0, 1, 2], \"continuous\": true}"},
    {"split (continuous)", "",
     "{\"id\": \"split\", \"parts\": [[0], [1, 2]], \"continuous\": true}"},
    {"gather (continuous)", "", "{\"id\": \"gather\", \"vms\": [2, 3], \"continuous\": true}"},
    {"among (continuous)", "",
     "{\"id\": \"among\", \"vms\": [0, 2], \"parts\": [[0], [1, 2, 3]], \"continuous\": true}"},
    {"lonely (continuous)", "", "{\"id\": \"lonely\", \"vms\": [0], \"continuous\": true}"},
    /* a boot uses no link slot: only the continuous capacity makes it wait for the departures */
    {"runningCapacity (continuous)", "",
     "{\"id\": \"runningCapacity\", \"nodes\": [0], \"amount\": 1, \"continuous\": true}, "
     "{\"id\": \"running\", \"vm\": 9}, {\"id\": \"fence\", \"vm\": 9, \"nodes\": [0]}"},
    {"resourceCapacity (continuous)", "",
     "{\"id\": \"resourceCapacity\", \"nodes\": [0], \"rc\": \"memory\", \"amount\": 150, "
     "\"continuous\": true}, {\"id\": \"running\", \"vm\": 9}, "
     "{\"id\": \"fence\", \"vm\": 9, \"nodes\": [0]}"},
    {"ban (continuous)", "",
     "{\"id\": \"ban\", \"vm\": 1, \"nodes\": [0, 1], \"continuous\": true}"},
    {"seq", "",
     "{\"id\": \"spread\", \"vms\": [0, 1]}, {\"id\": \"running\", \"vm\": 9}, "
     "{\"id\": \"seq\", \"vms\": [1, 9]}"},
    {"noDelay", "", "{\"id\": \"spread\", \"vms\": [0, 1]}, {\"id\": \"noDelay\", \"vm\": 1}"},
};

static void test_solver_repairs_each_kind(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof repairs / sizeof *repairs; i++)
        for (int obj = 0; obj < 2; obj++) {
            const struct repair_row *r = &repairs[i];
            struct ent_model *m = load_instance(broken(r->cpu, r->constraints));
            /* The instance breaks the constraint as it is (no plan at all is invalid)... */
            struct ent_plan none;
            ent_plan_init(&none);
            struct ent_check_report rep;
            ent_check_report_init(&rep);
            ent_check_plan(m, &none, &rep);
            int broken_before = !rep.valid;
            ent_check_report_release(&rep);
            /* ...and the solver's plan fixes it. */
            struct ent_solve_options so;
            ent_solve_options_init(&so);
            so.objective = ent_objective_at((size_t)obj);
            so.time_limit = 0.2; /* the search uses what it is given while a gap remains */
            struct ent_mapping target;
            ent_mapping_init(&target);
            struct ent_solve_stats st;
            struct ent_error err;
            struct ent_plan plan;
            struct ent_plan_stats ps;
            struct ent_plan_options po;
            ent_plan_options_init(&po);
            ent_plan_init(&plan);
            int rc = ent_solve(m, &so, &target, &st, &err);
            if (!rc)
                rc = ent_plan_build(m, &target, &po, &plan, &ps, &err);
            ent_check_report_init(&rep);
            if (!rc)
                ent_check_plan(m, &plan, &rep);
            if (!broken_before || rc || !rep.valid) {
                char *text = rc ? NULL : json_dumps(rep.violations, 0);
                print_error("%s (%s): broken before %d, rc %d %s, plan valid %d %s\n", r->name,
                            obj ? "repair" : "consolidate", broken_before, rc, rc ? err.msg : "",
                            rep.valid, text ? text : "");
                free(text);
                failures++;
            }
            ent_check_report_release(&rep);
            ent_plan_release(&plan);
            ent_plan_release(&none);
            ent_mapping_release(&target);
            free_instance(m);
        }
    assert_int_equal(failures, 0);
}

/* --- Impossible instances are explained at once ------------------------------------------- */

struct explain_row {
    const char *constraints, *words1, *words2;
};

static const struct explain_row impossible[] = {
    {"{\"id\": \"running\", \"vm\": 9}, {\"id\": \"spread\", \"vms\": [0, 1, 2, 3, 9]}",
     "spread: 5 VMs", "only 4 nodes are eligible"},
    {"{\"id\": \"fence\", \"vm\": 0, \"nodes\": [2]}, {\"id\": \"offline\", \"node\": 2}",
     "VM vm#0 has no eligible node", "offline"},
    {"{\"id\": \"preserve\", \"vm\": 0, \"rc\": \"cpu\", \"amount\": 60}, "
     "{\"id\": \"preserve\", \"vm\": 1, \"rc\": \"cpu\", \"amount\": 60}, "
     "{\"id\": \"gather\", \"vms\": [0, 1]}",
     "gather", "larger than each of the 4 nodes"},
    {"{\"id\": \"preserve\", \"vm\": 0, \"rc\": \"cpu\", \"amount\": 60}, "
     "{\"id\": \"preserve\", \"vm\": 2, \"rc\": \"cpu\", \"amount\": 60}, "
     "{\"id\": \"among\", \"vms\": [0, 2], \"parts\": [[0], [1]]}",
     "among: none of its 2 groups", "vm#0, vm#2"},
    {"{\"id\": \"splitAmong\", \"vParts\": [[0], [1], [2]], \"pParts\": [[0, 1], [2, 3]]}",
     "splitAmong: 3 parts", "2 groups"},
    {"{\"id\": \"root\", \"vm\": 3}, {\"id\": \"offline\", \"node\": 2}",
     "root: VM vm#3 may not move", "node#2 goes offline"},
    {"{\"id\": \"quarantine\", \"nodes\": [2]}, {\"id\": \"offline\", \"node\": 2}",
     "quarantine: node node#2 goes offline", "vm#3"},
    {"{\"id\": \"preserve\", \"vm\": 0, \"rc\": \"cpu\", \"amount\": 150}",
     "VM vm#0 is larger than every one of its 4 eligible nodes", "vm#0"},
    {"{\"id\": \"running\", \"vm\": 9}, "
     "{\"id\": \"split\", \"parts\": [[0], [1], [2], [3], [9]]}",
     "split: 5 parts", "only 4 nodes"},
};

static void test_impossible_is_explained(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof impossible / sizeof *impossible; i++)
        for (int obj = 0; obj < 2; obj++) {
            const struct explain_row *r = &impossible[i];
            struct ent_model *m = load_instance(broken("", r->constraints));
            struct ent_solve_options so;
            ent_solve_options_init(&so);
            so.objective = ent_objective_at((size_t)obj);
            struct ent_mapping target;
            ent_mapping_init(&target);
            struct ent_solve_stats st;
            struct ent_error err;
            ent_error_init(&err);
            int rc = ent_solve(m, &so, &target, &st, &err);
            if (rc != ENT_EINFEASIBLE || !strstr(err.msg, r->words1) ||
                !strstr(err.msg, r->words2)) {
                print_error("case %zu: rc %d, message \"%s\", expected \"%s\" and \"%s\"\n", i, rc,
                            err.msg, r->words1, r->words2);
                failures++;
            }
            ent_mapping_release(&target);
            free_instance(m);
        }
    assert_int_equal(failures, 0);
}

/* The membership index of a constraint's parts answers as a scan of the lists does, overlapping
 * parts and items in none included. */
static void test_parts_index_matches_a_scan(void **state)
{
    (void)state;
    struct ent_prng rng;
    ent_prng_init(&rng, 3);
    for (int round = 0; round < 50; round++) {
        struct ent_parts parts = {0};
        parts.n = 1 + ent_prng_below(&rng, 12);
        parts.items = calloc(parts.n, sizeof *parts.items);
        parts.len = calloc(parts.n, sizeof *parts.len);
        for (size_t g = 0; g < parts.n; g++) {
            parts.len[g] = (uint32_t)ent_prng_below(&rng, 20);
            parts.items[g] = malloc((parts.len[g] + 1) * sizeof(int32_t));
            for (uint32_t k = 0; k < parts.len[g]; k++)
                parts.items[g][k] = (int32_t)ent_prng_below(&rng, 60);
        }
        ptrdiff_t scan_next[60][13];
        bool scan_has[60][12];
        for (int32_t x = 0; x < 60; x++) {
            for (ptrdiff_t after = -1; after < (ptrdiff_t)parts.n; after++)
                scan_next[x][after + 1] = ent_parts_next(&parts, x, after); /* no index: a scan */
            for (size_t g = 0; g < parts.n; g++)
                scan_has[x][g] = ent_parts_has(&parts, g, x);
        }
        ent_parts_index(&parts);
        for (int32_t x = 0; x < 60; x++) {
            assert_int_equal(ent_parts_find(&parts, x), scan_next[x][0]);
            for (ptrdiff_t after = -1; after < (ptrdiff_t)parts.n; after++)
                assert_int_equal(ent_parts_next(&parts, x, after), scan_next[x][after + 1]);
            for (size_t g = 0; g < parts.n; g++)
                assert_int_equal(ent_parts_has(&parts, g, x), scan_has[x][g]);
        }
        for (size_t g = 0; g < parts.n; g++)
            free(parts.items[g]);
        free(parts.items);
        free(parts.len);
        ent_free(parts.index);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catalogue),
        cmocka_unit_test(test_solver_repairs_each_kind),
        cmocka_unit_test(test_impossible_is_explained),
        cmocka_unit_test(test_parts_index_matches_a_scan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
