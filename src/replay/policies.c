/* The policy registry and the preset table. A new policy is one file defining its struct
 * ent_replay_policy and one row here. */
#include "replay/internal.h"

#include <string.h>

static int none_decide(const struct ent_replay_policy *self, const struct ent_replay *r,
                       void *state, int32_t *target, struct ent_error *err)
{
    (void)self;
    (void)r;
    (void)state;
    (void)target;
    (void)err;
    return 0;
}

const struct ent_replay_policy ent_replay_policy_none = {
    .name = "none",
    .summary = "no migration: the start placement all along, empty hosts off",
    .decide = none_decide,
};

static const struct ent_replay_policy *const policies[] = {
    &ent_replay_policy_entropy, &ent_replay_policy_entropy_energy, &ent_replay_policy_lr_mmt,
    &ent_replay_policy_thr_mmt, &ent_replay_policy_none,
};

#define N_POLICIES (sizeof policies / sizeof *policies)

const struct ent_replay_policy *ent_replay_policy_at(size_t i)
{
    return i < N_POLICIES ? policies[i] : NULL;
}

const struct ent_replay_policy *ent_replay_policy_find(const char *name)
{
    for (size_t i = 0; i < N_POLICIES; i++)
        if (strcmp(name, policies[i]->name) == 0)
            return policies[i];
    return NULL;
}

const char *ent_replay_policy_name_at(size_t i)
{
    return i < N_POLICIES ? policies[i]->name : NULL;
}

/* CloudSim's PlanetLab set-up (Beloglazov & Buyya, CCPE 2012): HP ProLiant ML110 G4 (2 x 1860
 * MIPS) and G5 (2 x 2660 MIPS), 4 GiB, 1 Gbit/s, their SPECpower tables; four VM types. */
static const struct ent_replay_host_type proliant[] = {
    {"ml110-g4", 2 * 1860, 4096, {86, 89.4, 92.6, 96, 99.5, 102, 106, 108, 112, 114, 117}},
    {"ml110-g5", 2 * 2660, 4096, {93.7, 97, 101, 105, 110, 116, 121, 125, 129, 133, 135}},
};

static const struct ent_replay_vm_type planetlab_vms[] = {
    {2500, 870},
    {2000, 1740},
    {1000, 1740},
    {500, 613},
};

/* In CloudSim's PlanetLab runs a VM's requested memory is what its RAM utilisation model says,
 * null for this workload: memory counts for the start placement only. planetlab-memory is the
 * same cluster where it always counts. */
static const struct ent_replay_preset presets[] = {
    {"cloudsim-planetlab",
     "800 HP ProLiant G4/G5 hosts, 4 VM types, a sample every 300 s; memory counts at the "
     "start only (as CloudSim's runs)",
     800, proliant, 2, planetlab_vms, 4, 300, 125, false},
    {"planetlab-memory", "the same cluster, memory counting all along", 800, proliant, 2,
     planetlab_vms, 4, 300, 125, true},
};

#define N_PRESETS (sizeof presets / sizeof *presets)

const struct ent_replay_preset *ent_replay_preset_at(size_t i)
{
    return i < N_PRESETS ? &presets[i] : NULL;
}

const struct ent_replay_preset *ent_replay_preset_find(const char *name)
{
    for (size_t i = 0; i < N_PRESETS; i++)
        if (strcmp(name, presets[i].name) == 0)
            return &presets[i];
    return NULL;
}

const char *ent_replay_preset_name_at(size_t i)
{
    return i < N_PRESETS ? presets[i].name : NULL;
}
